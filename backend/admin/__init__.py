"""The admin console's API (/api/admin: people, teams, the audit log) and a duty manager's
setup codes for their own team (/api/team)."""
