//! Opening an input: a file (plain, gzip or Parquet) as the bytes the importer reads,
//! with its size and a count of the bytes read so far for progress.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{ImportError, parquet};

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
pub(super) struct Input {
    pub(super) read: Box<dyn Read + Send>,
    /// The file (or archive) holding it, as it was when opened, to notice changes made
    /// while it is read.
    pub(super) opened: (PathBuf, std::fs::Metadata),
    pub(super) size: u64,
    pub(super) compressed: bool,
    pub(super) counter: Arc<AtomicU64>,
    /// For a Parquet file: its columns and rows, known before the text is read.
    pub(super) parquet: Option<parquet::ParquetInfo>,
}

/// Opens a file, decompressing it when it starts with the gzip magic bytes.
pub(super) fn open(path: &Path) -> Result<Input, ImportError> {
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
    let mut magic = [0u8; 4];
    if (&file).read_exact(&mut magic).is_ok() && magic == *parquet::MAGIC {
        let partitions = parquet::partitions_above(path);
        let file = PositionalFile {
            file: Arc::new(file),
            size,
        };
        return parquet_input(path, file, partitions, (path.to_path_buf(), meta));
    }
    (&file).seek(io::SeekFrom::Start(0)).map_err(io_err)?;
    // Never past the size at opening: a file that grows while read (a log still being
    // written) must not keep the import going forever.
    let mut reader = BufReader::with_capacity(1 << 16, file.take(size));
    let magic = reader
        .fill_buf()
        .map_err(io_err)?
        .starts_with(&[0x1f, 0x8b]);
    let packing = if magic { Packing::Gzip } else { Packing::Plain };
    Ok(streamed(reader, packing, (path.to_path_buf(), meta), size))
}

/// How a stream's bytes are stored.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Packing {
    Plain,
    /// A gzip file (one or more members).
    Gzip,
    /// Raw deflate, as in a zip entry.
    Deflate,
}

/// A stream of `size` stored bytes as an input, decompressed as it is read, counting the
/// stored bytes read for progress; `opened` is the file holding it, as it was when opened.
pub(super) fn streamed(
    inner: impl Read + Send + 'static,
    packing: Packing,
    opened: (PathBuf, std::fs::Metadata),
    size: u64,
) -> Input {
    let counter = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner,
        count: Arc::clone(&counter),
    };
    let read: Box<dyn Read + Send> = match packing {
        Packing::Plain => Box::new(counting),
        Packing::Gzip => Box::new(flate2::read::MultiGzDecoder::new(counting)),
        Packing::Deflate => Box::new(flate2::read::DeflateDecoder::new(counting)),
    };
    Input {
        read,
        opened,
        size,
        compressed: packing != Packing::Plain,
        counter,
        parquet: None,
    }
}

/// A Parquet file (or an archive entry's bytes) as an input of text rows; `opened` is the
/// file (or archive) as it was when opened, to notice changes while it is read.
pub(super) fn parquet_input<R: ::parquet::file::reader::ChunkReader + 'static>(
    path: &Path,
    reader: R,
    partitions: Vec<(String, String)>,
    opened: (PathBuf, std::fs::Metadata),
) -> Result<Input, ImportError> {
    let size = reader.len();
    let counter = Arc::new(AtomicU64::new(0));
    let (text, info) = parquet::open(path, reader, partitions)?;
    Ok(Input {
        read: Box::new(text),
        opened,
        size,
        compressed: false,
        counter,
        parquet: Some(info),
    })
}

/// A file read at positions rather than through its cursor, so that several threads can
/// decode different row groups of one Parquet file at once. (The `parquet` crate's own
/// reader for `File` seeks a clone of the handle, and clones share one cursor.)
struct PositionalFile {
    file: Arc<File>,
    size: u64,
}

fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::read_at(file, buf, at);
    #[cfg(windows)]
    return std::os::windows::fs::FileExt::seek_read(file, buf, at);
}

/// [`read_at`] into memory that need not be initialised; the bytes read are at its start.
fn read_at_uninit(
    file: &File,
    buf: &mut [std::mem::MaybeUninit<u8>],
    at: u64,
) -> io::Result<usize> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let offset = libc::off_t::try_from(at)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "offset too large"))?;
        // SAFETY: `buf` is writable for its length; pread writes at most that many bytes.
        let n =
            unsafe { libc::pread(file.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), offset) };
        usize::try_from(n).map_err(|_| io::Error::last_os_error())
    }
    #[cfg(not(unix))]
    {
        for b in buf.iter_mut() {
            b.write(0);
        }
        // SAFETY: every byte was just written.
        let buf = unsafe { &mut *(buf as *mut [std::mem::MaybeUninit<u8>] as *mut [u8]) };
        read_at(file, buf, at)
    }
}

/// Reads a file onwards from a position, without moving the file's cursor.
pub(super) struct PositionalRead {
    file: Arc<File>,
    at: u64,
}

