//! The `parquet` crate panics on some damaged files instead of answering an error: a
//! footer whose metadata leaves out a value it then unwraps, a column chunk of negative
//! length it asserts against, a page length it slices the file with unchecked (found by
//! mutating the test fixtures a few bytes at a time). A file the user opens must never
//! stop the app, so every call into that crate on a file's bytes runs inside [`guarded`],
//! which turns such a panic into an error saying the file is damaged.
//!
//! The panic's message becomes the error's; it is kept off standard error (where the
//! default hook would print it, as if the program had crashed) by a hook that stays
//! silent on a thread while it is inside [`guarded`] and otherwise hands every panic to
//! the hook that was there before, so that a panic anywhere else is reported as always.

use std::any::Any;
use std::cell::Cell;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use parquet::column::page::{Page, PageMetadata, PageReader};
use parquet::column::reader::{ColumnReader, get_column_reader};
use parquet::errors::{ParquetError, Result as ParquetResult};
use parquet::file::reader::RowGroupReader;

/// The most values a page may hold: more than any row group the usual writers make
/// (DuckDB 122,880 rows, polars 262,144, pyarrow 1,048,576), and a bound on the buffers
/// the `parquet` crate sizes by a page's count (4 bytes a value: 256 MiB).
const MAX_PAGE_VALUES: usize = 1 << 26;

