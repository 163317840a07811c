//! A release whose data files are all Parquet, read as one stream of row-group tasks into
//! the dataset's one table. Each thread takes the next task of the files open, lowest file
//! first; when none is left it opens the next file (its footer, or an archive entry
//! inflated). A task's rows are appended to the table as soon as the tasks before it, in
//! file and row order, are, so the dataset is the same whatever order the threads finish in.
//!
//! Reading each file into a table of its own, two files at once, and appending those tables
//! afterwards (as a release of CSV files is read) copied every row once more into memory
//! the system had to zero first: a fifth of the time of a Parquet release, and a peak
//! memory above 24 bytes a row.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::blocks::{Accumulator, Mark};
use super::codes::CodeTable;
use super::merged::{all_failed, failure};
use super::parquet::ParquetInfo;
use super::parquet_rows::{Prepared, Shape, Task, read_task, tasks};
use super::parse::{Part, PartContext};
use super::release::{Release, companions, label, open_member};
use super::{
    ColumnMap, Companions, ImportError, ImportOutcome, Layout, MAX_LISTED_REJECTIONS, MAX_ROWS,
    Progress,
};
use crate::model::dataset::TradeTable;
use crate::model::sync::lock;

/// A file of the release, opened: what its tasks need.
struct OpenFile {
    /// Its place among the release's data files.
    index: usize,
    info: ParquetInfo,
    prepared: Prepared,
    /// The code list its rows are read with (the layout's, or an empty one).
    codes: CodeTable,
    shape: Shape,
    tasks: Vec<Task>,
    /// The file as it was when opened, to notice a change while it is read.
    opened: (PathBuf, std::fs::Metadata),
}

impl OpenFile {
    fn ctx(&self) -> PartContext<'_> {
        PartContext {
            delim: b',',
            map: &self.prepared.map,
            codes: &self.codes,
            max_listed: MAX_LISTED_REJECTIONS,
        }
    }
}

/// What the reading threads tell the appending one.
enum Report {
    /// A file was opened, or could not be.
    Opened(usize, Result<Arc<OpenFile>, ImportError>),
    /// A task's rows, or why they could not be read.
    Read {
        file: usize,
        task: usize,
        /// Boxed: a part is large beside the other report.
        part: Box<Result<Part, String>>,
    },
}

/// The files open and the tasks taken, shared by the reading threads.
#[derive(Default)]
struct Queue {
    /// Files with tasks not taken yet, and the next task of each.
    open: Vec<(Arc<OpenFile>, usize)>,
    /// The next file to open.
    next_file: usize,
    /// Files being opened: a thread with nothing to do waits for their tasks.
    opening: usize,
}

/// What the threads share.
struct Shared<'a> {
    release: &'a Release,
    mapping: Option<&'a ColumnMap>,
    companions: Companions<'static>,
    threads: usize,
    queue: Mutex<Queue>,
    /// Told when a file's tasks are queued, or when reading stops.
    queued: Condvar,
    stop: AtomicBool,
    cancel: &'a AtomicBool,
    /// Parts already appended, given back to be filled again (their memory reused), with
    /// the file whose rows they held.
    spare: Mutex<Vec<(usize, Part)>>,
}

