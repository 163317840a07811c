//! Cutting a block of delimited text at record boundaries: newlines outside quotes.
//!
//! Blocks are cut before they are parsed so that each thread gets whole records; a quote
//! decides where a record ends, so the cut follows the quote parity of the whole block.

use memchr::{memchr, memrchr};

/// Longest record accepted; longer ones are refused rather than read into memory.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// Where the records of a block end, and where it can be split into `parts` pieces.
/// Returns `None` when the block holds no complete record.
pub fn record_boundaries(buf: &[u8], parts: usize) -> Option<(usize, Vec<usize>)> {
    let parts = parts.max(1);
    if memchr(b'"', buf).is_none() {
        // No quotes: every newline ends a record.
        let end = memrchr(b'\n', buf)? + 1;
        let mut splits = Vec::with_capacity(parts + 1);
        splits.push(0);
        for k in 1..parts {
            let target = end * k / parts;
            if let Some(nl) = memchr(b'\n', &buf[target..end]) {
                let at = target + nl + 1;
                if at > *splits.last().unwrap_or(&0) && at < end {
                    splits.push(at);
                }
            }
        }
        splits.push(end);
        return Some((end, splits));
    }
    // Quotes: a newline ends a record only where the quotes before it are balanced. The
    // quotes are counted in bulk (vectorised), so that the many short quoted fields of a
    // Comtrade file cost one pass rather than one step each.
    let quotes = |from: usize, to: usize| bytecount::count(&buf[from..to], b'"');
    let mut end = memrchr(b'\n', buf)? + 1;
    let mut parity = quotes(0, end) % 2;
    while parity == 1 {
        let previous = memrchr(b'\n', &buf[..end - 1])? + 1;
        parity ^= quotes(previous, end) % 2;
        end = previous;
    }
    let mut splits = vec![0];
    let mut at = 0;
    let mut at_parity = 0;
    for k in 1..parts {
        let target = (end * k / parts).max(at);
        let Some(nl) = memchr(b'\n', &buf[target..end]) else {
            break;
        };
        let mut candidate = target + nl + 1;
        let mut p = at_parity ^ (quotes(at, candidate) % 2);
        while p == 1 && candidate < end {
            let Some(nl) = memchr(b'\n', &buf[candidate..end]) else {
                break;
            };
            let next = candidate + nl + 1;
            p ^= quotes(candidate, next) % 2;
            candidate = next;
        }
        if p == 0 && candidate < end && candidate > at {
            splits.push(candidate);
            at = candidate;
            at_parity = 0;
        }
    }
    splits.push(end);
    Some((end, splits))
}

/// Where the records of a block end, as [`record_boundaries`]; at the end of the input
/// (`eof`), what is left that holds more than blanks is one last record: a quote opened
/// and never closed, which the parser refuses with its line instead of it being dropped
/// unseen.
pub fn records_to_cut(buf: &[u8], parts: usize, eof: bool) -> Option<(usize, Vec<usize>)> {
    record_boundaries(buf, parts).or_else(|| {
        (eof && !buf.iter().all(u8::is_ascii_whitespace)).then(|| (buf.len(), vec![0, buf.len()]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_never_cut_inside_quotes() {
        let buf = b"h1,h2\n\"a\nstill a\",1\nb,2\npartial";
        let (end, splits) = record_boundaries(buf, 2).unwrap();
        assert_eq!(&buf[..end], b"h1,h2\n\"a\nstill a\",1\nb,2\n");
        for s in &splits {
            assert!(*s == 0 || buf[s - 1] == b'\n');
            assert_ne!(&buf[*s..(*s + 5).min(buf.len())], b"still");
        }
        assert!(record_boundaries(b"no newline", 2).is_none());
        let plain = b"a\nb\nc\nd\n";
        let (end, splits) = record_boundaries(plain, 3).unwrap();
        assert_eq!(end, plain.len());
        assert_eq!(splits.first(), Some(&0));
        assert_eq!(splits.last(), Some(&end));
    }
}
