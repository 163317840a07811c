//! A release of CSV files (BACI's 29 yearly files, a folder of Comtrade extracts, a zip of
//! either) read as one stream into the dataset's one table. One thread reads the files in
//! name order and cuts their text into runs of whole records; each of the parsing threads
//! takes the next run and reads it into a part; the parts are appended in order by
//! [`super::stream`], as a release of Parquet files is.
//!
//! Reading each file into a table of its own, two files at once, and appending those tables
//! afterwards copied every row once more, into tables the system had to zero first: about
//! a tenth of the page faults of a release, and the copy a fifth of the appending.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::codes::CodeTable;
use super::parse::{
    MAX_RECORD_BYTES, Part, PartContext, parse_part_into, record_boundaries, records_to_cut,
};
use super::release::{Release, companions, label, open_member};
use super::stream::{Appending, FileInfo, Report, spare_part};
use super::{
    BLOCK_BYTES, ColumnMap, Companions, ImportError, ImportOutcome, Input, MAX_LISTED_REJECTIONS,
    Progress, TextStart, io_error,
};

/// How the records of one file are read.
struct FileContext {
    delim: u8,
    map: ColumnMap,
    codes: CodeTable,
}

impl FileContext {
    fn ctx(&self) -> PartContext<'_> {
        PartContext {
            delim: self.delim,
            map: &self.map,
            codes: &self.codes,
            max_listed: MAX_LISTED_REJECTIONS,
        }
    }
}

/// A run of whole records of one file, the `seq`th, with how they are read; `bytes` of
/// the files as stored that were read for it.
struct Run {
    file: usize,
    seq: usize,
    context: Arc<FileContext>,
    text: Vec<u8>,
    bytes: u64,
}

/// What the reading and parsing threads share.
struct Shared<'a> {
    release: &'a Release,
    mapping: Option<&'a ColumnMap>,
    companions: Companions<'static>,
    cancel: &'a AtomicBool,
    /// Bytes of text in a run (at least; a run ends at a record's end).
    run_bytes: usize,
    /// Parts already appended, given back to be filled again, with the file whose rows
    /// they held.
    spare: Mutex<Vec<(usize, Part)>>,
}

/// Imports every data file of a release of CSV files as one dataset.
pub(super) fn import(
    release: &Release,
    mapping: Option<ColumnMap>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    import_in_runs(release, mapping, BLOCK_BYTES, progress, cancel)
}

/// [`import`] in runs of `run_bytes` bytes (small in tests, so that files span many).
fn import_in_runs(
    release: &Release,
    mapping: Option<ColumnMap>,
    run_bytes: usize,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    let threads = super::threads();
    let shared = Shared {
        release,
        mapping: mapping.as_ref(),
        companions: companions(release),
        cancel,
        run_bytes,
        spare: Mutex::default(),
    };
    let mut appending = Appending::new(release, None, progress);
    let (tx, rx) = mpsc::sync_channel::<Report>(threads * 2);
    // Runs waiting for a parser: enough to keep every parser busy while the reader
    // fills the next.
    let (runs_tx, runs_rx) = mpsc::sync_channel::<Run>(threads);
    // Shared by the parsers, dropped with the last of them: a reader waiting to hand a
    // run over then stops too.
    let runs_rx = Arc::new(Mutex::new(runs_rx));
    let (texts_tx, texts_rx) = mpsc::channel::<Vec<u8>>();
    let appended = std::thread::scope(|scope| {
        let shared = &shared;
        {
            let tx = tx.clone();
            scope.spawn(move || read_files(shared, &tx, &runs_tx, &texts_rx));
        }
        for _ in 0..threads {
            let (tx, runs_rx, texts_tx) = (tx.clone(), Arc::clone(&runs_rx), texts_tx.clone());
            scope.spawn(move || parse_runs(shared, &tx, &runs_rx, &texts_tx));
        }
        drop((tx, runs_rx, texts_tx));
        // Returning drops the reports' receiver: the threads still sending then stop.
        appending.receive(rx, &shared.spare, cancel)
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled);
    }
    appended?;
    appending.finish(&shared.companions)
}

/// One parsing thread: runs until there are none, each read into a part.
fn parse_runs(
    shared: &Shared<'_>,
    tx: &mpsc::SyncSender<Report>,
    runs: &Mutex<mpsc::Receiver<Run>>,
    texts: &mpsc::Sender<Vec<u8>>,
) {
    loop {
        let run = match crate::model::sync::lock(runs).recv() {
            Ok(run) => run,
            Err(_) => return,
        };
        if shared.cancel.load(Ordering::Relaxed) {
            return;
        }
        let mut part = spare_part(&shared.spare, run.file);
        parse_part_into(&run.text, &run.context.ctx(), &mut part);
        let report = Report::Read {
            file: run.file,
            seq: run.seq,
            part: Box::new(Ok(part)),
            bytes: run.bytes,
            text: run.text.len() as u64,
        };
        let _ = texts.send(run.text);
        if tx.send(report).is_err() {
            return;
        }
    }
}

