//! The command line: `trade-explorer [FILE]`, `check`, `convert` and `indicators`.
//!
//! No egui here: `check` loads files without opening a window.

mod indicators;

pub use indicators::{IndicatorArgs, run_indicators};

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use serde::Serialize;

use std::sync::atomic::AtomicBool;

use crate::io::{import, is_document_path, load_document, save_document, with_default_extension};
use crate::model::Document;
use crate::model::dataset::{self, COPY_LIMIT};
use crate::model::{Problem, Severity, Summary, format, validate};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "trade-explorer",
    version,
    about = "Explore trade relationships between countries: partners, trade volumes, investments and policy targets.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Document (.ron) to open, or a trade data file (UN Comtrade, BACI, CSV) to import.
    /// Without it, the last file opened (if it still exists) or the bundled Pakistan dataset.
    pub file: Option<PathBuf>,

    /// A command to run instead of opening the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Commands that run without a window.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load each file and print what it holds and its validation problems.
    ///
    /// Exit status: 0 when every file loaded without errors, 1 otherwise, 2 on a usage error.
    Check {
        /// Print one JSON object per file, one per line (JSON Lines).
        #[arg(long)]
        json: bool,
        /// Files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Compute the trade indicators (shares, growth, RCA, intensity, complementarity,
    /// concentration, mirror ratio, export potential) from documents and data files,
    /// combined as in the app.
    ///
    /// Exit status: 0 computed, 1 an unreadable file or a country with no trade in the
    /// files, 2 a usage error.
    Indicators(IndicatorArgs),
    /// Turn a document or trade data into a document, or trade data into Parquet; the
    /// output is written atomically.
    ///
    /// A data file, folder or zip (UN Comtrade, comtradr, BACI, Parquet) becomes a linked
    /// dataset of the new document, or with --copy-rows editable records (up to 100,000
    /// rows). With an OUTPUT ending in .parquet its rows (or with --pair-totals its totals
    /// per year, pair and flow) are written as Parquet for DuckDB, polars or Spark.
    /// Exit status: 0 written, 1 the input could not be read or the output written.
    Convert {
        /// The document, data file, folder or zip archive to read.
        input: PathBuf,
        /// The document (.ron is added when the name has no extension) or Parquet file to write.
        output: PathBuf,
        /// Copy a data file's rows into the document as editable records instead of linking it.
        #[arg(long)]
        copy_rows: bool,
        /// With a .parquet output: write the totals per year, pair and flow instead of the rows.
        #[arg(long)]
        pair_totals: bool,
    },
}

/// What `check --json` prints for one file.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// The file as given on the command line.
    pub file: String,
    /// True when the file loaded and has no error-level problems.
    pub ok: bool,
    /// Why the file could not be loaded, or null.
    pub error: Option<String>,
    /// Line of the load error, when it has one.
    pub line: Option<usize>,
    /// Column of the load error, when it has one.
    pub column: Option<usize>,
    /// Validation problems (empty when the file did not load).
    pub problems: Vec<Problem>,
    /// Number of trade volume records.
    pub trade_records: usize,
    /// Number of investment and agreement records.
    pub investments: usize,
    /// Number of indicator records.
    pub indicators: usize,
    /// Number of facts.
    pub facts: usize,
    /// Number of categories.
    pub categories: usize,
    /// Number of sources.
    pub sources: usize,
    /// Number of distinct country and group codes used by records.
    pub countries: usize,
    /// The distinct country and group codes, sorted.
    pub country_codes: Vec<String>,
    /// The distinct years covered, sorted.
    pub years: Vec<i32>,
    /// Sum of the values of all trade volume records in US dollars (for imported files:
    /// exports and imports only, without World, sub-flows or double-counted aggregates).
    pub total_trade_usd: f64,
    /// For imported files: the layout read.
    pub layout: Option<String>,
    /// For imported files: data rows read, refused ones included.
    pub rows_read: Option<u64>,
    /// For imported files: rows refused.
    pub rows_rejected: Option<u64>,
    /// For imported files: the first refused rows, as "line N: reason".
    pub rejected: Vec<String>,
    /// For imported files: country codes kept but not recognised.
    pub unknown_countries: Vec<String>,
    /// For imported files: former ISO codes read as today's, as "ROM → ROU".
    pub recoded_countries: Vec<String>,
    /// For imported files, folders and archives: data files read.
    pub files: Option<usize>,
    /// For folders and archives: data files that could not be read, as "name: reason".
    pub failed_files: Vec<String>,
}

