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
/// the crate sizes a buffer too: each such header of a page (two for `DELTA_BYTE_ARRAY`:
/// the prefix lengths', and the suffixes' after the prefix lengths' blocks) is checked
/// the same way.
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
        if let Some(why) = refusal(&page, self.most, self.levels) {
            return Err(ParquetError::General(format!(
                "the file looks damaged: {why}"
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

/// Why `page` must not reach the crate: more values than `most`, or a delta header
/// counting more values than the page or blocks over [`MAX_DELTA_BLOCK`].
fn refusal(page: &Page, most: usize, levels: (bool, bool)) -> Option<String> {
    let values = page.num_values() as usize;
    if values > most {
        return Some(format!(
            "a page says it holds {values} values, more than its row group's {most} rows"
        ));
    }
    let delta = delta_headers(page, levels)
        .into_iter()
        .find(|d| !(d.count <= values && d.block <= MAX_DELTA_BLOCK))?;
    Some(format!(
        "a page of {values} values whose delta encoding says {} values in blocks of {}",
        delta.count, delta.block
    ))
}

/// The largest block of a delta encoding accepted: writers use 128 (parquet-mr, arrow)
/// to 2,048 values.
const MAX_DELTA_BLOCK: u64 = 1 << 20;

/// The start of a delta encoding's header: values in a block, and values in all.
#[derive(Debug, PartialEq)]
struct DeltaHeader {
    block: u64,
    miniblocks: u64,
    count: usize,
}

/// The headers of a delta-encoded data page's values: one, or for `DELTA_BYTE_ARRAY` the
/// prefix lengths' and the suffixes' (found by walking the prefix lengths' blocks, as the
/// crate does). Empty for any other page, or levels this check does not skip (the
/// deprecated bit-packed ones); a header cut short is left to the crate to refuse.
fn delta_headers(page: &Page, levels: (bool, bool)) -> Vec<DeltaHeader> {
    use parquet::basic::Encoding;
    let encoding = page.encoding();
    let delta = matches!(
        encoding,
        Encoding::DELTA_BINARY_PACKED
            | Encoding::DELTA_LENGTH_BYTE_ARRAY
            | Encoding::DELTA_BYTE_ARRAY
    );
    let Some(values) = delta.then(|| values_of(page, levels)).flatten() else {
        return Vec::new();
    };
    let mut bytes = ValueBytes {
        data: values,
        at: 0,
    };
    let Some(first) = bytes.header() else {
        return Vec::new();
    };
    if encoding != Encoding::DELTA_BYTE_ARRAY || first.count > MAX_PAGE_VALUES {
        return vec![first];
    }
    match bytes.skip_blocks(&first).and_then(|()| bytes.header()) {
        Some(second) => vec![first, second],
        None => vec![first],
    }
}

/// A data page's values, after its levels.
fn values_of(page: &Page, (def, rep): (bool, bool)) -> Option<&[u8]> {
    match page {
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
                if *encoding != parquet::basic::Encoding::RLE {
                    return None;
                }
                let length = buf.get(at..at.checked_add(4)?)?;
                let length = u32::from_le_bytes(length.try_into().ok()?) as usize;
                at = at.checked_add(4)?.checked_add(length)?;
            }
            buf.get(at..)
        }
        Page::DataPageV2 {
            buf,
            def_levels_byte_len,
            rep_levels_byte_len,
            ..
        } => buf.get((*def_levels_byte_len as usize + *rep_levels_byte_len as usize)..),
        Page::DictionaryPage { .. } => None,
    }
}

/// A read position in a page's values.
struct ValueBytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl ValueBytes<'_> {
    /// An unsigned LEB128 number (zigzag numbers are read the same way and not decoded).
    fn uleb(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.data.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        Some(u64::MAX)
    }

    /// A delta header: block size, miniblocks per block, count, first value.
    fn header(&mut self) -> Option<DeltaHeader> {
        let (block, miniblocks, count, _first) =
            (self.uleb()?, self.uleb()?, self.uleb()?, self.uleb()?);
        Some(DeltaHeader {
            block,
            miniblocks,
            count: usize::try_from(count).unwrap_or(usize::MAX),
        })
    }

    /// Moves past the blocks of the values `header` counts (its first value is in the
    /// header): each block is its least delta, one bit width per miniblock, then the
    /// miniblocks that hold values, packed at their width.
    fn skip_blocks(&mut self, header: &DeltaHeader) -> Option<()> {
        let DeltaHeader {
            block, miniblocks, ..
        } = *header;
        if miniblocks == 0 || block % miniblocks != 0 || block > MAX_DELTA_BLOCK {
            return None;
        }
        let per_miniblock = usize::try_from(block / miniblocks).ok()?.max(1);
        let miniblocks = usize::try_from(miniblocks).ok()?;
        let mut left = header.count.saturating_sub(1);
        while left > 0 {
            self.uleb()?;
            let widths = self.data.get(self.at..self.at.checked_add(miniblocks)?)?;
            self.at += miniblocks;
            for &width in widths {
                if left == 0 {
                    break;
                }
                self.at = self
                    .at
                    .checked_add(usize::from(width) * per_miniblock / 8)?;
                left = left.saturating_sub(per_miniblock);
            }
            if self.at > self.data.len() {
                return None;
            }
        }
        Some(())
    }
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

    /// The pages of a column of 3,000 product codes written as version-2
    /// `DELTA_BYTE_ARRAY` pages of at most 1,000 values by the `parquet` crate.
    fn delta_byte_array_pages() -> Vec<Page> {
        use parquet::basic::Encoding;
        use parquet::data_type::{ByteArray, ByteArrayType};
        use parquet::file::properties::{WriterProperties, WriterVersion};
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::file::writer::SerializedFileWriter;
        let schema =
            parquet::schema::parser::parse_message_type("message m { required binary k; }")
                .unwrap();
        let props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_2_0)
            .set_dictionary_enabled(false)
            .set_data_page_row_count_limit(1000)
            .set_encoding(Encoding::DELTA_BYTE_ARRAY)
            .build();
        let mut writer =
            SerializedFileWriter::new(Vec::new(), schema.into(), props.into()).unwrap();
        let mut group = writer.next_row_group().unwrap();
        let mut column = group.next_column().unwrap().unwrap();
        let codes: Vec<ByteArray> = (0..3000)
            .map(|n| ByteArray::from(format!("{:06}", 10_000 + n * 7).as_str()))
            .collect();
        column
            .typed::<ByteArrayType>()
            .write_batch(&codes, None, None)
            .unwrap();
        column.close().unwrap();
        group.close().unwrap();
        let file = bytes::Bytes::from(writer.into_inner().unwrap());
        let reader = SerializedFileReader::new(file).unwrap();
        let pages = reader.get_row_group(0).unwrap().get_column_page_reader(0);
        pages.unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn both_headers_of_a_delta_byte_array_page_are_found_and_checked() {
        let pages = delta_byte_array_pages();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            // The prefix lengths and the suffixes each count every value of the page: a
            // walk of the prefix lengths' blocks that ended anywhere else would read some
            // other bytes as the second header.
            let values = page.num_values() as usize;
            let headers = delta_headers(page, (false, false));
            let counts: Vec<usize> = headers.iter().map(|h| h.count).collect();
            assert_eq!(counts, [values, values]);
            assert_eq!(refusal(page, 3000, (false, false)), None);
        }
        // The suffixes' count made larger than the page (two bytes of LEB128 at the
        // second header's third number): refused, as the crate would allocate by it.
        let mut page = pages[0].clone();
        let Page::DataPageV2 { buf, .. } = &mut page else {
            panic!("version 2 pages were written");
        };
        let mut walk = ValueBytes { data: buf, at: 0 };
        let first = walk.header().unwrap();
        walk.skip_blocks(&first).unwrap();
        let mut bytes = buf.to_vec();
        let count_at = walk.at + 2 + 1;
        let values = pages[0].num_values();
        assert!((128..16384).contains(&values));
        let leb128 = [(values & 0x7f) as u8 | 0x80, (values >> 7) as u8];
        assert_eq!(
            &bytes[count_at..count_at + 2],
            &leb128,
            "{values} as LEB128"
        );
        bytes[count_at..count_at + 2].copy_from_slice(&[0xff, 0x7f]);
        *buf = bytes.into();
        let why = refusal(&page, 3000, (false, false)).unwrap();
        assert!(why.contains("says 16383 values"), "{why}");
    }
}
