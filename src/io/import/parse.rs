//! Parsing blocks of delimited text into columns, on several threads.
//!
//! A block is cut at record boundaries (newlines outside quotes), split into parts, and
//! each part is parsed by its own thread into a small table with its own dictionaries;
//! the parts are then appended in order. Only the columns a layout needs are looked at.

use std::borrow::Cow;

use memchr::memchr;
use rustc_hash::FxHashMap;

use super::codes::CodeTable;
pub(super) use super::fields::{Fields, parse_f64};
use super::fields::{quantity_field, text, trim, value_field, year_field};
use super::formats::ColumnMap;
use crate::model::dataset::{DatasetCountry, DatasetProduct, DatasetRow, RowFlow, TradeTable};

pub use super::cut::{MAX_RECORD_BYTES, record_boundaries, records_to_cut};

/// Splits one record into its fields (quotes removed, doubled quotes undone).
pub fn split_fields<'a>(line: &'a [u8], delim: u8, out: &mut Vec<Cow<'a, [u8]>>) {
    out.clear();
    if memchr(b'"', line).is_none() {
        // Lines are short: a plain loop beats setting up a vectorised search per field.
        let mut start = 0;
        for (pos, &b) in line.iter().enumerate() {
            if b == delim {
                out.push(Cow::Borrowed(&line[start..pos]));
                start = pos + 1;
            }
        }
        out.push(Cow::Borrowed(&line[start..]));
        return;
    }
    let mut i = 0;
    let n = line.len();
    loop {
        if i < n && line[i] == b'"' {
            // Quoted field: borrowed when it has no doubled quotes inside (the usual case).
            let close = memchr(b'"', &line[i + 1..]).map(|p| i + 1 + p);
            match close {
                Some(q) if q + 1 >= n || line[q + 1] != b'"' => {
                    let rest_end = memchr(delim, &line[q + 1..]).map_or(n, |p| q + 1 + p);
                    if rest_end == q + 1 {
                        out.push(Cow::Borrowed(&line[i + 1..q]));
                    } else {
                        let mut value = line[i + 1..q].to_vec();
                        value.extend_from_slice(&line[q + 1..rest_end]);
                        out.push(Cow::Owned(value));
                    }
                    i = rest_end;
                }
                _ => {
                    let mut value = Vec::new();
                    i += 1;
                    while i < n {
                        if line[i] == b'"' {
                            if i + 1 < n && line[i + 1] == b'"' {
                                value.push(b'"');
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        } else {
                            value.push(line[i]);
                            i += 1;
                        }
                    }
                    // Anything between the closing quote and the delimiter is kept, as csv does.
                    let rest_end = memchr(delim, &line[i..]).map_or(n, |p| i + p);
                    value.extend_from_slice(&line[i..rest_end]);
                    out.push(Cow::Owned(value));
                    i = rest_end;
                }
            }
        } else {
            let end = memchr(delim, &line[i..]).map_or(n, |p| i + p);
            out.push(Cow::Borrowed(&line[i..end]));
            i = end;
        }
        if i >= n {
            break;
        }
        i += 1; // the delimiter
        if i == n {
            out.push(Cow::Borrowed(&line[n..]));
            break;
        }
    }
}

