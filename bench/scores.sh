#!/usr/bin/env bash
# Quality on the shared corpora with the release binary: the peers' test cases
# (score_peers.py) and the generated Japanese reports with exact truth (score_truth.py),
# digital and scanned documents separately, plus the seed. Prints each scorer's TOTAL line.
#
# usage: bench/scores.sh [peers|digital|scanned|seed|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"; case "$target" in /*) ;; *) target="$(pwd)/$target" ;; esac
bin="${NENPO_BIN:-$target/release/nenpo}"
shared="$(pwd)/../shared"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
what="${1:-all}"

truth_set() { # label, filter (digital|scanned|seed)
  local t; t=$(mktemp -d); mkdir -p "$t/truth" "$t/cand"
  if [ "$2" = seed ]; then
    cp "$shared/corpus/seed/seed_reform_h22.truth.json" "$t/truth/"
    "$bin" extract "$shared/corpus/seed/seed_reform_h22.pdf" --format json > "$t/cand/seed_reform_h22.json"
  else
    local want='"scanned": false'; [ "$2" = scanned ] && want='"scanned": true'
    for f in "$shared"/corpus/dev/*.truth.json; do
      grep -q "$want" "$f" || continue
      local s; s=$(basename "$f" .truth.json); cp "$f" "$t/truth/"
      "$bin" extract "$shared/corpus/dev/$s.pdf" --format json > "$t/cand/$s.json" 2>/dev/null || true
    done
  fi
  printf '%-8s ' "$1"; python3 "$shared/tools/score_truth.py" "$t/truth" "$t/cand" | tail -1
  rm -rf "$t"
}

if [ "$what" = all ] || [ "$what" = peers ]; then
  (cd "$shared/tools" && python3 score_peers.py --cmd "$bin" --jobs "$(nproc)" --out /tmp/nenpo-peers.tsv | tail -16)
fi
[ "$what" = all ] || [ "$what" = digital ] && truth_set digital digital
[ "$what" = all ] || [ "$what" = scanned ] && truth_set scanned scanned
[ "$what" = all ] || [ "$what" = seed ] && truth_set seed seed
exit 0
