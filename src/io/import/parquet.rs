//! Parquet files read as the importer's rows: each file is turned, one batch of rows at a
//! time, into the comma-separated text the parallel parser reads, so that every layout,
//! column mapping, code list and check of CSV files applies to Parquet unchanged.
//!
//! Only the columns the layout or mapping uses are decoded (the others are empty fields);
//! dictionary-encoded and plain pages, snappy, zstd, gzip and uncompressed pages are read by
//! the `parquet` crate. Decimal columns (Spark writes values as `decimal(38,x)` in
//! fixed-length byte arrays) are written out exactly as decimal text. Hive partition folders
//! (`year=2020/part-0.parquet`) give columns of their own, appended after the file's.

use std::io::{self, Read};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use parquet::basic::Type as PhysicalType;
use parquet::basic::{ConvertedType, LogicalType};
use parquet::column::reader::ColumnReader;
use parquet::file::reader::{ChunkReader, FileReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::schema::types::ColumnDescPtr;

use super::guard::CheckedPages;
use super::{ColumnMap, ImportError};

/// Rows decoded per batch: large enough that per-batch costs vanish, small enough that a
/// batch of text stays well under the importer's block.
pub(super) const BATCH_ROWS: usize = 16_384;

/// The first bytes (and the last) of every Parquet file.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// How the text of a column's values is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Plain,
    /// Unscaled integers with this many decimals.
    Decimal(i32),
    /// Days since 1970-01-01.
    Date,
    /// A nested or repeated column: not read.
    Nested,
}

/// What the importer needs to know of a Parquet file before reading it, and the opened
/// file its rows are read from.
#[derive(Clone)]
pub struct ParquetInfo {
    /// Column names: the file's, then the partition folders'.
    pub header: Vec<String>,
    /// Rows in the file.
    pub rows: u64,
    /// The file's columns that are decoded (all until chosen).
    projection: Arc<OnceLock<Vec<bool>>>,
    pub(super) kinds: Vec<Kind>,
    pub(super) file: Arc<dyn FileReader>,
    pub(super) columns: Vec<ColumnDescPtr>,
    /// The partition folders' values, one per column after the file's own.
    pub(super) partition_values: Vec<String>,
}

impl std::fmt::Debug for ParquetInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetInfo")
            .field("header", &self.header)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl ParquetInfo {
    /// Decodes only the columns `map` uses; refuses a used column that is nested.
    pub fn select(&self, path: &Path, map: &ColumnMap) -> Result<(), ImportError> {
        let used = map.columns();
        if let Some(&nested) = used
            .iter()
            .find(|&&c| self.kinds.get(c) == Some(&Kind::Nested))
        {
            return Err(ImportError::Parquet {
                path: path.to_path_buf(),
                detail: format!(
                    "column '{}' is nested or repeated; only flat columns can be read",
                    self.header[nested]
                ),
            });
        }
        let wanted = (0..self.kinds.len()).map(|c| used.contains(&c)).collect();
        let _ = self.projection.set(wanted);
        Ok(())
    }

    /// Whether column `c` of the file is decoded.
    pub(super) fn wanted(&self, c: usize) -> bool {
        self.kinds[c] != Kind::Nested && self.projection.get().is_none_or(|p| p[c])
    }

    /// Whether column `c` is read as it is stored (not a decimal, a date or nested).
    pub(super) fn is_plain(&self, c: usize) -> bool {
        self.kinds[c] == Kind::Plain
    }

    /// Whether column `c` holds plain integers (not decimals or dates).
    pub(super) fn is_integer(&self, c: usize) -> bool {
        self.kinds[c] == Kind::Plain
            && matches!(
                self.columns[c].physical_type(),
                PhysicalType::INT32 | PhysicalType::INT64
            )
    }

    /// Whether column `c` holds floating-point numbers (read as numbers, not text).
    pub(super) fn is_float(&self, c: usize) -> bool {
        self.kinds[c] == Kind::Plain
            && matches!(
                self.columns[c].physical_type(),
                PhysicalType::FLOAT | PhysicalType::DOUBLE
            )
    }
}

