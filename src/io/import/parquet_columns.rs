//! A Parquet row group read column by column: each used column chunk is decoded from its
//! pages with its dictionary kept ([`super::parquet_pages`]), and each distinct year, code
//! or product is read once, the first time a row uses it, by the same functions that read a
//! CSV record's fields. Rows then only look their answers up, in the same order of checks
//! as the row parser, so a file gives the same rows, dictionaries and refusals whichever
//! way it is read.
//!
//! Used only where every role of the layout reads one column (a country from its ISO code
//! or its number, not from both or with a name; a product without a name column); other
//! layouts, and row groups with pages this reader leaves alone, go row by row.

use std::sync::Arc;

use parquet::file::reader::RowGroupReader;

use super::ColumnMap;
use super::fields::{Fields, keepable, parse_f64, quantity_field, value_field, year_field};
use super::guard::CheckedPages;
use super::parquet::{ParquetInfo, invalid};
use super::parquet_pages::{Chunk, Entries, NULL, decode_chunk, dictionary_only, readable};
use super::parquet_rows::{Held, MISSING};
use super::parse::{Part, PartContext};
use crate::model::dataset::{DatasetRow, RowFlow};

/// Which column each role reads, when every role reads one (decided once per file).
#[derive(Clone)]
pub(super) struct Plan {
    year: usize,
    value: usize,
    reporter: usize,
    partner: usize,
    flow: Option<usize>,
    product: Option<usize>,
    quantity: Option<usize>,
}

impl Plan {
    /// The plan for a file whose columns are held as `held`, or `None` when some role reads
    /// more than one column or a column this reader cannot decode.
    pub(super) fn of(info: &ParquetInfo, map: &ColumnMap, held: &[Held]) -> Option<Self> {
        if map.reporter_name.is_some() || map.partner_name.is_some() || map.product_name.is_some() {
            return None;
        }
        let one = |a: Option<usize>, b: Option<usize>| match (a, b) {
            (Some(c), None) | (None, Some(c)) => Some(c),
            _ => None,
        };
        let plan = Plan {
            year: map.year,
            value: map.value,
            reporter: one(map.reporter_iso, map.reporter_code)?,
            partner: one(map.partner_iso, map.partner_code)?,
            flow: map.flow,
            product: map.product,
            quantity: map.quantity,
        };
        let columns = info.columns.len();
        let fields = columns + info.partition_values.len();
        // Every used column is the file's own and decodable here, or a partition folder's.
        let decodable = map.columns().iter().all(|&c| match info.columns.get(c) {
            Some(column) => {
                let held_right = match column.physical_type() {
                    parquet::basic::Type::BYTE_ARRAY => held[c] == Held::Text,
                    parquet::basic::Type::FLOAT | parquet::basic::Type::DOUBLE => {
                        held[c] == Held::Numbers
                    }
                    _ => held[c] == Held::Integers,
                };
                readable(column) && info.is_plain(c) && held_right
            }
            None => c < fields,
        });
        (decodable && map.max_column() < fields).then_some(plan)
    }
}

/// Where a role's entry index comes from for each row.
#[derive(Clone, Copy)]
enum Indices<'a> {
    Column(&'a [u32]),
    /// Row `r` has entry `r`.
    Identity,
    /// A partition folder's value: the same single entry on every row.
    Constant,
}

impl Indices<'_> {
    #[inline(always)]
    fn at(self, row: usize) -> u32 {
        match self {
            Indices::Column(rows) => rows[row],
            Indices::Identity => row as u32,
            Indices::Constant => 0,
        }
    }
}

/// One entry of one column, as the row parser's fields: that column has the entry's
/// value, the partition columns theirs, every other column is empty.
struct Entry<'a> {
    info: &'a ParquetInfo,
    partition_integers: &'a [Option<i64>],
    column: usize,
    /// The column's values, when it is one of the file's (not a partition folder's).
    entries: Option<&'a Entries>,
    index: u32,
}

