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

# bind NAME WASM OUT LEVEL: wasm-bindgen and wasm-opt LEVEL of WASM into OUT/NAME.js and
# OUT/NAME_bg.wasm, skipped when OUT is newer than WASM.
bind() {
  local name=$1 wasm=$2 out=$3 level=$4
  if [ -f "$out/${name}_bg.wasm" ] && [ "$out/${name}_bg.wasm" -nt "$wasm" ] && [ "$out/$name.js" -nt "$wasm" ]; then
    echo "build: $out is up to date"
    return
  fi
  wasm-bindgen --target web --no-typescript --out-name "$name" --out-dir "$out" "$wasm"
  node_modules/.bin/wasm-opt "$level" \
    --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  echo "build: $out/${name}_bg.wasm $(stat -c %s "$out/${name}_bg.wasm") bytes, $(gzip -9c "$out/${name}_bg.wasm" | wc -c) gzipped"
}
# The first module at -Os: 2.5 KB gzip smaller than -O3 and as fast (Chromium, 3 × 3 epochs
# each way, [784, 30, 10] and [784, 30×4, 10]: within the runs' noise); its budget is tight.
bind gradlab "$wasm" www/pkg -Os

# The second module, www/pkg-inside: the same crate with the view inside the network
# (--features inside, src/web/inside.rs), which the page imports only when that view
# opens. Its own target dir, so neither build evicts the other.
CARGO_TARGET_DIR=target/wasm-inside RUSTFLAGS="-C target-feature=+simd128" \
  cargo build --release --lib --features inside --target wasm32-unknown-unknown
bind gradlab_inside target/wasm-inside/wasm32-unknown-unknown/release/gradlab.wasm www/pkg-inside -O3
