//! A binary copy of an imported file's columns, kept outside the document, so that a
//! dataset reopens in a fraction of the time its text takes to parse. The cache records
//! the source's size, modification time and a content sample; when any differs, the cache
//! is ignored and rebuilt.

use std::fs::File;
use std::hash::Hasher;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use super::{ColumnMap, Layout};
use crate::model::dataset::{DatasetCountry, DatasetProduct, TradeTable};

const MAGIC: &[u8; 8] = b"TXCACHE1";
/// Bytes sampled from each end of the source for its fingerprint.
const SAMPLE: u64 = 64 * 1024;

/// What identifies a source file's content cheaply: size, modification time and a hash of
/// its first and last 64 KiB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since 1970 (0 when unknown).
    pub modified_ns: u128,
    /// Hash of the sampled bytes, as hexadecimal.
    pub sample: String,
}

impl Fingerprint {
    /// Computes the fingerprint of `path`; for a folder, of all its files together.
    pub fn of(path: &Path) -> io::Result<Fingerprint> {
        if path.is_dir() {
            return Self::of_folder(path);
        }
        let mut file = File::open(path)?;
        let meta = file.metadata()?;
        let size = meta.len();
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let mut hasher = FxHasher::default();
        let mut buf = vec![0u8; SAMPLE as usize];
        let n = file.read(&mut buf)?;
        hasher.write(&buf[..n]);
        if size > SAMPLE {
            file.seek(SeekFrom::Start(size.saturating_sub(SAMPLE).max(SAMPLE)))?;
            let n = file.read(&mut buf)?;
            hasher.write(&buf[..n]);
        }
        hasher.write_u64(size);
        Ok(Fingerprint {
            size,
            modified_ns,
            sample: format!("{:016x}", hasher.finish()),
        })
    }
}

impl Fingerprint {
    /// A folder as a whole: every file's name, size and modification time, so that a file
    /// added, removed, changed or renamed changes the fingerprint.
    fn of_folder(path: &Path) -> io::Result<Fingerprint> {
        let release = super::release::list(path).map_err(io::Error::other)?;
        let members = release
            .data
            .iter()
            .chain(&release.country_codes)
            .chain(&release.product_codes);
        let mut hasher = FxHasher::default();
        let (mut size, mut modified_ns) = (0u64, 0u128);
        for member in members {
            hasher.write(member.name.as_bytes());
            hasher.write_u64(member.size);
            hasher.write_u128(member.modified_ns);
            size += member.size;
            modified_ns = modified_ns.max(member.modified_ns);
        }
        Ok(Fingerprint {
            size,
            modified_ns,
            sample: format!("{:016x}", hasher.finish()),
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Meta {
    fingerprint: Fingerprint,
    layout: Layout,
    reconciled: bool,
    rows: u64,
    countries: Vec<(String, String, bool, bool)>,
    products: Vec<(String, String)>,
    rows_rejected: u64,
    rejected: Vec<(u64, String)>,
    /// Data files the rows come from (caches written before folders were read lack it).
    #[serde(default = "one")]
    files: usize,
}

fn one() -> usize {
    1
}

/// What a cache gives back.
#[derive(Debug)]
pub struct Cached {
    /// The rows.
    pub table: TradeTable,
    /// The layout the source had.
    pub layout: Layout,
    /// Rows refused when the source was read.
    pub rows_rejected: u64,
    /// The first refused rows.
    pub rejected: Vec<(u64, String)>,
    /// Data files the rows come from.
    pub files: usize,
}

/// The folder for cache files: `$XDG_CACHE_HOME/trade-explorer` or `~/.cache/trade-explorer`.
pub fn cache_folder() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("trade-explorer"))
}

/// The cache file for a source (named by a hash of its absolute path).
pub fn cache_path(folder: &Path, source: &Path) -> PathBuf {
    cache_path_for(folder, source, None)
}

/// The cache file for a source read through `mapping`: a file read with another mapping
/// gives other rows, so it gets its own cache.
pub fn cache_path_for(folder: &Path, source: &Path, mapping: Option<&ColumnMap>) -> PathBuf {
    let absolute = std::fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
    let mut hasher = FxHasher::default();
    hasher.write(absolute.to_string_lossy().as_bytes());
    if let Some(mapping) = mapping {
        hasher.write(format!("{mapping:?}").as_bytes());
    }
    folder.join(format!("{:016x}.tecache", hasher.finish()))
}

fn write_column<T: bytemuck::Pod>(out: &mut impl Write, column: &[T]) -> io::Result<()> {
    out.write_all(bytemuck::cast_slice(column))
}

fn read_column<T: bytemuck::Pod + Default + Clone>(
    input: &mut impl Read,
    n: usize,
) -> io::Result<Vec<T>> {
    let mut column = vec![T::default(); n];
    input.read_exact(bytemuck::cast_slice_mut(&mut column))?;
    Ok(column)
}

/// Reads the `n` rows' columns stored from `start` (in the order `store` writes them) into
/// a table without dictionaries, each column on its own thread through its own handle, so
/// that a large cache is read as fast as the disk and the page cache allow.
fn read_columns(path: &Path, start: u64, n: usize) -> io::Result<TradeTable> {
    fn column<T: bytemuck::Pod + Default + Clone>(
        path: &Path,
        offset: u64,
        n: usize,
    ) -> io::Result<Vec<T>> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(offset))?;
        read_column(&mut file, n)
    }
    let mut at = start;
    let mut next = |width: usize| {
        let offset = at;
        at += (width * n) as u64;
        offset
    };
    use std::mem::size_of;
    let offsets = [
        next(size_of::<u16>()), // year
        next(size_of::<u16>()), // reporter
        next(size_of::<u16>()), // partner
        next(size_of::<u8>()),  // flow
        next(size_of::<u32>()), // product
        next(size_of::<f64>()), // value
        next(size_of::<f32>()), // quantity
    ];
    std::thread::scope(|scope| {
        let year = scope.spawn(|| column(path, offsets[0], n));
        let reporter = scope.spawn(|| column(path, offsets[1], n));
        let partner = scope.spawn(|| column(path, offsets[2], n));
        let flow = scope.spawn(|| column(path, offsets[3], n));
        let product = scope.spawn(|| column(path, offsets[4], n));
        let value = scope.spawn(|| column(path, offsets[5], n));
        let quantity = column(path, offsets[6], n)?;
        let failed = || io::Error::other("a cache reading thread failed");
        Ok(TradeTable {
            year: year.join().map_err(|_| failed())??,
            reporter: reporter.join().map_err(|_| failed())??,
            partner: partner.join().map_err(|_| failed())??,
            flow: flow.join().map_err(|_| failed())??,
            product: product.join().map_err(|_| failed())??,
            value: value.join().map_err(|_| failed())??,
            quantity,
            ..TradeTable::default()
        })
    })
}