/// Hive partition values of a path such as `t=2020/region=EU/part-0.parquet`: each folder
/// named `key=value`, outermost first (`%xx` escapes decoded; Hive's null is empty).
pub fn partitions_of(relative: &str) -> Vec<(String, String)> {
    let mut parts: Vec<&str> = relative.split(['/', '\\']).collect();
    parts.pop();
    parts
        .into_iter()
        .filter_map(|folder| folder.split_once('='))
        .filter(|(key, _)| !key.is_empty())
        .map(|(key, value)| {
            let value = if value == "__HIVE_DEFAULT_PARTITION__" {
                String::new()
            } else {
                percent_encoding::percent_decode_str(value)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (key.to_owned(), value)
        })
        .collect()
}

/// The partition folders directly above a file opened on its own (`…/year=2020/x.parquet`).
pub fn partitions_above(path: &Path) -> Vec<(String, String)> {
    let mut folders: Vec<String> = Vec::new();
    for folder in path.ancestors().skip(1) {
        match folder.file_name().map(|n| n.to_string_lossy().into_owned()) {
            Some(name) if name.contains('=') => folders.push(name),
            _ => break,
        }
    }
    folders.reverse();
    folders.push(String::new());
    partitions_of(&folders.join("/"))
}

fn kind_of(column: &ColumnDescPtr) -> Kind {
    if column.max_rep_level() > 0 || column.path().parts().len() > 1 {
        return Kind::Nested;
    }
    let decimal = matches!(column.logical_type_ref(), Some(LogicalType::Decimal { .. }))
        || column.converted_type() == ConvertedType::DECIMAL;
    let date = matches!(column.logical_type_ref(), Some(LogicalType::Date))
        || column.converted_type() == ConvertedType::DATE;
    if decimal {
        Kind::Decimal(column.type_scale().max(0))
    } else if date {
        Kind::Date
    } else {
        Kind::Plain
    }
}

/// A Parquet file as text rows (a header line, then one line per row): what the preview
/// of a file shows.
pub struct ParquetText {
    info: ParquetInfo,
    /// The partition values, as the fields appended to every row.
    partition_fields: Vec<u8>,
    header_line: Option<Vec<u8>>,
    row_group: usize,
    readers: Vec<Option<ColumnReader>>,
    left_in_group: usize,
    texts: Vec<ColumnText>,
    levels: Vec<i16>,
    out: Vec<u8>,
    pos: usize,
}

/// Opens a Parquet file from `reader` (a file, or an archive entry's bytes): what the
/// importer needs to know of it, and its rows as text for a preview.
pub fn open<R: ChunkReader + 'static>(
    path: &Path,
    reader: R,
    partitions: Vec<(String, String)>,
) -> Result<(ParquetText, ParquetInfo), ImportError> {
    if let Some(why) = footer_refusal(&reader) {
        return Err(ImportError::Parquet {
            path: path.to_path_buf(),
            detail: format!("the file looks damaged: {why}"),
        });
    }
    let file = super::guard::guarded(|| SerializedFileReader::new(reader).map_err(invalid))
        .map_err(|e| ImportError::Parquet {
            path: path.to_path_buf(),
            detail: detail(&e),
        })?;
    let meta = file.metadata();
    let columns: Vec<ColumnDescPtr> = meta.file_metadata().schema_descr().columns().to_vec();
    let kinds: Vec<Kind> = columns.iter().map(kind_of).collect();
    let mut header: Vec<String> = columns.iter().map(|c| c.path().parts().join(".")).collect();
    // A column the files hold themselves wins over a partition folder of the same name.
    let partitions: Vec<(String, String)> = partitions
        .into_iter()
        .filter(|(key, _)| !header.contains(key))
        .collect();
    let mut partition_fields = Vec::new();
    for (key, value) in &partitions {
        header.push(key.clone());
        partition_fields.push(b',');
        push_text(&mut partition_fields, value.as_bytes());
    }
    let mut header_line = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if i > 0 {
            header_line.push(b',');
        }
        push_text(&mut header_line, name.as_bytes());
    }
    header_line.push(b'\n');
    let rows_total = u64::try_from(meta.file_metadata().num_rows()).unwrap_or(0);
    let texts = (0..columns.len()).map(|_| ColumnText::default()).collect();
    let info = ParquetInfo {
        header,
        rows: rows_total,
        projection: Arc::new(OnceLock::new()),
        kinds,
        file: Arc::new(file),
        columns,
        partition_values: partitions.into_iter().map(|(_, value)| value).collect(),
    };
    Ok((
        ParquetText {
            info: info.clone(),
            partition_fields,
            header_line: Some(header_line),
            row_group: 0,
            readers: Vec::new(),
            left_in_group: 0,
            texts,
            levels: Vec::new(),
            out: Vec::new(),
            pos: 0,
        },
        info,
    ))
}

