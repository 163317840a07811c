//! The command line: `trade-explorer [FILE]` and `trade-explorer check [--json] FILE...`.
//!
//! No egui here: `check` loads files without opening a window.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::io::{LoadError, load_document};
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
    /// Document (.ron) to open. Without it, the last file opened (if it still exists) or the bundled Pakistan dataset.
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
    /// Sum of the values of all trade volume records in US dollars.
    pub total_trade_usd: f64,
}

impl CheckReport {
    /// Loads and validates one file.
    pub fn of(path: &Path) -> CheckReport {
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
                }
            }
            Err(err) => CheckReport::failed(file, &err),
        }
    }

    fn failed(file: String, err: &LoadError) -> CheckReport {
        let location = err.location();
        CheckReport {
            file,
            ok: false,
            error: Some(err.to_string()),
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