thread_local! {
    /// How many [`guarded`] calls this thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `read`; a panic inside it comes back as an [`io::ErrorKind::InvalidData`] error
/// saying the file is damaged, with the panic's message.
pub(super) fn guarded<T>(read: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    // Nothing `read` leaves half-done outlives it: the caller drops what it was building
    // when an error comes back, so observing it after an unwind is not possible.
    let result = panic::catch_unwind(AssertUnwindSafe(read));
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    result.unwrap_or_else(|payload| {
        Err(super::parquet::invalid(format!(
            "the file looks damaged: the Parquet reader could not decode it ({})",
            message(payload.as_ref())
        )))
    })
}

/// A column chunk's pages, each refused when it says it holds more values than its row
/// group has rows (or than [`MAX_PAGE_VALUES`]). The `parquet` crate sizes a page's
/// buffers by that count before reading a value: a damaged header asking for billions
/// made it allocate until the system refused, which ends the process (no panic to catch).
///
/// The delta encodings carry a count of their own at the start of the values, by which
/// the crate sizes a buffer too: the first such header of a page is checked the same
/// way. (The second header of `DELTA_BYTE_ARRAY`, after the prefix lengths, can only be
/// found by decoding them, and is not.)
pub(super) struct CheckedPages {
    inner: Box<dyn PageReader>,
    most: usize,
    /// The column has definition or repetition levels before a version 1 page's values.
    levels: (bool, bool),
}

impl CheckedPages {
    /// The pages of column `column` of `group`.
    pub(super) fn of(
        group: &dyn RowGroupReader,
        column: usize,
    ) -> ParquetResult<Box<dyn PageReader>> {
        let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        let descr = group.metadata().column(column).column_descr();
        Ok(Box::new(CheckedPages {
            inner: group.get_column_page_reader(column)?,
            most: rows.min(MAX_PAGE_VALUES),
            levels: (descr.max_def_level() > 0, descr.max_rep_level() > 0),
        }))
    }

    /// A reader of column `column` of `group`'s values, through [`CheckedPages`].
    pub(super) fn reader(group: &dyn RowGroupReader, column: usize) -> ParquetResult<ColumnReader> {
        let descr = group.metadata().column(column).column_descr_ptr();
        Ok(get_column_reader(descr, CheckedPages::of(group, column)?))
    }
}

impl Iterator for CheckedPages {
    type Item = ParquetResult<Page>;

    fn next(&mut self) -> Option<Self::Item> {
        self.get_next_page().transpose()
    }
}

impl PageReader for CheckedPages {
    fn get_next_page(&mut self) -> ParquetResult<Option<Page>> {
        let Some(page) = self.inner.get_next_page()? else {
            return Ok(None);
        };
        let values = page.num_values() as usize;
        if values > self.most {
            return Err(ParquetError::General(format!(
                "the file looks damaged: a page says it holds {values} values, more than \
                 its row group's {} rows",
                self.most
            )));
        }
        if let Some(delta) = delta_header(&page, self.levels)
            && !(delta.count <= values && delta.block <= MAX_DELTA_BLOCK)
        {
            return Err(ParquetError::General(format!(
                "the file looks damaged: a page of {values} values whose delta encoding \
                 says {} values in blocks of {}",
                delta.count, delta.block
            )));
        }
        Ok(Some(page))
    }

    fn peek_next_page(&mut self) -> ParquetResult<Option<PageMetadata>> {
        self.inner.peek_next_page()
    }

    fn skip_next_page(&mut self) -> ParquetResult<()> {
        self.inner.skip_next_page()
    }

    fn at_record_boundary(&mut self) -> ParquetResult<bool> {
        self.inner.at_record_boundary()
    }
}

/// The largest block of a delta encoding accepted: writers use 128 (parquet-mr, arrow)
/// to 2,048 values.
const MAX_DELTA_BLOCK: u64 = 1 << 20;

/// The start of a delta encoding's header: values in a block, and values in all.
struct DeltaHeader {
    block: u64,
    count: usize,
}

/// The header at the start of a delta-encoded data page's values; `None` for any other
/// page, or levels this check does not skip (the deprecated bit-packed ones).
fn delta_header(page: &Page, (def, rep): (bool, bool)) -> Option<DeltaHeader> {
    use parquet::basic::Encoding;
    let delta = matches!(
        page.encoding(),
        Encoding::DELTA_BINARY_PACKED
            | Encoding::DELTA_LENGTH_BYTE_ARRAY
            | Encoding::DELTA_BYTE_ARRAY
    );
    if !delta {
        return None;
    }
    let values: &[u8] = match page {
        Page::DataPage {
            buf,
            def_level_encoding,
            rep_level_encoding,
            ..
        } => {
            let mut at = 0usize;
            for (present, encoding) in [(rep, rep_level_encoding), (def, def_level_encoding)] {
                if !present {
                    continue;
                }
                if *encoding != Encoding::RLE {
                    return None;
                }
                let length = buf.get(at..at + 4)?;
                let length = u32::from_le_bytes(length.try_into().ok()?) as usize;
                at = at.checked_add(4 + length)?;
            }
            buf.get(at..)?
        }
        Page::DataPageV2 {
            buf,
            def_levels_byte_len,
            rep_levels_byte_len,
            ..
        } => buf.get((*def_levels_byte_len as usize + *rep_levels_byte_len as usize)..)?,
        Page::DictionaryPage { .. } => return None,
    };
    let mut at = 0usize;
    let mut uleb = || -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *values.get(at)?;
            at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        Some(u64::MAX)
    };
    // Too short to hold a header: the crate refuses it with its own message.
    let (block, _miniblocks, count) = (uleb()?, uleb()?, uleb()?);
    Some(DeltaHeader {
        block,
        count: usize::try_from(count).unwrap_or(usize::MAX),
    })
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let before = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                before(info);
            }
        }));
    });
}

/// The text a panic was raised with.
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_an_error_naming_it() {
        let err = guarded::<()>(|| panic!("index 7 out of range")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let text = err.to_string();
        assert!(text.contains("the file looks damaged"), "{text}");
        assert!(text.contains("index 7 out of range"), "{text}");
        assert_eq!(guarded(|| Ok(5)).ok(), Some(5));
        // Outside a guard a panic still unwinds to its own catcher, as before.
        let outside = panic::catch_unwind(|| panic!("elsewhere"));
        assert!(outside.is_err());
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
