//! A look through a Parquet file's footer before the `parquet` crate decodes it. The footer
//! is Thrift (compact protocol), and the crate reserves room for each list by the length
//! the list declares: a damaged footer of a few kilobytes declaring a list of billions of
//! row groups made it ask for 76 GB, which ends the process (an allocation that fails is
//! an abort, not a panic; found by the fuzz target `import_parquet`). Here every list,
//! map and binary field is checked to fit in the bytes that are left, and nesting is
//! bounded, so what reaches the crate can only ask for room in proportion to the file.

/// The deepest nesting of structs and lists accepted (Parquet's schema is a flat list;
/// its deepest structs, statistics inside column metadata, are a few levels down).
const MAX_DEPTH: usize = 64;

/// Why `footer` (the Thrift bytes of a `FileMetaData`) cannot be handed to the crate, or
/// `None` when it reads to its end with every length fitting. A footer that does not
/// read to its end is refused too: the crate's reader, more lenient with a malformed
/// number, went on past where this walk stopped to a list of billions.
pub(super) fn refusal(footer: &[u8]) -> Option<String> {
    let mut reader = Skim {
        data: footer,
        at: 0,
        refused: None,
    };
    match reader.skip_struct(0) {
        Some(()) => None,
        None => Some(reader.refused.unwrap_or_else(|| {
            format!(
                "its metadata does not read as Parquet's (byte {} of {})",
                reader.at,
                footer.len()
            )
        })),
    }
}

struct Skim<'a> {
    data: &'a [u8],
    at: usize,
    refused: Option<String>,
}

impl Skim<'_> {
    fn left(&self) -> usize {
        self.data.len().saturating_sub(self.at)
    }

    fn byte(&mut self) -> Option<u8> {
        let byte = *self.data.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn refuse(&mut self, why: String) -> Option<()> {
        self.refused = Some(why);
        None
    }

    /// A count of `what` that must fit, at `least` bytes each, in what is left.
    fn count(&mut self, count: u64, least: usize, what: &str) -> Option<usize> {
        let fits = usize::try_from(count)
            .ok()
            .filter(|&n| n.saturating_mul(least) <= self.left());
        if fits.is_none() {
            let left = self.left();
            self.refuse(format!(
                "its metadata declares a {what} of {count} entries in the {left} bytes left"
            ))?;
        }
        fits
    }

    /// Fields until the struct's end; `None` once refused or out of bytes.
    fn skip_struct(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return self.refuse(format!("its metadata nests more than {MAX_DEPTH} levels"));
        }
        loop {
            let header = self.byte()?;
            let kind = header & 0x0f;
            if kind == 0 {
                return Some(());
            }
            if header >> 4 == 0 {
                self.varint()?;
            }
            self.skip_value(kind, depth, true)?;
        }
    }

    /// One value of Thrift compact type `kind` (a boolean field holds its value in its
    /// type; a boolean in a list takes a byte).
    fn skip_value(&mut self, kind: u8, depth: usize, in_field: bool) -> Option<()> {
        match kind {
            1 | 2 if in_field => {}
            1..=3 => {
                self.byte()?;
            }
            4..=6 => {
                self.varint()?;
            }
            7 => {
                let end = self.at.checked_add(8).filter(|&e| e <= self.data.len())?;
                self.at = end;
            }
            8 => {
                let length = self.varint()?;
                let length = self.count(length, 1, "text or binary field")?;
                self.at += length;
            }
            9 | 10 => {
                let header = self.byte()?;
                let size = match header >> 4 {
                    15 => self.varint()?,
                    size => u64::from(size),
                };
                let size = self.count(size, 1, "list")?;
                for _ in 0..size {
                    self.skip_value(header & 0x0f, depth + 1, false)?;
                }
            }
            11 => {
                let size = self.varint()?;
                let size = self.count(size, 2, "map")?;
                if size > 0 {
                    let types = self.byte()?;
                    for _ in 0..size {
                        self.skip_value(types >> 4, depth + 1, false)?;
                        self.skip_value(types & 0x0f, depth + 1, false)?;
                    }
                }
            }
            12 => self.skip_struct(depth + 1)?,
            // UUID, in newer versions of the protocol.
            13 => {
                let end = self.at.checked_add(16).filter(|&e| e <= self.data.len())?;
                self.at = end;
            }
            _ => return None,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct holding field 1, a list of `size` structs (an empty one given, the rest
    /// missing), written in the compact protocol.
    fn with_list(size: u64) -> Vec<u8> {
        let mut bytes = vec![0x19]; // field 1, type list
        if size < 15 {
            bytes.push(((size as u8) << 4) | 0x0c);
        } else {
            bytes.push(0xfc);
            let mut n = size;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    bytes.push(byte);
                    break;
                }
                bytes.push(byte | 0x80);
            }
        }
        bytes.extend([0x00, 0x00]); // one empty struct, then the end of the outer struct
        bytes
    }

    #[test]
    fn a_list_longer_than_the_bytes_left_is_refused() {
        assert_eq!(refusal(&with_list(1)), None);
        let why = refusal(&with_list(3_000_000_000)).unwrap_or_default();
        assert!(why.contains("a list of 3000000000 entries"), "{why}");
        // A list of two declared but one written runs out of bytes.
        let why = refusal(&with_list(2)).unwrap_or_default();
        assert!(
            why.contains("does not read as Parquet's (byte 4 of 4)"),
            "{why}"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        // Field 1 of type struct, again and again.
        let deep = vec![0x1c; 10_000];
        let why = refusal(&deep).unwrap_or_default();
        assert!(why.contains("nests more than"), "{why}");
    }
}
