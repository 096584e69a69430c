#!/usr/bin/env bash
# Opens an HTML report of `nenpo inspect --html` in headless Chromium and saves a
# screenshot, to check that a real browser shows the page pictures and the tables.
#
# Usage:
#   scripts/html_screenshot.sh REPORT.html [OUT.png] [WIDTH,HEIGHT]
#   scripts/html_screenshot.sh --pdf FILE.pdf [OUT.png] [WIDTH,HEIGHT]   # writes the report first
#
# Needs Debian's chromium (`apt-get install -y chromium`) and, for Japanese text, a CJK
# font (`apt-get install -y fonts-ipaexfont-gothic`). With --pdf, the nenpo binary is
# taken from $NENPO, else target/release/nenpo, else target/debug/nenpo.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$1" = "--pdf" ]; then
  [ $# -ge 2 ] || usage
  pdf="$2"; shift 2
  nenpo="${NENPO:-}"
  for c in "$root/target/release/nenpo" "$root/target/debug/nenpo"; do
    [ -n "$nenpo" ] || { [ -x "$c" ] && nenpo="$c"; }
  done
  [ -n "$nenpo" ] || { echo "no nenpo binary: cargo build first or set NENPO" >&2; exit 1; }
  report="$work/report.html"
  "$nenpo" inspect "$pdf" --html "$report"
else
  report="$1"; shift
fi
[ -f "$report" ] || { echo "no such report: $report" >&2; exit 1; }

out="${1:-screenshot.png}"
size="${2:-1400,2000}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "chromium not found: apt-get install -y chromium" >&2; exit 1; }

abs_report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
abs_out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$abs_out"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$abs_out" --window-size="$size" "file://$abs_report" 2>"$work/chromium.log" || true
if [ ! -s "$abs_out" ]; then
  echo "chromium wrote no screenshot; its log:" >&2
  cat "$work/chromium.log" >&2
  exit 1
fi
echo "$abs_out"
