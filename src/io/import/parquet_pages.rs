//! A column chunk decoded straight from its pages, keeping the dictionary: each distinct
//! value of a dictionary-encoded column is held once, and each row holds only its index.
//! The importer then reads a code, a year or a product once per distinct value instead of
//! once per row (the `parquet` crate hands out dictionary indices only through its arrow
//! reader, which this app does not build).
//!
//! Only flat columns of INT32, INT64, FLOAT, DOUBLE and BYTE_ARRAY in PLAIN or dictionary
//! encoding, with RLE definition levels, are read here (what DuckDB, polars, pyarrow and
//! Spark write by default); any other page makes [`decode_chunk`] answer `Ok(false)`, and
//! the row group is read by the general reader instead.

use std::io;

use parquet::basic::{Encoding, Type as PhysicalType};
use parquet::column::page::{Page, PageReader};
use parquet::schema::types::ColumnDescPtr;

use super::parquet::{ColumnText, invalid};

/// A row without a value.
pub(super) const NULL: u32 = u32::MAX;

/// The distinct values of a chunk (a dictionary's entries, then each plain value).
pub(super) enum Entries {
    Integers(Vec<i64>),
    Numbers(Vec<f64>),
    Texts(ColumnText),
}

impl Entries {
    /// How many distinct values the chunk has so far.
    pub(super) fn len(&self) -> usize {
        match self {
            Entries::Integers(v) => v.len(),
            Entries::Numbers(v) => v.len(),
            Entries::Texts(t) => t.ends.len(),
        }
    }

    fn clear_for(&mut self, physical: PhysicalType) -> bool {
        match (physical, &mut *self) {
            (PhysicalType::INT32 | PhysicalType::INT64, Entries::Integers(v)) => v.clear(),
            (PhysicalType::INT32 | PhysicalType::INT64, _) => *self = Entries::Integers(Vec::new()),
            (PhysicalType::FLOAT | PhysicalType::DOUBLE, Entries::Numbers(v)) => v.clear(),
            (PhysicalType::FLOAT | PhysicalType::DOUBLE, _) => *self = Entries::Numbers(Vec::new()),
            (PhysicalType::BYTE_ARRAY, Entries::Texts(t)) => {
                t.bytes.clear();
                t.ends.clear();
            }
            (PhysicalType::BYTE_ARRAY, _) => *self = Entries::Texts(ColumnText::default()),
            _ => return false,
        }
        true
    }
}

/// One column chunk: its distinct values, and for each row the index of its value.
pub(super) struct Chunk {
    pub(super) entries: Entries,
    /// Per row, an index into `entries`, or [`NULL`]; empty when `identity`.
    pub(super) rows: Vec<u32>,
    /// Row `r`'s entry is entry `r` (plain values, none missing): `rows` is not written.
    pub(super) identity: bool,
    /// Scratch space for a page's levels and indices.
    levels: Vec<u32>,
    indices: Vec<u32>,
}

impl Default for Chunk {
    fn default() -> Self {
        Self {
            entries: Entries::Integers(Vec::new()),
            rows: Vec::new(),
            identity: false,
            levels: Vec::new(),
            indices: Vec::new(),
        }
    }
}

/// Whether this reader can decode a column of this type at all.
pub(super) fn readable(column: &ColumnDescPtr) -> bool {
    column.max_rep_level() == 0
        && column.max_def_level() <= 1
        && matches!(
            column.physical_type(),
            PhysicalType::INT32
                | PhysicalType::INT64
                | PhysicalType::FLOAT
                | PhysicalType::DOUBLE
                | PhysicalType::BYTE_ARRAY
        )
}

