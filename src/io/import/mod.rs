//! Importing trade data files: UN Comtrade (new, bulk and legacy), comtradr, CEPII BACI and
//! any CSV through a column mapping; plain or gzip-compressed; UTF-8 or ISO-8859-1.
//!
//! The file is read in blocks on one thread while the blocks are parsed on the others, so
//! that ten million rows load in about a second on two cores; see `parse`.

mod blocks;
pub mod cache;
pub mod codes;
mod csv_release;
mod cut;
mod fields;
mod footer;
pub mod formats;
mod guard;
mod input;
mod memory;
mod opening;
pub mod parquet;
mod parquet_columns;
mod parquet_pages;
mod parquet_release;
mod parquet_rows;
pub mod parse;
mod plain;
mod prefault;
mod records;
pub mod release;
mod sniff;
mod stream;
mod totals;

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub use formats::{ColumnMap, Layout, MappingRoles, detect, expected_columns, header_key};
pub use memory::{
    FREE_MEMORY_VARIABLE, Shortfall, available_memory, memory_needed, shortfall, source_shortfall,
};
pub use opening::{
    OpenedDataset, PendingCache, TOTALS_FIRST_ROWS, link_for, open_dataset,
    open_dataset_then_cache, open_totals,
};
pub use sniff::peek;
use sniff::{peek_input, refuse_binary, refuse_workbook};

use crate::model::dataset::TradeTable;
use blocks::{Accumulator, BlockReader, reserve};
use codes::CodeTable;
use input::{Input, open, parquet_input};
use parse::{MAX_RECORD_BYTES, PartContext, records_to_cut, split_fields};

/// Bytes read per block.
const BLOCK_BYTES: usize = 8 * 1024 * 1024;
/// Refused rows listed (all are counted).
pub const MAX_LISTED_REJECTIONS: usize = 100;

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The operating system could not read the file.
    #[error("{}: {}", .path.display(), crate::io::document_file::describe_io(.source))]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The path is a folder or something else that is not a file.
    #[error("{}: not a file", .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The file has no bytes at all.
    #[error("{}: the file is empty", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A gzip file that ends early or is damaged.
    #[error("{}: the compressed file is incomplete or damaged ({detail}); download it again", .path.display())]
    Compressed {
        /// The file.
        path: PathBuf,
        /// What the decompressor said.
        detail: String,
    },
    /// Not a text file (binary data, UTF-16 text, a spreadsheet workbook): what it is and
    /// what to do.
    #[error("{}: {what}. Trade data is read from CSV or TSV text files (gzipped or not), Parquet files, or a folder or zip archive of them.", .path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// What the file is, and what to do with it.
        what: &'static str,
    },
    /// The header matches no known format and no mapping was given.
    #[error("{}: the header matches no known format.\nIts columns are: {columns}\n\n{}", .path.display(), expected_columns())]
    UnknownHeader {
        /// The file.
        path: PathBuf,
        /// The header's columns.
        columns: String,
    },
    /// A record longer than the limit (probably not a text data file).
    #[error(
        "{}: a record is longer than 16 MiB: a quote (\") opened and never closed, or not a \
         trade data file",
        .path.display()
    )]
    LineTooLong {
        /// The file.
        path: PathBuf,
    },
    /// The file changed (grew, shrank or was rewritten) while it was read, so what was read
    /// may be a mix of two versions.
    #[error("{}: the file changed while it was being read (is another program still writing it?); import it again once it is complete", .path.display())]
    ChangedWhileReading {
        /// The file.
        path: PathBuf,
    },
    /// More rows than a dataset can hold in memory here.
    #[error("{}: the file has more than 500 million rows, more than the app can hold in memory; import it in parts (for example one file per year)", .path.display())]
    TooManyRows {
        /// The file.
        path: PathBuf,
    },
    /// Cancel was pressed.
    #[error("the import was cancelled")]
    Cancelled,
    /// A zip archive that cannot be read.
    #[error("{}: not a readable zip archive ({detail})", .path.display())]
    Zip {
        /// The archive.
        path: PathBuf,
        /// What the zip reader said.
        detail: String,
    },
    /// A folder or archive without a data file.
    #[error("{}: no trade data file in it (CSV, TSV, their .gz, or Parquet); found: {found}", .path.display())]
    NoDataFiles {
        /// The folder or archive.
        path: PathBuf,
        /// What it holds.
        found: String,
    },
    /// The data files of a folder or archive do not share one layout.
    #[error("{}: its data files do not share one layout, so they cannot be one dataset; import them separately:\n{listing}", .path.display())]
    MixedLayouts {
        /// The folder or archive.
        path: PathBuf,
        /// Each file with its layout.
        listing: String,
    },
    /// A Parquet file that cannot be read.
    #[error("{}: not a readable Parquet file ({detail})", .path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What the Parquet reader said.
        detail: String,
    },
    /// Every data file of a folder or archive failed.
    #[error("{}: no data file could be read:\n{listing}", .path.display())]
    AllFilesFailed {
        /// The folder or archive.
        path: PathBuf,
        /// Each file with its reason.
        listing: String,
    },
}

