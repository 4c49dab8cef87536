#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster (Debian's postgresql package) and
# SAFEVISIT_TEST_DATABASE_URL pointing at it; the cluster is removed afterwards.
# If SAFEVISIT_TEST_DATABASE_URL is already set, that database is used instead.
set -euo pipefail
if [ -n "${SAFEVISIT_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL is not installed (scripts/install-system-deps.sh installs it)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/safevisit-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U safevisit --auth=trust -E UTF8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U safevisit safevisit_test
export SAFEVISIT_TEST_DATABASE_URL="postgresql+psycopg://safevisit@127.0.0.1:$port/safevisit_test"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port"
"$@"
