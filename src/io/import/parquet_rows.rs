//! Parquet files read straight into rows, row groups decoded on every core. Where every
//! role of the layout reads one plain column, a row group is read column by column with
//! its dictionaries kept ([`super::parquet_columns`]); otherwise, or when a page uses an
//! encoding that reader leaves alone, a batch of rows at a time goes through the same row
//! parser as a CSV record (layouts, mappings, code lists, checks), without being written
//! out as text and split again. Floating-point value and quantity columns stay numbers;
//! every other column is read as the text its values would have in a CSV file (integers,
//! exact decimals, ISO dates).
//!
//! Consecutive row groups are read as one task of up to about a million rows; tasks are
//! appended to the dataset in file order, so the rows come out in the order the file holds
//! them, whatever order the threads finish in. A task's part (its rows and dictionaries)
//! goes back to the threads once appended, to be filled again.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use parquet::column::reader::ColumnReader;

use super::blocks::Accumulator;
use super::codes::CodeTable;
use super::guard::CheckedPages;
use super::parquet::{BATCH_ROWS, ColumnText, ParquetInfo, check_count, decode, invalid};
use super::parquet_columns::{Plan, add_rows, decode_group};
use super::parquet_pages::Chunk;
use super::parse::{Fields, Part, PartContext};
use super::{
    ColumnMap, Companions, ImportError, ImportOutcome, Layout, MAX_LISTED_REJECTIONS, MAX_ROWS,
    Progress,
};

/// Rows per task: enough that each task's dictionaries cost little beside its rows.
const TASK_ROWS: u64 = 1 << 20;

/// How a column of a batch is held.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Held {
    /// Not used by the layout.
    Skipped,
    Text,
    /// Floating-point values; NaN where the value is missing.
    Numbers,
    /// Integers read as codes or years; [`MISSING`] where the value is missing.
    Integers,
}

/// A missing integer: no year, code or product is this number.
pub(super) const MISSING: i64 = i64::MIN;

/// A batch of rows: the file's columns, then the partition folders' values.
struct Batch<'a> {
    held: &'a [Held],
    texts: Vec<ColumnText>,
    numbers: Vec<Vec<f64>>,
    integers: Vec<Vec<i64>>,
    partitions: &'a [String],
    partition_integers: &'a [Option<i64>],
}

impl<'a> Batch<'a> {
    /// An empty batch for a file's rows.
    fn new(info: &'a ParquetInfo, shape: &'a Shape) -> Self {
        let n = info.columns.len();
        Batch {
            held: &shape.held,
            texts: (0..n).map(|_| ColumnText::default()).collect(),
            numbers: vec![Vec::new(); n],
            integers: vec![Vec::new(); n],
            partitions: &info.partition_values,
            partition_integers: &shape.partition_integers,
        }
    }
}

/// How every batch of a file holds its columns, decided once for the file.
pub(super) struct Shape {
    held: Vec<Held>,
    /// The partition values that are integers written the usual way (`2020`, not `02020`),
    /// which read the same as numbers as they do as text.
    partition_integers: Vec<Option<i64>>,
    /// How row groups are read column by column, where the layout allows it.
    plan: Option<Plan>,
}

impl Shape {
    /// The shape of `info`'s batches under `map`.
    pub(super) fn of(info: &ParquetInfo, map: &ColumnMap) -> Self {
        let held = held_columns(info, map);
        Self {
            plan: Plan::of(info, map, &held),
            held,
            partition_integers: info
                .partition_values
                .iter()
                .map(|v| canonical_integer(v))
                .collect(),
        }
    }
}

/// Row `row` of a batch, as the row parser reads it.
struct BatchRow<'a> {
    batch: &'a Batch<'a>,
    row: usize,
}

impl Fields for BatchRow<'_> {
    fn count(&self) -> usize {
        self.batch.held.len() + self.batch.partitions.len()
    }

    fn field(&self, i: usize) -> &[u8] {
        match self.batch.held.get(i) {
            Some(Held::Text) => self.batch.texts[i].get(self.row),
            // An integer column's text is asked for only where its value is missing.
            Some(_) => &[],
            None => self
                .batch
                .partitions
                .get(i - self.batch.held.len())
                .map_or(&[], |v| v.as_bytes()),
        }
    }

    fn number(&self, i: usize) -> Option<f64> {
        match self.batch.held.get(i) {
            Some(Held::Numbers) => self.batch.numbers[i]
                .get(self.row)
                .copied()
                .filter(|v| v.is_finite()),
            _ => super::parse::parse_f64(self.field(i)),
        }
    }

    fn integer(&self, i: usize) -> Option<i64> {
        match self.batch.held.get(i) {
            Some(Held::Integers) => self.batch.integers[i]
                .get(self.row)
                .copied()
                .filter(|&v| v != MISSING),
            Some(_) => None,
            None => self
                .batch
                .partition_integers
                .get(i - self.batch.held.len())
                .copied()
                .flatten(),
        }
    }
}

