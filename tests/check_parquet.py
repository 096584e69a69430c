#!/usr/bin/env python3
"""Reads a nenpo output directory with DuckDB and Python polars, as analysts would.

usage: check_parquet.py OUT_DIR EXPECTED_ROWS
Exit 0 when both read the datasets and agree on the row count; 3 when duckdb or polars
is not installed; 1 on any mismatch or read error.
"""
import sys

try:
    import duckdb
    import polars as pl
except ImportError as e:  # pragma: no cover
    print(f"missing python package: {e}", file=sys.stderr)
    sys.exit(3)

out, expected = sys.argv[1], int(sys.argv[2])
glob = f"{out}/tables/**/*.parquet"

con = duckdb.connect()
n_duck = con.execute(f"select count(*) from read_parquet('{glob}', hive_partitioning=true)").fetchone()[0]
years = con.execute(
    f"select distinct fiscal_year from read_parquet('{glob}', hive_partitioning=true) order by 1"
).fetchall()
docs = con.execute(f"select count(*), count(*) filter (where status = 'ok') from '{out}/documents.parquet'").fetchone()

lf = pl.scan_parquet(glob, hive_partitioning=True)
df = lf.collect()
n_pl = df.height
assert "fiscal_year" in df.columns, df.columns
assert df.schema["cells"] == pl.List(pl.String), df.schema
# The samples are digital: every row says so, and every page of the documents table.
assert set(df["text_source"].unique()) == {"digital"}, df["text_source"].unique()
pages = con.execute(
    f"select sum(pages), sum(len(page_text_sources)), sum(pages_ocr) from '{out}/documents.parquet'"
).fetchone()
assert pages[0] == pages[1] and pages[2] == 0, pages
first = df.row(0, named=True)

print(f"duckdb rows={n_duck} years={[y[0] for y in years]} documents={docs}; polars rows={n_pl}")
print(f"first row: section={first['section']} cells={first['cells'][:3]}")
if not (n_duck == n_pl == expected):
    print(f"row counts differ: duckdb {n_duck}, polars {n_pl}, nenpo reported {expected}", file=sys.stderr)
    sys.exit(1)
