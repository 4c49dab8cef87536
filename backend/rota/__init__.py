"""The on-call rota: per team, shifts with a primary and a secondary manager."""