/// Most rows one dataset may have: about 12 GB of rows at 23.5 bytes each. A compressed
/// file can claim to hold any number of rows; this bounds what reading it can cost.
pub const MAX_ROWS: usize = 500_000_000;

/// How far an import has come.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Bytes of the file read so far (compressed bytes for gzip files).
    pub bytes: u64,
    /// Size of the file.
    pub total_bytes: u64,
    /// Rows read so far.
    pub rows: u64,
    /// Time since the import started.
    pub elapsed: Duration,
    /// Data files done and in all, for a dataset of several files ((0, 1) for one file).
    pub files: (usize, usize),
}

impl Progress {
    /// Share done, 0 to 1.
    pub fn fraction(&self) -> f32 {
        if self.total_bytes == 0 {
            0.0
        } else {
            (self.bytes as f64 / self.total_bytes as f64).min(1.0) as f32
        }
    }

    /// Rows per second so far.
    pub fn rows_per_second(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.rows as f64 / s } else { 0.0 }
    }

    /// Estimated time left, once there is something to estimate from.
    pub fn time_left(&self) -> Option<Duration> {
        let f = f64::from(self.fraction());
        (f > 0.01).then(|| Duration::from_secs_f64(self.elapsed.as_secs_f64() * (1.0 - f) / f))
    }
}

/// A look at the start of a file: its header, delimiter, first rows and layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Peek {
    /// Column names.
    pub header: Vec<String>,
    /// Field delimiter.
    pub delimiter: u8,
    /// The first rows, as text.
    pub rows: Vec<Vec<String>>,
    /// The layout, when the header is a known one.
    pub detected: Option<(Layout, ColumnMap)>,
    /// Whether the file is gzip-compressed.
    pub compressed: bool,
    /// For a folder or archive: what it holds (data files, companions, files left out);
    /// the header and rows are those of its first data file.
    pub source: Option<String>,
    /// About how many rows the whole input holds, to tell before importing whether they
    /// fit in memory: a Parquet file's own count; for text, the first MiB's rows per byte
    /// times the file's size (inflated as much as that MiB was, when compressed); for a
    /// folder or archive, its first data file's rows per byte times all their sizes.
    pub rows_estimate: Option<u64>,
}

impl Peek {
    /// Why the file cannot be a trade table, before any column is chosen: fewer than three
    /// columns (a year, two countries and a value are needed), or rows that do not split
    /// like the header. Says which separator was found.
    pub fn layout_problem(&self) -> Option<String> {
        let separator = match self.delimiter {
            b'\t' => "tabs",
            b',' => "commas",
            b';' => "semicolons",
            b'|' => "| bars",
            _ => "the separator",
        };
        let columns = self.header.len();
        if self.detected.is_none() && columns < 3 {
            let found = if columns <= 1 {
                "one column: no comma, semicolon, tab or | separates columns in it".to_owned()
            } else {
                format!("{columns} columns separated by {separator}")
            };
            return Some(format!(
                "the first line has {found}; a trade data file needs at least a year, two \
                 countries and a value"
            ));
        }
        // Trailing empty fields (a separator at the end of each row) are harmless.
        let ragged_row = |r: &Vec<String>| {
            !(r.len() == 1 && r[0].is_empty())
                && (r.len() < columns || r[columns..].iter().any(|f| !f.is_empty()))
        };
        let (line, row) = self.rows.iter().enumerate().find(|(_, r)| ragged_row(r))?;
        // A few ragged rows are reported per row by the import; a preview where most
        // rows split differently means the separator is not the file's.
        let ragged = self.rows.iter().filter(|r| ragged_row(r)).count();
        (ragged * 2 > self.rows.len()).then(|| {
            format!(
                "the first line has {columns} columns separated by {separator}, but line {} \
                 has {}: the separator is not used the same way throughout the file",
                line + 2,
                row.len()
            )
        })
    }
}

