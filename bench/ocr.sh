#!/usr/bin/env bash
# OCR throughput on the scanned documents of the dev corpus (31 pages, 200 dpi JPEG), both
# engines in one run:
#  * plain `tesseract` (jpn+eng, --psm 6, tsv, OMP_THREAD_LIMIT=1) on 300 dpi gray page
#    images (pdftoppm -r 300 -gray: what nenpo gives Tesseract), 1 and 2 processes;
#  * `nenpo extract --ocr-engine E` for E = paddle (PP-OCRv6, the default) and tesseract
#    (classification, image decode, deskew, rulings, OCR, tables) with an empty OCR cache,
#    1 and 2 documents at a time (RAYON_NUM_THREADS=1 each);
#  * the same again with the cache filled (a rerun);
#  * each engine's quality on the same documents: score_truth.py's TOTAL line, and the
#    character accuracy of its text lines against the truth cells (bench/ocr_quality.py).
# Usage: bench/ocr.sh [NENPO_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/nenpo}")
C=$(realpath ../shared/corpus/dev)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
docs=()
for t in "$C"/*.truth.json; do grep -q '"scanned": true' "$t" && docs+=("$C/$(basename "$t" .truth.json).pdf"); done
mkdir -p "$W/img"
for d in "${docs[@]}"; do pdftoppm -r 300 -gray "$d" "$W/img/$(basename "$d" .pdf)"; done
pages=$(ls "$W/img" | wc -l)
now() { date +%s.%N; }
rate() { python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'{s:7.1f} s  {int(sys.argv[3])/s:5.2f} pages/s')" "$@"; }
export OMP_THREAD_LIMIT=1
for j in 1 2; do
  t0=$(now)
  ls "$W/img"/*.pgm | xargs -P "$j" -I{} sh -c 'tesseract "$1" - -l jpn+eng --psm 6 --dpi 300 tsv >/dev/null 2>&1' _ {}
  echo "tesseract  -j$j: $(rate "$t0" "$(now)" "$pages")"
done
export NENPO_OCR_MODELS="${NENPO_OCR_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/nenpo/models}"
for engine in paddle tesseract; do
for j in 1 2; do
  rm -rf "$W/cache"
  t0=$(now)
  printf '%s\n' "${docs[@]}" | XDG_CACHE_HOME="$W/cache" RAYON_NUM_THREADS=1 BIN="$BIN" E="$engine" \
    xargs -P "$j" -I{} sh -c 'NENPO_LOG=nenpo::ocr=debug "$BIN" extract "$1" --ocr-engine "$E" --format json 2>>"$2" >/dev/null' _ {} "$W/log-$engine-$j"
  t1=$(now)
  printf '%-10s -j%s: %s  (empty cache)\n' "$engine" "$j" "$(rate "$t0" "$t1" "$pages")"
  mkdir -p "$W/cand-$engine"
  for d in "${docs[@]}"; do
    XDG_CACHE_HOME="$W/cache" "$BIN" extract "$d" --ocr-engine "$engine" --format json > "$W/cand-$engine/$(basename "$d" .pdf).json" 2>/dev/null
  done
  printf '%-10s -j%s: %s  (rerun, cache filled)\n' "$engine" "$j" "$(rate "$t1" "$(now)" "$pages")"
done
mkdir -p "$W/truth" "$W/lines-$engine"; for d in "${docs[@]}"; do cp "${d%.pdf}.truth.json" "$W/truth/"; done
printf '%-10s quality: %s\n' "$engine" "$(python3 ../shared/tools/score_truth.py "$W/truth" "$W/cand-$engine" | tail -1)"
# Character accuracy: the engine's text lines (served from the filled cache, untimed)
# against the truth cells of the same pages (bench/ocr_quality.py).
pairs=()
for d in "${docs[@]}"; do
  s=$(basename "$d" .pdf)
  XDG_CACHE_HOME="$W/cache" NENPO_LOG=nenpo::ocr=trace "$BIN" extract "$d" --ocr-engine "$engine" --format json > /dev/null 2> "$W/lines-$engine/$s.txt"
  pairs+=("${d%.pdf}.truth.json" "$W/lines-$engine/$s.txt")
done
printf '%-10s characters: %s\n' "$engine" "$(python3 bench/ocr_quality.py "${pairs[@]}" | tail -1)"
done
# In-process split (robust to other load on the machine): nenpo's own work per page
# (decode, deskew, resample, rulings, hashing) against the Tesseract child it waits for.
for engine in paddle tesseract; do
python3 - "$W/log-$engine-1" "$engine" <<'PY'
import re, sys
prep = read = n = 0
for l in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r"prepare_ms=(\d+) read_ms=(\d+)", l)
    if m:
        prep += int(m[1]); read += int(m[2]); n += 1
print(f"{sys.argv[2]:10} per page (j1): prepare {prep / max(n, 1):.0f} ms, engine {read / max(n, 1):.0f} ms, overhead {100 * prep / max(read, 1):.1f}% over {n} pages")
PY
done
echo "pages=$pages  load: $(cut -d' ' -f1-3 /proc/loadavg)"
