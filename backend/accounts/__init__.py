"""Users, teams, roles, sessions."""