/// Writes the cache for `source` (atomically, like every file the app writes).
pub fn store(
    cache_file: &Path,
    fingerprint: &Fingerprint,
    outcome: &super::ImportOutcome,
) -> io::Result<()> {
    let table = &outcome.table;
    if cfg!(target_endian = "big") {
        return Ok(()); // The columns are written in memory order; keep caches little-endian only.
    }
    if let Some(folder) = cache_file.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let meta = Meta {
        fingerprint: fingerprint.clone(),
        layout: outcome.layout,
        reconciled: table.reconciled,
        rows: table.len() as u64,
        countries: table
            .countries
            .iter()
            .map(|c| (c.code.clone(), c.name.clone(), c.world, c.unknown))
            .collect(),
        products: table
            .products
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect(),
        rows_rejected: outcome.rows_rejected,
        rejected: outcome.rejected.clone(),
        files: outcome.files,
    };
    let meta_bytes = serde_json::to_vec(&meta).map_err(io::Error::other)?;
    let folder = cache_file.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(folder)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file());
        out.write_all(MAGIC)?;
        out.write_all(&(meta_bytes.len() as u64).to_le_bytes())?;
        out.write_all(&meta_bytes)?;
        write_column(&mut out, &table.year)?;
        write_column(&mut out, &table.reporter)?;
        write_column(&mut out, &table.partner)?;
        write_column(&mut out, &table.flow)?;
        write_column(&mut out, &table.product)?;
        write_column(&mut out, &table.value)?;
        write_column(&mut out, &table.quantity)?;
        out.flush()?;
    }
    tmp.persist(cache_file).map_err(|e| e.error)?;
    Ok(())
}

/// Reads the cache if it exists and matches `fingerprint`; `Ok(None)` when it does not.
pub fn load(cache_file: &Path, fingerprint: &Fingerprint) -> io::Result<Option<Cached>> {
    let file = match File::open(cache_file) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let expected_len = file.metadata()?.len();
    let mut input = BufReader::with_capacity(1 << 20, file);
    let mut magic = [0u8; 8];
    input.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Ok(None);
    }
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let meta_len = u64::from_le_bytes(len);
    if meta_len > expected_len {
        return Ok(None);
    }
    let mut meta_bytes = vec![0u8; meta_len as usize];
    input.read_exact(&mut meta_bytes)?;
    let Ok(meta) = serde_json::from_slice::<Meta>(&meta_bytes) else {
        return Ok(None);
    };
    if &meta.fingerprint != fingerprint {
        return Ok(None);
    }
    // A cache cut short (disk full, killed writer) is ignored rather than trusted, and so is
    // a row count the file's length cannot hold (checked before anything is allocated).
    let columns_len = meta
        .rows
        .checked_mul(23)
        .and_then(|c| c.checked_add(16 + meta_len));
    if columns_len != Some(expected_len) {
        return Ok(None);
    }
    let Ok(n) = usize::try_from(meta.rows) else {
        return Ok(None);
    };
    drop(input);
    let table = TradeTable {
        countries: meta
            .countries
            .into_iter()
            .map(|(code, name, world, unknown)| DatasetCountry {
                code,
                name,
                world,
                unknown,
            })
            .collect(),
        products: meta
            .products
            .into_iter()
            .map(|(code, name)| DatasetProduct { code, name })
            .collect(),
        reconciled: meta.reconciled,
        ..read_columns(cache_file, 16 + meta_len, n)?
    };
    let countries = table.countries.len();
    let products = table.products.len();
    // Checked on two threads: at 270 million rows each check reads a gigabyte.
    let (countries_ok, products_ok) = std::thread::scope(|scope| {
        let countries_ok = scope.spawn(|| {
            !table
                .reporter
                .iter()
                .chain(&table.partner)
                .any(|&c| usize::from(c) >= countries)
        });
        let products_ok = !table.product.iter().any(|&p| p as usize >= products);
        (countries_ok.join().unwrap_or(false), products_ok)
    });
    if !(countries_ok && products_ok) {
        return Ok(None);
    }
    Ok(Some(Cached {
        table,
        layout: meta.layout,
        rows_rejected: meta.rows_rejected,
        rejected: meta.rejected,
        files: meta.files,
    }))
}