/// Splits the record that starts at `buf[start]` into `out`, in one pass over its bytes,
/// and returns where the next record starts and how many newlines the record spans
/// (a quoted field may hold newlines). A final `\r` is dropped.
pub fn split_record<'a>(
    buf: &'a [u8],
    start: usize,
    delim: u8,
    out: &mut Vec<Cow<'a, [u8]>>,
) -> (usize, u64) {
    out.clear();
    let n = buf.len();
    let mut i = start;
    let mut newlines = 0u64;
    loop {
        if i < n && buf[i] == b'"' {
            let mut owned: Option<Vec<u8>> = None;
            let mut seg = i + 1;
            let mut j = i + 1;
            // Quoted fields are short: a byte loop finds the closing quote and counts any
            // newlines inside in the same pass.
            let content_end = loop {
                if j >= n {
                    break n;
                }
                match buf[j] {
                    b'"' if j + 1 < n && buf[j + 1] == b'"' => {
                        owned
                            .get_or_insert_with(Vec::new)
                            .extend_from_slice(&buf[seg..=j]);
                        seg = j + 2;
                        j += 2;
                    }
                    b'"' => {
                        j += 1;
                        break j - 1;
                    }
                    b'\n' => {
                        newlines += 1;
                        j += 1;
                    }
                    _ => j += 1,
                }
            };
            let mut k = j;
            while k < n && buf[k] != delim && buf[k] != b'\n' {
                k += 1;
            }
            let mut tail_end = k;
            if tail_end > j && buf[tail_end - 1] == b'\r' && (k >= n || buf[k] == b'\n') {
                tail_end -= 1;
            }
            let field = match owned {
                None if tail_end == j => Cow::Borrowed(&buf[seg..content_end]),
                owned => {
                    let mut value = owned.unwrap_or_default();
                    value.extend_from_slice(&buf[seg..content_end]);
                    value.extend_from_slice(&buf[j..tail_end]);
                    Cow::Owned(value)
                }
            };
            out.push(field);
            if k >= n {
                return (n, newlines + 1);
            }
            if buf[k] == b'\n' {
                return (k + 1, newlines + 1);
            }
            i = k + 1;
            continue;
        }
        // Fields are short: a plain loop beats setting up a vectorised search per field.
        let mut k = i;
        while k < n && buf[k] != delim && buf[k] != b'\n' {
            k += 1;
        }
        let mut end = k;
        if end > i && buf[end - 1] == b'\r' && (k >= n || buf[k] == b'\n') {
            end -= 1;
        }
        out.push(Cow::Borrowed(&buf[i..end]));
        if k >= n {
            return (n, newlines + 1);
        }
        if buf[k] == b'\n' {
            return (k + 1, newlines + 1);
        }
        i = k + 1;
    }
}

/// What one part of a block gives. A part is reused for the same slice of every block:
/// its dictionaries (and their lookup tables) persist from block to block, only growing,
/// so that codes are interned once per part rather than once per block.
#[derive(Debug, Default)]
pub struct Part {
    /// Its rows, with its own dictionaries (which keep the entries of earlier blocks).
    pub table: TradeTable,
    /// (line within the part, 0-based, reason) of refused rows, the first few.
    pub rejected: Vec<(u64, String)>,
    /// All refused rows.
    pub rejected_count: u64,
    /// Physical lines in the part (for line numbers of the parts after it).
    pub lines: u64,
    interner: Interner,
    /// Countries by numeric code, for [`super::plain`].
    known: super::plain::Known,
    /// When set, rows are summed per year, reporter, partner and flow instead of kept
    /// ([`super::totals`]).
    pub(super) sums: Option<super::totals::Sums>,
}

/// How a part reads its rows.
pub struct PartContext<'a> {
    /// Field delimiter.
    pub delim: u8,
    /// Where the columns are.
    pub map: &'a ColumnMap,
    /// Numeric country codes.
    pub codes: &'a CodeTable,
    /// At most this many refused rows are listed (all are counted).
    pub max_listed: usize,
}

#[derive(Debug, Default)]
struct Interner {
    /// Codes of up to seven bytes packed into integers: hashing one integer is far cheaper
    /// than hashing and comparing byte strings, twice per row.
    short_countries: FxHashMap<u64, u16>,
    countries: FxHashMap<Vec<u8>, u16>,
    short_products: FxHashMap<u64, u32>,
    products: FxHashMap<Vec<u8>, u32>,
    flows: FxHashMap<u64, RowFlow>,
    max_column: usize,
    /// The last (short key, country) of the reporter and of the partner column; a key of
    /// 0 is no code (a short key always holds its length).
    last_country: [(u64, u16); 2],
    /// Former ISO codes met, with the current code each was read as: (ROM, ROU).
    recoded: Vec<(&'static str, &'static str)>,
}

