#!/usr/bin/env bash
# Build the page and serve the repository root on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node scripts/serve.mjs "${PORT:-8080}"
