#!/usr/bin/env python3
"""The trade indicators of `trade-explorer indicators`, computed with pandas from the same
files, independently of the app's code; prints JSON Lines like `indicators --json`
(figures with a value only).

    python tests/independent/indicators.py --reporter PAK [--partner KAZ] [--year Y] [--level 2|4|6] FILE...

Files: comtradr CSV (ref_year, reporter_iso, partner_iso, flow_code, cmd_code,
primary_value), BACI (t, i, j, k, v in thousands), or the gravity file of ../shared/data
(exporter, importer, year, trade in millions; totals only). Definitions: README, "Analysis".
"""
import argparse
import json

import pandas as pd

WORLD = {"W00", "WLD", "WORLD", "0"}


def load(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if {"exporter", "importer", "year", "trade"} <= set(df.columns):
        return pd.DataFrame({
            "year": pd.to_numeric(df["year"]).astype(int), "reporter": df["exporter"],
            "partner": df["importer"], "flow": "X", "code": "TOTAL",
            "value": pd.to_numeric(df["trade"]) * 1e6})
    if {"t", "i", "j", "k", "v"} <= set(df.columns):
        return pd.DataFrame({
            "year": df["t"].astype(int), "reporter": df["i"], "partner": df["j"], "flow": "X",
            "code": df["k"].str.zfill(6), "value": pd.to_numeric(df["v"]) * 1000.0})
    return pd.DataFrame({
        "year": df["ref_year"].astype(int), "reporter": df["reporter_iso"].str.upper(),
        "partner": df["partner_iso"].str.upper(), "flow": df["flow_code"].str.upper(),
        "code": df["cmd_code"].str.upper(), "value": pd.to_numeric(df["primary_value"])})


def hidden_rows(df, keys, min_len):
    """Rows with a proper ancestor present in their group: TOTAL (when min_len is 0) or an
    all-digit prefix at least min_len digits long."""
    def ancestors(code):
        out = [] if code == "TOTAL" or min_len > 0 else ["TOTAL"]
        if code.isdigit():
            out += [code[:n] for n in range(max(2, min_len), len(code))]
        return out
    wanted = df[keys + ["row"]].assign(anc=df["code"].map(ancestors)).explode("anc").dropna()
    present = df[keys + ["code"]].drop_duplicates().rename(columns={"code": "anc"})
    return set(wanted.merge(present, on=keys + ["anc"])["row"])


def matrices(df, level):
    keys = ["year", "reporter", "partner", "flow"]
    df = df[~df.reporter.isin(WORLD) & ~df.partner.isin(WORLD) & (df.reporter != df.partner)]
    df = df[df.flow.isin(["X", "M"])].reset_index(drop=True)
    df["row"] = df.index
    totals = df[~df.row.isin(hidden_rows(df, keys, 0))]
    prod = df[df.code.str.isdigit() & (df.code.str.len() >= level)]
    prod = prod[~prod.row.isin(hidden_rows(prod, keys, level))].assign(code=lambda d: d.code.str[:level])

    def directed(d, extra):
        d = d.assign(exporter=d.reporter.where(d.flow == "X", d.partner),
                     importer=d.partner.where(d.flow == "X", d.reporter))
        g = d.groupby(["year", "exporter", "importer"] + extra + ["flow"])["value"].sum().unstack("flow")
        for c in ("X", "M"):
            if c not in g:
                g[c] = float("nan")
        return g["X"].fillna(g["M"]).dropna()  # own report, else mirror

    return directed(totals, []), directed(prod, ["code"]), totals


def indicators(files, i, j, year, level):
    df = pd.concat([load(p) for p in files], ignore_index=True)
    tot, prod, raw = matrices(df, level)
    year = year or int(tot.index.get_level_values("year").max())
    t = tot.xs(year, level="year")
    # A file of totals only has no product matrix at all.
    p = prod.xs(year, level="year") if len(prod) else pd.Series(
        dtype=float, index=pd.MultiIndex.from_tuples([], names=["exporter", "importer", "code"]))
    out = []

    def emit(name, value, partner=None, product=None):
        out.append({"indicator": name, "reporter": i, "partner": partner, "product": product,
                    "year": year, "value": float(value)})

    X_i, X_w = t.xs(i, level="exporter").sum() if i in t.index.get_level_values(0) else 0.0, t.sum()
    x_ik = p.xs(i, level="exporter").groupby("code").sum() if i in p.index.get_level_values(0) else pd.Series(dtype=float)
    x_wk = p.groupby("code").sum()
    rca = (x_ik / x_ik.sum()) / (x_wk.reindex(x_ik.index) / x_wk.sum())
    for k, v in rca.items():
        emit("rca", v, product=k)
    def hhi(s):
        s = s[s > 0]
        n = len(s)
        if n >= 2:
            sh = s / s.sum()
            return ((sh ** 2).sum() - 1 / n) / (1 - 1 / n)
    if (h := hhi(x_ik)) is not None:
        emit("hhi_products", h)
    if i in t.index.get_level_values(0) and (h := hhi(t.xs(i, level="exporter"))) is not None:
        emit("hhi_markets", h)
    if j is None:
        return out
    x_ij, m_ij = t.get((i, j)), t.get((j, i))
    if x_ij is not None:
        emit("exports", x_ij, j)
        emit("partner_share_exports", x_ij / X_i, j)
        x_wj = t.xs(j, level="importer").sum()
        emit("trade_intensity", (x_ij / X_i) / (x_wj / X_w), j)
    if m_ij is not None:
        emit("imports", m_ij, j)
        emit("partner_share_imports", m_ij / t.xs(i, level="importer").sum(), j)
    pair_tot = lambda yr: None if (yr not in tot.index.get_level_values(0)) or (tot.get((yr, i, j)) is None and tot.get((yr, j, i)) is None) \
        else (tot.get((yr, i, j)) or 0.0) + (tot.get((yr, j, i)) or 0.0)
    if (pt := pair_tot(year)) is not None:
        emit("total", pt, j)
    if x_ij is not None and m_ij is not None:
        emit("balance", x_ij - m_ij, j)
    if pt is not None and (before := pair_tot(year - 1)) is not None and before > 0:
        emit("growth_yoy", pt / before - 1, j)
    series = [(yr, v) for yr in sorted(set(tot.index.get_level_values(0))) if (v := pair_tot(yr)) is not None]
    if len(series) >= 2 and series[-1][0] > series[0][0] and series[0][1] > 0:
        emit("cagr", (series[-1][1] / series[0][1]) ** (1 / (series[-1][0] - series[0][0])) - 1, j)
    m_jk = p.xs(j, level="importer").groupby("code").sum() if j in p.index.get_level_values(1) else pd.Series(dtype=float)
    if x_ik.sum() > 0 and m_jk.sum() > 0:
        both = (m_jk / m_jk.sum()).subtract(x_ik / x_ik.sum(), fill_value=0).abs().sum()
        emit("complementarity", 100 * (1 - both / 2), j)
    own = raw[(raw.year == year) & (raw.flow == "X") & (raw.reporter == i) & (raw.partner == j)].value.sum()
    mirror = raw[(raw.year == year) & (raw.flow == "M") & (raw.reporter == j) & (raw.partner == i)]
    has_own = ((raw.year == year) & (raw.flow == "X") & (raw.reporter == i) & (raw.partner == j)).any()
    if has_own and len(mirror) and mirror.value.sum() > 0:
        emit("mirror_ratio", own / mirror.value.sum(), j)
    already = p.xs((i, j), level=("exporter", "importer")) if (i, j) in p.index.droplevel(2) else pd.Series(dtype=float)
    for k in rca[rca > 1].index:
        if k in m_jk.index and (gap := m_jk[k] - already.get(k, 0.0)) > 0:
            emit("potential", gap, j, k)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--reporter", required=True)
    ap.add_argument("--partner")
    ap.add_argument("--year", type=int)
    ap.add_argument("--level", type=int, default=2)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    for line in indicators(a.files, a.reporter, a.partner, a.year, a.level):
        print(json.dumps(line))