/// How each of the file's columns is held in a batch: numbers for a value or quantity
/// column of floats, integers for a year, code or product column of integers (each used
/// once, so that no other field asks for its text), text otherwise.
fn held_columns(info: &ParquetInfo, map: &ColumnMap) -> Vec<Held> {
    let used = map.columns();
    let integer_roles = [
        Some(map.year),
        map.reporter_code,
        map.partner_code,
        map.product,
    ];
    (0..info.columns.len())
        .map(|c| {
            let once = used.iter().filter(|&&u| u == c).count() == 1;
            let as_number = (c == map.value || map.quantity == Some(c)) && info.is_float(c);
            let as_integer = integer_roles.contains(&Some(c)) && info.is_integer(c);
            match (info.wanted(c), once && as_number, once && as_integer) {
                (false, _, _) => Held::Skipped,
                (true, true, _) => Held::Numbers,
                (true, _, true) => Held::Integers,
                _ => Held::Text,
            }
        })
        .collect()
}

/// A partition value as an integer, when its text is exactly that integer's digits.
fn canonical_integer(text: &str) -> Option<i64> {
    let n: i64 = text.parse().ok()?;
    (itoa::Buffer::new().format(n) == text).then_some(n)
}

/// Consecutive row groups, and their rows.
pub(super) struct Task {
    groups: Range<usize>,
    pub(super) rows: u64,
}

/// Consecutive row groups of about a million rows each, or fewer rows so that each of
/// `threads` threads gets several tasks of a small file.
pub(super) fn tasks(info: &ParquetInfo, threads: usize) -> Vec<Task> {
    let meta = info.file.metadata();
    let target = (info.rows / (4 * threads.max(1)) as u64).clamp(1, TASK_ROWS);
    let mut tasks: Vec<Task> = Vec::new();
    for (g, group) in meta.row_groups().iter().enumerate() {
        let rows = u64::try_from(group.num_rows()).unwrap_or(0);
        match tasks.last_mut() {
            Some(last) if last.rows < target => {
                last.groups.end = g + 1;
                last.rows += rows;
            }
            _ => tasks.push(Task {
                groups: g..g + 1,
                rows,
            }),
        }
    }
    tasks
}

/// A Parquet file's layout, column mapping and code list, resolved before its rows are read.
pub(super) struct Prepared {
    pub(super) layout: Layout,
    pub(super) map: ColumnMap,
    /// The code list of the layout, when it reads countries by number.
    pub(super) codes: Option<CodeTable>,
}

impl Prepared {
    /// Resolves the layout (or takes `mapping`) and chooses the columns to decode; with
    /// `totals_only`, not the quantity and product name columns (each pair's totals need
    /// neither, [`super::totals`]).
    pub(super) fn of(
        path: &Path,
        info: &ParquetInfo,
        (mapping, totals_only): (Option<ColumnMap>, bool),
        companions: &Companions<'_>,
    ) -> Result<Self, ImportError> {
        let (layout, mut map) = super::resolve_layout(path, mapping, &info.header)?;
        if totals_only {
            // The product column stays: its codes tell whether every row counts in the
            // totals (see `totals::Sums::check_text`).
            map.product_name = None;
            map.quantity = None;
        }
        // Columns are chosen before the first row is decoded.
        info.select(path, &map)?;
        let codes = companions.code_table(layout, &map);
        Ok(Self { layout, map, codes })
    }

    /// Whether rows are exporter → importer flows (BACI), not each country's report.
    pub(super) fn reconciled(&self) -> bool {
        super::is_reconciled(self.layout, &self.map)
    }
}

