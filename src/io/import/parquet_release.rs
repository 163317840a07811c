//! A release whose data files are all Parquet, read as one stream of row-group tasks into
//! the dataset's one table. Each thread takes the next task of the files open, lowest file
//! first; when none is left it opens the next file (its footer, or an archive entry
//! inflated). A task's rows are appended to the table as soon as the tasks before it, in
//! file and row order, are, so the dataset is the same whatever order the threads finish in.
//!
//! Reading each file into a table of its own, two files at once, and appending those tables
//! afterwards copied every row once more into memory the system had to zero first: a fifth
//! of the time of a Parquet release, and a peak memory above 24 bytes a row. The appending
//! is [`super::stream`]'s, shared with a release of CSV files.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::Duration;

use super::codes::CodeTable;
use super::parquet::ParquetInfo;
use super::parquet_rows::{Prepared, Shape, Task, read_task, tasks};
use super::parse::{Part, PartContext};
use super::release::{Release, companions, label, open_member};
use super::stream::{Appending, FileInfo, Report, spare_part};
use super::{ColumnMap, Companions, ImportError, ImportOutcome, MAX_LISTED_REJECTIONS, Progress};
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
    /// Each pair's totals only ([`super::totals`]), not the rows.
    totals_only: bool,
    /// Rows of all the files, and their bytes as stored: a task's share of the bytes.
    rows: u64,
    total_bytes: u64,
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

    /// Opens data file `index`: its footer read, its layout resolved, its tasks planned;
    /// what its rows are read as, for the appending thread.
    fn open(&self, index: usize) -> Result<(Arc<OpenFile>, Arc<FileInfo>), ImportError> {
        let member = &self.release.data[index];
        let path = label(self.release, member);
        let input = open_member(self.release, member)?;
        let Some(info) = input.parquet else {
            return Err(ImportError::Parquet {
                path,
                detail: "the file is no longer a Parquet file".to_owned(),
            });
        };
        let prepared = Prepared::of(
            &path,
            &info,
            (self.mapping.cloned(), self.totals_only),
            &self.companions,
        )?;
        let shape = Shape::of(&info, &prepared.map);
        let described = FileInfo {
            layout: prepared.layout,
            codes_origin: prepared.codes.as_ref().map(|c| c.origin.clone()),
            reconciled: prepared.reconciled(),
            opened: input.opened,
        };
        let file = OpenFile {
            index,
            codes: prepared.codes.clone().unwrap_or_default(),
            tasks: tasks(&info, self.threads),
            info,
            prepared,
            shape,
        };
        Ok((Arc::new(file), Arc::new(described)))
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
                let (file, report) = match self.open(index) {
                    Ok((file, described)) => (Some(file), Ok(described)),
                    Err(err) => (None, Err(err)),
                };
                let parts = file.as_ref().map(|f| f.tasks.len());
                let mut sent = tx.send(Report::Opened(index, report)).is_ok();
                if let Some(parts) = parts {
                    let ended = Report::Ended {
                        file: index,
                        parts,
                        bytes: 0,
                    };
                    sent &= tx.send(ended).is_ok();
                }
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
            let mut reused = spare_part(&self.spare, file.index);
            let pad = file.prepared.layout == super::Layout::Baci;
            if reused.sums.as_ref().map(|s| s.pad_to_six) != self.totals_only.then_some(pad) {
                reused.sum_rows(self.totals_only.then_some(pad));
            }
            let job = (&file.tasks[task], &file.shape);
            let part = read_task(&file.info, job, &file.ctx(), self.cancel, reused).map_err(|e| {
                ImportError::Parquet {
                    path: label(self.release, &self.release.data[file.index]),
                    detail: super::parquet::detail(&e),
                }
            });
            let share = file.tasks[task].rows as f64 / self.rows.max(1) as f64;
            let report = Report::Read {
                file: file.index,
                seq: task,
                part: Box::new(part),
                bytes: (self.total_bytes as f64 * share) as u64,
                text: 0,
            };
            if tx.send(report).is_err() {
                return;
            }
        }
    }
}

/// Imports every data file of a release of Parquet files (`rows` rows in all, as their
/// footers say) as one dataset; with `totals_only`, each pair's totals per year instead of
/// the rows ([`super::totals`]).
pub(super) fn import(
    release: &Release,
    (mapping, totals_only): (Option<ColumnMap>, bool),
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
        totals_only,
        rows,
        total_bytes: super::release::stored_bytes(release),
        spare: Mutex::default(),
    };
    // The totals take a few megabytes: no room is made for the rows.
    let room = (!totals_only).then_some(rows);
    let mut appending = Appending::new(release, room, progress);
    let (tx, rx) = mpsc::sync_channel::<Report>(threads * 2);
    let appended = std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let shared = &shared;
            scope.spawn(move || shared.work(&tx));
        }
        drop(tx);
        let appended = appending.receive(rx, &shared.spare, cancel);
        shared.halt();
        appended
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled);
    }
    appended?;
    appending.finish(&shared.companions)
}
