#!/usr/bin/env python3
"""How well a family lines up across years: a truth-free check of a run's `families/`.

For each family named, takes the items (item_key, occurrence) that the reference year
printed as its own year's figure (value_year == fiscal_year) and counts how many of
them have a current-year figure in every one of the years given, and in each year.

With --year Y (the welfare series' scanned 2020), also: of the items printed in every other
year, how many year Y has under the same key (how well one year's reading lines up).

usage: bench/series.py OUT_DIR [--family NAME ...] [--years 2016-2020] [--ref 2019] [--year Y]
(defaults: the welfare series of ../shared/corpus/real-more: 事業活動計算書 and
資金収支計算書, 2016-2020, reference 2019)
"""
import argparse
import sys

import polars as pl


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--family", action="append")
    ap.add_argument("--years", default="2016-2020")
    ap.add_argument("--ref", type=int, default=2019)
    ap.add_argument("--year", type=int)
    args = ap.parse_args()
    lo, hi = (int(y) for y in args.years.split("-"))
    years = list(range(lo, hi + 1))
    families = args.family or ["事業活動計算書", "資金収支計算書"]
    df = pl.read_parquet(f"{args.out}/families/**/*.parquet", hive_partitioning=True)
    current = df.filter(pl.col("value_year") == pl.col("fiscal_year"))
    for fam in families:
        f = current.filter(pl.col("family") == fam)
        if f.height == 0:
            # A family is named after its most common title, which may carry a prefix
            # (`法人単位資金収支計算書`): the one family whose name ends with `fam`.
            names = current.filter(pl.col("family").str.ends_with(fam))["family"].unique()
            if names.len() == 1:
                fam = names[0]
                f = current.filter(pl.col("family") == fam)
        if f.height == 0:
            print(f"{fam}: no such family", file=sys.stderr)
            continue
        keys = lambda y: set(
            f.filter(pl.col("fiscal_year") == y)
            .select("item_key", "occurrence")
            .unique()
            .iter_rows()
        )
        ref = keys(args.ref)
        per_year = {y: keys(y) for y in years}
        all_years = [k for k in ref if all(k in per_year[y] for y in years)]
        share = len(all_years) / len(ref) if ref else 0.0
        each = " ".join(f"{y}:{len(ref & per_year[y])}" for y in years)
        print(f"{fam}: {len(all_years)}/{len(ref)} ({share:.2f}) of {args.ref}'s items in all of {lo}-{hi}; per year {each}")
        if args.year in per_year:
            others = set.intersection(*(per_year[y] for y in years if y != args.year))
            got = others & per_year[args.year]
            print(f"  items in every year but {args.year}: {len(others)}; {args.year} has {len(got)} of them ({len(got) / max(len(others), 1):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
