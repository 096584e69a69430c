#!/usr/bin/env python3
"""Character accuracy of nenpo's OCR text against the truth cells of scanned documents.

Usage: bench/ocr_quality.py TRUTH.truth.json OCR_LINES.txt [...pairs]
OCR_LINES.txt holds the `ocr line:` trace lines of `NENPO_LOG=nenpo::ocr=trace nenpo extract`.
Texts are NFKC with whitespace removed. Prints per document and in total:
* char recall: multiset overlap of truth-cell characters with the page text / truth chars;
* cell recall: truth cells (non-empty) found verbatim in the page text.
"""
import json, re, sys, unicodedata
from collections import Counter

def norm(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))

tot = Counter()
args = sys.argv[1:]
for truth_path, lines_path in zip(args[::2], args[1::2]):
    truth = json.load(open(truth_path))
    cells = []
    for t in truth["tables"]:
        for r in t.get("header_rows", []):
            cells += r
        for r in t["rows"]:
            cells += r["cells"]
    cells = [norm(c) for c in cells if norm(c)]
    page = "".join(norm(l.split("ocr line:", 1)[1]) for l in open(lines_path, encoding="utf-8") if "ocr line:" in l)
    want = Counter("".join(cells))
    got = Counter(page)
    hit = sum(min(n, got[c]) for c, n in want.items())
    found = sum(1 for c in cells if c in page)
    tot.update(chars=sum(want.values()), hit=hit, cells=len(cells), found=found)
    print(f"{truth['doc_id']}\tchar_recall={hit / max(1, sum(want.values())):.4f}\tcell_recall={found / max(1, len(cells)):.4f}")
print(f"TOTAL\tchar_recall={tot['hit'] / max(1, tot['chars']):.4f}\tcell_recall={tot['found'] / max(1, tot['cells']):.4f}\tchars={tot['chars']}\tcells={tot['cells']}")
