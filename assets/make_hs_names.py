#!/usr/bin/env python3
"""Writes assets/hs_names.tsv.gz: HS 2022 heading (4-digit) and subheading (6-digit)
names, and chapter 99 (Comtrade's "not specified according to kind", which
hs_chapters.csv lacks), one `code<TAB>name` line each, in code order, gzip-compressed.

Input: `data/harmonized-system.csv` of the `datasets/harmonized-system` data package
(https://github.com/datasets/harmonized-system, commit 905e5a0, version 2022.0, data from
UN Comtrade, licence ODC-PDDL 1.0). Chapter names stay in `hs_chapters.csv`.

    python3 assets/make_hs_names.py path/to/harmonized-system.csv

Standard library only; the output is byte-for-byte reproducible (gzip mtime 0).
"""
import csv
import gzip
import sys
from pathlib import Path

OUT = Path(__file__).with_name("hs_names.tsv.gz")


def main(source):
    with open(source, encoding="utf-8-sig", newline="") as f:
        rows = [
            (r["hscode"], " ".join(r["description"].split()))
            for r in csv.DictReader(f)
            if r["hscode"].isdigit() and (len(r["hscode"]) in (4, 6) or r["hscode"] == "99")
        ]
    rows.sort()
    text = "".join(f"{code}\t{name}\n" for code, name in rows)
    with open(OUT, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(text.encode("utf-8"))
    print(f"{OUT}: {len(rows)} codes, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