impl CheckReport {
    /// Loads and validates one file: a document (`.ron`) or any importable data file.
    pub fn of(path: &Path) -> CheckReport {
        if is_document_path(path) {
            Self::of_document(path)
        } else {
            Self::of_import(path)
        }
    }

    fn of_import(path: &Path) -> CheckReport {
        warn_if_short(path, None);
        let file = path.display().to_string();
        let cancel = std::sync::atomic::AtomicBool::new(false);
        match import::import_file(path, None, &mut |_| {}, &cancel) {
            Ok(outcome) => {
                let table = &outcome.table;
                let mut countries: Vec<String> = table
                    .countries
                    .iter()
                    .filter(|c| !c.world)
                    .map(|c| c.code.clone())
                    .collect();
                countries.sort();
                // A presence table: sorting ten million years would cost more than reading them.
                let mut seen = [false; 2101];
                for &y in &table.year {
                    if let Some(slot) = seen.get_mut(usize::from(y)) {
                        *slot = true;
                    }
                }
                let years: Vec<i32> = (0..seen.len())
                    .filter(|&y| seen[y])
                    .map(|y| y as i32)
                    .collect();
                CheckReport {
                    file,
                    ok: outcome.rows_rejected == 0 && outcome.failed_files.is_empty(),
                    error: None,
                    line: None,
                    column: None,
                    problems: Vec::new(),
                    trade_records: table.len(),
                    investments: 0,
                    indicators: 0,
                    facts: 0,
                    categories: table.products.len(),
                    sources: 0,
                    countries: countries.len(),
                    country_codes: countries,
                    years,
                    total_trade_usd: table.total_usd(),
                    layout: Some(outcome.layout.label().to_owned()),
                    rows_read: Some(outcome.rows_read),
                    rows_rejected: Some(outcome.rows_rejected),
                    rejected: outcome
                        .rejected
                        .iter()
                        .map(|(line, reason)| format!("line {line}: {reason}"))
                        .collect(),
                    unknown_countries: outcome.unknown_countries,
                    recoded_countries: (outcome.recoded_countries.iter())
                        .map(|(former, now)| format!("{former} → {now}"))
                        .collect(),
                    files: Some(outcome.files),
                    failed_files: outcome
                        .failed_files
                        .iter()
                        .map(|(name, why)| format!("{name}: {why}"))
                        .collect(),
                }
            }
            Err(err) => CheckReport::failed(file, err.to_string(), None),
        }
    }

    fn of_document(path: &Path) -> CheckReport {
        let file = path.display().to_string();
        match load_document(path) {
            Ok(doc) => {
                let summary = Summary::of(&doc);
                let problems = validate(&doc);
                CheckReport {
                    file,
                    ok: !problems.iter().any(|p| p.severity == Severity::Error),
                    error: None,
                    line: None,
                    column: None,
                    problems,
                    trade_records: summary.trade_records,
                    investments: summary.investments,
                    indicators: summary.indicators,
                    facts: summary.facts,
                    categories: summary.categories,
                    sources: summary.sources,
                    countries: summary.country_codes.len(),
                    country_codes: summary.country_codes.into_iter().collect(),
                    years: summary.years.into_iter().collect(),
                    total_trade_usd: summary.total_trade_usd,
                    layout: None,
                    rows_read: None,
                    rows_rejected: None,
                    rejected: Vec::new(),
                    unknown_countries: Vec::new(),
                    recoded_countries: Vec::new(),
                    files: None,
                    failed_files: Vec::new(),
                }
            }
            Err(err) => CheckReport::failed(file, err.to_string(), err.location()),
        }
    }

    fn failed(file: String, error: String, location: Option<(usize, usize)>) -> CheckReport {
        CheckReport {
            file,
            ok: false,
            error: Some(error),
            line: location.map(|l| l.0),
            column: location.map(|l| l.1),
            problems: Vec::new(),
            trade_records: 0,
            investments: 0,
            indicators: 0,
            facts: 0,
            categories: 0,
            sources: 0,
            countries: 0,
            country_codes: Vec::new(),
            years: Vec::new(),
            total_trade_usd: 0.0,
            layout: None,
            rows_read: None,
            rows_rejected: None,
            rejected: Vec::new(),
            unknown_countries: Vec::new(),
            recoded_countries: Vec::new(),
            files: None,
            failed_files: Vec::new(),
        }
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }

    /// The human-readable lines: a summary (or the error), then one line per problem.
    pub fn human_lines(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(1 + self.problems.len());
        match &self.error {
            // The error's text already starts with FILE or FILE:LINE:COLUMN.
            Some(error) => lines.push(error.clone()),
            None if self.rows_read.is_some() => {
                let years = match (self.years.first(), self.years.last()) {
                    (Some(a), Some(b)) if a == b => a.to_string(),
                    (Some(a), Some(b)) => format!("{a}–{b}"),
                    _ => "none".to_owned(),
                };
                lines.push(format!(
                    "{}: {}: {} ({}); {} read, {} refused; {} countries; years {years}; {} products; trade value {} ({} USD)",
                    self.file,
                    match (self.ok, self.failed_files.is_empty()) {
                        (true, _) => "ok",
                        (false, true) => "has refused rows",
                        (false, false) => "some files could not be read",
                    },
                    self.layout.as_deref().unwrap_or_default(),
                    format::count(self.trade_records, "row"),
                    format::group_thousands(self.rows_read.unwrap_or(0)),
                    format::group_thousands(self.rows_rejected.unwrap_or(0)),
                    self.countries,
                    format::group_thousands(self.categories as u64),
                    format::usd_short(self.total_trade_usd),
                    format::group_thousands(self.total_trade_usd.max(0.0).round() as u64),
                ));
                if let Some(files @ 2..) = self.files {
                    lines.push(format!(
                        "{}: {files} data files read as one dataset",
                        self.file
                    ));
                }
                for failed in &self.failed_files {
                    lines.push(format!("{}: could not read {failed}", self.file));
                }
                for line in &self.rejected {
                    lines.push(format!("{}: {line}", self.file));
                }
                if !self.unknown_countries.is_empty() {
                    lines.push(format!(
                        "{}: country codes kept but not recognised: {}",
                        self.file,
                        self.unknown_countries.join(", ")
                    ));
                }
                if !self.recoded_countries.is_empty() {
                    lines.push(format!(
                        "{}: former country codes read as today's: {}",
                        self.file,
                        self.recoded_countries.join(", ")
                    ));
                }
            }
            None => {
                let years = match (self.years.first(), self.years.last()) {
                    (Some(a), Some(b)) if a == b => a.to_string(),
                    (Some(a), Some(b)) => format!("{a}–{b}"),
                    _ => "none".to_owned(),
                };
                lines.push(format!(
                    "{}: {}: {} trade, {} investments, {} indicators, {} facts, {} categories, {} sources; \
                     {} countries; years {years}; trade value {} ({} USD); {}, {}",
                    self.file,
                    if self.ok { "ok" } else { "has errors" },
                    self.trade_records,
                    self.investments,
                    self.indicators,
                    self.facts,
                    self.categories,
                    self.sources,
                    self.countries,
                    format::usd_short(self.total_trade_usd),
                    format::group_thousands(self.total_trade_usd.max(0.0).round() as u64),
                    format::count(self.count(Severity::Error), "error"),
                    format::count(self.count(Severity::Warning), "warning"),
                ));
                for p in &self.problems {
                    lines.push(format!("{}: {p}", self.file));
                }
            }
        }
        lines
    }
}

/// Runs `convert` and returns the exit status; what was done, or why not, goes to `out`.
pub fn run_convert(
    input: &Path,
    output: &Path,
    copy_rows: bool,
    pair_totals: bool,
    out: &mut dyn Write,
) -> i32 {
    let output = with_default_extension(output.to_path_buf(), "ron");
    let parquet = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let result = match (parquet, copy_rows, pair_totals) {
        (true, true, _) => Err(
            "--copy-rows makes a document; a .parquet output gets the rows as they are".to_owned(),
        ),
        (false, _, true) => Err("--pair-totals needs an output ending in .parquet".to_owned()),
        (true, false, _) => convert_to_parquet(input, &output, pair_totals),
        (false, _, false) => convert(input, &output, copy_rows),
    };
    let line = match &result {
        Ok(what) => format!("{}: {what}", output.display()),
        Err(err) => format!("trade-explorer convert: {err}"),
    };
    let _ = writeln!(out, "{line}");
    i32::from(result.is_err())
}

