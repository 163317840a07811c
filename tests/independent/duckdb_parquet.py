#!/usr/bin/env python3
"""Parquet written and read by DuckDB, to check Trade Explorer against a real engine.

    python tests/independent/duckdb_parquet.py write BACI.csv OUTDIR
        DuckDB reads a BACI CSV (six-digit codes, no World, so every row counts but those
        of a country with itself, domestic trade, which is not trade between countries) and
        writes OUTDIR/one.parquet (zstd, row groups of 2,048 rows), OUTDIR/intk.parquet
        (product codes as integers), OUTDIR/decimal.parquet (value as DECIMAL(18,3), gzip),
        and OUTDIR/hive/ partitioned by t (snappy, t only in the folder names);
        prints DuckDB's own SUM of v in US dollars, the row count and the years as JSON.
    python tests/independent/duckdb_parquet.py pairs FOLDER
        DuckDB reads every Parquet file below FOLDER (hive partitions as columns) and
        prints, per year, exporter and importer, SUM(v) in US dollars and the row count.
    python tests/independent/duckdb_parquet.py sum EXPORT.parquet
        DuckDB reads a Parquet file the app exported and prints SUM(value_usd) of the rows
        between two countries, the row count and the sum per year as JSON.
"""
import json
import sys

import duckdb


def write(csv, out):
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE b AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', "
        "'v': 'DOUBLE', 'q': 'DOUBLE'})",
        [csv],
    )
    # Small row groups, so that the app reads this file's groups on several threads.
    con.execute(
        f"COPY b TO '{out}/one.parquet' "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)"
    )
    con.execute(
        f"COPY (SELECT t, i, j, k, CAST(v AS DECIMAL(18, 3)) AS v, q FROM b) "
        f"TO '{out}/decimal.parquet' (FORMAT parquet, COMPRESSION gzip)"
    )
    con.execute(
        f"COPY b TO '{out}/hive' (FORMAT parquet, PARTITION_BY (t), COMPRESSION snappy)"
    )
    # Product codes as integers (their leading zeros gone, as engines often store them).
    con.execute(
        f"COPY (SELECT t, i, j, CAST(k AS BIGINT) AS k, v, q FROM b) "
        f"TO '{out}/intk.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)"
    )
    total, rows = con.execute(
        "SELECT SUM(v) FILTER (WHERE i <> j) * 1000, COUNT(*) FROM b"
    ).fetchone()
    years = [y for (y,) in con.execute("SELECT DISTINCT t FROM b ORDER BY t").fetchall()]
    print(json.dumps({"total_trade_usd": total, "rows": rows, "years": years}))


def read_sum(path):
    con = duckdb.connect()
    total, rows = con.execute(
        "SELECT SUM(value_usd) FILTER (WHERE reporter <> partner), COUNT(*) "
        "FROM read_parquet(?)",
        [path],
    ).fetchone()
    by_year = con.execute(
        "SELECT year, SUM(value_usd) FILTER (WHERE reporter <> partner) "
        "FROM read_parquet(?) GROUP BY year ORDER BY year",
        [path],
    ).fetchall()
    print(
        json.dumps(
            {"total": total, "rows": rows, "by_year": {str(y): v for y, v in by_year}}
        )
    )


def pairs(folder):
    con = duckdb.connect()
    rows = con.execute(
        "SELECT t, i, j, SUM(v) * 1000, COUNT(*) FROM "
        "read_parquet(?, hive_partitioning = true) GROUP BY t, i, j ORDER BY t, i, j",
        [f"{folder}/**/*.parquet"],
    ).fetchall()
    print(json.dumps([[t, i, j, v, n] for t, i, j, v, n in rows]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "pairs":
        pairs(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "sum":
        read_sum(sys.argv[2])
    else:
        raise SystemExit(__doc__)
