#!/usr/bin/env bash
# Installs what the tests need from Debian's packages: Chromium for Playwright
# Node.js for the JavaScript tests PostgreSQL for the second run of
# the suite and Redis for the rate limit shared between processes. Skips whatever is already there.
set -euo pipefail
need=()
browser="${SAFEVISIT_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing from Debian's packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