impl Read for PositionalRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// A reader the `parquet` crate reads page headers through: past the end, an error
/// rather than `Ok(0)`. Page headers are never read up to the end of a file, and the
/// crate skipping a damaged header's fields took `Ok(0)` for progress and looped without
/// end (found by the fuzz target `import_parquet`).
pub(super) struct EndChecked<R> {
    inner: R,
    at: u64,
}

impl<R: Read> Read for EndChecked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the file looks damaged: a page header runs past its end (byte {})",
                    self.at
                ),
            ));
        }
        self.at += n as u64;
        Ok(n)
    }
}

impl ::parquet::file::reader::Length for PositionalFile {
    fn len(&self) -> u64 {
        self.size
    }
}

impl ::parquet::file::reader::ChunkReader for PositionalFile {
    type T = BufReader<EndChecked<PositionalRead>>;

    fn get_read(&self, start: u64) -> ::parquet::errors::Result<Self::T> {
        // Page headers are read through this: small reads, so a small buffer.
        let read = PositionalRead {
            file: Arc::clone(&self.file),
            at: start,
        };
        Ok(BufReader::with_capacity(
            8 * 1024,
            EndChecked {
                inner: read,
                at: start,
            },
        ))
    }

    fn get_bytes(&self, start: u64, length: usize) -> ::parquet::errors::Result<bytes::Bytes> {
        // A damaged file may claim a chunk larger than itself: refused before allocating.
        if start.saturating_add(length as u64) > self.size {
            return Err(::parquet::errors::ParquetError::EOF(format!(
                "a chunk of {length} bytes at {start} is past the end of the file ({} bytes)",
                self.size
            )));
        }
        // Read into memory not zeroed first: zeroing each chunk cost as much as reading it.
        let mut buffer: Vec<u8> = Vec::with_capacity(length);
        while buffer.len() < length {
            let done = buffer.len();
            let spare = &mut buffer.spare_capacity_mut()[..length - done];
            match read_at_uninit(&self.file, spare, start + done as u64) {
                Ok(0) => {
                    return Err(::parquet::errors::ParquetError::EOF(format!(
                        "expected {length} bytes at {start}, the file ends after {done}"
                    )));
                }
                // SAFETY: the read wrote `n` bytes at the start of the spare room.
                Ok(n) => unsafe { buffer.set_len(done + n.min(length - done)) },
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(buffer.into())
    }
}

/// A Parquet file held in memory (a zip's entry), whose page headers are read through
/// [`EndChecked`] as a file's are.
pub(super) struct MemoryFile(pub(super) bytes::Bytes);

impl ::parquet::file::reader::Length for MemoryFile {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
}

impl ::parquet::file::reader::ChunkReader for MemoryFile {
    type T = EndChecked<bytes::buf::Reader<bytes::Bytes>>;

    fn get_read(&self, start: u64) -> ::parquet::errors::Result<Self::T> {
        let from = usize::try_from(start)
            .unwrap_or(usize::MAX)
            .min(self.0.len());
        Ok(EndChecked {
            inner: bytes::Buf::reader(self.0.slice(from..)),
            at: start,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> ::parquet::errors::Result<bytes::Bytes> {
        self.0.get_bytes(start, length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::parquet::file::reader::ChunkReader;

    #[test]
    fn positional_reads_give_the_bytes_asked_for_and_refuse_past_the_end() {
        let mut file = tempfile::tempfile().expect("a temporary file");
        io::Write::write_all(&mut file, b"0123456789").expect("written");
        let file = PositionalFile {
            file: Arc::new(file),
            size: 10,
        };
        assert_eq!(file.get_bytes(2, 3).ok().as_deref(), Some(&b"234"[..]));
        let mut rest = [0u8; 3];
        let mut read = file.get_read(7).expect("a reader");
        read.read_exact(&mut rest).expect("read");
        assert_eq!(&rest, b"789");
        // Past the end a read is an error, not `Ok(0)`, which the crate took for progress.
        let past = read.read(&mut [0u8; 4]).expect_err("past the end");
        assert!(
            past.to_string().contains("past its end (byte 10)"),
            "{past}"
        );
        // A chunk claimed past the end (a damaged file) is an error, not an allocation.
        assert!(file.get_bytes(5, usize::MAX / 2).is_err());
        assert!(file.get_bytes(8, 3).is_err());
        // The same for a file held in memory.
        let memory = MemoryFile(bytes::Bytes::from_static(b"0123456789"));
        let mut read = memory.get_read(7).expect("a reader");
        read.read_exact(&mut rest).expect("read");
        assert_eq!(&rest, b"789");
        assert!(read.read(&mut [0u8; 4]).is_err());
        assert_eq!(memory.get_bytes(2, 3).ok().as_deref(), Some(&b"234"[..]));
    }
}
