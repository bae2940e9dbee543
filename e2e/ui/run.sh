#!/usr/bin/env bash
# The web UI's end-to-end test in headless Chromium against a running Wharf (e2e/system.sh runs it
# on the stack it starts). Needs Node.js with npm, and Debian's chromium (or CHROMIUM=/path).
#
# Env: WHARF_REGISTRY_PORT (5000), WHARF_ADMIN_USER (admin), WHARF_ADMIN_PASSWORD,
#      E2E_HOOK_URL    a webhook receiver the notifier may deliver to (for the trace step)
#      E2E_UI_ARTIFACTS where screenshots go (default e2e/logs/ui, emptied first)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export WHARF_UI_URL=${WHARF_UI_URL:-http://127.0.0.1:${WHARF_REGISTRY_PORT:-5000}}
export E2E_UI_ARTIFACTS=${E2E_UI_ARTIFACTS:-$HERE/../logs/ui}
rm -rf "$E2E_UI_ARTIFACTS"
mkdir -p "$E2E_UI_ARTIFACTS"
cd "$HERE"
# playwright-core only (no browser download): it drives the system's Chromium.
[ -d node_modules/playwright-core ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
exec node ui.test.mjs
