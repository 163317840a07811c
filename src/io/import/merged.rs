//! The tables of a release's files appended one after the other into one dataset, in
//! name order, with what failed and what was refused.

use crate::model::dataset::TradeTable;

use super::release::{Member, Release};
use super::{ImportError, ImportOutcome};

/// The files' tables appended one after the other.
#[derive(Default)]
pub(super) struct Merged {
    table: TradeTable,
    first: Option<ImportOutcome>,
    rows_read: u64,
    rows_rejected: u64,
    rejected: Vec<(u64, String)>,
    files: usize,
    failed: Vec<(String, String)>,
    /// Bytes of all the data files (uncompressed, in an archive).
    sizes: u64,
}

impl Merged {
    /// Nothing appended yet, of files holding `sizes` bytes in all.
    pub(super) fn new(sizes: u64) -> Self {
        Self {
            sizes,
            ..Self::default()
        }
    }

    /// Rows still to come after the first file's, for reserving the whole at once,
    /// estimated from the first file's rows per byte (2% over, as files' rows per byte
    /// differ a little). A release of Parquet files, whose footers give the count, is read
    /// by [`super::parquet_release`] instead.
    fn rows_to_come(&self, first: &Member) -> Option<usize> {
        if first.size == 0 || self.sizes <= first.size {
            return None;
        }
        let per_byte = self.table.len() as f64 / first.size as f64;
        Some(((self.sizes - first.size) as f64 * per_byte * 1.02) as usize)
    }

    /// Rows appended so far.
    pub(super) fn rows(&self) -> u64 {
        self.table.len() as u64
    }

    /// Appends a file's rows; gives back the file's own table once its rows are copied.
    pub(super) fn add(
        &mut self,
        member: &Member,
        result: Result<ImportOutcome, ImportError>,
    ) -> Option<TradeTable> {
        let name = member.name.as_str();
        let mut outcome = match result {
            Ok(outcome) => outcome,
            Err(err) => {
                self.failed.extend(failure(name, &err));
                return None;
            }
        };
        self.files += 1;
        self.rows_read += outcome.rows_read;
        self.rows_rejected += outcome.rows_rejected;
        let room = super::MAX_LISTED_REJECTIONS.saturating_sub(self.rejected.len());
        self.rejected.extend(
            outcome
                .rejected
                .drain(..)
                .take(room)
                .map(|(line, why)| (line, format!("{name}: {why}"))),
        );
        let table = std::mem::take(&mut outcome.table);
        if self.first.is_none() {
            self.table = table;
            // Room for every file's rows at once: the columns then never grow by doubling
            // (which left up to a quarter of them unused and zeroed fresh memory at each
            // step).
            if let Some(more) = self.rows_to_come(member) {
                super::reserve(&mut self.table, more.min(super::MAX_ROWS));
            }
            self.first = Some(outcome);
            None
        } else {
            self.table.reconciled &= table.reconciled;
            self.table.append(&table);
            Some(table)
        }
    }

    pub(super) fn finish(mut self, release: &Release) -> Result<ImportOutcome, ImportError> {
        let Some(first) = self.first else {
            return Err(all_failed(release, &self.failed));
        };
        // A (year, reporter, partner, flow) group may span files: the aggregation rule is
        // applied once, to the whole (the files' own imports leave it to here).
        self.table.compute_flags();
        let unknown_countries = super::blocks::unknown_countries(&self.table);
        Ok(ImportOutcome {
            table: self.table,
            layout: first.layout,
            rows_read: self.rows_read,
            rows_rejected: self.rows_rejected,
            rejected: self.rejected,
            codes_origin: first.codes_origin,
            unknown_countries,
            files: self.files,
            failed_files: self.failed,
        })
    }
}

/// A file that failed, as listed (its name, and why), or `None` when it was cancelled.
pub(super) fn failure(name: &str, err: &ImportError) -> Option<(String, String)> {
    if matches!(err, ImportError::Cancelled) {
        return None;
    }
    // The message starts with the file's path, which the name already gives.
    let text = err.to_string();
    let why = text
        .split_once(&format!("{name}: "))
        .map_or_else(|| text.clone(), |(_, why)| why.to_owned());
    Some((name.to_owned(), why))
}

/// The error of a release none of whose files could be read, listing each file's reason.
pub(super) fn all_failed(release: &Release, failed: &[(String, String)]) -> ImportError {
    let listing = failed
        .iter()
        .map(|(name, why)| format!("- {name}: {why}"))
        .collect::<Vec<_>>()
        .join("\n");
    ImportError::AllFilesFailed {
        path: release.root.clone(),
        listing,
    }
}
