#!/usr/bin/env bash
# The browser end-to-end tests: build the page (scripts/build.sh), then drive Debian's
# Chromium with playwright-core through tests/e2e/*.test.mjs, one file at a time (each
# file starts its own static server and browser; the machine has 2 cores and the worker
# trains on one of them). Screenshots of every view land in artifacts/screenshots/.
#   bash scripts/e2e.sh                 all browser tests
#   bash scripts/e2e.sh tests/e2e/chain.test.mjs
#   CHROMIUM=/path/to/chromium bash scripts/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "e2e: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (bash scripts/setup.sh --browser installs Debian's)" >&2
  exit 1
fi
mkdir -p artifacts/screenshots
if [ "$#" -eq 0 ]; then set -- tests/e2e/; fi
exec node --test --test-concurrency=1 --test-timeout=300000 "$@"