/// Why the footer of the file `reader` reads must not reach the crate
/// ([`super::footer`]); `None` when it may, or when it cannot be found (the crate then
/// says why).
fn footer_refusal<R: ChunkReader>(reader: &R) -> Option<String> {
    let len = reader.len();
    let tail = reader.get_bytes(len.checked_sub(8)?, 8).ok()?;
    if tail.get(4..)? != MAGIC {
        return None;
    }
    let footer_len = u64::from(u32::from_le_bytes(tail.get(..4)?.try_into().ok()?));
    let start = len.checked_sub(8)?.checked_sub(footer_len)?;
    let footer = reader
        .get_bytes(start, usize::try_from(footer_len).ok()?)
        .ok()?;
    super::footer::refusal(&footer)
}

/// Appends a field, quoted when it holds a comma, a quote or a line break.
fn push_text(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

/// One column's values of a batch as text: `bytes[ends[i-1]..ends[i]]` is row i.
#[derive(Default)]
pub(super) struct ColumnText {
    pub(super) bytes: Vec<u8>,
    pub(super) ends: Vec<usize>,
}

impl ColumnText {
    /// The text of row `row`.
    pub(super) fn get(&self, row: usize) -> &[u8] {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        self.ends
            .get(row)
            .and_then(|&end| self.bytes.get(start..end))
            .unwrap_or(&[])
    }
}

pub(super) fn invalid(err: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{DETAIL_PREFIX}{err}"))
}

/// What starts the message of an [`invalid`] error.
const DETAIL_PREFIX: &str = "Parquet: ";

/// The reader's message of an error met decoding a file, without [`invalid`]'s prefix:
/// the detail of an [`super::ImportError::Parquet`].
pub(super) fn detail(err: &io::Error) -> String {
    err.to_string().trim_start_matches(DETAIL_PREFIX).to_owned()
}

impl Read for ParquetText {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.out.len() {
            self.out.clear();
            self.pos = 0;
            super::guard::guarded(|| self.fill())?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl ParquetText {
    /// The next piece of text into `out`: the header, then a batch of rows; nothing at
    /// the end of the file.
    fn fill(&mut self) -> io::Result<()> {
        if let Some(header) = self.header_line.take() {
            self.out = header;
            return Ok(());
        }
        while self.left_in_group == 0 {
            if self.row_group >= self.info.file.num_row_groups() {
                return Ok(());
            }
            let group = self
                .info
                .file
                .get_row_group(self.row_group)
                .map_err(invalid)?;
            self.left_in_group = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
            self.readers.clear();
            for c in 0..self.info.columns.len() {
                let reader = if self.info.wanted(c) {
                    Some(CheckedPages::reader(group.as_ref(), c).map_err(invalid)?)
                } else {
                    None
                };
                self.readers.push(reader);
            }
            self.row_group += 1;
        }
        let rows = self.left_in_group.min(BATCH_ROWS);
        let columns = self.info.columns.iter().zip(&self.info.kinds);
        for ((text, reader), (column, kind)) in
            self.texts.iter_mut().zip(&mut self.readers).zip(columns)
        {
            text.bytes.clear();
            text.ends.clear();
            let Some(reader) = reader.as_mut() else {
                continue;
            };
            let read = decode(reader, rows, (column, *kind, true), &mut self.levels, text)?;
            check_count(column, read, rows)?;
        }
        for row in 0..rows {
            for (c, text) in self.texts.iter().enumerate() {
                if c > 0 {
                    self.out.push(b',');
                }
                if !text.ends.is_empty() {
                    self.out.extend_from_slice(text.get(row));
                }
            }
            self.out.extend_from_slice(&self.partition_fields);
            self.out.push(b'\n');
        }
        self.left_in_group -= rows;
        Ok(())
    }
}

/// Refuses a column whose values do not fill its row group.
pub(super) fn check_count(column: &ColumnDescPtr, read: usize, rows: usize) -> io::Result<()> {
    if read == rows {
        return Ok(());
    }
    Err(invalid(format!(
        "column '{}' has {read} values where its row group has {rows} rows",
        column.name()
    )))
}

/// Decodes `rows` values of a column as text (`quote`: quoted as a CSV field where needed);
/// returns how many rows were read.
pub(super) fn decode(
    reader: &mut ColumnReader,
    rows: usize,
    (column, kind, quote): (&ColumnDescPtr, Kind, bool),
    levels: &mut Vec<i16>,
    text: &mut ColumnText,
) -> io::Result<usize> {
    use parquet::data_type::{ByteArray, FixedLenByteArray, Int96};
    let max = column.max_def_level();
    match reader {
        ColumnReader::BoolColumnReader(r) => decode_values(r, rows, max, levels, text, |out, v| {
            out.extend_from_slice(if *v { b"true" } else { b"false" });
        }),
        ColumnReader::Int32ColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |out, v| {
                write_integer(out, i128::from(*v), kind);
            })
        }
        ColumnReader::Int64ColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |out, v| {
                write_integer(out, i128::from(*v), kind);
            })
        }
        // Legacy timestamps: no trade field is one, so they are left empty.
        ColumnReader::Int96ColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |_, _: &Int96| {})
        }
        ColumnReader::FloatColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |out, v| {
                write_float(out, f64::from(*v));
            })
        }
        ColumnReader::DoubleColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |out, v| write_float(out, *v))
        }
        ColumnReader::ByteArrayColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |out, v: &ByteArray| {
                write_bytes(out, v.data(), kind, quote);
            })
        }
        ColumnReader::FixedLenByteArrayColumnReader(r) => {
            decode_values(r, rows, max, levels, text, |out, v: &FixedLenByteArray| {
                write_bytes(out, v.data(), kind, quote);
            })
        }
    }
}