/// The result of an import.
#[derive(Debug)]
pub struct ImportOutcome {
    /// The rows.
    pub table: TradeTable,
    /// The layout read.
    pub layout: Layout,
    /// Data rows read (refused ones included).
    pub rows_read: u64,
    /// Rows refused.
    pub rows_rejected: u64,
    /// (line, reason) of the first refused rows.
    pub rejected: Vec<(u64, String)>,
    /// Where numeric country codes were looked up, when the file uses them.
    pub codes_origin: Option<String>,
    /// Countries whose codes are neither ISO nor World (kept, reported).
    pub unknown_countries: Vec<String>,
    /// Former ISO codes of countries that still exist, read as their current codes:
    /// (as written, as read), e.g. (ROM, ROU).
    pub recoded_countries: Vec<(String, String)>,
    /// Data files read (1 for a single file).
    pub files: usize,
    /// Data files of a folder or archive that could not be read, with the reason; the
    /// rows are those of the other files.
    pub failed_files: Vec<(String, String)>,
}

/// Text as UTF-8, or ISO-8859-1 when it is not valid UTF-8; a byte-order mark is dropped.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn delimiter_of(header_line: &[u8]) -> u8 {
    [b'\t', b',', b';', b'|']
        .into_iter()
        .max_by_key(|d| header_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',')
}

fn header_fields(line: &[u8], delim: u8) -> Vec<String> {
    let mut fields = Vec::new();
    split_fields(line, delim, &mut fields);
    fields
        .iter()
        .map(|f| decode_text(f).trim().to_owned())
        .collect()
}

