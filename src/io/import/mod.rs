//! Importing trade data files: UN Comtrade (new, bulk and legacy), comtradr, CEPII BACI and
//! any CSV through a column mapping; plain or gzip-compressed; UTF-8 or ISO-8859-1.
//!
//! The file is read in blocks on one thread while the blocks are parsed on the others, so
//! that ten million rows load in about a second on two cores; see `parse`.

pub mod cache;
pub mod codes;
pub mod formats;
pub mod parse;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use formats::{ColumnMap, Layout, MappingRoles, detect, expected_columns, header_key};

use crate::model::dataset::TradeTable;
use codes::CodeTable;
use parse::{MAX_RECORD_BYTES, PartContext, parse_part_into, record_boundaries, split_fields};

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
    /// The header matches no known format and no mapping was given.
    #[error("{}: the header matches no known format.\nIts columns are: {columns}\n\n{}", .path.display(), expected_columns())]
    UnknownHeader {
        /// The file.
        path: PathBuf,
        /// The header's columns.
        columns: String,
    },
    /// A record longer than the limit (probably not a text data file).
    #[error("{}: a line is longer than 16 MiB; is this a trade data file?", .path.display())]
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
}

/// Text as UTF-8, or ISO-8859-1 when it is not valid UTF-8; a byte-order mark is dropped.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Counts the bytes read through it (the compressed bytes, for gzip files).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: the (decompressed) bytes, the file size, whether it is gzip, and the
/// count of file bytes read so far.
struct Input {
    read: Box<dyn Read + Send>,
    /// The file as it was when opened, to notice changes made while it is read.
    opened: std::fs::Metadata,
    size: u64,
    compressed: bool,
    counter: Arc<AtomicU64>,
}