/// Bytes of at most seven, packed with their length (and a tag) into one integer.
pub(super) fn short_key(bytes: &[u8], tag: u8) -> Option<u64> {
    if bytes.len() > 7 {
        return None;
    }
    let mut key = (u64::from(tag) << 60) | ((bytes.len() as u64) << 56);
    for (i, b) in bytes.iter().enumerate() {
        key |= u64::from(*b) << (8 * i);
    }
    Some(key)
}

/// A non-negative integer below 2^56 as a key that no [`short_key`] equals (bit 59 is
/// never set by a length of at most seven).
fn integer_key(n: i64, tag: u8) -> Option<u64> {
    let n = u64::try_from(n).ok().filter(|n| *n < 1 << 56)?;
    Some((u64::from(tag) << 60) | (1 << 59) | n)
}

/// The country of one side of a record (`side`: false for the reporter, true for the
/// partner), from its ISO code, numeric code or name columns.
fn country<F: Fields + ?Sized>(
    side: bool,
    fields: &F,
    (iso, num, name): (Option<usize>, Option<usize>, Option<usize>),
    ctx: &PartContext<'_>,
    table: &mut TradeTable,
    interner: &mut Interner,
) -> Result<u16, String> {
    let iso_bytes = iso.map(|i| trim(fields.field(i))).filter(|b| !b.is_empty());
    let num_bytes = num.map(|i| trim(fields.field(i))).filter(|b| !b.is_empty());
    // A numeric code held as an integer has no text; it counts only without an ISO code.
    let num_integer = num.and_then(|i| fields.integer(i));
    // Keyed by what the file says, so that each distinct code is looked at once.
    let (key, by_iso, num_integer): (&[u8], bool, Option<i64>) =
        match (iso_bytes, num_bytes, num_integer) {
            (Some(b), _, _) => (b, true, None),
            (None, Some(b), _) => (b, false, None),
            (None, None, Some(n)) => (&[], false, Some(n)),
            (None, None, None) => return Err("no country code".to_owned()),
        };
    let short = match num_integer {
        Some(n) => Some(integer_key(n, 4).ok_or_else(|| format!("'{n}' is not a country code"))?),
        None => short_key(key, u8::from(by_iso)),
    };
    // Sorted files repeat a country for many rows in a row: the last answer for this
    // side (reporter or partner) is checked before the table.
    let memo = &mut interner.last_country[usize::from(side)];
    if let Some(k) = short
        && memo.0 == k
    {
        return Ok(memo.1);
    }
    let found = match short {
        Some(k) => interner.short_countries.get(&k),
        None => interner.countries.get(key),
    };
    if let Some(&id) = found {
        if let Some(k) = short {
            interner.last_country[usize::from(side)] = (k, id);
        }
        return Ok(id);
    }
    let name_text = name.map(|i| text(fields.field(i))).unwrap_or_default();
    let entry = if by_iso {
        let mut code = text(key).to_uppercase();
        if let Some(recoded) = crate::model::country::former_code(&code) {
            if !interner.recoded.contains(&recoded) {
                interner.recoded.push(recoded);
            }
            recoded.1.clone_into(&mut code);
        }
        let world = matches!(code.as_str(), "W00" | "WLD" | "WORLD");
        let known = crate::model::country::is_iso_alpha3(&code);
        DatasetCountry {
            name: if name_text.is_empty() {
                crate::model::country::iso_name(&code)
                    .unwrap_or(&code)
                    .to_owned()
            } else {
                name_text
            },
            world,
            unknown: !known && !world,
            code: if world { "W00".to_owned() } else { code },
        }
    } else {
        let numeric: u32 = match num_integer {
            Some(n) => u32::try_from(n).map_err(|_| format!("'{n}' is not a country code"))?,
            None => text(key)
                .split('.')
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("'{}' is not a country code", text(key)))?,
        };
        let e = ctx.codes.lookup(numeric);
        DatasetCountry {
            name: if name_text.is_empty() {
                e.name
            } else {
                name_text
            },
            code: e.code,
            world: e.world,
            unknown: e.unknown,
        }
    };
    if table.countries.len() >= usize::from(u16::MAX) {
        return Err("more than 65,535 distinct countries".to_owned());
    }
    // Two spellings (e.g. ISO and numeric) of the same country share one entry.
    let id = match table.countries.iter().position(|c| c.code == entry.code) {
        Some(existing) => existing as u16,
        None => {
            table.countries.push(entry);
            (table.countries.len() - 1) as u16
        }
    };
    match short {
        Some(k) => interner.short_countries.insert(k, id),
        None => interner.countries.insert(key.to_vec(), id),
    };
    Ok(id)
}

