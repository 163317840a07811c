#!/usr/bin/env python3
"""Total trade of a UN Comtrade, comtradr or BACI CSV file (or of a folder or zip archive
of them, as one dataset) under the aggregation rule, computed with pandas independently of
Trade Explorer's code, printed as JSON.

The rule (README, "How totals are counted"): within each (year, reporter, partner, flow)
group a row counts exactly when no ancestor of its product code is present in the group.
TOTAL is the ancestor of every code; an all-digit code is the ancestor of the all-digit
codes it prefixes. Only exports and imports count (re-exports and the other sub-flows are
"of which" detail), and rows with World as reporter or partner, or a country with itself,
never count.

    python tests/independent/totals.py FILE.csv|FOLDER|ARCHIVE.zip
"""
import io
import json
import os
import sys
import zipfile

import pandas as pd

LAYOUTS = {
    # name: (year, reporter, partner, flow, product, value, value scale)
    "comtrade": ("refYear", "reporterISO", "partnerISO", "flowCode", "cmdCode", "primaryValue", 1.0),
    "comtradr": ("ref_year", "reporter_iso", "partner_iso", "flow_code", "cmd_code", "primary_value", 1.0),
    "baci": ("t", "i", "j", None, "k", "v", 1000.0),
}
WORLD = {"W00", "WLD", "WORLD", "0"}


def is_data(name):
    base = os.path.basename(name).lower()
    return base.endswith((".csv", ".csv.gz")) and not base.startswith(("country_codes", "product_codes"))


def load_any(path):
    """One file, or every data file of a folder or zip archive, concatenated: the rule
    applies to the whole, as groups may span files."""
    if os.path.isdir(path):
        names = sorted(
            os.path.join(root, f) for root, _, files in os.walk(path) for f in files if is_data(f)
        )
        return pd.concat([load(n) for n in names], ignore_index=True)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if is_data(n))
            return pd.concat([load(io.BytesIO(archive.read(n))) for n in names], ignore_index=True)
    return load(path)


def load(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for name, cols in LAYOUTS.items():
        if all(c is None or c in df.columns for c in cols[:6]):
            year, reporter, partner, flow, product, value, scale = cols
            out = pd.DataFrame(
                {
                    "year": df[year],
                    "reporter": df[reporter].str.strip().str.upper(),
                    "partner": df[partner].str.strip().str.upper(),
                    # BACI rows are exports of i to j.
                    "flow": df[flow].str.strip().str.upper() if flow else "X",
                    "code": df[product].str.strip().str.upper(),
                    "value": pd.to_numeric(df[value]) * scale,
                }
            )
            if name == "baci":
                # BACI writes six-digit codes without their leading zero.
                out["code"] = out["code"].str.zfill(6)
            return out
    raise SystemExit(f"{path}: not a Comtrade, comtradr or BACI file")


def total(df):
    keys = ["year", "reporter", "partner", "flow"]
    df = df[~df["reporter"].isin(WORLD) & ~df["partner"].isin(WORLD)]
    # A country's trade with itself (domestic trade) is not trade between countries.
    df = df[df["reporter"] != df["partner"]]
    df = df[df["flow"].isin(["X", "M"])].reset_index(drop=True)
    df["row"] = df.index

    def ancestors(code):
        if code == "TOTAL":
            return []
        prefixes = [code[:n] for n in range(2, len(code))] if code.isdigit() else []
        return ["TOTAL"] + prefixes

    wanted = df[keys + ["row"]].assign(code=df["code"].map(ancestors)).explode("code")
    wanted = wanted.dropna(subset=["code"])
    present = df[keys + ["code"]].drop_duplicates()
    hidden = wanted.merge(present, on=keys + ["code"], how="inner")["row"].unique()
    counting = df[~df["row"].isin(hidden)]
    return float(counting["value"].sum()), len(counting)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    value, rows = total(load_any(sys.argv[1]))
    print(json.dumps({"total_trade_usd": value, "rows_counted": rows}))