/// Opens a file, decompressing it when it starts with the gzip magic bytes.
fn open(path: &Path) -> Result<Input, ImportError> {
    let io_err = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(ImportError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let file = File::open(path).map_err(io_err)?;
    let size = meta.len();
    if size == 0 {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    // Never past the size at opening: a file that grows while read (a log still being
    // written) must not keep the import going forever.
    let mut reader = BufReader::with_capacity(1 << 16, file.take(size));
    let magic = reader
        .fill_buf()
        .map_err(io_err)?
        .starts_with(&[0x1f, 0x8b]);
    let count = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: reader,
        count: Arc::clone(&count),
    };
    let read: Box<dyn Read + Send> = if magic {
        Box::new(flate2::read::MultiGzDecoder::new(counting))
    } else {
        Box::new(counting)
    };
    Ok(Input {
        read,
        opened: meta,
        size,
        compressed: magic,
        counter: count,
    })
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

/// Reads the header and the first `rows` rows.
pub fn peek(path: &Path, rows: usize) -> Result<Peek, ImportError> {
    let Input {
        read: mut reader,
        compressed,
        ..
    } = open(path)?;
    let block = read_block(&mut reader, 1 << 20).map_err(|e| io_error(path, compressed, e))?;
    let block = block.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&block);
    if block.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let header_end = memchr::memchr(b'\n', block).unwrap_or(block.len());
    let mut header_line = &block[..header_end];
    if header_line.last() == Some(&b'\r') {
        header_line = &header_line[..header_line.len() - 1];
    }
    let delimiter = delimiter_of(header_line);
    let header = header_fields(header_line, delimiter);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(&block[(header_end + 1).min(block.len())..]);
    let rows = reader
        .byte_records()
        .take(rows)
        .filter_map(Result::ok)
        .map(|r| r.iter().map(|f| decode_text(f).trim().to_owned()).collect())
        .collect();
    Ok(Peek {
        detected: detect(&header),
        header,
        delimiter,
        rows,
        compressed,
    })
}

/// Imports a file. `mapping` is used when the header is not a known layout (or to
/// override it); `progress` is called after each block; `cancel` stops the import.
pub fn import_file(
    path: &Path,
    mapping: Option<ColumnMap>,
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
    } = open(path)?;
    let mut first =
        read_block(&mut reader, BLOCK_BYTES).map_err(|e| io_error(path, compressed, e))?;
    let mut eof = first.len() < BLOCK_BYTES;
    if first.starts_with(b"\xef\xbb\xbf") {
        first.drain(..3);
    }
    let Some(header_end) =
        memchr::memchr(b'\n', &first).or((!first.is_empty()).then_some(first.len()))
    else {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    };
    let mut header_line = &first[..header_end];
    if header_line.last() == Some(&b'\r') {
        header_line = &header_line[..header_line.len() - 1];
    }
    if header_line.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let delim = delimiter_of(header_line);
    let header = header_fields(header_line, delim);
    let (layout, map) = match (mapping, detect(&header)) {
        (Some(map), _) => (Layout::Mapped, map),
        (None, Some(found)) => found,
        (None, None) => {
            return Err(ImportError::UnknownHeader {
                path: path.to_path_buf(),
                columns: header.join(", "),
            });
        }
    };
    let codes = if map.reporter_iso.is_none() || map.partner_iso.is_none() {
        let table = if layout == Layout::Baci {
            CodeTable::baci_companion(path).unwrap_or_else(CodeTable::builtin)
        } else {
            CodeTable::builtin()
        };
        Some(table)
    } else {
        None
    };
    let codes_for_parse = codes.clone().unwrap_or_default();
    let ctx = PartContext {
        delim,
        map: &map,
        codes: &codes_for_parse,
        max_listed: MAX_LISTED_REJECTIONS,
    };
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);

    let mut table = TradeTable {
        // Without a flow column, every row is exporter → importer, as in BACI.
        reconciled: layout == Layout::Baci || (layout == Layout::Mapped && map.flow.is_none()),
        ..TradeTable::default()
    };
    let mut rejected = Vec::new();
    let mut rows_rejected = 0u64;
    let mut line_base = 2u64; // the header is line 1
    let mut carry: Vec<u8> = first.split_off((header_end + 1).min(first.len()));
    let mut reserved = false;
    let mut index = crate::model::dataset::DictionaryIndex::default();
    // One part per thread, reused for every block, with the global index of each of its
    // dictionary entries.
    let mut parts: Vec<parse::Part> = Vec::new();
    let mut part_maps: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();

    // The reader runs one block ahead while the parts are parsed; blocks come back to it
    // to be filled again, so that the whole import works in a few fixed buffers.
    let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(1);
    let (pool_tx, pool_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader_thread = std::thread::Builder::new()
        .name("import-reader".into())
        .spawn(move || {
            loop {
                let mut buf = pool_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BLOCK_BYTES));
                buf.clear();
                let block = (&mut reader)
                    .take(BLOCK_BYTES as u64)
                    .read_to_end(&mut buf)
                    .map(|_| buf);
                let done = matches!(&block, Ok(b) if b.len() < BLOCK_BYTES) || block.is_err();
                if tx.send(block).is_err() || done {
                    break;
                }
            }
        })
        .map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;

    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        if !eof {
            match rx.recv() {
                Ok(Ok(block)) => {
                    eof = block.len() < BLOCK_BYTES;
                    carry.extend_from_slice(&block);
                    let _ = pool_tx.send(block);
                }
                Ok(Err(err)) => return Err(io_error(path, compressed, err)),
                Err(_) => eof = true,
            }
        }
        if eof && !carry.is_empty() && carry.last() != Some(&b'\n') {
            carry.push(b'\n');
        }
        let Some((end, splits)) = record_boundaries(&carry, threads) else {
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
            reserve(&mut table, estimate.min(MAX_ROWS));
            reserved = true;
        }
        let data = &carry[..end];
        let pieces = splits.len().saturating_sub(1);
        if parts.len() < pieces {
            parts.resize_with(pieces, parse::Part::default);
            part_maps.resize_with(pieces, Default::default);
        }
        std::thread::scope(|scope| {
            for (w, part) in splits.windows(2).zip(parts.iter_mut()) {
                let slice = &data[w[0]..w[1]];
                let ctx = &ctx;
                scope.spawn(move || parse_part_into(slice, ctx, part));
            }
        });
        for (part, maps) in parts.iter().zip(part_maps.iter_mut()).take(pieces) {
            for (line, reason) in &part.rejected {
                if rejected.len() < MAX_LISTED_REJECTIONS {
                    rejected.push((line_base + line, reason.clone()));
                }
            }
            rows_rejected += part.rejected_count;
            line_base += part.lines;
            table.append_growing(&part.table, maps, &mut index);
        }
        if table.len() > MAX_ROWS {
            return Err(ImportError::TooManyRows {
                path: path.to_path_buf(),
            });
        }
        carry.drain(..end);
        progress(&Progress {
            bytes: counter.load(Ordering::Relaxed),
            total_bytes,
            rows: table.len() as u64,
            elapsed: started.elapsed(),
        });
        if eof && carry.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    drop(rx);
    let _ = reader_thread.join();
    if changed_since(path, &opened) {
        return Err(ImportError::ChangedWhileReading {
            path: path.to_path_buf(),
        });
    }
    table.compute_flags();
    let unknown_countries = table
        .countries
        .iter()
        .filter(|c| c.unknown)
        .map(|c| {
            if c.name.is_empty() || c.name == c.code {
                c.code.clone()
            } else {
                format!("{} ({})", c.code, c.name)
            }
        })
        .collect();
    Ok(ImportOutcome {
        rows_read: table.len() as u64 + rows_rejected,
        rows_rejected,
        rejected,
        layout,
        codes_origin: codes.map(|c| c.origin),
        unknown_countries,
        table,
    })
}