/// The product of a record: its code's entry in the part's dictionary, added when new.
fn product<F: Fields + ?Sized>(
    fields: &F,
    map: &ColumnMap,
    table: &mut TradeTable,
    interner: &mut Interner,
) -> u32 {
    // An integer code is looked up by its digits, as the text of the same code would be.
    let integer = map.product.and_then(|i| fields.integer(i));
    let mut digits = itoa::Buffer::new();
    let bytes: &[u8] = match (map.product, integer) {
        (_, Some(n)) => digits.format(n).as_bytes(),
        (Some(i), None) => trim(fields.field(i)),
        (None, None) => b"TOTAL".as_slice(),
    };
    let key = short_key(bytes, 2);
    let known = match key {
        Some(k) => interner.short_products.get(&k),
        None => interner.products.get(bytes),
    };
    if let Some(&id) = known {
        return id;
    }
    let id = table.products.len() as u32;
    let code = if bytes.is_empty() {
        "TOTAL".to_owned()
    } else {
        text(bytes)
    };
    let name = map
        .product_name
        .map(|i| text(fields.field(i)))
        .unwrap_or_default();
    // Raw codes are trimmed and unique per part, so each is a new product here.
    table.products.push(DatasetProduct { code, name });
    match key {
        Some(k) => interner.short_products.insert(k, id),
        None => interner.products.insert(bytes.to_vec(), id),
    };
    id
}

fn flow_field<F: Fields + ?Sized>(
    fields: &F,
    map: &ColumnMap,
    interner: &mut Interner,
) -> Result<RowFlow, String> {
    let Some(i) = map.flow else {
        return Ok(RowFlow::Export);
    };
    let raw = trim(fields.field(i));
    let key = short_key(raw, 3);
    if let Some(flow) = key.and_then(|k| interner.flows.get(&k)) {
        return Ok(*flow);
    }
    let text = text(raw);
    let flow = RowFlow::from_code(&text).ok_or_else(|| format!("'{text}' is not a flow code"))?;
    if let Some(k) = key {
        interner.flows.insert(k, flow);
    }
    Ok(flow)
}

/// The columns of one side's country: ISO code, numeric code, name.
fn side_columns(map: &ColumnMap, partner: bool) -> (Option<usize>, Option<usize>, Option<usize>) {
    if partner {
        (map.partner_iso, map.partner_code, map.partner_name)
    } else {
        (map.reporter_iso, map.reporter_code, map.reporter_name)
    }
}

/// The country of one side (`partner`: the partner's) of a record; the message names the
/// side.
fn side_country<F: Fields + ?Sized>(
    partner: bool,
    fields: &F,
    ctx: &PartContext<'_>,
    table: &mut TradeTable,
    interner: &mut Interner,
) -> Result<u16, String> {
    let columns = side_columns(ctx.map, partner);
    country(partner, fields, columns, ctx, table, interner).map_err(|e| {
        let side = if partner { "partner" } else { "reporter" };
        format!("{side}: {e}")
    })
}

fn parse_fields<F: Fields + ?Sized>(
    fields: &F,
    ctx: &PartContext<'_>,
    table: &mut TradeTable,
    interner: &mut Interner,
) -> Result<DatasetRow, String> {
    let map = ctx.map;
    if fields.count() <= interner.max_column {
        return Err(format!(
            "has {} fields but needs at least {}",
            fields.count(),
            interner.max_column + 1
        ));
    }
    let year = year_field(fields, map)?;
    let value = value_field(fields, map)?;
    let reporter = side_country(false, fields, ctx, table, interner)?;
    let partner = side_country(true, fields, ctx, table, interner)?;
    let flow = flow_field(fields, map, interner)?;
    let product = product(fields, map, table, interner);
    let quantity = quantity_field(fields, map);
    Ok(DatasetRow {
        year,
        reporter,
        partner,
        flow,
        product,
        value,
        quantity,
    })
}

