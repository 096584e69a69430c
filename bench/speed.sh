#!/usr/bin/env bash
# Speed and peak memory of `nenpo extract` (text layer + tables, all pages) beside
# `pdftotext -bbox-layout` on the same file, in one run.
#
# usage: bench/speed.sh [PDF]   (default: ../shared/corpus/peers/ja-real/fuji-r6-budget-full.pdf)
# needs: a release build (cargo build --release), poppler-utils, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
pdf="${1:-../shared/corpus/peers/ja-real/fuji-r6-budget-full.pdf}"
bin="${CARGO_TARGET_DIR:-target}/release/nenpo"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
echo "file: $pdf ($pages pages), $(nproc) cores"

measure() { # label, command...
  local label="$1"; shift
  local best=999999 mem=0
  for _ in 1 2 3; do
    local t0 t1 log
    log=$(mktemp)
    t0=$(date +%s.%N)
    /usr/bin/time -v "$@" >/dev/null 2>"$log"
    t1=$(date +%s.%N)
    local s; s=$(echo "$t1 - $t0" | bc -l)
    if (( $(echo "$s < $best" | bc -l) )); then best=$s; fi
    mem=$(awk '/Maximum resident set size/ {print $6}' "$log")
    rm -f "$log"
  done
  printf "%-34s %7.2f s  %7.1f pages/s  peak %6.1f MB\n" "$label" "$best" "$(echo "$pages / $best" | bc -l)" "$(echo "$mem / 1024" | bc -l)"
}

measure "pdftotext -bbox-layout" pdftotext -bbox-layout "$pdf" /dev/null
RAYON_NUM_THREADS=1 measure "nenpo extract (1 thread)" "$bin" extract "$pdf" --format json
RAYON_NUM_THREADS="$(nproc)" measure "nenpo extract ($(nproc) threads)" "$bin" extract "$pdf" --format json