impl Fields for Entry<'_> {
    fn count(&self) -> usize {
        self.info.columns.len() + self.info.partition_values.len()
    }

    fn field(&self, i: usize) -> &[u8] {
        let own = self.info.columns.len();
        if i >= own {
            return self
                .info
                .partition_values
                .get(i - own)
                .map_or(&[], |v| v.as_bytes());
        }
        match self.entries {
            Some(Entries::Texts(texts)) if i == self.column && self.index != NULL => {
                texts.get(self.index as usize)
            }
            _ => &[],
        }
    }

    fn number(&self, i: usize) -> Option<f64> {
        match self.entries {
            Some(Entries::Numbers(numbers)) if i == self.column => numbers
                .get(self.index as usize)
                .copied()
                .filter(|v| v.is_finite()),
            _ => parse_f64(self.field(i)),
        }
    }

    fn integer(&self, i: usize) -> Option<i64> {
        let own = self.info.columns.len();
        if i >= own {
            return self.partition_integers.get(i - own).copied().flatten();
        }
        match self.entries {
            Some(Entries::Integers(integers)) if i == self.column => integers
                .get(self.index as usize)
                .copied()
                .filter(|&v| v != MISSING),
            _ => None,
        }
    }
}

/// Answers per entry of a column, each found the first time a row asks (so that entries
/// are added to the part's dictionaries in the order rows first use them, as row by row).
struct Memo<T> {
    slots: Vec<Option<Result<T, Arc<str>>>>,
}

impl<T: Copy> Memo<T> {
    fn new() -> Self {
        Self { slots: Vec::new() }
    }

    /// Forgets every answer: room for `entries` entries and the missing value.
    fn reset(&mut self, entries: usize) {
        self.slots.clear();
        self.slots.resize(entries + 1, None);
    }