/// Decodes the `rows` rows of a column chunk from its pages into `chunk`. `Ok(false)`: a
/// page uses an encoding this reader leaves to the general one (nothing is half-read that
/// matters: the caller reads the row group again another way).
pub(super) fn decode_chunk(
    pages: &mut dyn PageReader,
    column: &ColumnDescPtr,
    rows: usize,
    chunk: &mut Chunk,
) -> io::Result<bool> {
    let physical = column.physical_type();
    if !readable(column) || !chunk.entries.clear_for(physical) {
        return Ok(false);
    }
    chunk.rows.clear();
    chunk.identity = true;
    let mut decoded = 0usize;
    let max_level = column.max_def_level();
    let mut dictionary: Option<usize> = None;
    while let Some(page) = pages.get_next_page().map_err(invalid)? {
        if let Page::DictionaryPage {
            buf,
            num_values,
            encoding,
            ..
        } = &page
        {
            if !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY) {
                return Ok(false);
            }
            if dictionary.is_some() || decoded > 0 {
                return Err(invalid("a second dictionary page in a column chunk"));
            }
            let n = *num_values as usize;
            if plain(buf, n, physical, &mut chunk.entries)? != n {
                return Err(invalid("a dictionary page shorter than its values"));
            }
            dictionary = Some(n);
            continue;
        }
        let Some(DataPage {
            data,
            count,
            encoding,
            levels,
        }) = data_page(&page, max_level)?
        else {
            return Ok(false);
        };
        let known = match encoding {
            Encoding::PLAIN | Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY => true,
            Encoding::BYTE_STREAM_SPLIT => physical != PhysicalType::BYTE_ARRAY,
            _ => false,
        };
        if !known {
            return Ok(false);
        }
        if count > rows - decoded {
            return Err(invalid(format!(
                "column '{}' has more values than its row group has rows",
                column.name()
            )));
        }
        let present = match levels {
            Some(levels) => {
                rle_hybrid(levels, 1, count, &mut chunk.levels)?;
                chunk.levels.iter().filter(|&&l| l == 1).count()
            }
            None => count,
        };
        let first = chunk.entries.len() as u32;
        let plain_values = values(chunk, (data, present, encoding), physical, dictionary)?;
        // Plain values with none missing are rows' own entries, in order: nothing to write
        // while every page so far was so.
        if chunk.identity && plain_values && present == count && first as usize == decoded {
            decoded += count;
            continue;
        }
        if chunk.identity {
            chunk.identity = false;
            chunk.rows.extend(0..decoded as u32);
        }
        if plain_values {
            chunk.indices.clear();
            chunk.indices.extend(first..first + present as u32);
        }
        match levels {
            Some(_) => {
                let mut next = chunk.indices.iter();
                let rows = &mut chunk.rows;
                rows.extend(chunk.levels.iter().map(|&level| match level {
                    1 => next.next().copied().unwrap_or(NULL),
                    _ => NULL,
                }));
            }
            None => chunk.rows.extend_from_slice(&chunk.indices),
        }
        decoded += count;
    }
    if decoded != rows {
        return Err(invalid(format!(
            "column '{}' has {decoded} values where its row group has {rows} rows",
            column.name(),
        )));
    }
    Ok(true)
}