/// Imports a Parquet file: its rows decoded straight into the table on every core.
pub(super) fn import(
    path: &Path,
    info: &ParquetInfo,
    (opened, counter, total_bytes): (
        (std::path::PathBuf, std::fs::Metadata),
        std::sync::Arc<std::sync::atomic::AtomicU64>,
        u64,
    ),
    (mapping, table): (Option<ColumnMap>, crate::model::dataset::TradeTable),
    companions: &Companions<'_>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    let started = std::time::Instant::now();
    let Prepared { layout, map, codes } = Prepared::of(path, info, (mapping, false), companions)?;
    let codes_for_parse = codes.clone().unwrap_or_default();
    let ctx = PartContext {
        delim: b',',
        map: &map,
        codes: &codes_for_parse,
        max_listed: MAX_LISTED_REJECTIONS,
    };
    let mut acc = Accumulator::new(super::is_reconciled(layout, &map), table);
    super::reserve(&mut acc.table, (info.rows as usize).min(MAX_ROWS));
    let mut report = |rows: u64, acc: &Accumulator| {
        let bytes = (total_bytes as u128 * u128::from(rows) / u128::from(info.rows.max(1))) as u64;
        counter.store(bytes, Ordering::Relaxed);
        progress(&Progress {
            bytes,
            total_bytes,
            rows: acc.table.len() as u64,
            elapsed: started.elapsed(),
            files: (0, 1),
        });
        acc.table.len() <= MAX_ROWS
    };
    read_rows(info, &ctx, &mut acc, super::threads(), cancel, &mut report).map_err(|detail| {
        ImportError::Parquet {
            path: path.to_path_buf(),
            detail,
        }
    })?;
    super::finish_import(path, &opened, layout, acc, companions, codes, cancel)
}