impl Part {
    /// Reads one record into the part's rows, or counts it as refused at `line` (within
    /// the part).
    pub(super) fn add_row<F: Fields + ?Sized>(
        &mut self,
        fields: &F,
        ctx: &PartContext<'_>,
        line: u64,
    ) {
        match parse_fields(fields, ctx, &mut self.table, &mut self.interner) {
            Ok(row) => self.push(row),
            Err(reason) => self.reject(ctx, line, reason),
        }
    }

    /// The country of one side (`partner`: the partner's) of a record, as
    /// [`Part::add_row`] reads it (the message names the side).
    pub(super) fn side_country<F: Fields + ?Sized>(
        &mut self,
        partner: bool,
        fields: &F,
        ctx: &PartContext<'_>,
    ) -> Result<u16, String> {
        side_country(partner, fields, ctx, &mut self.table, &mut self.interner)
    }

    /// The flow of a record, as [`Part::add_row`] reads it.
    pub(super) fn flow<F: Fields + ?Sized>(
        &mut self,
        fields: &F,
        ctx: &PartContext<'_>,
    ) -> Result<RowFlow, String> {
        flow_field(fields, ctx.map, &mut self.interner)
    }

    /// The product of a record, as [`Part::add_row`] reads it.
    pub(super) fn product<F: Fields + ?Sized>(&mut self, fields: &F, ctx: &PartContext<'_>) -> u32 {
        product(fields, ctx.map, &mut self.table, &mut self.interner)
    }

    /// Appends a record read field by field.
    pub(super) fn push(&mut self, row: DatasetRow) {
        match &mut self.sums {
            None => self.table.push(row),
            Some(sums) => {
                let code = self.table.products.get(row.product as usize);
                sums.check_text(code.map_or(&b""[..], |p| p.code.as_bytes()));
                sums.add(&mut self.table, row);
            }
        }
    }

    /// Adds `count` rows summed into `row` (a part that sums its rows; otherwise `row` is
    /// kept as one row).
    pub(super) fn push_summed(&mut self, row: DatasetRow, count: u32) {
        match &mut self.sums {
            None => self.table.push(row),
            Some(sums) => sums.add_rows(&mut self.table, row, count),
        }
    }

    /// Sums the rows per year, reporter, partner and flow from now on (`Some`; `true`
    /// when product codes are padded to six digits, as BACI's), or keeps them (`None`);
    /// the part's rows so far are emptied.
    pub(super) fn sum_rows(&mut self, sum: Option<bool>) {
        self.clear();
        self.sums = sum.map(super::totals::Sums::new);
    }

    /// Counts a record as refused at `line` (within the part).
    pub(super) fn reject(&mut self, ctx: &PartContext<'_>, line: u64, reason: String) {
        self.rejected_count += 1;
        if self.rejected.len() < ctx.max_listed {
            self.rejected.push((line, reason));
        }
    }

    /// Prepares the part for records of `map` (the last column a record must have).
    pub(super) fn expect_columns(&mut self, map: &ColumnMap) {
        self.interner.max_column = map.max_column();
    }

    /// Empties the part's rows for the next block, keeping its buffers and dictionaries.
    pub fn clear(&mut self) {
        self.table.clear_rows();
        self.rejected.clear();
        self.rejected_count = 0;
        self.lines = 0;
        if let Some(sums) = &mut self.sums {
            sums.clear();
        }
    }

    /// A part holding an import's rows and refusals (a file read whole on its own).
    pub(super) fn of_outcome(outcome: super::ImportOutcome) -> Self {
        Part {
            table: outcome.table,
            // Numbered as an import numbers them, from the line after the header (2); a
            // part's from its first line (0).
            rejected: (outcome.rejected.into_iter())
                .map(|(line, why)| (line.saturating_sub(2), why))
                .collect(),
            rejected_count: outcome.rows_rejected,
            interner: Interner {
                recoded: (outcome.recoded_countries.iter())
                    .filter_map(|(former, _)| crate::model::country::former_code(former))
                    .collect(),
                ..Interner::default()
            },
            ..Part::default()
        }
    }

