#!/usr/bin/env bash
# Fuzz the readers of untrusted input for SECONDS each (default 600), one after another:
#   idx            IDX/gzip bytes → parse_idx, gunzip_bounded, Dataset, Subset (cargo-fuzz)
#   network2_json  text → network2_json::from_json in f64 and f32 (cargo-fuzz)
#   url            query strings → www/state.js decode() (scripts/fuzz-url.mjs, Node)
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (installed here if missing). Runs under `nice`
# (the machine's 2 cores are shared). Not part of scripts/test.sh: a fuzz run is open-ended.
# New inputs go to fuzz/corpus/<target> (ignored by git); the committed seeds are in
# fuzz/seeds/<target>; crashes land in fuzz/artifacts/<target> and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx network2_json url)

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

status=0
for t in "${targets[@]}"; do
  echo "=== fuzz $t for ${seconds}s"
  if [ "$t" = url ]; then
    nice -n 10 node scripts/fuzz-url.mjs --seconds "$seconds" || status=1
    continue
  fi
  mkdir -p "fuzz/corpus/$t"
  # -max_len: 64 KiB reaches every header path and a 1,000-fold gzip expansion;
  # -rss_limit_mb: libFuzzer's default (2 GB), stated: a reader using more is a bug.
  (cd fuzz && nice -n 10 cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -dict="$t.dict" -print_final_stats=1) 2>&1 | tee "fuzz/$t.log" | grep -E '^(#[0-9]+[[:space:]]+(DONE|pulse)|stat::|INFO: (Loaded|seed)|==[0-9]+==|SUMMARY|artifact)' || true
  if grep -q -E 'SUMMARY|Test unit written|panicked' "fuzz/$t.log"; then
    echo "=== fuzz $t: CRASH (see fuzz/$t.log and fuzz/artifacts/$t)"
    status=1
  else
    echo "=== fuzz $t: no crash; corpus $(ls "fuzz/corpus/$t" | wc -l) inputs"
  fi
done
exit $status
