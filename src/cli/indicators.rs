//! `trade-explorer indicators`: the trade indicators of a reporter (and a pair) from the
//! documents and data files given, combined as in the app.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::io::import::MappingRoles;
use crate::io::{import, is_document_path, load_document};
use crate::model::Document;
use crate::model::dataset::TradeTable;
use crate::model::indicators::{self, Flows};

/// One line of `indicators --json`.
#[derive(Debug, Serialize)]
struct Line<'a> {
    indicator: &'a str,
    reporter: &'a str,
    partner: Option<&'a str>,
    product: Option<&'a str>,
    year: i32,
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    universe: &'a str,
}

/// What the command computes for: its arguments.
#[derive(Debug, clap::Args)]
pub struct IndicatorArgs {
    /// Print JSON Lines: indicator, reporter, partner, product, year, value, universe.
    #[arg(long)]
    pub json: bool,
    /// The reporter, an ISO 3166-1 alpha-3 code (e.g. PAK).
    #[arg(long, value_name = "ISO3")]
    pub reporter: String,
    /// The partner, for the figures about the pair.
    #[arg(long, value_name = "ISO3")]
    pub partner: Option<String>,
    /// The year; without it, the latest year in the data.
    #[arg(long)]
    pub year: Option<i32>,
    /// The HS level of product figures: 2, 4 or 6 digits.
    #[arg(long, default_value_t = 2, value_parser = hs_level)]
    pub level: usize,
    /// For data files of no known layout: which columns hold what, by header name, e.g.
    /// `exporter=exporter,importer=importer,year=year,value=trade` (optional `product=`).
    /// Each row is then the exporter's exports to the importer.
    #[arg(long, value_name = "FIELD=COLUMN,...")]
    pub map: Option<String>,
    /// With `--map`: what one unit of the value column is in US dollars (1000000 for
    /// values in millions).
    #[arg(long, default_value_t = 1.0, value_name = "DOLLARS")]
    pub value_scale: f64,
    /// The most rows the trade matrix is built from in memory (about 120 bytes a row at
    /// the three HS levels). With more, every pair's totals are summed a batch of years at
    /// a time and the figures by product read the reporter's and partner's own rows: the
    /// same figures over every year; what does not fit is said on standard error and in
    /// each figure's universe.
    #[arg(long, default_value_t = indicators::MATRIX_MAX_ROWS, value_name = "ROWS")]
    pub matrix_rows: usize,
    /// Documents (.ron) and data files (UN Comtrade, comtradr, BACI).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `--level`: 2, 4 or 6.
fn hs_level(text: &str) -> Result<usize, String> {
    match text.trim() {
        "2" => Ok(2),
        "4" => Ok(4),
        "6" => Ok(6),
        other => Err(format!("'{other}' is not an HS level: use 2, 4 or 6")),
    }
}

/// The column roles `--map` names, by the file's header; the import's own check
/// ([`MappingRoles::to_map`], as in the mapping dialog) turns them into a column map.
fn mapping_roles(spec: &str, header: &[String], scale: f64) -> Result<MappingRoles, String> {
    let mut roles = MappingRoles {
        scale,
        ..MappingRoles::default()
    };
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let (field, column) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' in --map is not FIELD=COLUMN"))?;
        let index = header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(column.trim()))
            .ok_or_else(|| {
                format!(
                    "the file has no column '{}' (its columns: {})",
                    column.trim(),
                    header.join(", ")
                )
            })?;
        let role = match field.trim() {
            "exporter" => &mut roles.reporter,
            "importer" => &mut roles.partner,
            "year" => &mut roles.year,
            "value" => &mut roles.value,
            "product" => &mut roles.product,
            other => {
                return Err(format!(
                    "'{other}' in --map is not a field: use exporter, importer, year, value, \
                     product"
                ));
            }
        };
        *role = Some(index);
    }
    Ok(roles)
}

/// Reads a data file, with the `--map` columns when given.
fn read_table(path: &Path, args: &IndicatorArgs) -> Result<TradeTable, (i32, String)> {
    super::warn_if_short(path, None);
    let cancel = AtomicBool::new(false);
    let map = match &args.map {
        Some(spec) => {
            // A few rows, for telling numeric country codes from ISO codes.
            let peek = import::peek(path, 20).map_err(|e| (1, e.to_string()))?;
            let map = mapping_roles(spec, &peek.header, args.value_scale)
                .and_then(|roles| roles.to_map(&peek.header, &peek.rows))
                .map_err(|e| (2, format!("--map: {e}")))?;
            Some(map)
        }
        None => None,
    };
    import::import_file(path, map, &mut |_| {}, &cancel)
        .map(|o| o.table)
        .map_err(|e| (1, e.to_string()))
}

