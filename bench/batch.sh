#!/usr/bin/env bash
# The nightly batch at scale: a 1,000-document archive (copies of the digital dev
# documents and samples), its first run, a no-op rerun, and the peak memory of each;
# plus the peak memory of one run over the 612-page Fuji budget book.
#
# usage: bench/batch.sh      needs: a release build, GNU time, ../shared/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/nenpo"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
srcs=(samples/*.pdf)
for t in ../shared/corpus/dev/*.truth.json; do
  grep -q '"scanned": false' "$t" && srcs+=("${t%.truth.json}.pdf")
done
for i in $(seq 0 999); do
  d="$work/in/batch$(( i / 100 ))"; mkdir -p "$d"
  cp "${srcs[$(( i % ${#srcs[@]} ))]}" "$d/doc$i.pdf"
done
printf '[input]\npaths = ["in/**/*.pdf"]\n[output]\ndir = "out"\n' > "$work/p.toml"

timed() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/stdout" 2> "$work/stderr"
  read -r wall kb user sys < "$work/time"
  printf "%-44s wall %7.2f s  cpu %7.2f s  peak %6.1f MB\n" "$label" "$wall" "$(echo "$user + $sys" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}
echo "archive: 1000 documents from ${#srcs[@]} sources; $(nproc) cores"
timed "first run (1000 documents)" "$bin" run "$work/p.toml"
timed "no-op rerun (1000 documents)" "$bin" run "$work/p.toml"
timed "no-op rerun, 1 thread" env RAYON_NUM_THREADS=1 "$bin" run "$work/p.toml"
fuji=../shared/corpus/peers/ja-real/fuji-r6-budget-full.pdf
if [ -f "$fuji" ]; then
  mkdir -p "$work/fuji/in" && cp "$fuji" "$work/fuji/in/"
  printf '[input]\npaths = ["in/*.pdf"]\n[output]\ndir = "out"\n' > "$work/fuji/p.toml"
  timed "run over fuji-r6-budget-full.pdf (612 pages)" "$bin" run "$work/fuji/p.toml"
fi
