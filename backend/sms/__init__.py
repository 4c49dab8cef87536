"""Text messages through GOV.UK Notify: verified mobile numbers and the SMS alert queue."""
