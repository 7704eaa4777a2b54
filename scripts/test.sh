#!/usr/bin/env bash
# Every test of the project, from a fresh machine: installs what is missing (scripts/setup.sh
# --browser), then runs
#   0. rustfmt --check and clippy -D warnings (native and wasm),
#   1. the native tests (cargo test: maths, data, JSON, charts, the command line), and the
#      command line against an independent numpy restatement of network2.py,
#   2. the wasm-bindgen tests in Node and in headless Chromium,
#   3. the end-to-end browser tests (node --test tests/e2e/, Chromium driven by playwright-core),
#   4. the same page in Firefox ESR (node --test tests/firefox/, puppeteer-core over WebDriver BiDi),
#   5. an mdBook with two embeds, built and read in Chromium (tests/book/; installs mdBook once).
# Exits non-zero if any fails, and ends with a line "N passed, N failed" over the steps.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser || exit 1

passed=0
failed=0
step() { # name, command...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "=== FAILED: $name"; fi
}

lints() {
  cargo fmt --check &&
    cargo clippy --all-targets --release -- -D warnings &&
    CARGO_TARGET_DIR=target/wasm-simd RUSTFLAGS="-C target-feature=+simd128" cargo clippy --release --lib --target wasm32-unknown-unknown -- -D warnings &&
    CARGO_TARGET_DIR=target/wasm-inside RUSTFLAGS="-C target-feature=+simd128" cargo clippy --release --lib --features inside --target wasm32-unknown-unknown -- -D warnings
}
step "format and lints (rustfmt, clippy native and wasm)" lints
step "native tests" cargo test --release
step "network2 reference (numpy)" python3 tests/reference/network2_check.py
step "build the page" bash scripts/build.sh
# After the build: tests/js/core.test.mjs reads the core's facts from www/pkg.
step "JavaScript unit tests" node --test tests/js/
export CARGO_TARGET_DIR=target/wasm-test
step "wasm-bindgen tests (Node)" cargo test --target wasm32-unknown-unknown --test wasm_node
step "wasm-bindgen tests (headless Chromium)" env CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_browser
unset CARGO_TARGET_DIR
mkdir -p artifacts/screenshots
step "browser end-to-end tests" node --test --test-concurrency=1 --test-timeout=300000 tests/e2e/
step "browser tests (Firefox ESR)" node --test --test-concurrency=1 --test-timeout=120000 tests/firefox/
book_tests() { bash scripts/setup.sh --mdbook && node --test --test-timeout=300000 tests/book/; }
step "mdBook with two embeds (Chromium)" book_tests

echo "test suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
