#!/usr/bin/env bash
# Installs what the tests need from Debian's packages, skipping whatever is already there:
# Chromium for Playwright, Node.js for the JavaScript tests, PostgreSQL for the second run
# of the suite, Redis for the rate limit shared between processes, and npm for the OpenID
# Connect provider the single sign-on tests start (e2e/oidc, installed by `make test-deps`).
set -euo pipefail
need=()
browser="${SAFEVISIT_CHROMIUM:-/usr/bin/chromium}"
# "playwright" means Playwright's own browser build, installed by Playwright, not apt.
[ "$browser" = "playwright" ] || [ -x "$browser" ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing from Debian's packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  # The PWA's crypto tests use the global WebCrypto that Node.js has from version 20 on.
  echo "Node.js 20 or newer is needed for pwa/tests (found $(node --version))." >&2
  exit 1
fi