/// Runs `indicators`; returns the exit status (0 computed, 1 an unreadable file or a
/// reporter or partner with no trade in the files, 2 a `--map` that does not fit the
/// file).
pub fn run_indicators(args: &IndicatorArgs, out: &mut dyn Write) -> i32 {
    let mut docs = Vec::new();
    let mut tables = Vec::new();
    for path in &args.files {
        let read = if is_document_path(path) {
            load_document(path)
                .map(|doc| docs.push(doc))
                .map_err(|e| (1, e.to_string()))
        } else {
            read_table(path, args).map(|t| tables.push(t))
        };
        if let Err((status, err)) = read {
            let _ = writeln!(out, "trade-explorer indicators: {err}");
            return status;
        }
    }
    let reporter = current_code(&args.reporter);
    let partner = args.partner.as_deref().map(current_code);
    let countries: Vec<&str> = std::iter::once(reporter.as_str())
        .chain(partner.as_deref())
        .collect();
    // As in the Analysis view: a figure says what it lacks when the rows were too many.
    let (flows, scope) = flows_within_memory(&docs, &tables, args, &countries);
    // Figures of a country absent from the files would all be "no exports in the data":
    // the likely cause, a mistyped code, is said instead.
    if let Some(absent) = countries.iter().find(|c| !flows.trades(c)) {
        let _ = writeln!(
            out,
            "trade-explorer indicators: {absent} has no trade in these files (an ISO 3166-1 \
             alpha-3 code of a country in them, e.g. {})",
            example_country(&flows).unwrap_or("PAK")
        );
        return 1;
    }
    let Some(year) = args.year.or_else(|| indicators::latest_year(&flows)) else {
        let _ = writeln!(
            out,
            "trade-explorer indicators: the files hold no trade with a year, a value and a \
             direction (records of total trade say nothing of who sells what)"
        );
        return 1;
    };
    for mut f in indicators::figures(&flows, &reporter, partner.as_deref(), year) {
        f.universe.push_str(&scope);
        let written = if args.json {
            let line = Line {
                indicator: f.indicator,
                reporter: &f.reporter,
                partner: f.partner.as_deref(),
                product: f.product.as_deref(),
                year: f.year,
                value: f.value.as_ref().ok().copied(),
                reason: f.value.as_ref().err().map(String::as_str),
                universe: &f.universe,
            };
            serde_json::to_string(&line).map(|text| writeln!(out, "{text}"))
        } else {
            let Ok(value) = f.value else { continue };
            let mut what = format!("{} {}", f.indicator, f.reporter);
            for part in [f.partner.as_deref(), f.product.as_deref()]
                .into_iter()
                .flatten()
            {
                what.push(' ');
                what.push_str(part);
            }
            Ok(writeln!(out, "{what} {year}: {value} ({})", f.universe))
        };
        if !matches!(written, Ok(Ok(()))) {
            return 1;
        }
    }
    0
}

/// A country argument as the data holds it: upper case, and a former ISO code read as
/// today's (as the importer reads the files), said on standard error.
fn current_code(arg: &str) -> String {
    let code = arg.trim().to_uppercase();
    match crate::model::country::former_code(&code) {
        Some((former, current)) => {
            let name = crate::model::country::iso_name(current).unwrap_or(current);
            eprintln!(
                "trade-explorer indicators: {former} is {name}'s former code, read as \
                 {current} (the files' rows are read under today's codes)"
            );
            current.to_owned()
        }
        None => code,
    }
}

/// A country with trade in `flows`, the first by code, to show what a code looks like.
fn example_country(flows: &Flows) -> Option<&str> {
    flows.totals.keys().map(|(_, a, _)| a.as_str()).min()
}

/// The flows of `docs` and `tables`, with what each figure's universe must add. From more
/// rows than `--matrix-rows`, the span of the data summed a batch of years at a time and
/// the reporter's and partner's own rows ([`indicators::Span`]): the same figures over
/// every year, except those by product of a year or a window that does not fit (said on
/// standard error and in the universe).
fn flows_within_memory(
    docs: &[Document],
    tables: &[TradeTable],
    args: &IndicatorArgs,
    countries: &[&str],
) -> (Flows, String) {
    let rows: usize = tables.iter().map(TradeTable::len).sum();
    let max = args.matrix_rows;
    if rows <= max {
        return (
            indicators::combined(docs, tables, args.level),
            String::new(),
        );
    }
    let tables: Vec<&TradeTable> = tables.iter().collect();
    let counts = indicators::rows_touching(tables.iter().copied(), countries);
    let by_year = indicators::rows_by_year(tables.iter().copied());
    let around = args.year.or_else(|| by_year.keys().next_back().copied());
    let mut scope = String::new();
    let say = |what: String| eprintln!("trade-explorer indicators: {what} (--matrix-rows {max})");
    let years = indicators::focused_years(&counts, around, max);
    if years.is_empty() {
        say(
            "no figures by product: the reporter's and partner's rows of the year alone \
             are more than the trade matrix is built from in memory"
                .to_owned(),
        );
        scope.push_str("; no figures by product (too many rows)");
    } else if years != indicators::ALL_YEARS {
        let span = format!("{}–{}", years.start(), years.end());
        say(format!(
            "figures by product from {span} only: the reporter's and partner's rows of \
             every year are more than the trade matrix is built from in memory"
        ));
        scope.push_str(&format!("; products from {span} only"));
    }
    let levels = [args.level];
    let docs = docs.iter();
    let span = indicators::Span::of(docs.clone(), &tables, by_year, around, max, &levels, |_| {
        std::ops::ControlFlow::Continue(None)
    })
    .unwrap_or_default();
    if let Some(t) = around.filter(|t| span.too_large().contains(t)) {
        say(format!(
            "no figures by product in {t}: the year alone holds {} rows, more than the trade \
             matrix is built from in memory",
            span.rows_by_year().get(&t).copied().unwrap_or(0)
        ));
        if !scope.contains("no figures by product") {
            scope.push_str(&format!("; no figures by product in {t} (too many rows)"));
        }
    }
    let mut focused = Flows::default();
    indicators::focused_levels(docs, &tables, countries, &years, &levels, |f| {
        focused = f;
        std::ops::ControlFlow::Break(())
    });
    (span.flows(&focused), scope)
}
