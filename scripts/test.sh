#!/usr/bin/env bash
# The whole test suite, as README says: type-check, lint (ESLint + Prettier), then jest (unit, dev tenant, store on SQLite
# and on a real PostgreSQL from embedded-postgres, bot, and the Agents Playground in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
# Browser tests need Debian's Chromium; the script installs it when it can and explains when not.
bash scripts/ensure-chromium.sh || echo "note: could not install Chromium; the browser suite will say it was skipped"
npx tsc --noEmit -p tsconfig.json
npm run --silent lint
npx jest --ci "$@"
