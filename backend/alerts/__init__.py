"""Who is alerted about an urgent concern, and how: recipients, escalation, the job queue."""