    #[inline]
    fn get(
        &mut self,
        index: u32,
        resolve: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, Arc<str>> {
        let last = self.slots.len() - 1;
        let slot = &mut self.slots[(index as usize).min(last)];
        if let Some(answer) = slot {
            return answer.clone();
        }
        let answer = resolve().map_err(Arc::<str>::from);
        *slot = Some(answer.clone());
        answer
    }
}

/// The entries a role's column has in this row group (1 for a partition folder's value).
fn entries(chunks: &[Chunk], column: usize) -> usize {
    chunks.get(column).map_or(1, |c| c.entries.len())
}

/// Decodes the used columns of row group `group` into `chunks`; `Ok(false)` when a page
/// needs the general reader. With `sums` (a pass of each pair's totals), the product
/// column's codes are only checked, from its dictionary alone where the metadata allows.
pub(super) fn decode_group(
    (info, plan): (&ParquetInfo, &Plan),
    group: &dyn RowGroupReader,
    rows: usize,
    chunks: &mut [Chunk],
    sums: Option<&mut super::totals::Sums>,
) -> std::io::Result<bool> {
    let product = match (sums, plan.product) {
        (Some(sums), Some(c)) if c < chunks.len() => {
            let meta = group.metadata().column(c);
            let chunk = &mut chunks[c];
            let mut pages = CheckedPages::of(group, c).map_err(invalid)?;
            if dictionary_only(pages.as_mut(), &info.columns[c], meta, &mut chunk.entries)? {
                chunk.identity = true;
                chunk.rows.clear();
            } else {
                // Read again from its start: a first page that was not a dictionary is gone.
                let mut pages = CheckedPages::of(group, c).map_err(invalid)?;
                if !decode_chunk(pages.as_mut(), &info.columns[c], rows, chunk)? {
                    return Ok(false);
                }
            }
            check_products(chunk, sums);
            Some(c)
        }
        (Some(sums), Some(_)) => {
            // The product is a partition folder's value: not one this pass checks.
            sums.mixed = true;
            None
        }
        _ => None,
    };
    for (c, chunk) in chunks.iter_mut().enumerate() {
        if !info.wanted(c) || Some(c) == product {
            continue;
        }
        let mut pages = CheckedPages::of(group, c).map_err(invalid)?;
        if !decode_chunk(pages.as_mut(), &info.columns[c], rows, chunk)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The rows of one decoded row group into `part`; row `r` is line `line + r` of the part.
pub(super) fn add_rows(
    (info, plan, partition_integers): (&ParquetInfo, &Plan, &[Option<i64>]),
    chunks: &[Chunk],
    rows: usize,
    ctx: &PartContext<'_>,
    part: &mut Part,
    line: u64,
) {
    let indices = |column: usize| match chunks.get(column) {
        Some(chunk) if chunk.identity => Indices::Identity,
        Some(chunk) => Indices::Column(&chunk.rows),
        None => Indices::Constant,
    };
    let entry = |column: usize, index: u32| Entry {
        info,
        partition_integers,
        column,
        entries: chunks.get(column).map(|c| &c.entries),
        index,
    };
    let roles = [plan.year, plan.reporter, plan.partner];
    let [year_at, reporter_at, partner_at] = roles.map(indices);
    let value_at = indices(plan.value);
    let flow_at = plan.flow.map(indices);
    let product_at = plan.product.map(indices);
    let quantity_at = plan.quantity.map(indices);
    let mut years: Memo<u16> = Memo::new();
    let mut reporters: Memo<u16> = Memo::new();
    let mut partners: Memo<u16> = Memo::new();
    let mut flows: Memo<RowFlow> = Memo::new();
    let mut products: Memo<u32> = Memo::new();
    years.reset(entries(chunks, plan.year));
    reporters.reset(entries(chunks, plan.reporter));
    partners.reset(entries(chunks, plan.partner));
    flows.reset(plan.flow.map_or(0, |c| entries(chunks, c)));
    products.reset(plan.product.map_or(0, |c| entries(chunks, c)));
    let numbers = |column: Option<usize>| match chunks.get(column?).map(|c| &c.entries) {
        Some(Entries::Numbers(values)) => Some(values.as_slice()),
        _ => None,
    };
    let (value_numbers, quantity_numbers) = (numbers(Some(plan.value)), numbers(plan.quantity));
    let map = ctx.map;
    let summing = part.sums.is_some();
    let mut read = |r: usize, part: &mut Part| -> Result<DatasetRow, Arc<str>> {
        let y = year_at.at(r);
        let year = years.get(y, || year_field(&entry(plan.year, y), map))?;
        let v = value_at.at(r);
        // A number that passes is taken as it is; anything else gets value_field's
        // verdict and message.
        let value = match value_numbers.and_then(|n| n.get(v as usize)) {
            Some(&raw) if keepable(raw * map.value_scale) => raw * map.value_scale,
            _ => value_field(&entry(plan.value, v), map).map_err(Arc::<str>::from)?,
        };
        let i = reporter_at.at(r);
        let reporter = reporters.get(i, || {
            part.side_country(false, &entry(plan.reporter, i), ctx)
        })?;
        let j = partner_at.at(r);
        let partner = partners.get(j, || part.side_country(true, &entry(plan.partner, j), ctx))?;
        let flow = match (plan.flow, flow_at) {
            (Some(c), Some(at)) => {
                let f = at.at(r);
                flows.get(f, || part.flow(&entry(c, f), ctx))?
            }
            _ => RowFlow::Export,
        };
        let (column, k) = match (plan.product, product_at) {
            // Sums are of every product: its codes are checked once per entry, below.
            (Some(c), Some(at)) if !summing => (c, at.at(r)),
            // No product column: every row is the same (total) product.
            _ => (usize::MAX, 0),
        };
        let product = products.get(k, || Ok(part.product(&entry(column, k), ctx)))?;
        let quantity = match (plan.quantity, quantity_at) {
            (Some(c), Some(at)) => {
                let q = at.at(r);
                match quantity_numbers.and_then(|n| n.get(q as usize)) {
                    Some(&raw) if raw.is_finite() => Some(raw as f32),
                    _ => quantity_field(&entry(c, q), map),
                }
            }
            _ => None,
        };
        Ok(DatasetRow {
            year,
            reporter,
            partner,
            flow,
            product,
            value,
            quantity,
        })
    };
    if summing {
        // The products were checked as the row group was decoded.
        let keys = RunKeys {
            roles: [year_at, reporter_at, partner_at],
            flow: flow_at,
            value: value_at,
            numbers: value_numbers,
            scale: map.value_scale,
        };
        sum_runs(rows, &keys, &mut read, ctx, (part, line));
        return;
    }
    super::reserve(&mut part.table, rows);
    for r in 0..rows {
        let read = read(r, part);
        match read {
            Ok(row) => part.push(row),
            Err(reason) => part.reject(ctx, line + r as u64, reason.to_string()),
        }
    }
}

/// Notes every product code of a row group's product column, as
/// [`super::totals::Sums`] asks.
fn check_products(chunk: &Chunk, sums: &mut super::totals::Sums) {
    // A row without a product is read as the total of its group.
    if !chunk.identity && chunk.rows.contains(&NULL) {
        sums.mixed = true;
    }
    match &chunk.entries {
        Entries::Texts(texts) => (0..texts.ends.len()).for_each(|i| sums.check_text(texts.get(i))),
        Entries::Integers(codes) => codes.iter().for_each(|&c| sums.check_integer(c)),
        Entries::Numbers(_) => sums.mixed = true,
    }
}

/// The first row from `start` (before `end`) whose entry in `at` is not `entry`, or `end`.
fn run_end(at: Indices<'_>, entry: u32, start: usize, end: usize) -> usize {
    match at {
        // A partition folder's value: every row has it.
        Indices::Constant if entry == 0 => end,
        Indices::Constant => start,
        Indices::Identity if start < end && entry as usize == start => start + 1,
        Indices::Identity => start,
        Indices::Column(rows) => match rows.get(start..end) {
            Some(rows) => start + rows.iter().position(|&e| e != entry).unwrap_or(rows.len()),
            None => start,
        },
    }
}

/// Reads row `r` of a row group the general way, every check made.
type ReadRow<'a> = dyn FnMut(usize, &mut Part) -> Result<DatasetRow, Arc<str>> + 'a;

/// Where a row's entries and value are, for [`sum_runs`].
struct RunKeys<'a> {
    /// Year, reporter and partner.
    roles: [Indices<'a>; 3],
    flow: Option<Indices<'a>>,
    value: Indices<'a>,
    /// The value column's numbers, when it is a column of numbers.
    numbers: Option<&'a [f64]>,
    scale: f64,
}

impl RunKeys<'_> {
    /// The entries of row `r`'s year, reporter, partner and flow.
    #[inline(always)]
    fn raw(&self, r: usize) -> [u32; 4] {
        let [year, reporter, partner] = self.roles;
        let flow = self.flow.map_or(0, |at| at.at(r));
        [year.at(r), reporter.at(r), partner.at(r), flow]
    }

    /// How far from row `start` the rows have `entries` and values kept as they are (the
    /// end, not included), and the sum of their values.
    fn extend(&self, entries: [u32; 4], start: usize, rows: usize) -> (usize, f64) {
        // Each role's column is scanned on its own for the first row that differs (a scan
        // of a slice of integers, which the compiler vectorises), a block of rows at a
        // time: an exporter's entry goes on for thousands of rows past its partner's.
        let [year, reporter, partner] = self.roles;
        let roles = [
            (Some(year), entries[0]),
            (Some(reporter), entries[1]),
            (Some(partner), entries[2]),
            (self.flow, entries[3]),
        ];
        let mut end = start;
        loop {
            let block = (end + 64).min(rows);
            let stop = roles.iter().fold(block, |stop, &(at, entry)| match at {
                Some(at) => run_end(at, entry, end, stop),
                None => stop,
            });
            end = stop;
            if stop < block || stop == rows {
                break;
            }
        }
        let mut sum = 0.0;
        if let (Indices::Identity, Some(numbers)) = (self.value, self.numbers)
            && let Some(values) = numbers.get(start..end)
        {
            for (i, &raw) in values.iter().enumerate() {
                let v = raw * self.scale;
                if !keepable(v) {
                    return (start + i, sum);
                }
                sum += v;
            }
            return (end, sum);
        }
        for r in start..end {
            match self.value(r) {
                Some(v) => sum += v,
                None => return (r, sum),
            }
        }
        (end, sum)
    }

    /// Row `r`'s value in dollars, when it is a number kept as it is.
    #[inline(always)]
    fn value(&self, r: usize) -> Option<f64> {
        let raw = self.numbers?.get(self.value.at(r) as usize)?;
        Some(raw * self.scale).filter(|&v| keepable(v))
    }
}

/// The rows of a row group summed per year, reporter, partner and flow: a row whose
/// entries (`raw`) are those of the row before and whose value is a plain number (`value`)
/// adds to the run of rows before it; any other row is read by `read`, the general way,
/// with every check, and starts a run. A release in its usual order holds each pair's
/// products in a row, so nearly every row costs a comparison and an addition.
fn sum_runs(
    rows: usize,
    keys: &RunKeys<'_>,
    read: &mut ReadRow<'_>,
    ctx: &PartContext<'_>,
    (part, line): (&mut Part, u64),
) {
    // The run: its first row (its value the run's sum once done), and its entries.
    let mut run: Option<(DatasetRow, u32)> = None;
    let mut entries = [u32::MAX; 4];
    let mut r = 0;
    while r < rows {
        if let Some((row, count)) = &mut run {
            let (end, sum) = keys.extend(entries, r, rows);
            if end > r {
                row.value += sum;
                *count += (end - r) as u32;
                r = end;
                continue;
            }
        }
        match read(r, part) {
            Ok(row) => {
                if let Some((done, count)) = run.take() {
                    part.push_summed(done, count);
                }
                entries = keys.raw(r);
                run = Some((row, 1));
            }
            Err(reason) => part.reject(ctx, line + r as u64, reason.to_string()),
        }
        r += 1;
    }
    if let Some((done, count)) = run {
        part.push_summed(done, count);
    }
}