/// The reading thread: every file in turn, cut into runs; says how each file ended.
fn read_files(
    shared: &Shared<'_>,
    tx: &mpsc::SyncSender<Report>,
    runs: &mpsc::SyncSender<Run>,
    texts: &mpsc::Receiver<Vec<u8>>,
) {
    for index in 0..shared.release.data.len() {
        if shared.cancel.load(Ordering::Relaxed) {
            return;
        }
        let member = &shared.release.data[index];
        let path = label(shared.release, member);
        let input = match open_member(shared.release, member) {
            Ok(input) => input,
            Err(err) => {
                if tx.send(Report::Opened(index, Err(err))).is_err() {
                    return;
                }
                continue;
            }
        };
        let counter = Arc::clone(&input.counter);
        let mut file = FileRuns {
            shared,
            index,
            path: &path,
            counter: &counter,
            counted: 0,
            tx,
            runs,
            texts,
        };
        let end = match file.read(input) {
            Ok(Some(parts)) => Report::Ended {
                file: index,
                parts,
                bytes: file.uncounted(),
            },
            Ok(None) => return,
            Err(Failure::Opening(err)) => Report::Opened(index, Err(err)),
            Err(Failure::Reading(error)) => Report::Failed {
                file: index,
                error,
                bytes: file.uncounted(),
            },
        };
        if tx.send(end).is_err() {
            return;
        }
    }
}

/// Why a file's runs stopped: before it was opened as text, or after.
enum Failure {
    Opening(ImportError),
    Reading(ImportError),
}

/// The reading of one file into runs.
struct FileRuns<'a, 's> {
    shared: &'a Shared<'s>,
    index: usize,
    path: &'a Path,
    /// Bytes of the file read so far (as stored), and how many of them runs account for.
    counter: &'a Arc<std::sync::atomic::AtomicU64>,
    counted: u64,
    tx: &'a mpsc::SyncSender<Report>,
    runs: &'a mpsc::SyncSender<Run>,
    texts: &'a mpsc::Receiver<Vec<u8>>,
}

impl FileRuns<'_, '_> {
    /// Bytes read that no run accounts for yet.
    fn uncounted(&mut self) -> u64 {
        let now = self.counter.load(Ordering::Relaxed);
        let more = now.saturating_sub(self.counted);
        self.counted = now;
        more
    }