impl Shared<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.cancel.load(Ordering::Relaxed)
    }

    /// Stops the threads, also those waiting for a file to be opened.
    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.queued.notify_all();
    }

    /// Opens data file `index`: its footer read, its layout resolved, its tasks planned.
    fn open(&self, index: usize) -> Result<Arc<OpenFile>, ImportError> {
        let member = &self.release.data[index];
        let path = label(self.release, member);
        let input = open_member(self.release, member)?;
        let Some(info) = input.parquet else {
            return Err(ImportError::Parquet {
                path,
                detail: "the file is no longer a Parquet file".to_owned(),
            });
        };
        let prepared = Prepared::of(&path, &info, self.mapping.cloned(), &self.companions)?;
        let shape = Shape::of(&info, &prepared.map);
        Ok(Arc::new(OpenFile {
            index,
            codes: prepared.codes.clone().unwrap_or_default(),
            tasks: tasks(&info, self.threads),
            info,
            prepared,
            shape,
            opened: input.opened,
        }))
    }

    /// The next task to read, opening files as their tasks run out; `None` when every
    /// task is taken or reading stopped.
    fn next_task(&self, tx: &mpsc::SyncSender<Report>) -> Option<(Arc<OpenFile>, usize)> {
        let mut queue = lock(&self.queue);
        loop {
            if self.stopped() {
                return None;
            }
            queue.open.retain(|(file, next)| *next < file.tasks.len());
            if let Some((file, next)) = queue.open.iter_mut().min_by_key(|(f, _)| f.index) {
                *next += 1;
                return Some((Arc::clone(file), *next - 1));
            }
            if queue.next_file < self.release.data.len() {
                let index = queue.next_file;
                queue.next_file += 1;
                queue.opening += 1;
                drop(queue);
                let opened = self.open(index);
                let file = opened.as_ref().ok().map(Arc::clone);
                let sent = tx.send(Report::Opened(index, opened)).is_ok();
                queue = lock(&self.queue);
                queue.opening -= 1;
                if let Some(file) = file {
                    queue.open.push((file, 0));
                }
                self.queued.notify_all();
                if !sent {
                    return None;
                }
            } else if queue.opening > 0 {
                // Checked again now and then: a cancel does not notify.
                let wait = self.queued.wait_timeout(queue, Duration::from_millis(50));
                queue = wait.map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
            } else {
                return None;
            }
        }
    }

    /// One reading thread: tasks until there are none.
    fn work(&self, tx: &mpsc::SyncSender<Report>) {
        while let Some((file, task)) = self.next_task(tx) {
            let reused = match lock(&self.spare).pop() {
                Some((held, part)) if held == file.index => part,
                // A part keeps its dictionaries from task to task; not into another file.
                Some((_, mut part)) => {
                    part.reset();
                    part
                }
                None => Part::default(),
            };
            let job = (&file.tasks[task], &file.shape);
            let part = read_task(&file.info, job, &file.ctx(), self.cancel, reused)
                .map_err(|e| super::parquet::detail(&e));
            let report = Report::Read {
                file: file.index,
                task,
                part: Box::new(part),
            };
            if tx.send(report).is_err() {
                return;
            }
        }
    }
}

/// Imports every data file of a release of Parquet files (`rows` rows in all, as their
/// footers say) as one dataset.
pub(super) fn import(
    release: &Release,
    mapping: Option<ColumnMap>,
    rows: u64,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    let threads = super::threads();
    let shared = Shared {
        release,
        mapping: mapping.as_ref(),
        companions: companions(release),
        threads,
        queue: Mutex::default(),
        queued: Condvar::new(),
        stop: AtomicBool::new(false),
        cancel,
        spare: Mutex::default(),
    };
    let mut appending = Appending::new(release, rows, progress);
    super::reserve(&mut appending.acc.table, (rows as usize).min(MAX_ROWS));
    let (tx, rx) = mpsc::sync_channel::<Report>(threads * 2);
    let appended = std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let shared = &shared;
            scope.spawn(move || shared.work(&tx));
        }
        drop(tx);
        let appended = appending.receive(rx, &shared);
        shared.halt();
        appended
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled);
    }
    appended?;
    appending.finish(&shared.companions)
}

/// The appending thread's state: the one table, and where it stands in the stream.
struct Appending<'a> {
    release: &'a Release,
    acc: Accumulator,
    /// The opened files not finished yet (or why they could not be opened).
    files: BTreeMap<usize, Result<Arc<OpenFile>, ImportError>>,
    /// Tasks read before those ahead of them.
    pending: BTreeMap<(usize, usize), Result<Part, String>>,
    /// The file and task appended next, and where the table stood when the file started.
    file: usize,
    task: usize,
    mark: Option<Mark>,
    /// The first file's layout and code list origin.
    layout: Option<(Layout, Option<String>)>,
    files_read: usize,
    failed: Vec<(String, String)>,
    /// Rows of all files, and of the tasks appended or left (for progress).
    rows: u64,
    rows_done: u64,
    total_bytes: u64,
    started: Instant,
    progress: &'a mut dyn FnMut(&Progress),
}