/// The entries of a column chunk every data page of which, its metadata says, indexes its
/// dictionary and none of whose rows is missing: only its dictionary page is read, into
/// `entries`. `Ok(false)` when the metadata does not say so (a writer that keeps no page
/// encoding statistics, or plain pages after the dictionary filled): the chunk must then be
/// decoded whole to know its values.
pub(super) fn dictionary_only(
    pages: &mut dyn PageReader,
    column: &ColumnDescPtr,
    meta: &parquet::file::metadata::ColumnChunkMetaData,
    entries: &mut Entries,
) -> io::Result<bool> {
    use parquet::basic::PageType;
    let Some(stats) = meta.page_encoding_stats() else {
        return Ok(false);
    };
    let dictionary_pages = stats.iter().all(|s| match s.page_type {
        PageType::DICTIONARY_PAGE => true,
        PageType::DATA_PAGE | PageType::DATA_PAGE_V2 => {
            matches!(
                s.encoding,
                Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY
            )
        }
        _ => false,
    });
    let none_missing = column.max_def_level() == 0
        || meta.statistics().and_then(|s| s.null_count_opt()) == Some(0);
    if !dictionary_pages || !none_missing || !readable(column) {
        return Ok(false);
    }
    let physical = column.physical_type();
    if !entries.clear_for(physical) {
        return Ok(false);
    }
    match pages.get_next_page().map_err(invalid)? {
        Some(Page::DictionaryPage {
            buf,
            num_values,
            encoding: Encoding::PLAIN | Encoding::PLAIN_DICTIONARY,
            ..
        }) => {
            let n = num_values as usize;
            if plain(&buf, n, physical, entries)? != n {
                return Err(invalid("a dictionary page shorter than its values"));
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// A data page's parts: its values' bytes, how many rows it holds, their encoding, and its
/// definition levels (for a column that can be missing).
struct DataPage<'a> {
    data: &'a [u8],
    count: usize,
    encoding: Encoding,
    levels: Option<&'a [u8]>,
}

/// The parts of a data page (version 1 or 2); `None` for levels in an encoding left to the
/// general reader, or for a dictionary page.
fn data_page(page: &Page, max_level: i16) -> io::Result<Option<DataPage<'_>>> {
    Ok(Some(match page {
        Page::DataPage {
            buf,
            num_values,
            encoding,
            def_level_encoding,
            ..
        } => {
            let (levels, data) = if max_level == 0 {
                (None, &buf[..])
            } else {
                if *def_level_encoding != Encoding::RLE {
                    return Ok(None);
                }
                let length = buf
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                    .ok_or_else(|| invalid("a data page without its levels"))?;
                let levels = buf
                    .get(4..4 + length)
                    .ok_or_else(|| invalid("a data page shorter than its levels"))?;
                (Some(levels), &buf[4 + length..])
            };
            DataPage {
                data,
                count: *num_values as usize,
                encoding: *encoding,
                levels,
            }
        }
        Page::DataPageV2 {
            buf,
            num_values,
            encoding,
            def_levels_byte_len,
            rep_levels_byte_len,
            ..
        } => {
            let start = *rep_levels_byte_len as usize;
            let end = start + *def_levels_byte_len as usize;
            let levels = buf
                .get(start..end)
                .ok_or_else(|| invalid("a data page shorter than its levels"))?;
            DataPage {
                data: &buf[end..],
                count: *num_values as usize,
                encoding: *encoding,
                levels: (max_level > 0).then_some(levels),
            }
        }
        Page::DictionaryPage { .. } => return Ok(None),
    }))
}

/// Decodes a data page's `present` values: plain ones appended to the chunk's entries
/// (`Ok(true)`), or dictionary indices into `chunk.indices` (`Ok(false)`), checked against
/// the dictionary's `size`.
fn values(
    chunk: &mut Chunk,
    (data, present, encoding): (&[u8], usize, Encoding),
    physical: PhysicalType,
    dictionary: Option<usize>,
) -> io::Result<bool> {
    match encoding {
        Encoding::PLAIN => {
            if plain(data, present, physical, &mut chunk.entries)? != present {
                return Err(invalid("a data page shorter than its values"));
            }
            Ok(true)
        }
        Encoding::BYTE_STREAM_SPLIT => {
            split_streams(data, present, physical, &mut chunk.entries)?;
            Ok(true)
        }
        _ => {
            let size =
                dictionary.ok_or_else(|| invalid("a dictionary index without a dictionary"))?;
            let (&width, indices) = data
                .split_first()
                .ok_or_else(|| invalid("a data page without its indices"))?;
            rle_hybrid(indices, width, present, &mut chunk.indices)?;
            if chunk.indices.iter().any(|&i| i as usize >= size) {
                return Err(invalid("a dictionary index past the dictionary's end"));
            }
            Ok(false)
        }
    }
}

/// Appends `n` PLAIN-encoded values of `buf` to `entries`; returns how many were there.
fn plain(buf: &[u8], n: usize, physical: PhysicalType, entries: &mut Entries) -> io::Result<usize> {
    match (physical, entries) {
        (PhysicalType::INT32, Entries::Integers(out)) => {
            Ok(fixed(buf, n, out, |b| i64::from(i32::from_le_bytes(b))))
        }
        (PhysicalType::INT64, Entries::Integers(out)) => Ok(fixed(buf, n, out, i64::from_le_bytes)),
        (PhysicalType::FLOAT, Entries::Numbers(out)) => {
            Ok(fixed(buf, n, out, |b| f64::from(f32::from_le_bytes(b))))
        }
        (PhysicalType::DOUBLE, Entries::Numbers(out)) => Ok(fixed(buf, n, out, f64::from_le_bytes)),
        (PhysicalType::BYTE_ARRAY, Entries::Texts(out)) => {
            let mut rest = buf;
            for done in 0..n {
                let Some((length, tail)) = rest.split_first_chunk::<4>() else {
                    return Ok(done);
                };
                let length = u32::from_le_bytes(*length) as usize;
                let Some(bytes) = tail.get(..length) else {
                    return Ok(done);
                };
                out.bytes.extend_from_slice(bytes);
                out.ends.push(out.bytes.len());
                rest = &tail[length..];
            }
            Ok(n)
        }
        _ => Err(invalid("a column's values changed their type")),
    }
}

/// Appends at most `n` little-endian values of `W` bytes each from `buf`, read by `read`;
/// returns how many were there.
fn fixed<const W: usize, T>(
    buf: &[u8],
    n: usize,
    out: &mut Vec<T>,
    read: impl Fn([u8; W]) -> T,
) -> usize {
    let before = out.len();
    out.extend(buf.chunks_exact(W).take(n).map(|b| {
        let mut bytes = [0u8; W];
        bytes.copy_from_slice(b);
        read(bytes)
    }));
    out.len() - before
}

/// Appends `n` BYTE_STREAM_SPLIT values of `data` to `entries`: byte `b` of value `i` is
/// at `b * n + i` (fixed-width types only; other types are left to the general reader,
/// which refuses them the same way).
fn split_streams(
    data: &[u8],
    n: usize,
    physical: PhysicalType,
    entries: &mut Entries,
) -> io::Result<()> {
    let width = match physical {
        PhysicalType::INT32 | PhysicalType::FLOAT => 4,
        PhysicalType::INT64 | PhysicalType::DOUBLE => 8,
        _ => return Err(invalid("byte-stream-split values of a variable width")),
    };
    if data.len() < n * width {
        return Err(invalid("a data page shorter than its values"));
    }
    let mut joined = vec![0u8; n * width];
    for (b, stream) in data.chunks_exact(n.max(1)).take(width).enumerate() {
        for (i, &byte) in stream.iter().enumerate() {
            joined[i * width + b] = byte;
        }
    }
    if plain(&joined, n, physical, entries)? != n {
        return Err(invalid("a data page shorter than its values"));
    }
    Ok(())
}

/// Reads an unsigned LEB128 number (a run header).
fn varint(data: &mut &[u8]) -> io::Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = data
            .split_first()
            .ok_or_else(|| invalid("a run of values cut short"))?;
        *data = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(invalid("a run header too long"))
}

/// Decodes `count` values of Parquet's RLE/bit-packed hybrid encoding, `width` bits each,
/// into `out` (replacing what it held).
pub(super) fn rle_hybrid(
    mut data: &[u8],
    width: u8,
    count: usize,
    out: &mut Vec<u32>,
) -> io::Result<()> {
    out.clear();
    if width > 32 {
        return Err(invalid(format!("values of {width} bits")));
    }
    let width = u32::from(width);
    let mask = if width == 32 {
        u64::from(u32::MAX)
    } else {
        (1u64 << width) - 1
    };
    while out.len() < count {
        let header = varint(&mut data)?;
        let left = count - out.len();
        if header & 1 == 1 {
            // Groups of eight values, bit-packed from the lowest bit up.
            let groups = usize::try_from(header >> 1).unwrap_or(usize::MAX);
            let bytes = groups.saturating_mul(width as usize);
            let take = groups.saturating_mul(8).min(left);
            let needed = (take * width as usize).div_ceil(8);
            let packed = data
                .get(..needed)
                .ok_or_else(|| invalid("bit-packed values cut short"))?;
            out.reserve(take);
            for i in 0..take {
                // A value of at most 32 bits starts in some byte at some bit below 8: the
                // eight bytes from there hold it (zero-padded at the end of the run).
                let bit = i * width as usize;
                let at = bit / 8;
                let word = match packed.get(at..at + 8) {
                    Some(b) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
                    None => {
                        let tail = packed.get(at..).unwrap_or(&[]);
                        let mut padded = [0u8; 8];
                        padded[..tail.len()].copy_from_slice(tail);
                        u64::from_le_bytes(padded)
                    }
                };
                out.push(((word >> (bit % 8)) & mask) as u32);
            }
            data = data.get(bytes..).unwrap_or(&[]);
        } else {
            let run = usize::try_from(header >> 1).unwrap_or(usize::MAX);
            if run == 0 {
                return Err(invalid("an empty run of values"));
            }
            let size = width.div_ceil(8) as usize;
            let raw = data
                .get(..size)
                .ok_or_else(|| invalid("a repeated value cut short"))?;
            let value = raw
                .iter()
                .rev()
                .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            data = &data[size..];
            out.extend(std::iter::repeat_n(value, run.min(left)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use parquet::basic::Repetition;
    use parquet::column::page::PageMetadata;
    use parquet::schema::types::{ColumnDescriptor, ColumnPath, Type};
    use proptest::prelude::*;
    use std::sync::Arc;

    /// Pages handed out in order, as a column chunk's reader would.
    struct Pages(std::vec::IntoIter<Page>);

    impl Iterator for Pages {
        type Item = parquet::errors::Result<Page>;
        fn next(&mut self) -> Option<Self::Item> {
            self.0.next().map(Ok)
        }
    }

    impl PageReader for Pages {
        fn get_next_page(&mut self) -> parquet::errors::Result<Option<Page>> {
            Ok(self.0.next())
        }
        fn peek_next_page(&mut self) -> parquet::errors::Result<Option<PageMetadata>> {
            Ok(None)
        }
        fn skip_next_page(&mut self) -> parquet::errors::Result<()> {
            self.0.next();
            Ok(())
        }
    }

    /// An optional (nullable) INT32 column.
    fn column() -> ColumnDescPtr {
        let field = Type::primitive_type_builder("i", PhysicalType::INT32)
            .with_repetition(Repetition::OPTIONAL)
            .build()
            .unwrap();
        Arc::new(ColumnDescriptor::new(
            Arc::new(field),
            1,
            0,
            ColumnPath::from("i"),
        ))
    }

    fn dictionary(values: &[i32]) -> Page {
        Page::DictionaryPage {
            buf: Bytes::from(
                values
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect::<Vec<_>>(),
            ),
            num_values: values.len() as u32,
            encoding: Encoding::PLAIN,
            is_sorted: false,
        }
    }

    /// A version 1 data page: `levels` (1 present, 0 missing) as one bit-packed group of
    /// eight, then the indices at width 2 as another.
    fn data_page(levels: [u8; 8], indices: &[u8]) -> Page {
        let level_bits = levels
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, l)| acc | (l << i));
        let mut buf = vec![2, 0, 0, 0, 3, level_bits];
        let packed = indices
            .iter()
            .enumerate()
            .fold(0u16, |acc, (i, &v)| acc | (u16::from(v) << (2 * i)));
        buf.extend_from_slice(&[2, 3]);
        buf.extend_from_slice(&packed.to_le_bytes());
        Page::DataPage {
            buf: Bytes::from(buf),
            num_values: 8,
            encoding: Encoding::RLE_DICTIONARY,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        }
    }

    fn decode(pages: Vec<Page>, rows: usize) -> io::Result<(bool, Chunk)> {
        let mut chunk = Chunk::default();
        let done = decode_chunk(&mut Pages(pages.into_iter()), &column(), rows, &mut chunk)?;
        Ok((done, chunk))
    }

    #[test]
    fn a_nullable_dictionary_column_gives_each_row_its_entry() {
        let levels = [1, 0, 1, 1, 0, 1, 1, 1];
        let pages = vec![
            dictionary(&[40, 50, 60]),
            data_page(levels, &[2, 0, 1, 1, 0, 2]),
        ];
        let (done, chunk) = decode(pages, 8).unwrap();
        assert!(done);
        assert_eq!(chunk.rows, vec![2, NULL, 0, 1, NULL, 1, 0, 2]);
        assert!(matches!(&chunk.entries, Entries::Integers(v) if v == &[40, 50, 60]));
    }

    /// A version 1 data page of eight plain values, all present.
    fn plain_page(values: [i32; 8]) -> Page {
        let mut buf = vec![2, 0, 0, 0, 3, 0xff];
        buf.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        Page::DataPage {
            buf: Bytes::from(buf),
            num_values: 8,
            encoding: Encoding::PLAIN,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        }
    }

    #[test]
    fn plain_pages_after_a_dictionary_follow_its_entries() {
        // Plain values alone: each row is its own entry, nothing written per row.
        let (done, chunk) = decode(vec![plain_page([1, 2, 3, 4, 5, 6, 7, 8])], 8).unwrap();
        assert!(done && chunk.identity && chunk.rows.is_empty());
        // A writer whose dictionary grew too big goes on in plain pages: those rows are
        // the entries after the dictionary's, not entries 0, 1, 2…
        for dictionary_first in [true, false] {
            let coded = data_page([1; 8], &[2, 1, 0, 0, 1, 2, 2, 1]);
            let plain = plain_page([7, 7, 8, 8, 9, 9, 10, 10]);
            let (pages, expected): (Vec<Page>, Vec<u32>) = if dictionary_first {
                let rows = [2, 1, 0, 0, 1, 2, 2, 1].into_iter().chain(3..11);
                (
                    vec![dictionary(&[40, 50, 60]), coded, plain],
                    rows.collect(),
                )
            } else {
                let rows = (3..11).chain([2, 1, 0, 0, 1, 2, 2, 1]);
                (
                    vec![dictionary(&[40, 50, 60]), plain, coded],
                    rows.collect(),
                )
            };
            let (done, chunk) = decode(pages, 16).unwrap();
            assert!(done && !chunk.identity);
            assert_eq!(chunk.rows, expected);
            let Entries::Integers(entries) = &chunk.entries else {
                panic!("integers")
            };
            let row_of = |value: i64| expected.iter().position(|&r| entries[r as usize] == value);
            assert_eq!(row_of(7), Some(if dictionary_first { 8 } else { 0 }));
        }
        let pages = vec![plain_page([1; 8]), dictionary(&[5])];
        assert!(decode(pages, 16).is_err(), "a dictionary after data");
        // Plain pages, then one with a missing value (its fourth): the rows before are
        // written out.
        let with_gap = Page::DataPage {
            buf: Bytes::from({
                let mut buf = vec![2, 0, 0, 0, 3, 0b1111_0111];
                buf.extend((0..7i32).flat_map(|v| v.to_le_bytes()));
                buf
            }),
            num_values: 8,
            encoding: Encoding::PLAIN,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let (_, chunk) = decode(vec![plain_page([1; 8]), with_gap], 16).unwrap();
        let mut expected: Vec<u32> = (0..8).collect();
        expected.extend([8, 9, 10, NULL, 11, 12, 13, 14]);
        assert_eq!(chunk.rows, expected);
    }

    #[test]
    fn impossible_chunks_are_refused_not_trusted() {
        let levels = [1; 8];
        // An index past the dictionary's three entries.
        let pages = vec![
            dictionary(&[40, 50, 60]),
            data_page(levels, &[3, 0, 0, 0, 0, 0, 0, 0]),
        ];
        assert!(decode(pages, 8).is_err());
        // Indices without a dictionary.
        assert!(decode(vec![data_page(levels, &[0; 8])], 8).is_err());
        // More values than the row group has rows, and fewer.
        let pages = || vec![dictionary(&[1]), data_page(levels, &[0; 8])];
        assert!(decode(pages(), 7).is_err());
        assert!(decode(pages(), 9).is_err());
        // An encoding left to the general reader.
        let delta = Page::DataPage {
            buf: Bytes::from_static(&[0; 8]),
            num_values: 1,
            encoding: Encoding::DELTA_BINARY_PACKED,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        assert!(!decode(vec![delta], 1).unwrap().0);
    }

    proptest! {
        /// Damaged pages give an error or rows, never a panic, and never an index past
        /// the entries.
        #[test]
        fn damaged_pages_never_panic(
            flips in proptest::collection::vec((0usize..64, any::<u8>()), 1..6),
            cut in 0usize..64,
        ) {
            let Page::DataPage { buf, .. } = data_page([1, 0, 1, 1, 0, 1, 1, 1], &[2, 0, 1, 1, 0, 2])
            else { unreachable!() };
            let mut bytes = buf.to_vec();
            for (at, value) in flips {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= value;
                }
            }
            bytes.truncate(cut.max(1));
            let page = Page::DataPage {
                buf: Bytes::from(bytes),
                num_values: 8,
                encoding: Encoding::RLE_DICTIONARY,
                def_level_encoding: Encoding::RLE,
                rep_level_encoding: Encoding::RLE,
                statistics: None,
            };
            if let Ok((true, chunk)) = decode(vec![dictionary(&[40, 50, 60]), page], 8) {
                prop_assert_eq!(chunk.rows.len(), 8);
                prop_assert!(chunk.rows.iter().all(|&r| r == NULL || r < 3));
            }
        }
    }

    #[test]
    fn hybrid_runs_decode_as_the_format_describes() {
        // RLE run of 3 × 5 at width 3 (header 3<<1 = 6, value in one byte), then one
        // bit-packed group (header 1<<1|1 = 3) of 0..8 at width 3: 24 bits, lowest first.
        let mut packed = 0u32;
        for (i, v) in (0..8u32).enumerate() {
            packed |= v << (3 * i);
        }
        let mut data = vec![6, 5, 3];
        data.extend_from_slice(&packed.to_le_bytes()[..3]);
        let mut out = Vec::new();
        rle_hybrid(&data, 3, 11, &mut out).unwrap();
        assert_eq!(out, vec![5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7]);
        // A last group padded past the values asked for stops at the count.
        rle_hybrid(&data, 3, 6, &mut out).unwrap();
        assert_eq!(out, vec![5, 5, 5, 0, 1, 2]);
    }

    #[test]
    fn hybrid_runs_cut_short_or_malformed_are_refused() {
        let mut out = Vec::new();
        // Asks for more values than the data holds.
        assert!(rle_hybrid(&[6, 5], 3, 4, &mut out).is_err());
        // A bit-packed group whose bytes are missing.
        assert!(rle_hybrid(&[3, 0xff], 8, 8, &mut out).is_err());
        // An empty run would never end.
        assert!(rle_hybrid(&[0, 0], 3, 1, &mut out).is_err());
        assert!(rle_hybrid(&[2, 0], 33, 1, &mut out).is_err());
        // A header that never ends.
        assert!(rle_hybrid(&[0x80; 12], 3, 1, &mut out).is_err());
    }

    #[test]
    fn width_zero_is_all_the_first_entry() {
        let mut out = Vec::new();
        rle_hybrid(&[8], 0, 4, &mut out).unwrap();
        assert_eq!(out, vec![0; 4]);
    }

    #[test]
    fn plain_values_of_every_type() {
        let mut ints = Entries::Integers(Vec::new());
        let buf: Vec<u8> = [7i32, -2].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(plain(&buf, 2, PhysicalType::INT32, &mut ints).unwrap(), 2);
        assert!(matches!(&ints, Entries::Integers(v) if v == &[7, -2]));
        let mut texts = Entries::Texts(ColumnText::default());
        let buf = [2, 0, 0, 0, b'a', b'b', 1, 0, 0, 0, b'c', 9, 0, 0, 0, b'x'];
        // The third value claims nine bytes and has one: two values were there.
        assert_eq!(
            plain(&buf, 3, PhysicalType::BYTE_ARRAY, &mut texts).unwrap(),
            2
        );
        let Entries::Texts(t) = &texts else {
            panic!("texts")
        };
        assert_eq!((t.get(0), t.get(1)), (&b"ab"[..], &b"c"[..]));
        let mut split = Entries::Numbers(Vec::new());
        // 1.5 and -2.0 as doubles, their bytes in two streams of eight.
        let (a, b) = (1.5f64.to_le_bytes(), (-2.0f64).to_le_bytes());
        let streams: Vec<u8> = (0..8).flat_map(|i| [a[i], b[i]]).collect();
        split_streams(&streams, 2, PhysicalType::DOUBLE, &mut split).unwrap();
        assert!(matches!(&split, Entries::Numbers(v) if v == &[1.5, -2.0]));
        assert!(split_streams(&streams[..15], 2, PhysicalType::DOUBLE, &mut split).is_err());
        let mut doubles = Entries::Numbers(Vec::new());
        let buf: Vec<u8> = 2.5f64.to_le_bytes().to_vec();
        assert_eq!(
            plain(&buf, 2, PhysicalType::DOUBLE, &mut doubles).unwrap(),
            1
        );
    }
}
