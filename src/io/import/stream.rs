//! The appending end of a release read as one stream: threads read the files' rows into
//! parts, in any order, and the one thread here appends each part to the dataset's one
//! table as soon as the parts before it (in file, then part order) are, so the dataset is
//! the same whatever order the threads finish in. A file that fails is taken out again
//! and listed; the others are kept.
//!
//! Used by a release of Parquet files ([`super::parquet_release`], a part per row-group
//! task) and of CSV files ([`super::csv_release`], a part per run of whole records).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use super::blocks::{Accumulator, Mark};
use super::parse::Part;
use super::release::Release;
use super::{Companions, ImportError, ImportOutcome, Layout, MAX_ROWS, Progress};
use crate::model::dataset::TradeTable;
use crate::model::sync::lock;

/// What the rows of an opened file are read as.
pub(super) struct FileInfo {
    pub(super) layout: Layout,
    /// Where its numeric country codes are looked up, if it has them.
    pub(super) codes_origin: Option<String>,
    /// Whether every row is exporter → importer (no flow column).
    pub(super) reconciled: bool,
    /// The file as it was when opened, to notice a change while it is read.
    pub(super) opened: (PathBuf, std::fs::Metadata),
}

/// What the reading threads tell the appending one.
pub(super) enum Report {
    /// File `.0` was opened, or could not be.
    Opened(usize, Result<Arc<FileInfo>, ImportError>),
    /// Part `seq` of a file's rows, or why it could not be read; `bytes` of the data
    /// files (as stored) it accounts for, `text` bytes of text it was read from (0 when
    /// not text).
    Read {
        file: usize,
        seq: usize,
        /// Boxed: a part is large beside the other reports.
        part: Box<Result<Part, ImportError>>,
        bytes: u64,
        text: u64,
    },
    /// A file has no parts beyond its first `parts`; `bytes` not yet accounted for.
    Ended {
        file: usize,
        parts: usize,
        bytes: u64,
    },
    /// A file failed after it was opened (its parts so far are taken out again).
    Failed {
        file: usize,
        error: ImportError,
        bytes: u64,
    },
}

/// How a file ends: after so many parts, or failing.
enum End {
    Parts(usize),
    Failed(ImportError),
}

/// The appending thread's state: the one table, and where it stands in the stream.
pub(super) struct Appending<'a> {
    release: &'a Release,
    pub(super) acc: Accumulator,
    /// The opened files not finished yet (or why they could not be opened).
    files: BTreeMap<usize, Result<Arc<FileInfo>, ImportError>>,
    ends: BTreeMap<usize, End>,
    /// Parts read before those ahead of them.
    pending: BTreeMap<(usize, usize), Result<Part, ImportError>>,
    /// The file and part appended next, and where the table stood when the file started.
    file: usize,
    seq: usize,
    mark: Option<Mark>,
    /// The first file's layout and code list origin.
    layout: Option<(Layout, Option<String>)>,
    files_read: usize,
    failed: Vec<(String, String)>,
    /// Rows expected in all (reserved at the first part when not known before: from its
    /// rows per byte of text and the files' sizes).
    rows_known: bool,
    bytes_done: u64,
    total_bytes: u64,
    started: Instant,
    progress: &'a mut dyn FnMut(&Progress),
    /// The room reserved for the rows, mapped ahead of them.
    prefault: Option<super::prefault::Prefault>,
}

impl<'a> Appending<'a> {
    /// Appending to an empty table, with room for `rows` rows when they are known.
    pub(super) fn new(
        release: &'a Release,
        rows: Option<u64>,
        progress: &'a mut dyn FnMut(&Progress),
    ) -> Self {
        let mut acc = Accumulator::new(true, TradeTable::default());
        let mut prefault = None;
        if let Some(rows) = rows {
            super::reserve(&mut acc.table, (rows as usize).min(MAX_ROWS));
            prefault = Some(super::prefault::Prefault::start(&acc.table));
        }
        Self {
            release,
            acc,
            files: BTreeMap::new(),
            ends: BTreeMap::new(),
            pending: BTreeMap::new(),
            file: 0,
            seq: 0,
            mark: None,
            layout: None,
            files_read: 0,
            failed: Vec::new(),
            rows_known: rows.is_some(),
            bytes_done: 0,
            total_bytes: super::release::stored_bytes(release),
            started: Instant::now(),
            progress,
            prefault,
        }
    }

    /// Appends what the threads read, in order, until every file is done or the
    /// threads stop; parts appended (or of a file that failed) go to `spare` with their
    /// file, to be filled again.
    pub(super) fn receive(
        &mut self,
        rx: mpsc::Receiver<Report>,
        spare: &Mutex<Vec<(usize, Part)>>,
        cancel: &AtomicBool,
    ) -> Result<(), ImportError> {
        for report in rx {
            match report {
                Report::Opened(index, file) => {
                    self.files.insert(index, file);
                }
                Report::Read {
                    file,
                    seq,
                    part,
                    bytes,
                    text,
                } => {
                    self.bytes_done += bytes;
                    if !self.rows_known
                        && let Ok(part) = part.as_ref()
                    {
                        self.reserve_from(part, text);
                    }
                    if file < self.file {
                        // A part of a file that failed already is not appended.
                        lock(spare).extend(part.ok().map(|part| (file, part)));
                    } else {
                        self.pending.insert((file, seq), *part);
                    }
                }
                Report::Ended { file, parts, bytes } => {
                    self.bytes_done += bytes;
                    self.ends.insert(file, End::Parts(parts));
                }
                Report::Failed { file, error, bytes } => {
                    self.bytes_done += bytes;
                    self.ends.insert(file, End::Failed(error));
                }
            }
            self.advance(spare)?;
            if self.file == self.release.data.len()
                || cancel.load(std::sync::atomic::Ordering::Relaxed)
            {
                break;
            }
        }
        Ok(())
    }