/// Reads every row of a Parquet file into `acc` on `threads` threads; `done(rows)`
/// reports progress. Returns the reader's message when the file cannot be decoded.
pub(super) fn read_rows(
    info: &ParquetInfo,
    ctx: &PartContext<'_>,
    acc: &mut Accumulator,
    threads: usize,
    cancel: &AtomicBool,
    done: &mut dyn FnMut(u64, &Accumulator) -> bool,
) -> Result<(), String> {
    let tasks = tasks(info, threads);
    let shape = Shape::of(info, ctx.map);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Parts already appended, given back to the threads: their columns' memory is reused
    // rather than allocated (and zeroed by the system) again for every task.
    let spare: std::sync::Mutex<Vec<Part>> = std::sync::Mutex::default();
    let (tx, rx) = mpsc::sync_channel::<(usize, Result<Part, String>)>(threads * 2);
    std::thread::scope(|scope| {
        for _ in 0..threads.min(tasks.len()) {
            let tx = tx.clone();
            let (tasks, shape, next, stop, spare) = (&tasks, &shape, &next, &stop, &spare);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) && !cancel.load(Ordering::Relaxed) {
                    let t = next.fetch_add(1, Ordering::Relaxed);
                    let Some(task) = tasks.get(t) else { break };
                    let reused = spare.lock().ok().and_then(|mut spare| spare.pop());
                    let reused = reused.unwrap_or_default();
                    let part = read_task(info, (task, shape), ctx, cancel, reused)
                        .map_err(|e| super::parquet::detail(&e));
                    if tx.send((t, part)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Appended in file order: a task that finishes early waits for those before it.
        let mut pending: BTreeMap<usize, Part> = BTreeMap::new();
        let mut merged = 0;
        let mut rows = 0u64;
        for (t, part) in rx {
            let part = match part {
                Ok(part) => part,
                Err(err) => {
                    stop.store(true, Ordering::Relaxed);
                    return Err(err);
                }
            };
            pending.insert(t, part);
            while let Some(part) = pending.remove(&merged) {
                acc.add_part(&part);
                if let Ok(mut spare) = spare.lock() {
                    spare.push(part);
                }
                rows += tasks[merged].rows;
                merged += 1;
                if !done(rows, acc) {
                    stop.store(true, Ordering::Relaxed);
                    return Ok(());
                }
            }
        }
        Ok(())
    })
}

/// Reads one task's row groups into a part of its own; rejected rows are numbered as the
/// lines of the CSV the file would be (row 0 is line 2, after the header).
pub(super) fn read_task(
    info: &ParquetInfo,
    job: (&Task, &Shape),
    ctx: &PartContext<'_>,
    cancel: &AtomicBool,
    part: Part,
) -> std::io::Result<Part> {
    super::guard::guarded(|| read_task_pages(info, job, ctx, cancel, part))
}

fn read_task_pages(
    info: &ParquetInfo,
    (task, shape): (&Task, &Shape),
    ctx: &PartContext<'_>,
    cancel: &AtomicBool,
    mut part: Part,
) -> std::io::Result<Part> {
    // A part used before keeps its dictionaries (the accumulator maps every entry of each
    // part it appends) and its memory; only its rows are emptied.
    part.clear();
    part.expect_columns(ctx.map);
    let mut batch = Batch::new(info, shape);
    let n = info.columns.len();
    let mut chunks: Vec<Chunk> = (0..n).map(|_| Chunk::default()).collect();
    let mut line = 0u64;
    for g in task.groups.clone() {
        if cancel.load(Ordering::Relaxed) {
            return Ok(part);
        }
        let group = info.file.get_row_group(g).map_err(invalid)?;
        let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        if let Some(plan) = &shape.plan
            && decode_group(
                (info, plan),
                group.as_ref(),
                rows,
                &mut chunks,
                part.sums.as_mut(),
            )?
        {
            let how = (info, plan, shape.partition_integers.as_slice());
            add_rows(how, &chunks, rows, ctx, &mut part, line);
        } else {
            read_group_rows(
                info,
                group.as_ref(),
                (&mut batch, rows),
                ctx,
                &mut part,
                line,
            )?;
        }
        line += rows as u64;
    }
    // Lines are counted from the part's first row; the accumulator adds the rows before.
    part.lines = line;
    Ok(part)
}

/// Reads a row group row by row, a batch at a time (any layout, any encoding the `parquet`
/// crate reads); its first row is line `line` of the part.
fn read_group_rows(
    info: &ParquetInfo,
    group: &dyn parquet::file::reader::RowGroupReader,
    (batch, rows): (&mut Batch<'_>, usize),
    ctx: &PartContext<'_>,
    part: &mut Part,
    mut line: u64,
) -> std::io::Result<()> {
    let mut left = rows;
    let mut levels = Vec::new();
    let mut readers: Vec<Option<ColumnReader>> = Vec::with_capacity(info.columns.len());
    for c in 0..info.columns.len() {
        readers.push(if info.wanted(c) {
            Some(CheckedPages::reader(group, c).map_err(invalid)?)
        } else {
            None
        });
    }
    while left > 0 {
        let rows = left.min(BATCH_ROWS);
        for (c, reader) in readers.iter_mut().enumerate() {
            let Some(reader) = reader else { continue };
            let column = &info.columns[c];
            let max_level = column.max_def_level();
            let read = match batch.held[c] {
                Held::Numbers => {
                    let values = &mut batch.numbers[c];
                    values.clear();
                    decode_numbers(reader, rows, max_level, &mut levels, values)?
                }
                Held::Integers => {
                    let values = &mut batch.integers[c];
                    values.clear();
                    decode_integers(reader, rows, max_level, &mut levels, values)?
                }
                Held::Text | Held::Skipped => {
                    let text = &mut batch.texts[c];
                    text.bytes.clear();
                    text.ends.clear();
                    let how = (column, info.kinds[c], false);
                    decode(reader, rows, how, &mut levels, text)?
                }
            };
            check_count(column, read, rows)?;
        }
        for row in 0..rows {
            part.add_row(&BatchRow { batch, row }, ctx, line + row as u64);
        }
        line += rows as u64;
        left -= rows;
    }
    Ok(())
}

/// Decodes `rows` values of a FLOAT or DOUBLE column as numbers (NaN where missing).
fn decode_numbers(
    reader: &mut ColumnReader,
    rows: usize,
    max_level: i16,
    levels: &mut Vec<i16>,
    out: &mut Vec<f64>,
) -> std::io::Result<usize> {
    match reader {
        ColumnReader::DoubleColumnReader(r) => {
            read_values(r, (rows, max_level, f64::NAN), levels, out, |v| *v)
        }
        ColumnReader::FloatColumnReader(r) => {
            read_values(r, (rows, max_level, f64::NAN), levels, out, |v| {
                f64::from(*v)
            })
        }
        _ => Err(invalid("a number column changed its type")),
    }
}

/// Decodes `rows` values of an INT32 or INT64 column ([`MISSING`] where missing).
fn decode_integers(
    reader: &mut ColumnReader,
    rows: usize,
    max_level: i16,
    levels: &mut Vec<i16>,
    out: &mut Vec<i64>,
) -> std::io::Result<usize> {
    match reader {
        ColumnReader::Int32ColumnReader(r) => {
            read_values(r, (rows, max_level, MISSING), levels, out, |v| {
                i64::from(*v)
            })
        }
        ColumnReader::Int64ColumnReader(r) => {
            read_values(r, (rows, max_level, MISSING), levels, out, |v| *v)
        }
        _ => Err(invalid("an integer column changed its type")),
    }
}

/// Decodes `rows` values into `out`, `missing` where a row has none.
fn read_values<T: parquet::data_type::DataType, O: Copy>(
    reader: &mut parquet::column::reader::ColumnReaderImpl<T>,
    (rows, max_level, missing): (usize, i16, O),
    levels: &mut Vec<i16>,
    out: &mut Vec<O>,
    convert: impl Fn(&T::T) -> O,
) -> std::io::Result<usize> {
    let mut values = Vec::with_capacity(rows);
    levels.clear();
    let (read, _, _) = reader
        .read_records(rows, Some(levels), None, &mut values)
        .map_err(invalid)?;
    if max_level == 0 {
        out.extend(values.iter().map(convert));
        return Ok(read);
    }
    let mut next = values.iter();
    for i in 0..read {
        let present = levels.get(i) == Some(&max_level);
        out.push(match present.then(|| next.next()).flatten() {
            Some(v) => convert(v),
            None => missing,
        });
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::import::codes::CodeTable;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    /// Reads each row group of a fixture both ways, column by column and row by row, and
    /// requires the same rows, dictionaries and refusals; returns how many groups could be
    /// read column by column.
    fn both_ways(name: &str) -> (usize, usize, u64) {
        let path = fixture(name);
        let file = std::fs::File::open(&path).expect("the fixture opens");
        let (_, info) = super::super::parquet::open(&path, file, Vec::new()).expect("Parquet");
        let (_, map) = super::super::resolve_layout(&path, None, &info.header).expect("BACI");
        info.select(&path, &map).expect("flat columns");
        let codes = CodeTable::builtin();
        let ctx = PartContext {
            delim: b',',
            map: &map,
            codes: &codes,
            max_listed: 1000,
        };
        let shape = Shape::of(&info, &map);
        let plan = shape
            .plan
            .as_ref()
            .expect("BACI's columns are read column by column");
        let n = info.columns.len();
        let mut batch = Batch::new(&info, &shape);
        let mut chunks: Vec<Chunk> = (0..n).map(|_| Chunk::default()).collect();
        let (mut by_columns, mut by_rows) = (Part::default(), Part::default());
        by_columns.expect_columns(&map);
        by_rows.expect_columns(&map);
        let (mut fast, mut line) = (0, 0u64);
        let groups = info.file.num_row_groups();
        for g in 0..groups {
            let group = info.file.get_row_group(g).expect("a row group");
            let rows = group.metadata().num_rows() as usize;
            // The same parts go on from group to group, dictionaries and all.
            if decode_group((&info, plan), group.as_ref(), rows, &mut chunks, None)
                .expect("decodes")
            {
                let how = (&info, plan, shape.partition_integers.as_slice());
                add_rows(how, &chunks, rows, &ctx, &mut by_columns, line);
                fast += 1;
            } else {
                let both = (&mut batch, rows);
                read_group_rows(&info, group.as_ref(), both, &ctx, &mut by_columns, line)
                    .expect("reads");
            }
            let both = (&mut batch, rows);
            read_group_rows(&info, group.as_ref(), both, &ctx, &mut by_rows, line).expect("reads");
            line += rows as u64;
        }
        assert_eq!(by_columns.table, by_rows.table, "{name}");
        assert_eq!(by_columns.rejected, by_rows.rejected, "{name}");
        assert_eq!(by_columns.rejected_count, by_rows.rejected_count, "{name}");
        assert!(by_rows.table.len() > 5_000, "{name}");
        (fast, groups, by_rows.rejected_count)
    }

    #[test]
    fn row_groups_read_column_by_column_equal_those_read_row_by_row() {
        // Version 1 pages: dictionaries, then plain pages where they overflowed; missing
        // codes, years and values refused at the same lines with the same reasons.
        let (fast, groups, refused) = both_ways("mixed.parquet");
        assert_eq!((fast, groups), (3, 3));
        assert!(refused >= 20, "{refused} refused");
        // Version 2 pages: the first group (dictionaries, byte-stream-split doubles) column
        // by column, the others (delta-encoded strings) row by row.
        let (fast, groups, _) = both_ways("mixed_v2.parquet");
        assert_eq!((fast, groups), (1, 3));
    }
}
