"""The load run: 200 simulated devices each syncing 10 concerns through 4 gunicorn workers on
PostgreSQL. Every concern must be stored exactly once, with no 5xx and no deadlock.

    .venv/bin/python bench/load.py [--database-url postgresql://...]

Without --database-url it starts a throwaway PostgreSQL cluster (Debian's postgresql package).
Each device sends its 10 concerns as 2 sync requests of 5.
"""
import sys

import sync

if __name__ == "__main__":
    defaults = ["--clients", "200", "--batches", "2", "--batch-size", "5", "--workers", "4"]
    if "--database-url" not in sys.argv:
        defaults.append("--postgres")
    sys.argv[1:1] = defaults
    sync.main()
