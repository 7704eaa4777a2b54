#!/usr/bin/env bash
# Install what the project needs on a fresh machine (Debian 12, Rust via rustup, Node 20),
# and nothing that is already there. Safe to run again: it only checks when all is in place.
#   --browser   also install Debian's Chromium and ChromeDriver, and Firefox ESR (for the browser tests)
#   --mdbook    also install mdBook 0.5.4 into target/tools/mdbook (for tests/book/, ~2 min once)
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_mdbook=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --mdbook) want_mdbook=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

# rustfmt and clippy, for the test command's format and lint step.
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    echo "setup: adding the Rust component $component"
    rustup component add "$component"
  fi
done

# The wasm target of the Rust toolchain.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (a
# mismatch fails with a schema-version error). Not --locked: its lockfile wants a crate
# version the registry here lacks (see shared/notes/TOOLCHAIN.md).
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wb_version}\$"; then
  echo "setup: installing wasm-bindgen-cli ${wb_version} (about 5 minutes on 2 cores)"
  cargo install wasm-bindgen-cli --version "${wb_version}" --force
fi

# npm packages from the lockfile: binaryen's wasm-opt (not Debian's, which breaks wasm),
# playwright-core (drives Debian's Chromium; it downloads no browser).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

# numpy for the independent network2 reference (tests/reference/network2_check.py).
if ! python3 -c "import numpy" 2>/dev/null; then
  echo "setup: pip install numpy"
  python3 -m pip install -q --root-user-action=ignore -r tests/reference/requirements.txt
fi

if [ "$want_browser" = 1 ]; then
  # fonts-wqy-microhei: a 1.6 MB CJK font, so the Chinese page and charts render (and can be
  # screenshot-checked) in headless Chromium instead of showing empty boxes. firefox-esr: the
  # second browser of the tests (tests/firefox/, driven by puppeteer-core over WebDriver BiDi).
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null || ! fc-list :lang=zh | grep -q .; then
    echo "setup: installing Debian's chromium, chromium-driver, firefox-esr and a CJK font"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver firefox-esr fonts-wqy-microhei >/dev/null
  fi
fi

if [ "$want_mdbook" = 1 ]; then
  # mdBook for the test that builds a small book with two embeds (tests/book/). A folder of its
  # own, kept between runs: compiling it takes about 1 min 40 s on 2 idle cores (2 min 50 s on
  # a busy machine).
  if ! target/tools/mdbook/bin/mdbook --version 2>/dev/null | grep -q ' v0\.5\.4$'; then
    echo "setup: installing mdbook 0.5.4 into target/tools/mdbook (about 2 minutes)"
    cargo install mdbook --version 0.5.4 --locked --no-default-features --features search --root target/tools/mdbook
  fi
fi