/// Whether the file's size or modification time differs from `before`.
fn changed_since(path: &Path, before: &std::fs::Metadata) -> bool {
    match std::fs::metadata(path) {
        Ok(now) => now.len() != before.len() || now.modified().ok() != before.modified().ok(),
        Err(_) => true,
    }
}

/// Reserves room for `rows` when the system grants it; the estimate comes from the file's
/// size, so a refusal only means the columns grow as they are filled.
fn reserve(table: &mut TradeTable, rows: usize) {
    let _ = table.year.try_reserve(rows).and_then(|()| {
        table.reporter.try_reserve(rows)?;
        table.partner.try_reserve(rows)?;
        table.flow.try_reserve(rows)?;
        table.product.try_reserve(rows)?;
        table.value.try_reserve(rows)?;
        table.quantity.try_reserve(rows)
    });
}

/// A dataset opened for the app: its rows and what is known about where they came from.
#[derive(Debug)]
pub struct OpenedDataset {
    /// The rows, and what was refused.
    pub outcome: ImportOutcome,
    /// The file's fingerprint when it was read (None when it could not be taken).
    pub fingerprint: Option<cache::Fingerprint>,
    /// True when the rows came from the binary cache rather than the file.
    pub from_cache: bool,
}

/// Opens a data file the way the app does: from the binary cache when it matches the file,
/// else by importing it and writing the cache for next time. A cache that cannot be read
/// or written only costs time; it is never an error.
pub fn open_dataset(
    path: &Path,
    mapping: Option<ColumnMap>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<OpenedDataset, ImportError> {
    let fingerprint = cache::Fingerprint::of(path).ok();
    let cache_file =
        cache::cache_folder().map(|f| cache::cache_path_for(&f, path, mapping.as_ref()));
    if let (Some(file), Some(fp)) = (&cache_file, &fingerprint) {
        match cache::load(file, fp) {
            Ok(Some(cached)) => {
                let rows = cached.table.len() as u64 + cached.rows_rejected;
                let unknown_countries = cached
                    .table
                    .countries
                    .iter()
                    .filter(|c| c.unknown)
                    .map(|c| c.code.clone())
                    .collect();
                return Ok(OpenedDataset {
                    outcome: ImportOutcome {
                        table: cached.table,
                        layout: cached.layout,
                        rows_read: rows,
                        rows_rejected: cached.rows_rejected,
                        rejected: cached.rejected,
                        codes_origin: None,
                        unknown_countries,
                    },
                    fingerprint,
                    from_cache: true,
                });
            }
            Ok(None) => {}
            Err(err) => log::warn!("cache {} unreadable: {err}", file.display()),
        }
    }
    let outcome = import_file(path, mapping, progress, cancel)?;
    if let (Some(file), Some(fp)) = (&cache_file, &fingerprint)
        && let Err(err) = cache::store(file, fp, &outcome)
    {
        log::warn!("could not write the cache {}: {err}", file.display());
    }
    Ok(OpenedDataset {
        outcome,
        fingerprint,
        from_cache: false,
    })
}

/// The link a document keeps to an opened data file: its absolute path (written relative
/// to the document when saved), size, modification time and fingerprint, so that a
/// changed file is noticed.
pub fn link_for(
    path: &Path,
    opened: &OpenedDataset,
    mapping: Option<ColumnMap>,
    id: crate::model::Id,
) -> crate::model::dataset::DatasetLink {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let name = absolute.file_name().map_or_else(
        || absolute.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (size, modified_ns, fingerprint) = match &opened.fingerprint {
        Some(f) => (
            f.size,
            u64::try_from(f.modified_ns).unwrap_or(u64::MAX),
            f.sample.clone(),
        ),
        None => (0, 0, String::new()),
    };
    crate::model::dataset::DatasetLink {
        id,
        name,
        path: absolute.display().to_string(),
        layout: opened.outcome.layout,
        mapping: if opened.outcome.layout == Layout::Mapped {
            mapping.map(Box::new)
        } else {
            None
        },
        rows: opened.outcome.table.len() as u64,
        size,
        modified_ns,
        fingerprint,
        note: String::new(),
    }
}
