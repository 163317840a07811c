//! A first look at an input before it is read: whether it is text a CSV reader can read
//! (not binary data, UTF-16 or a spreadsheet workbook), and about how many rows it holds.

use std::path::Path;

use super::input::{Input, open};
use super::{
    ImportError, Peek, decode_text, delimiter_of, detect, header_fields, io_error, read_block,
    release,
};

/// Bytes of an input read to peek at it.
const PEEK_BYTES: usize = 1 << 20;

/// About how many rows a text of `text_bytes` holds whose rows after the header start
/// with `body`: the rows of `body` when it is the whole text (`whole`), else its rows per
/// byte times the text's bytes. None when `body` holds no whole row to measure.
fn rows_in(body: &[u8], whole: bool, text_bytes: f64) -> Option<u64> {
    let ended = bytecount::count(body, b'\n') as u64;
    let unended = u64::from(!body.is_empty() && !body.ends_with(b"\n"));
    if whole {
        return Some(ended + unended);
    }
    // Up to the last line end: a row cut by the end of the block is not measured.
    let measured = memchr::memrchr(b'\n', body)? + 1;
    Some((text_bytes * ended as f64 / measured as f64).round() as u64)
}

/// Refuses a spreadsheet workbook by its name: a `.xlsx` is a zip of XML files and an
/// `.xls` binary, and either would otherwise be refused for reasons that do not say what
/// to do (no data file in the archive, an unreadable header).
pub(super) fn refuse_workbook(path: &Path) -> Result<(), ImportError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let workbook = ["xlsx", "xlsm", "xls", "ods", "numbers"]
        .iter()
        .any(|w| extension.eq_ignore_ascii_case(w));
    if workbook {
        return Err(ImportError::NotText {
            path: path.to_path_buf(),
            what: "is a spreadsheet workbook, not a data file; save its sheet as \"CSV UTF-8\" \
                   in the spreadsheet program and import that",
        });
    }
    Ok(())
}

/// Refuses a file whose first bytes are not text that a CSV reader can read: UTF-16 (what
/// spreadsheet programs save as "Unicode text"), or binary data (a NUL byte or other control
/// characters, which no CSV or TSV file holds). Without this the header of such a file was
/// shown as a line of garbage "columns".
pub(super) fn refuse_binary(path: &Path, first: &[u8]) -> Result<(), ImportError> {
    let what = if first.starts_with(b"\xff\xfe") || first.starts_with(b"\xfe\xff") {
        "is UTF-16 text (a spreadsheet program's \"Unicode text\"); save it as \"CSV UTF-8\" \
         and import that"
    } else {
        let head = &first[..first.len().min(8192)];
        let control = |b: &&u8| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a);
        if !head.iter().any(|b| control(&b)) {
            return Ok(());
        }
        "holds binary data, not text"
    };
    Err(ImportError::NotText {
        path: path.to_path_buf(),
        what,
    })
}

/// Reads the header and the first `rows` rows (of the first data file, for a folder or a
/// zip archive).
pub fn peek(path: &Path, rows: usize) -> Result<Peek, ImportError> {
    refuse_workbook(path)?;
    match release::kind_of(path) {
        release::SourceKind::File => peek_input(path, open(path)?, rows),
        _ => release::peek_release(path, rows),
    }
}

pub(super) fn peek_input(path: &Path, input: Input, rows: usize) -> Result<Peek, ImportError> {
    let Input {
        read: mut reader,
        compressed,
        size,
        counter,
        parquet,
        ..
    } = input;
    let read = read_block(&mut reader, PEEK_BYTES).map_err(|e| io_error(path, compressed, e))?;
    refuse_binary(path, &read)?;
    // The text's bytes: the file's, or as many more as the block inflated from the stored
    // bytes read for it.
    let stored = counter.load(std::sync::atomic::Ordering::Relaxed);
    let text_bytes = match compressed {
        true if stored > 0 => size as f64 * read.len() as f64 / stored as f64,
        true => 0.0,
        false => size as f64,
    };
    let whole = read.len() < PEEK_BYTES;
    let block = read.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&read);
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
    let body = block.get(header_end + 1..).unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let rows = reader
        .byte_records()
        .take(rows)
        .filter_map(Result::ok)
        .map(|r| r.iter().map(|f| decode_text(f).trim().to_owned()).collect())
        .collect();
    let rows_estimate = match parquet {
        Some(info) => Some(info.rows),
        None => rows_in(body, whole, text_bytes),
    };
    Ok(Peek {
        detected: detect(&header),
        header,
        delimiter,
        rows,
        compressed,
        source: None,
        rows_estimate,
    })
}