/// Reads a data file, folder or zip (through the cache, as the app does).
fn open_data(input: &Path) -> Result<import::OpenedDataset, String> {
    let cache = import::cache::cache_folder();
    warn_if_short(input, cache.as_deref());
    import::open_dataset(
        input,
        None,
        cache.as_deref(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .map_err(|e| e.to_string())
}

/// Says on stderr when the rows of `path` may not fit in the memory free (and are not in
/// a cache in `cache`), before they are read; the command goes on, as asked. Errors of the
/// file are left to the import, which reports them.
pub(crate) fn warn_if_short(path: &Path, cache: Option<&Path>) {
    let Ok(peek) = import::peek(path, 0) else {
        return;
    };
    let available = import::available_memory();
    if let Some(short) = import::shortfall(path, &peek, None, available, cache) {
        eprintln!(
            "trade-explorer: warning: {} holds about {} rows, which take about {} of memory; \
             {} is free. The system may stop this command: free memory, or read fewer files \
             (some years of a release).",
            path.display(),
            format::rounded_count(short.rows),
            format::bytes(short.needed),
            format::bytes(short.available),
        );
    }
}

/// Writes a data source's rows or pair totals as Parquet.
fn convert_to_parquet(input: &Path, output: &Path, pair_totals: bool) -> Result<String, String> {
    if is_document_path(input) {
        return Err(format!(
            "{}: a document has no dataset rows to write as Parquet; give a data file, folder or zip",
            input.display()
        ));
    }
    let opened = open_data(input)?;
    let table = &opened.outcome.table;
    if pair_totals {
        let totals =
            crate::io::write_pair_totals_parquet(output, table).map_err(|e| e.to_string())?;
        Ok(format!(
            "{} written (totals per year, pair and flow of {})",
            format::count(totals, "row"),
            format::count(table.len(), "row")
        ))
    } else {
        let rows = crate::io::write_rows_parquet(output, table, None).map_err(|e| e.to_string())?;
        Ok(format!("{} written", format::count(rows, "row")))
    }
}

fn convert(input: &Path, output: &Path, copy_rows: bool) -> Result<String, String> {
    if is_document_path(input) {
        let doc = load_document(input).map_err(|e| e.to_string())?;
        save_document(output, &doc).map_err(|e| e.to_string())?;
        return Ok(format!("written from the document {}", input.display()));
    }
    let opened = open_data(input)?;
    let rows = opened.outcome.table.len();
    if copy_rows && rows > COPY_LIMIT {
        return Err(format!(
            "{}: {} is too many to copy as editable records (at most {}); convert without --copy-rows to link the file instead",
            input.display(),
            format::count(rows, "row"),
            format::group_thousands(COPY_LIMIT as u64)
        ));
    }
    let mut doc = Document::new();
    let name = input.file_name().map_or_else(
        || input.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    doc.title = format!("Trade data from {name}");
    let link = import::link_for(input, (&opened, rows as u64), None, 1);
    let refused = opened.outcome.rows_rejected;
    let what = if copy_rows {
        let (edit, records, skipped) = dataset::copy_rows_edit(&doc, &opened.outcome.table, &link);
        edit.apply(&mut doc).map_err(|e| e.to_string())?;
        format!(
            "{} copied from {name} ({} not copied: World, sub-flows, aggregates)",
            format::count(records, "record"),
            format::count(skipped, "row")
        )
    } else {
        doc.datasets.push(link);
        format!("links {name}, {}", format::count(rows, "row"))
    };
    save_document(output, &doc).map_err(|e| e.to_string())?;
    Ok(if refused > 0 {
        format!(
            "{what}; {} could not be read",
            format::count(refused as usize, "row")
        )
    } else {
        what
    })
}

/// Runs `check` and returns the exit status (0: all files fine, 1: a file failed or has errors).
pub fn run_check(files: &[PathBuf], json: bool, out: &mut dyn Write) -> i32 {
    let mut status = 0;
    for path in files {
        let report = CheckReport::of(path);
        if !report.ok {
            status = 1;
        }
        // A closed pipe (e.g. `| head`) ends the output quietly instead of panicking.
        let written = if json {
            match serde_json::to_string(&report) {
                Ok(line) => writeln!(out, "{line}"),
                Err(err) => writeln!(out, "{}: could not encode the report: {err}", report.file),
            }
        } else {
            report
                .human_lines()
                .iter()
                .try_for_each(|line| writeln!(out, "{line}"))
        };
        if written.is_err() {
            break;
        }
    }
    status
}