fn decode_values<T: parquet::data_type::DataType>(
    reader: &mut parquet::column::reader::ColumnReaderImpl<T>,
    rows: usize,
    max_level: i16,
    levels: &mut Vec<i16>,
    text: &mut ColumnText,
    write: impl Fn(&mut Vec<u8>, &T::T),
) -> io::Result<usize> {
    let mut values = Vec::with_capacity(rows);
    levels.clear();
    let (read, _, _) = reader
        .read_records(rows, Some(levels), None, &mut values)
        .map_err(invalid)?;
    let mut next = values.iter();
    for i in 0..read {
        // A required column has no definition levels: every row has a value.
        let present = max_level == 0 || levels.get(i) == Some(&max_level);
        if present && let Some(v) = next.next() {
            write(&mut text.bytes, v);
        }
        text.ends.push(text.bytes.len());
    }
    Ok(read)
}

/// An integer, or a decimal's unscaled value, or a date, as text.
fn write_integer(out: &mut Vec<u8>, value: i128, kind: Kind) {
    match kind {
        Kind::Decimal(scale) if scale > 0 => write_decimal(out, value, scale as u32),
        Kind::Date => write_date(out, value),
        // Formatting a 64-bit integer is several times cheaper than a 128-bit one.
        _ => match i64::try_from(value) {
            Ok(v) => out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
            Err(_) => out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes()),
        },
    }
}

