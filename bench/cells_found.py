#!/usr/bin/env python3
"""Truth body cells found as printed in the output tables (multiset, NFKC, whitespace off).

usage: cells_found.py TRUTH_DIR CANDIDATE_DIR   (X.truth.json against X.json)
Prints a TOTAL line: cells found / truth cells, and the misses by kind (number, dash, text).
"""
import collections, glob, json, os, re, sys, unicodedata


def norm(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


truth_dir, cand_dir = sys.argv[1], sys.argv[2]
kinds = collections.Counter()
for tf in sorted(glob.glob(os.path.join(truth_dir, "*.truth.json"))):
    name = os.path.basename(tf)[: -len(".truth.json")]
    truth = json.load(open(tf, encoding="utf-8"))
    cf = os.path.join(cand_dir, name + ".json")
    cand = json.load(open(cf, encoding="utf-8")) if os.path.exists(cf) else {"tables": []}
    have = collections.Counter(
        norm(c) for t in cand["tables"] for r in t["rows"] for c in r["cells"]
    )
    for t in truth["tables"]:
        for r in t["rows"]:
            for c in r["cells"]:
                k = norm(c)
                if not k:
                    continue
                if have[k] > 0:
                    have[k] -= 1
                    kinds["found"] += 1
                elif re.fullmatch(r"[▲△\-−]?[\d,.]+", k):
                    kinds["number"] += 1
                elif k in "-－ー":
                    kinds["dash"] += 1
                else:
                    kinds["text"] += 1
total = sum(kinds.values())
print(
    f"TOTAL cells_found={kinds['found'] / max(total, 1):.4f} ({kinds['found']}/{total}) "
    f"missed: number={kinds['number']} dash={kinds['dash']} text={kinds['text']}"
)
