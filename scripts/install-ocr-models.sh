#!/usr/bin/env bash
# Installs the PP-OCRv6 small detector and recognizer (ONNX, Apache-2.0) that nenpo's
# default OCR engine runs, from the PyPI wheel `rapidocr` 3.10.0, into the models
# directory nenpo reads: $NENPO_OCR_MODELS, else $XDG_CACHE_HOME/nenpo/models, else
# ~/.cache/nenpo/models (or the directory given as the first argument). Nothing is
# downloaded at run time; a file already there with the right hash is kept.
#
# usage: scripts/install-ocr-models.sh [DIR]
set -euo pipefail
dir="${1:-${NENPO_OCR_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/nenpo/models}}"
wheel_version=3.10.0
declare -A sha=(
  [PP-OCRv6_det_small.onnx]=090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f
  [PP-OCRv6_rec_small.onnx]=6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884
)
ok() { [ -f "$dir/$1" ] && [ "$(sha256sum "$dir/$1" | cut -d' ' -f1)" = "${sha[$1]}" ]; }
if ok PP-OCRv6_det_small.onnx && ok PP-OCRv6_rec_small.onnx; then
  echo "PP-OCRv6 models present in $dir"
  exit 0
fi
mkdir -p "$dir"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps \
  "rapidocr==$wheel_version" -d "$tmp"
python3 - "$tmp"/rapidocr-"$wheel_version"-*.whl "$tmp" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name in ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"):
    with open(f"{sys.argv[2]}/{name}", "wb") as f:
        f.write(z.read(f"rapidocr/models/{name}"))
PY
for f in "${!sha[@]}"; do
  got=$(sha256sum "$tmp/$f" | cut -d' ' -f1)
  [ "$got" = "${sha[$f]}" ] || { echo "$f: sha256 $got, expected ${sha[$f]}" >&2; exit 1; }
  mv "$tmp/$f" "$dir/$f"
done
echo "PP-OCRv6 models installed in $dir"
