#!/usr/bin/env bash
# A short fuzzing run of nenpo's PDF entry point (crates/pdf), seeded with the small PDFs
# the tests use. usage: fuzz/run.sh [SECONDS]   (default 60)
# Needs cargo-fuzz (cargo install cargo-fuzz); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it use the sanitizer flags.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
mkdir -p corpus/pdf_document
for f in ../tests/fixtures/*.pdf ../crates/pdf/tests/fixtures/*.pdf ../samples/*.pdf; do
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 400000 ] && cp -n "$f" corpus/pdf_document/ || true
done
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/fuzz"
# FUZZ_SEED makes a run repeatable (CI sets it); unset, libFuzzer picks a seed.
cargo fuzz run pdf_document corpus/pdf_document -- -max_total_time="$secs" -max_len=1048576 \
  -rss_limit_mb=4096 -timeout=20 ${FUZZ_SEED:+-seed=$FUZZ_SEED}