    /// Reads the file and hands its runs over: how many (`None` when the import stopped).
    fn read(&mut self, input: Input) -> Result<Option<usize>, Failure> {
        let Input {
            read: mut reader,
            opened,
            size,
            compressed,
            parquet,
            counter: _,
        } = input;
        if parquet.is_some() {
            // Its failures come before it is opened: it has no runs to take out.
            let input = Input {
                read: reader,
                opened,
                size,
                compressed,
                counter: Arc::clone(self.counter),
                parquet,
            };
            return self.read_parquet(input).map_err(Failure::Opening);
        }
        let start = TextStart::read(
            self.path,
            (&mut reader, compressed),
            self.shared.mapping.cloned(),
            &self.shared.companions,
        )
        .map_err(Failure::Opening)?;
        let info = FileInfo {
            layout: start.layout,
            codes_origin: start.codes.as_ref().map(|c| c.origin.clone()),
            reconciled: super::is_reconciled(start.layout, &start.map),
            opened,
        };
        if self
            .tx
            .send(Report::Opened(self.index, Ok(Arc::new(info))))
            .is_err()
        {
            return Ok(None);
        }
        let context = Arc::new(FileContext {
            delim: start.delim,
            map: start.map,
            codes: start.codes.unwrap_or_default(),
        });
        let read_err = |e| Failure::Reading(io_error(self.path, compressed, e));
        let mut carry = start.rest;
        let mut eof = start.eof;
        let mut seq = 0;
        loop {
            if self.shared.cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            if !eof && carry.len() < self.shared.run_bytes {
                let want = (self.shared.run_bytes - carry.len()) as u64;
                let got = (&mut reader)
                    .take(want)
                    .read_to_end(&mut carry)
                    .map_err(read_err)?;
                eof = (got as u64) < want;
            }
            if eof && !carry.is_empty() && carry.last() != Some(&b'\n') {
                carry.push(b'\n');
            }
            // At most a run's bytes, unless a record is longer.
            let cut = match carry.get(..self.shared.run_bytes) {
                Some(window) if window.len() < carry.len() => {
                    record_boundaries(window, 1).or_else(|| records_to_cut(&carry, 1, eof))
                }
                _ => records_to_cut(&carry, 1, eof),
            };
            let Some((end, _)) = cut else {
                if carry.len() > MAX_RECORD_BYTES {
                    let path = self.path.to_path_buf();
                    return Err(Failure::Reading(ImportError::LineTooLong { path }));
                }
                if eof {
                    break;
                }
                // No record ends in the run yet: read on into it.
                carry.reserve(self.shared.run_bytes);
                let got = (&mut reader)
                    .take(self.shared.run_bytes as u64)
                    .read_to_end(&mut carry)
                    .map_err(read_err)?;
                eof = got < self.shared.run_bytes;
                continue;
            };
            // The records go as they are; what follows them starts the next run.
            let mut next = self.texts.try_recv().unwrap_or_default();
            next.clear();
            next.reserve(self.shared.run_bytes + (carry.len() - end));
            next.extend_from_slice(&carry[end..]);
            carry.truncate(end);
            let run = Run {
                file: self.index,
                seq,
                context: Arc::clone(&context),
                text: std::mem::replace(&mut carry, next),
                bytes: self.uncounted(),
            };
            if self.runs.send(run).is_err() {
                return Ok(None);
            }
            seq += 1;
            if eof && carry.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        Ok(Some(seq))
    }

    /// A Parquet file among the CSV files: read whole, as one part.
    fn read_parquet(&mut self, input: Input) -> Result<Option<usize>, ImportError> {
        let opened = input.opened.clone();
        let outcome = super::import_input(
            self.path,
            input,
            (self.shared.mapping.cloned(), Default::default()),
            &self.shared.companions,
            &mut |_| {},
            self.shared.cancel,
        )?;
        let info = FileInfo {
            layout: outcome.layout,
            codes_origin: outcome.codes_origin.clone(),
            reconciled: outcome.table.reconciled,
            opened,
        };
        let sent = self.tx.send(Report::Opened(self.index, Ok(Arc::new(info))));
        let part = Part::of_outcome(outcome);
        let read = Report::Read {
            file: self.index,
            seq: 0,
            part: Box::new(Ok(part)),
            bytes: self.uncounted(),
            text: 0,
        };
        if sent.is_err() || self.tx.send(read).is_err() {
            return Ok(None);
        }
        Ok(Some(1))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::AtomicBool;

    use super::super::release::list;
    use super::super::{ImportError, ImportOutcome, import_file};
    use super::import_in_runs;

    /// Every row as (year, reporter, partner, flow, product, value, quantity), numbers
    /// as their bits.
    type Row = (u16, String, String, u8, String, u64, u32);

    fn rows(outcome: &ImportOutcome) -> Vec<Row> {
        let t = &outcome.table;
        (0..t.len())
            .map(|i| {
                (
                    t.year[i],
                    t.countries[usize::from(t.reporter[i])].code.clone(),
                    t.countries[usize::from(t.partner[i])].code.clone(),
                    t.flow[i],
                    t.products[t.product[i] as usize].code.clone(),
                    t.value[i].to_bits(),
                    t.quantity[i].to_bits(),
                )
            })
            .collect()
    }

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = gz.write_all(text);
        gz.finish().unwrap_or_default()
    }

    /// Comtrade records with quoted names (commas, doubled quotes, line breaks inside),
    /// a refused value, a blank line; `crlf` ends lines with `\r\n`.
    fn comtrade(year: u16, rows: usize, crlf: bool) -> String {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!(
            "refYear,reporterISO,reporterDesc,partnerISO,partnerDesc,flowCode,cmdCode,cmdDesc,\
             primaryValue,qty{eol}"
        );
        let reporters = [
            ("PAK", "Pakistan"),
            ("KAZ", "Kazakhstan"),
            ("DEU", "Germany"),
        ];
        for r in 0..rows {
            let (iso, name) = reporters[r % 3];
            let (partner, desc) = reporters[(r + 1) % 3];
            let flow = if r % 2 == 0 { "X" } else { "M" };
            let product = format!("{:06}", 10_000 + r * 7 % 500);
            let value = if r % 97 == 5 {
                "abc".to_owned()
            } else {
                format!("{}.{}", r * 13 % 100_000, r % 10)
            };
            let label = match r % 4 {
                0 => "\"Fruit, fresh\"".to_owned(),
                1 => format!("\"Line one{eol}line \"\"two\"\"\""),
                _ => "Plain".to_owned(),
            };
            text.push_str(&format!(
                "{year},{iso},\"{name}\",{partner},{desc},{flow},{product},{label},{value},{}{eol}",
                r % 50
            ));
            if r % 211 == 3 {
                text.push_str(eol);
            }
        }
        text
    }

    /// The folder's data files, as the release lists them.
    fn files(dir: &Path) -> Vec<PathBuf> {
        list(dir)
            .map(|release| {
                release
                    .data
                    .iter()
                    .map(|m| dir.join(&m.name))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    }

    fn stream(dir: &Path, run_bytes: usize) -> Result<ImportOutcome, ImportError> {
        let release = list(dir)?;
        import_in_runs(
            &release,
            None,
            run_bytes,
            &mut |_| {},
            &AtomicBool::new(false),
        )
    }

    /// Runs of a few records, cut wherever the text falls, give the rows, refusals (with
    /// their file and line) and failures of the files read one by one on their own.
    #[test]
    fn runs_across_files_read_as_the_files_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.path().join(name), bytes).unwrap_or_else(|e| panic!("{e}"));
        };
        let mut first = b"\xef\xbb\xbf".to_vec();
        first.extend_from_slice(comtrade(2019, 700, true).as_bytes());
        write("a_2019.csv", &first);
        write(
            "b_2020.csv.gz",
            &gzip(comtrade(2020, 900, false).as_bytes()),
        );
        write("c_2021.csv", comtrade(2021, 0, false).as_bytes());
        let damaged = gzip(comtrade(2022, 3_000, false).as_bytes());
        write("d_2022.csv.gz", &damaged[..damaged.len() / 2]);
        // No line break after the last record.
        write(
            "e_2023.csv",
            comtrade(2023, 400, false).trim_end().as_bytes(),
        );
        // A quote never closed, a few records before the end.
        let mut stray = comtrade(2024, 300, false);
        let near_end = stray.len() - 200;
        let at = near_end + stray[near_end..].find(",X,").unwrap_or(0);
        stray.insert(at + 1, '"');
        write("f_2024.csv", stray.as_bytes());
        let (mut expected, mut refused, mut rejected) = (Vec::new(), Vec::new(), 0);
        let mut failed = Vec::new();
        for path in files(dir.path()) {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let name = name.unwrap_or_default();
            let cancel = AtomicBool::new(false);
            match import_file(&path, None, &mut |_| {}, &cancel) {
                Ok(alone) => {
                    expected.extend(rows(&alone));
                    rejected += alone.rows_rejected;
                    refused.extend(
                        alone
                            .rejected
                            .iter()
                            .map(|(line, why)| (*line, format!("{name}: {why}"))),
                    );
                }
                Err(_) => failed.push(name),
            }
        }
        assert_eq!(failed, ["d_2022.csv.gz"]);
        assert!(rejected > 10, "the files refuse some rows: {rejected}");
        let never_closed = |(_, why): &(u64, String)| why.starts_with("f_2024.csv: a quote");
        assert!(refused.iter().any(never_closed), "{refused:?}");
        for run_bytes in [40, 333, 4_096, 1 << 20] {
            let outcome = stream(dir.path(), run_bytes).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(rows(&outcome), expected, "runs of {run_bytes} bytes");
            assert_eq!(outcome.rows_rejected, rejected);
            assert_eq!(outcome.rejected, refused, "runs of {run_bytes} bytes");
            assert_eq!(outcome.files, 5);
            let failed: Vec<&str> = outcome
                .failed_files
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            assert_eq!(failed, ["d_2022.csv.gz"]);
        }
    }