fn io_error(path: &Path, compressed: bool, source: io::Error) -> ImportError {
    if compressed
        && matches!(
            source.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData
        )
    {
        ImportError::Compressed {
            path: path.to_path_buf(),
            detail: source.to_string(),
        }
    } else {
        ImportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Reads up to `limit` bytes (less only at the end of the input).
fn read_block(reader: &mut dyn Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(limit);
    reader.take(limit as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Imports a file, or every data file of a folder or zip archive as one dataset.
/// `mapping` is used when the header is not a known layout (or to override it);
/// `progress` is called after each block; `cancel` stops the import.
pub fn import_file(
    path: &Path,
    mapping: Option<ColumnMap>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    refuse_workbook(path)?;
    match release::kind_of(path) {
        release::SourceKind::File => {
            let input = open(path)?;
            let companions = Companions::Beside(path);
            let mapping = (mapping, TradeTable::default());
            let mut outcome = import_input(path, input, mapping, &companions, progress, cancel)?;
            outcome.table.compute_flags();
            Ok(outcome)
        }
        _ => release::import_release(path, mapping, progress, cancel),
    }
}

/// Where a file's companion files (BACI's country and product code lists) are.
pub(crate) enum Companions<'a> {
    /// Beside the file, in its folder.
    Beside(&'a Path),
    /// Read from a folder or archive beforehand.
    Read {
        /// The country code table, when the release has one.
        codes: Option<CodeTable>,
        /// Product names by code, when the release has them.
        product_names: Option<std::collections::HashMap<String, String>>,
    },
}

impl Companions<'_> {
    /// Where numeric country codes are looked up, when the file has them.
    fn code_table(&self, layout: Layout, map: &ColumnMap) -> Option<CodeTable> {
        if map.reporter_iso.is_some() && map.partner_iso.is_some() {
            return None;
        }
        Some(match (self, layout) {
            (Companions::Beside(path), Layout::Baci) => {
                CodeTable::baci_companion(path).unwrap_or_else(CodeTable::builtin)
            }
            (
                Companions::Read {
                    codes: Some(codes), ..
                },
                Layout::Baci,
            ) => codes.clone(),
            _ => CodeTable::builtin(),
        })
    }

    /// Gives products without a name the one BACI's product list has.
    fn name_products(&self, table: &mut TradeTable) {
        let Some(names) = self.product_names() else {
            return;
        };
        for product in &mut table.products {
            if product.name.is_empty()
                && let Some(name) = names.get(&product.code)
            {
                product.name.clone_from(name);
            }
        }
    }

    /// BACI's product names.
    fn product_names(&self) -> Option<std::collections::HashMap<String, String>> {
        match self {
            Companions::Beside(path) => codes::baci_product_names(path),
            Companions::Read { product_names, .. } => product_names.clone(),
        }
    }
}

/// Imports one opened input into `table` (emptied first: its memory is reused); `path`
/// names it in messages.
fn import_input(
    path: &Path,
    input: Input,
    (mapping, table): (Option<ColumnMap>, TradeTable),
    companions: &Companions<'_>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    let started = Instant::now();
    let Input {
        read: mut reader,
        opened,
        size: total_bytes,
        compressed,
        counter,
        parquet,
    } = input;
    if let Some(info) = parquet {
        let input = (opened, counter, total_bytes);
        let mapping = (mapping, table);
        return parquet_rows::import(path, &info, input, mapping, companions, progress, cancel);
    }
    let TextStart {
        rest: mut carry,
        mut eof,
        delim,
        layout,
        map,
        codes,
    } = TextStart::read(path, (&mut reader, compressed), mapping, companions)?;
    let codes_for_parse = codes.clone().unwrap_or_default();
    let ctx = PartContext {
        delim,
        map: &map,
        codes: &codes_for_parse,
        max_listed: MAX_LISTED_REJECTIONS,
    };
    let threads = threads();
    let mut acc = Accumulator::new(is_reconciled(layout, &map), table);
    let mut reserved = false;
    let reader = BlockReader::start(reader, path)?;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        if !eof {
            eof = reader
                .next_into(&mut carry)
                .map_err(|e| io_error(path, compressed, e))?;
        }
        if eof && !carry.is_empty() && carry.last() != Some(&b'\n') {
            carry.push(b'\n');
        }
        let Some((end, splits)) = records_to_cut(&carry, threads, eof) else {
            if carry.len() > MAX_RECORD_BYTES {
                return Err(ImportError::LineTooLong {
                    path: path.to_path_buf(),
                });
            }
            if eof {
                break;
            }
            continue;
        };
        if !reserved && end > 0 && total_bytes > 0 && !compressed {
            // Reserve once from the first block's density, so the columns never double.
            let rows_here = memchr::memchr_iter(b'\n', &carry[..end]).count().max(1);
            let estimate = (total_bytes as f64 / end as f64 * rows_here as f64 * 1.02) as usize;
            reserve(&mut acc.table, estimate.min(MAX_ROWS));
            reserved = true;
        }
        acc.parse(&carry[..end], &splits, &ctx);
        if acc.table.len() > MAX_ROWS {
            return Err(ImportError::TooManyRows {
                path: path.to_path_buf(),
            });
        }
        carry.drain(..end);
        progress(&Progress {
            bytes: counter.load(Ordering::Relaxed),
            total_bytes,
            rows: acc.table.len() as u64,
            elapsed: started.elapsed(),
            files: (0, 1),
        });
        if eof && carry.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    reader.finish();
    finish_import(path, &opened, layout, acc, companions, codes, cancel)
}

/// The start of a text input: its first block read, its header and layout resolved.
struct TextStart {
    /// The first block's bytes after the header line.
    rest: Vec<u8>,
    /// Whether the first block was the whole input.
    eof: bool,
    delim: u8,
    layout: Layout,
    map: ColumnMap,
    /// Where numeric country codes are looked up, when the layout has them.
    codes: Option<CodeTable>,
}

impl TextStart {
    /// Reads the first block of `reader` (`compressed` for messages about damage): text
    /// only (no spreadsheet or UTF-16), a byte order mark dropped, a header of a known
    /// layout unless `mapping` is given.
    fn read(
        path: &Path,
        (reader, compressed): (&mut dyn Read, bool),
        mapping: Option<ColumnMap>,
        companions: &Companions<'_>,
    ) -> Result<Self, ImportError> {
        let mut first =
            read_block(reader, BLOCK_BYTES).map_err(|e| io_error(path, compressed, e))?;
        let eof = first.len() < BLOCK_BYTES;
        refuse_binary(path, &first)?;
        if first.starts_with(b"\xef\xbb\xbf") {
            first.drain(..3);
        }
        let (header_end, delim, header) = read_header(path, &first)?;
        let (layout, map) = resolve_layout(path, mapping, &header)?;
        let codes = companions.code_table(layout, &map);
        Ok(Self {
            rest: first.split_off((header_end + 1).min(first.len())),
            eof,
            delim,
            layout,
            map,
            codes,
        })
    }
}

/// Threads that parse one input.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8)
}

/// Without a flow column, every row is exporter → importer, as in BACI.
fn is_reconciled(layout: Layout, map: &ColumnMap) -> bool {
    layout == Layout::Baci
        || (matches!(layout, Layout::Mapped | Layout::TradeExplorer) && map.flow.is_none())
}

/// The end of an input's import: refused if the file changed while it was read (or the
/// import was cancelled, or grew too large), its products named.
fn finish_import(
    path: &Path,
    opened: &(std::path::PathBuf, std::fs::Metadata),
    layout: Layout,
    acc: Accumulator,
    companions: &Companions<'_>,
    codes: Option<CodeTable>,
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled);
    }
    if acc.table.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows {
            path: path.to_path_buf(),
        });
    }
    if changed_since(&opened.0, &opened.1) {
        return Err(ImportError::ChangedWhileReading {
            path: path.to_path_buf(),
        });
    }
    Ok(named_outcome(
        layout,
        acc,
        companions,
        codes.map(|c| c.origin),
    ))
}

