#!/usr/bin/env python3
"""Runs the same load + aggregation as `trade-explorer check` with polars, for comparison.

    python3 benches/polars_compare.py --layout baci FILE
    python3 benches/polars_compare.py --layout comtradr FILE
    (FILE: a CSV file, or one Parquet file read with read_parquet)
    python3 benches/polars_compare.py --layout baci FOLDER   (a release: every
        BACI_*_Y*.csv in it, or every *.parquet below it with hive partitions, scanned
        lazily with the streaming engine: a whole release does not fit in memory as a
        polars frame)
    python3 benches/polars_compare.py --layout baci --collect FOLDER   (the same files
        read into one frame first, as the app keeps its table, then the same work on it;
        for parts of a release that fit in memory)

Load the file, then: total trade per (reporter, partner) pair, and the top products of
one pair (the first row's) in one year (the first row's), as load_benchmark does. Prints the wall time and the peak memory of this process (ru_maxrss).
Needs `pip install polars` (the README gives the version measured).
"""
import argparse
import glob
import os
import resource
import time

import polars as pl


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layout", choices=["baci", "comtradr"], required=True)
    parser.add_argument("--collect", action="store_true")
    parser.add_argument("file")
    args = parser.parse_args()

    start = time.perf_counter()
    if os.path.isdir(args.file):
        return scan_release(args.file, start, args.collect)
    code_column = "k" if args.layout == "baci" else "cmd_code"
    if args.file.endswith(".parquet"):
        df = pl.read_parquet(args.file)
    else:
        df = pl.read_csv(args.file, schema_overrides={code_column: pl.Utf8})
    if args.layout == "baci":
        pairs = df.group_by(["i", "j"]).agg(pl.col("v").sum() * 1000)
        first = df.row(0, named=True)
        top = (
            df.filter(
                (pl.col("i") == first["i"])
                & (pl.col("j") == first["j"])
                & (pl.col("t") == first["t"])
            )
            .group_by("k")
            .agg(pl.col("v").sum())
            .sort("v", descending=True)
            .head(10)
        )
    else:
        pairs = (
            df.filter(pl.col("flow_code").is_in(["X", "M"]))
            .group_by(["reporter_iso", "partner_iso"])
            .agg(pl.col("primary_value").sum())
        )
        first = df.row(0, named=True)
        top = (
            df.filter(
                (pl.col("reporter_iso") == first["reporter_iso"])
                & (pl.col("partner_iso") == first["partner_iso"])
                & (pl.col("ref_year") == first["ref_year"])
            )
            .group_by("cmd_code")
            .agg(pl.col("primary_value").sum())
            .sort("primary_value", descending=True)
            .head(10)
        )
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"polars {pl.__version__}: {len(df):,} rows, {len(pairs):,} pairs, "
        f"top product {top.row(0)[0]}; {elapsed:.2f} s, peak {peak_kib / 1024:.0f} MiB"
    )


def scan_release(folder, start, collect):
    parquet = glob.glob(os.path.join(folder, "**", "*.parquet"), recursive=True)
    if parquet:
        lf = pl.scan_parquet(os.path.join(folder, "**", "*.parquet"), hive_partitioning=True)
    else:
        lf = pl.scan_csv(
            os.path.join(folder, "BACI_*_Y*.csv"), schema_overrides={"k": pl.Utf8}
        )
    if collect:
        # One frame in memory, then the same work on it (lazy over the frame).
        lf = lf.collect().lazy()
    pairs = lf.group_by(["i", "j"]).agg(pl.col("v").sum() * 1000).collect(engine="streaming")
    first = lf.head(1).collect().row(0, named=True)
    top = (
        # The first row's pair in the first row's year, as load_benchmark does.
        lf.filter(
            (pl.col("i") == first["i"])
            & (pl.col("j") == first["j"])
            & (pl.col("t") == first["t"])
        )
        .group_by("k")
        .agg(pl.col("v").sum())
        .sort("v", descending=True)
        .head(10)
        .collect(engine="streaming")
    )
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"polars {pl.__version__} ({'frame' if collect else 'scan'}): {len(pairs):,} pairs, "
        f"top product {top.row(0)[0]}; "
        f"{elapsed:.2f} s, peak {peak_kib / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