/// `unscaled / 10^scale` written exactly (`123456`, scale 2 → `1234.56`).
fn write_decimal(out: &mut Vec<u8>, unscaled: i128, scale: u32) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(unscaled.unsigned_abs());
    if unscaled < 0 {
        out.push(b'-');
    }
    let scale = scale as usize;
    if digits.len() <= scale {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        out.extend_from_slice(digits.as_bytes());
    } else {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(whole.as_bytes());
        out.push(b'.');
        out.extend_from_slice(fraction.as_bytes());
    }
}

/// Days since 1970-01-01 as an ISO date (`2020-01-01`), which the year column reads.
fn write_date(out: &mut Vec<u8>, days: i128) {
    let date = i64::try_from(days).ok().and_then(|d| {
        jiff::civil::date(1970, 1, 1)
            .checked_add(jiff::Span::new().try_days(d).ok()?)
            .ok()
    });
    if let Some(date) = date {
        out.extend_from_slice(date.to_string().as_bytes());
    }
}

/// The shortest text that reads back as the same number.
fn write_float(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(ryu::Buffer::new().format(value).as_bytes());
}

/// Text (quoted as needed when `quote`), or a decimal in big-endian two's complement.
fn write_bytes(out: &mut Vec<u8>, bytes: &[u8], kind: Kind, quote: bool) {
    match kind {
        Kind::Decimal(scale) if bytes.len() <= 16 => {
            let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
            let mut buf = [if negative { 0xff } else { 0 }; 16];
            buf[16 - bytes.len()..].copy_from_slice(bytes);
            let unscaled = i128::from_be_bytes(buf);
            if scale > 0 {
                write_decimal(out, unscaled, scale as u32);
            } else {
                out.extend_from_slice(unscaled.to_string().as_bytes());
            }
        }
        Kind::Decimal(_) => {}
        _ if quote => push_text(out, bytes),
        _ => out.extend_from_slice(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_exactly() {
        let text = |v: i128, s: u32| {
            let mut out = Vec::new();
            write_decimal(&mut out, v, s);
            String::from_utf8(out).unwrap_or_default()
        };
        assert_eq!(text(123_456, 2), "1234.56");
        assert_eq!(text(-5, 3), "-0.005");
        assert_eq!(text(7, 1), "0.7");
        let mut out = Vec::new();
        // -1.50 as a 16-byte two's complement with scale 2.
        write_bytes(&mut out, &(-150i128).to_be_bytes(), Kind::Decimal(2), true);
        assert_eq!(out, b"-1.50");
        out.clear();
        write_bytes(&mut out, &[0x01, 0x00], Kind::Decimal(1), true);
        assert_eq!(out, b"25.6");
    }

    #[test]
    fn partition_folders_give_columns() {
        assert_eq!(
            partitions_of("year=2020/region=South%20Asia/part-0.parquet"),
            vec![
                ("year".to_owned(), "2020".to_owned()),
                ("region".to_owned(), "South Asia".to_owned())
            ]
        );
        assert_eq!(
            partitions_of("t=__HIVE_DEFAULT_PARTITION__/x.parquet"),
            vec![("t".to_owned(), String::new())]
        );
        assert!(partitions_of("part-0.parquet").is_empty());
        assert_eq!(
            partitions_above(Path::new("/data/out/t=2021/part-1.parquet")),
            vec![("t".to_owned(), "2021".to_owned())]
        );
    }

    #[test]
    fn dates_and_text_fields() {
        let mut out = Vec::new();
        write_date(&mut out, 18_262);
        assert_eq!(out, b"2020-01-01");
        out.clear();
        push_text(&mut out, b"Oranges, \"navel\"");
        assert_eq!(out, b"\"Oranges, \"\"navel\"\"\"");
    }
}