    /// A Parquet file among CSV files of the same layout is read whole, its refusals
    /// numbered as when it is read alone.
    #[test]
    fn a_parquet_file_among_csv_files_keeps_its_rows_and_refusals() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (csv, parquet) = (dir.path().join("a.csv"), dir.path().join("b.parquet"));
        for (from, to) in [("mixed.csv", &csv), ("mixed.parquet", &parquet)] {
            std::fs::copy(fixtures.join(from), to).unwrap_or_else(|e| panic!("{e}"));
        }
        let cancel = AtomicBool::new(false);
        let mut expected = Vec::new();
        let mut refused = Vec::new();
        for (name, path) in [("a.csv", &csv), ("b.parquet", &parquet)] {
            let alone =
                import_file(path, None, &mut |_| {}, &cancel).unwrap_or_else(|e| panic!("{e}"));
            expected.extend(rows(&alone));
            refused.extend(
                alone
                    .rejected
                    .iter()
                    .map(|(line, why)| (*line, format!("{name}: {why}"))),
            );
        }
        assert!(!refused.is_empty(), "the fixture refuses rows");
        let outcome = stream(dir.path(), 64).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows(&outcome), expected);
        assert_eq!(outcome.rejected, refused);
        assert_eq!(outcome.files, 2);
    }
}
