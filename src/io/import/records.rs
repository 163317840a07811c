//! Splitting records without quotes, eight bytes at a time.
//!
//! Splitting is a fifth of a release's import when done a byte at a time (two comparisons
//! and a bounds check per byte). Here each 8-byte word is compared with the delimiter,
//! the newline and the quote at once (the exact zero-byte test of "Bit Twiddling Hacks"),
//! and the parser jumps from one of those bytes to the next. A record holding a quote is
//! left to [`split_record`], which reads quoted fields; after the first such record the
//! part is read by [`split_record`] alone (a file that quotes one record quotes most).

use std::borrow::Cow;

use super::parse::split_record;

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `x` that is zero, and no other bit.
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// The records of one buffer, split at its delimiters and newlines.
pub(super) struct Records<'a> {
    buf: &'a [u8],
    delim: u64,
    /// Start of the word `mask` is of.
    word: usize,
    /// High bits of the word's delimiters, newlines and quotes not yet passed.
    mask: u64,
    /// A record with a quote was seen: the rest is read by [`split_record`].
    quoted: bool,
    delim_byte: u8,
}

impl<'a> Records<'a> {
    pub(super) fn new(buf: &'a [u8], delim: u8) -> Self {
        let mut records = Records {
            buf,
            delim: u64::from(delim) * ONES,
            word: 0,
            mask: 0,
            // A NUL delimiter would match the zero bytes padding the last word.
            quoted: delim == 0,
            delim_byte: delim,
        };
        records.mask = records.word_mask(0);
        records
    }

    fn word_mask(&self, at: usize) -> u64 {
        let word = match self.buf.get(at..at + 8) {
            Some(bytes) => u64::from_le_bytes(bytes.try_into().unwrap_or_default()),
            None => {
                let mut last = [0u8; 8];
                let tail = self.buf.get(at..).unwrap_or_default();
                last[..tail.len()].copy_from_slice(tail);
                u64::from_le_bytes(last)
            }
        };
        zero_bytes(word ^ self.delim)
            | zero_bytes(word ^ (u64::from(b'\n') * ONES))
            | zero_bytes(word ^ (u64::from(b'"') * ONES))
    }

    /// The first delimiter, newline or quote at or after `from`.
    fn next_special(&mut self, from: usize) -> Option<usize> {
        if from < self.word || from >= self.word + 8 {
            self.word = from & !7;
            self.mask = self.word_mask(self.word);
        }
        self.mask &= !0u64 << ((from - self.word) * 8);
        while self.mask == 0 {
            self.word += 8;
            if self.word >= self.buf.len() {
                return None;
            }
            self.mask = self.word_mask(self.word);
        }
        Some(self.word + (self.mask.trailing_zeros() / 8) as usize)
    }

    /// [`split_record`] of the record at `start`: its fields into `out`, where the next
    /// record starts and how many newlines the record spans.
    pub(super) fn split(&mut self, start: usize, out: &mut Vec<Cow<'a, [u8]>>) -> (usize, u64) {
        if !self.quoted {
            if let Some(split) = self.split_plain(start, out) {
                return split;
            }
            self.quoted = true;
        }
        split_record(self.buf, start, self.delim_byte, out)
    }

    /// The record at `start` when it holds no quote.
    fn split_plain(&mut self, start: usize, out: &mut Vec<Cow<'a, [u8]>>) -> Option<(usize, u64)> {
        out.clear();
        let buf = self.buf;
        // As `split_record`: a `\r` is dropped before the newline, or at the very end.
        let last = |from: usize, end: usize| {
            let end = if end > from && buf[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            Cow::Borrowed(&buf[from..end])
        };
        let mut field = start;
        loop {
            let Some(at) = self.next_special(field) else {
                out.push(last(field, buf.len()));
                return Some((buf.len(), 1));
            };
            match buf[at] {
                b'"' => return None,
                b'\n' => {
                    out.push(last(field, at));
                    return Some((at + 1, 1));
                }
                _ => {
                    out.push(Cow::Borrowed(&buf[field..at]));
                    field = at + 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A record's fields, where the next starts and the newlines it spans.
    type Split = (Vec<Vec<u8>>, usize, u64);

    /// Every record of `buf` as `split_record` and as [`Records`] split it.
    fn both(buf: &[u8], delim: u8) -> (Vec<Split>, Vec<Split>) {
        let mut slow = Vec::new();
        let mut fast = Vec::new();
        let mut out = Vec::new();
        let mut start = 0;
        while start < buf.len() {
            let (next, lines) = split_record(buf, start, delim, &mut out);
            slow.push((out.iter().map(|f| f.to_vec()).collect(), next, lines));
            start = next;
        }
        let mut records = Records::new(buf, delim);
        let mut start = 0;
        while start < buf.len() {
            let (next, lines) = records.split(start, &mut out);
            fast.push((out.iter().map(|f| f.to_vec()).collect(), next, lines));
            start = next;
        }
        (slow, fast)
    }

    #[test]
    fn plain_records_split_as_byte_by_byte() {
        let buf = b"1995,4,8,010111,12.5,1\r\n1995,4,8,,,\n\n,\nlast,field\r";
        let (slow, fast) = both(buf, b',');
        assert_eq!(fast, slow);
        assert_eq!(fast.len(), 5);
        assert_eq!(fast[0].0[5], b"1", "the \\r before the newline is dropped");
        assert_eq!(fast[4].0[1], b"field", "and at the very end");
    }

    #[test]
    fn a_quote_hands_the_rest_to_the_quoted_reader() {
        let buf = b"a;b\n\"x;y\";\"two\nlines\"\nc;d\n";
        let (slow, fast) = both(buf, b';');
        assert_eq!(fast, slow);
        assert_eq!(fast[1].0, [b"x;y".to_vec(), b"two\nlines".to_vec()]);
    }

    #[test]
    fn zero_bytes_are_found_exactly() {
        assert_eq!(zero_bytes(0), 0x8080_8080_8080_8080);
        assert_eq!(zero_bytes(u64::MAX), 0);
        // 0x80 and 0x01 bytes beside a zero byte are not zero.
        assert_eq!(zero_bytes(0x0180_0001_8000_0101), 0x0000_8000_0080_0000);
    }

    proptest! {
        #[test]
        fn any_text_splits_as_byte_by_byte(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b','), Just(b'\n'), Just(b'\r'), Just(b'"'), Just(0u8), Just(0x80u8),
                    b'0'..=b'9',
                ],
                0..200,
            ),
            delim in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        ) {
            let (slow, fast) = both(&bytes, delim);
            prop_assert_eq!(fast, slow);
        }
    }
}