impl<'a> Appending<'a> {
    fn new(release: &'a Release, rows: u64, progress: &'a mut dyn FnMut(&Progress)) -> Self {
        Self {
            release,
            acc: Accumulator::new(true, TradeTable::default()),
            files: BTreeMap::new(),
            pending: BTreeMap::new(),
            file: 0,
            task: 0,
            mark: None,
            layout: None,
            files_read: 0,
            failed: Vec::new(),
            rows,
            rows_done: 0,
            total_bytes: super::release::stored_bytes(release),
            started: Instant::now(),
            progress,
        }
    }

    /// Appends what the threads read, in order, until every file is done.
    fn receive(
        &mut self,
        rx: mpsc::Receiver<Report>,
        shared: &Shared<'_>,
    ) -> Result<(), ImportError> {
        for report in rx {
            match report {
                Report::Opened(index, file) => {
                    self.files.insert(index, file);
                }
                // A part of a file that failed already is not appended.
                Report::Read { file, part, .. } if file < self.file => {
                    lock(&shared.spare).extend(part.ok().map(|part| (file, part)));
                }
                Report::Read { file, task, part } => {
                    self.pending.insert((file, task), *part);
                }
            }
            self.advance(shared)?;
            if self.file == self.release.data.len() {
                break;
            }
        }
        Ok(())
    }

    /// Appends every part whose turn has come; finishes each file whose parts are in.
    fn advance(&mut self, shared: &Shared<'_>) -> Result<(), ImportError> {
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
            if self.task == file.tasks.len() {
                self.finish_file(&file);
                continue;
            }
            match self.pending.remove(&(self.file, self.task)) {
                None => return Ok(()),
                Some(Ok(part)) => {
                    self.acc.add_part(&part);
                    lock(&shared.spare).push((self.file, part));
                    self.rows_done += file.tasks[self.task].rows;
                    self.task += 1;
                    self.report();
                    if self.acc.table.len() > MAX_ROWS {
                        return Err(ImportError::TooManyRows {
                            path: self.release.root.clone(),
                        });
                    }
                }
                Some(Err(detail)) => {
                    let left: u64 = file.tasks[self.task..].iter().map(|t| t.rows).sum();
                    self.rows_done += left;
                    let path = label(self.release, &self.release.data[self.file]);
                    self.fail(&ImportError::Parquet { path, detail });
                }
            }
        }
        Ok(())
    }

    /// Starts appending `file`'s rows.
    fn start(&mut self, file: &OpenFile) {
        self.mark = Some(self.acc.start_file());
        let reconciled = file.prepared.reconciled();
        match self.layout {
            None => {
                let origin = file.prepared.codes.as_ref().map(|c| c.origin.clone());
                self.layout = Some((file.prepared.layout, origin));
                self.acc.table.reconciled = reconciled;
            }
            Some(_) => self.acc.table.reconciled &= reconciled,
        }
    }

    /// Every part of `file` is appended: it counts, unless it changed while it was read.
    fn finish_file(&mut self, file: &OpenFile) {
        let (path, before) = &file.opened;
        if super::changed_since(path, before) {
            let path = label(self.release, &self.release.data[self.file]);
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
        self.file += 1;
        self.task = 0;
        self.mark = None;
    }

    fn report(&mut self) {
        let share = self.rows_done as f64 / self.rows.max(1) as f64;
        (self.progress)(&Progress {
            bytes: (self.total_bytes as f64 * share.min(1.0)) as u64,
            total_bytes: self.total_bytes,
            rows: self.acc.table.len() as u64,
            elapsed: self.started.elapsed(),
            files: (self.file, self.release.data.len()),
        });
    }

    /// The dataset: products named, the aggregation rule applied once to the whole.
    fn finish(self, companions: &Companions<'_>) -> Result<ImportOutcome, ImportError> {
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