/// The rows read as an import's outcome, their products named: BACI's from the release's
/// product list, then any HS code without a name from HS 2022.
fn named_outcome(
    layout: Layout,
    mut acc: Accumulator,
    companions: &Companions<'_>,
    codes_origin: Option<String>,
) -> ImportOutcome {
    if layout == Layout::Baci {
        companions.name_products(&mut acc.table);
    }
    let mut outcome = acc.finish(layout, codes_origin);
    name_products(&mut outcome.table);
    outcome
}

/// Gives HS codes the file does not name their HS 2022 name; names from the file (or
/// its `product_codes_*.csv`) are kept.
pub(super) fn name_products(table: &mut TradeTable) {
    for product in &mut table.products {
        if product.name.is_empty()
            && crate::model::hierarchy::is_hs(&product.code)
            && let Some(name) = crate::model::hs::name(&product.code)
        {
            product.name = name.to_owned();
        }
    }
}

/// The header line of the first block: where it ends, the delimiter, and its fields.
fn read_header(path: &Path, first: &[u8]) -> Result<(usize, u8, Vec<String>), ImportError> {
    let empty = || ImportError::Empty {
        path: path.to_path_buf(),
    };
    let header_end = memchr::memchr(b'\n', first)
        .or((!first.is_empty()).then_some(first.len()))
        .ok_or_else(empty)?;
    let mut header_line = &first[..header_end];
    if header_line.last() == Some(&b'\r') {
        header_line = &header_line[..header_line.len() - 1];
    }
    if header_line.iter().all(u8::is_ascii_whitespace) {
        return Err(empty());
    }
    let delim = delimiter_of(header_line);
    Ok((header_end, delim, header_fields(header_line, delim)))
}

/// The layout and columns: the mapping given, else the layout the header matches.
fn resolve_layout(
    path: &Path,
    mapping: Option<ColumnMap>,
    header: &[String],
) -> Result<(Layout, ColumnMap), ImportError> {
    match (mapping, detect(header)) {
        (Some(map), _) => Ok((Layout::Mapped, map)),
        (None, Some(found)) => Ok(found),
        (None, None) => Err(ImportError::UnknownHeader {
            path: path.to_path_buf(),
            columns: header.join(", "),
        }),
    }
}

/// Whether the file's size or modification time differs from `before`.
fn changed_since(path: &Path, before: &std::fs::Metadata) -> bool {
    match std::fs::metadata(path) {
        Ok(now) => now.len() != before.len() || now.modified().ok() != before.modified().ok(),
        Err(_) => true,
    }
}
