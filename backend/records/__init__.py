"""Records management: the retention schedule, the purge, tombstones and legal holds."""