    /// Former ISO country codes its rows had, with the current code each was read as:
    /// (ROM, ROU).
    pub fn recoded(&self) -> &[(&'static str, &'static str)] {
        &self.interner.recoded
    }

    /// Empties the part whole, its dictionaries too (its columns keep their memory): for
    /// the rows of another file, which must not bring this one's countries and products
    /// along (they may have been taken out again, with a file that failed).
    pub fn reset(&mut self) {
        let table = std::mem::take(&mut self.table).emptied();
        *self = Part {
            table,
            ..Part::default()
        };
    }
}

/// Parses the complete records of `buf` (which starts at a record boundary).
pub fn parse_part(buf: &[u8], ctx: &PartContext<'_>) -> Part {
    let mut part = Part::default();
    parse_part_into(buf, ctx, &mut part);
    part
}

/// [`parse_part`] into a part whose buffers are reused from block to block, so that a
/// large import allocates its working memory once.
pub fn parse_part_into(buf: &[u8], ctx: &PartContext<'_>, part: &mut Part) {
    parse_part_with(buf, ctx, part, true);
}

/// [`parse_part_into`]; with `plain`, records of numbers only are read by
/// [`super::plain`] (the tests compare it with the general reader alone).
pub(super) fn parse_part_with(buf: &[u8], ctx: &PartContext<'_>, part: &mut Part, plain: bool) {
    part.clear();
    part.expect_columns(ctx.map);
    let plan = super::plain::Plan::of(ctx.map, ctx.delim).filter(|_| plain);
    let mut fields: Vec<Cow<'_, [u8]>> = Vec::with_capacity(64);
    let mut records = super::records::Records::new(buf, ctx.delim);
    let mut start = 0;
    let mut line_no = 0u64;
    while start < buf.len() {
        if let Some(plan) = &plan
            && let Some((row, next)) =
                plan.read(buf, start, &part.known, &part.interner.short_products)
        {
            part.push(row);
            line_no += 1;
            start = next;
            continue;
        }
        let (next, newlines) = records.split(start, &mut fields);
        let this_line = line_no;
        line_no += newlines;
        let length = next - start;
        let record = &buf[start..next];
        start = next;
        if fields.len() == 1 && trim(&fields[0]).is_empty() {
            continue;
        }
        // Only the input's last record can reach the end of a part with a quote open
        // (parts end where quotes balance). Its count of lines takes in the line break
        // the input ends with, which the open quote swallowed too.
        if next == buf.len() && bytecount::count(record, b'"') % 2 == 1 {
            let lines = newlines.saturating_sub(1).max(1) as usize;
            part.reject(
                ctx,
                this_line,
                format!(
                    "a quote (\") opened in this record is never closed: the rest of the \
                     file ({}) was read as part of it and is not imported",
                    crate::model::format::count(lines, "line")
                ),
            );
            continue;
        }
        if length > MAX_RECORD_BYTES {
            part.reject(
                ctx,
                this_line,
                format!("a record of {length} bytes is too long"),
            );
            continue;
        }
        let rows = part.table.len();
        part.add_row(fields.as_slice(), ctx, this_line);
        if let Some(plan) = &plan
            && part.table.len() > rows
            && let Some(row) = part.table.row(rows)
        {
            part.known.learn(plan, fields.as_slice(), &row);
        }
    }
    part.lines = line_no;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::import::fields::{fast_decimal, parse_year};

    fn fields(line: &str, delim: u8) -> Vec<String> {
        let mut out = Vec::new();
        split_fields(line.as_bytes(), delim, &mut out);
        out.iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(fields("a,b,,c", b','), ["a", "b", "", "c"]);
        assert_eq!(fields("a,", b','), ["a", ""]);
        assert_eq!(
            fields("\"x, y\",\"say \"\"hi\"\"\",z", b','),
            ["x, y", "say \"hi\"", "z"]
        );
        assert_eq!(fields("\"a\nb\"\tc", b'\t'), ["a\nb", "c"]);
    }

    fn record(buf: &str) -> (Vec<String>, usize, u64) {
        let mut out = Vec::new();
        let (next, lines) = split_record(buf.as_bytes(), 0, b',', &mut out);
        (
            out.iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
            next,
            lines,
        )
    }

    #[test]
    fn split_record_agrees_with_split_fields() {
        assert_eq!(
            record("a,b,,c\nnext"),
            (vec!["a".into(), "b".into(), "".into(), "c".into()], 7, 1)
        );
        assert_eq!(record("a,\r\n"), (vec!["a".into(), "".into()], 4, 1));
        assert_eq!(
            record("\"x, y\",\"say \"\"hi\"\"\",z\r\n"),
            (vec!["x, y".into(), "say \"hi\"".into(), "z".into()], 23, 1)
        );
        assert_eq!(
            record("\"two\nlines\",1\nb,2\n"),
            (vec!["two\nlines".into(), "1".into()], 14, 2)
        );
        assert_eq!(
            record("\"ab\"cd,e"),
            (vec!["abcd".into(), "e".into()], 8, 1)
        );
        assert_eq!(record("last"), (vec!["last".into()], 4, 1));
        assert_eq!(record("\"open"), (vec!["open".into()], 5, 1));
    }

    #[test]
    fn fast_decimals_equal_the_standard_parser() {
        for text in [
            "0",
            "12",
            "58965.82",
            "0.1",
            "0.3",
            "123456789.123456",
            "-3.5",
            "+7",
            "1.",
            "000120.500",
            "58.966",
            "9007199254740993",
            "1e5",
            "inf",
            ".",
            "",
            "1.2.3",
            "12345678901234567890",
        ] {
            let standard = text.parse::<f64>().ok().filter(|v| v.is_finite());
            let fast = fast_decimal(text.as_bytes());
            if let Some(v) = fast {
                assert_eq!(Some(v), standard, "{text}");
                assert_eq!(v.to_bits(), standard.unwrap().to_bits(), "{text}");
            }
            assert_eq!(parse_f64(text.as_bytes()), standard, "{text}");
        }
    }

    proptest::proptest! {
        /// Any short decimal text: the fast reader gives `str::parse`'s double, bit for bit,
        /// or leaves the text to it.
        #[test]
        fn fast_decimals_equal_the_standard_parser_on_any_decimal(
            text in "[+-]?[0-9]{0,17}(\\.[0-9]{0,9})?|[0-9.eE+-]{0,8}"
        ) {
            let standard = text.parse::<f64>().ok().filter(|v| v.is_finite());
            if let Some(v) = fast_decimal(text.as_bytes()) {
                proptest::prop_assert_eq!(Some(v.to_bits()), standard.map(f64::to_bits));
            }
            proptest::prop_assert_eq!(parse_f64(text.as_bytes()), standard);
        }
    }

    #[test]
    fn short_keys_differ_by_bytes_length_and_tag() {
        assert_ne!(short_key(b"PAK", 1), short_key(b"PAK", 0));
        assert_ne!(short_key(b"08", 2), short_key(b"080", 2));
        assert_ne!(short_key(b"0", 2), short_key(b"", 2));
        assert_eq!(short_key(b"12345678", 2), None);
    }

    #[test]
    fn integer_keys_never_equal_short_keys() {
        // Every byte string of up to seven bytes has bit 59 clear; integer keys set it.
        for bytes in [&b""[..], b"4", b"004", b"\xff\xff\xff\xff\xff\xff\xff"] {
            for tag in [2, 4, 5] {
                let short = short_key(bytes, tag).unwrap_or_default();
                assert_eq!(short & (1 << 59), 0);
                assert_ne!(integer_key(4, tag), Some(short));
            }
        }
        assert_ne!(integer_key(4, 4), integer_key(4, 5));
        assert_ne!(integer_key(4, 4), integer_key(40, 4));
        assert_eq!(integer_key(-1, 4), None);
        assert_eq!(integer_key(1 << 56, 4), None);
    }

    /// How the tests' comma-separated records are read, listing up to ten refusals.
    fn comma_separated<'a>(map: &'a ColumnMap, codes: &'a CodeTable) -> PartContext<'a> {
        PartContext {
            delim: b',',
            map,
            codes,
            max_listed: 10,
        }
    }

    /// A record whose year, codes and product are integers, as a Parquet batch gives them.
    struct Integers([Option<i64>; 4], f64);

    impl Fields for Integers {
        fn count(&self) -> usize {
            5
        }
        fn field(&self, _: usize) -> &[u8] {
            b""
        }
        fn number(&self, i: usize) -> Option<f64> {
            (i == 4).then_some(self.1)
        }
        fn integer(&self, i: usize) -> Option<i64> {
            self.0.get(i).copied().flatten()
        }
    }

    #[test]
    fn integer_fields_read_as_their_digits_would() {
        let map = ColumnMap {
            year: 0,
            reporter_code: Some(1),
            partner_code: Some(2),
            product: Some(3),
            value: 4,
            value_scale: 1.0,
            ..ColumnMap::default()
        };
        let codes = CodeTable::default();
        let ctx = comma_separated(&map, &codes);
        let mut part = Part::default();
        part.expect_columns(&map);
        let rows = [
            Integers([Some(2020), Some(586), Some(398), Some(10121)], 5.0),
            Integers([Some(202112), Some(586), Some(398), Some(10121)], 6.0),
            Integers([Some(2020), Some(398), Some(586), Some(1 << 60)], 7.0),
            Integers([Some(1850), Some(586), Some(398), Some(10121)], 8.0),
            Integers([Some(2020), Some(-4), Some(398), Some(10121)], 9.0),
            Integers([Some(2020), Some(586), None, Some(10121)], 9.0),
        ];
        for (line, row) in rows.iter().enumerate() {
            part.add_row(row, &ctx, line as u64);
        }
        let t = &part.table;
        assert_eq!(t.year[..], [2020, 2021, 2020]);
        let codes: Vec<&str> = t.products.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["10121", "1152921504606846976"]);
        assert_eq!(t.product[..], [0, 0, 1]);
        assert_eq!(t.reporter[0], t.partner[2]);
        assert_eq!(t.reporter[2], t.partner[0]);
        let reasons: Vec<&str> = part.rejected.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "'1850' is not a year between 1900 and 2100",
                "reporter: '-4' is not a country code",
                "partner: no country code",
            ]
        );
    }

    #[test]
    fn years_in_several_spellings() {
        assert_eq!(parse_year(b"2024"), Some(2024));
        assert_eq!(parse_year(b"1986.0"), Some(1986));
        assert_eq!(parse_year(b"202401"), Some(2024));
        assert_eq!(parse_year(b" 2024 "), Some(2024));
        assert_eq!(parse_year(b"20X4"), None);
        assert_eq!(parse_year(b"1850"), None);
        assert_eq!(parse_year(b"2024.5"), None);
    }

    #[test]
    fn parses_a_part_and_reports_bad_rows_with_lines() {
        let map = ColumnMap {
            year: 0,
            reporter_code: Some(1),
            partner_code: Some(2),
            product: Some(3),
            value: 4,
            value_scale: 1000.0,
            quantity: Some(5),
            ..ColumnMap::default()
        };
        let codes = CodeTable::builtin();
        let ctx = comma_separated(&map, &codes);
        let buf = b"2022,586,398,080510,12.5,3.1\r\n2022,586,999,010101,1,\n\n2022,586,398,x,oops,1\n2022,4\n";
        let part = parse_part(buf, &ctx);
        assert_eq!(part.table.len(), 2);
        assert_eq!(part.table.value[0], 12_500.0);
        assert!(part.table.quantity[1].is_nan());
        assert_eq!(
            part.table.countries[usize::from(part.table.partner[1])].code,
            "N999"
        );
        assert_eq!(part.table.products[0].code, "080510", "leading zeros kept");
        assert_eq!(part.rejected_count, 2);
        assert_eq!(part.rejected[0].0, 3);
        assert!(part.rejected[0].1.contains("'oops' is not a value"));
        assert!(part.rejected[1].1.contains("needs at least"));
        assert_eq!(part.lines, 5);
    }
}
