#!/usr/bin/env bash
# Build the page's wasm package into www/pkg: the core compiled to wasm32 with simd128
# (matrixmultiply's and our f32 kernels vectorise with it), bound by wasm-bindgen
# (--target web: plain ES modules, no bundler), optimised by binaryen's wasm-opt.
# Quick when nothing changed: cargo is incremental and the last two steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Its own target dir: a simd128 build would otherwise evict the native one (TOOLCHAIN.md).
export CARGO_TARGET_DIR=target/wasm-simd
RUSTFLAGS="-C target-feature=+simd128" cargo build --release --lib --target wasm32-unknown-unknown
wasm=target/wasm-simd/wasm32-unknown-unknown/release/gradlab.wasm

out=www/pkg
if [ -f "$out/gradlab_bg.wasm" ] && [ "$out/gradlab_bg.wasm" -nt "$wasm" ] && [ "$out/gradlab.js" -nt "$wasm" ]; then
  echo "build: www/pkg is up to date"
  exit 0
fi
wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
node_modules/.bin/wasm-opt -O3 \
  --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/gradlab_bg.wasm" -o "$out/gradlab_bg.wasm"
echo "build: $out/gradlab_bg.wasm $(stat -c %s "$out/gradlab_bg.wasm") bytes, $(gzip -9c "$out/gradlab_bg.wasm" | wc -c) gzipped"