    /// Room for every file's rows at once, estimated from the first part's rows per byte
    /// of text (2% over, as files differ a little): the columns then never grow by
    /// doubling, which left up to a quarter of them unused and zeroed fresh memory at each
    /// step.
    fn reserve_from(&mut self, part: &Part, text: u64) {
        if text == 0 || part.table.is_empty() {
            return;
        }
        let sizes: u64 = self.release.data.iter().map(|m| m.size).sum();
        let rows = sizes as f64 * part.table.len() as f64 / text as f64 * 1.02;
        super::reserve(&mut self.acc.table, (rows as usize).min(MAX_ROWS));
        self.prefault = Some(super::prefault::Prefault::start(&self.acc.table));
        self.rows_known = true;
    }

    /// Appends every part whose turn has come; finishes each file whose parts are in.
    fn advance(&mut self, spare: &Mutex<Vec<(usize, Part)>>) -> Result<(), ImportError> {
        while let Some(opened) = self.files.get(&self.file) {
            let file = match opened {
                Ok(file) => Arc::clone(file),
                Err(_) => {
                    if let Some(Err(err)) = self.files.remove(&self.file) {
                        self.fail(&err);
                    }
                    continue;
                }
            };
            if self.mark.is_none() {
                self.start(&file);
            }
            match self.ends.get(&self.file) {
                Some(End::Parts(parts)) if *parts == self.seq => {
                    self.finish_file(&file);
                    continue;
                }
                Some(End::Failed(_)) => {
                    if let Some(End::Failed(err)) = self.ends.remove(&self.file) {
                        self.fail(&err);
                    }
                    continue;
                }
                _ => {}
            }
            match self.pending.remove(&(self.file, self.seq)) {
                None => return Ok(()),
                Some(Ok(part)) => {
                    self.acc.add_part(&part);
                    if let Some(prefault) = &self.prefault {
                        prefault.appended(self.acc.table.len());
                    }
                    lock(spare).push((self.file, part));
                    self.seq += 1;
                    self.report();
                    if self.acc.table.len() > MAX_ROWS {
                        return Err(ImportError::TooManyRows {
                            path: self.release.root.clone(),
                        });
                    }
                }
                Some(Err(err)) => self.fail(&err),
            }
        }
        Ok(())
    }

    /// Starts appending `file`'s rows.
    fn start(&mut self, file: &FileInfo) {
        self.mark = Some(self.acc.start_file());
        match self.layout {
            None => {
                self.layout = Some((file.layout, file.codes_origin.clone()));
                self.acc.table.reconciled = file.reconciled;
            }
            Some(_) => self.acc.table.reconciled &= file.reconciled,
        }
    }

    /// Every part of `file` is appended: it counts, unless it changed while it was read.
    fn finish_file(&mut self, file: &FileInfo) {
        let (path, before) = &file.opened;
        if super::changed_since(path, before) {
            let path = super::release::label(self.release, &self.release.data[self.file]);
            self.fail(&ImportError::ChangedWhileReading { path });
            return;
        }
        if let Some(mark) = self.mark.take() {
            let name = &self.release.data[self.file].name;
            self.acc.name_refusals(&mark, name);
        }
        self.files_read += 1;
        self.next_file();
    }

    /// The current file failed: its rows so far are taken out, and it is listed.
    fn fail(&mut self, err: &ImportError) {
        if let Some(mark) = self.mark.take() {
            self.acc.undo_file(&mark);
        }
        let name = &self.release.data[self.file].name;
        self.failed.extend(failure(name, err));
        self.pending.retain(|&(file, _), _| file != self.file);
        self.next_file();
    }

    fn next_file(&mut self) {
        self.files.remove(&self.file);
        self.ends.remove(&self.file);
        self.file += 1;
        self.seq = 0;
        self.mark = None;
        self.report();
    }

    fn report(&mut self) {
        (self.progress)(&Progress {
            bytes: self.bytes_done.min(self.total_bytes),
            total_bytes: self.total_bytes,
            rows: self.acc.rows_kept(),
            elapsed: self.started.elapsed(),
            files: (self.file, self.release.data.len()),
        });
    }

    /// The dataset: products named, the aggregation rule applied once to the whole.
    pub(super) fn finish(
        mut self,
        companions: &Companions<'_>,
    ) -> Result<ImportOutcome, ImportError> {
        self.prefault = None;
        let Some((layout, codes_origin)) = self.layout.filter(|_| self.files_read > 0) else {
            return Err(all_failed(self.release, &self.failed));
        };
        let mut outcome = super::named_outcome(layout, self.acc, companions, codes_origin);
        outcome.table.compute_flags();
        outcome.files = self.files_read;
        outcome.failed_files = self.failed;
        Ok(outcome)
    }
}

/// A part to read file `file`'s rows into: one already appended when one is spare (its
/// memory reused), keeping its dictionaries when it held rows of the same file (it knows
/// the file's codes already), emptied whole when of another (whose countries and products
/// may have been taken out again, with a file that failed).
pub(super) fn spare_part(spare: &Mutex<Vec<(usize, Part)>>, file: usize) -> Part {
    let taken = lock(spare).pop();
    match taken {
        Some((held, part)) if held == file => part,
        Some((_, mut part)) => {
            part.reset();
            part
        }
        None => Part::default(),
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
