#!/usr/bin/env bash
# Scores nenpo on the scanned documents of the dev corpus: score_truth.py's table metrics,
# the OCR text's character accuracy against the truth cells (bench/ocr_quality.py), and
# the truth cells found as printed in the output tables (bench/cells_found.py).
# Usage: bench/ocr_score.sh [NENPO_BIN]   (OCR cache: $XDG_CACHE_HOME as usual)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/nenpo}
C=../shared/corpus/dev
T=$(mktemp -d); mkdir -p "$T/cand" "$T/truth" "$T/lines"
pairs=()
for t in "$C"/*.truth.json; do
  grep -q '"scanned": true' "$t" || continue
  s=$(basename "$t" .truth.json); cp "$t" "$T/truth/"
  NENPO_LOG=nenpo::ocr=trace "$BIN" extract "$C/$s.pdf" --format json > "$T/cand/$s.json" 2> "$T/lines/$s.txt"
  pairs+=("$t" "$T/lines/$s.txt")
done
python3 ../shared/tools/score_truth.py "$T/truth" "$T/cand" | tail -1
python3 bench/ocr_quality.py "${pairs[@]}" | tail -1
python3 bench/cells_found.py "$T/truth" "$T/cand"
echo "outputs in $T"
