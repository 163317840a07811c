//! A binary copy of an imported file's columns, kept outside the document, so that a
//! dataset reopens in a fraction of the time its text takes to parse. The cache records
//! the source's size, modification time and a content sample; when any differs, the cache
//! is ignored and rebuilt.

use std::fs::File;
use std::hash::Hasher;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use super::{ColumnMap, Layout};
use crate::model::dataset::{
    Column, CountryBlocks, DatasetCountry, DatasetProduct, SharedBytes, TradeTable,
};

/// The format's name and version: a cache of another version is rebuilt, never read (3: rows
/// of a country with itself no longer carry the totals flag).
const MAGIC: &[u8; 8] = b"TXCACHE3";
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
    /// Data files the rows come from.
    files: usize,
    /// Words of the country index that follows the columns.
    index_words: usize,
    /// The first and last year, from the country index.
    index_years: Option<(u16, u16)>,
    /// The country with the most trade (the app's first focus).
    main_country: Option<String>,
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
    /// The country with the most trade, as stored.
    pub main_country: Option<String>,
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

/// Where each part of a cache of `n` rows with its metadata of `meta_len` bytes is: the
/// columns in the order `store` writes them (widest first, so each stays aligned), then
/// the country index of `index_words` words; and the whole file's length.
struct Offsets {
    value: Range<usize>,
    product: Range<usize>,
    quantity: Range<usize>,
    year: Range<usize>,
    reporter: Range<usize>,
    partner: Range<usize>,
    flow: Range<usize>,
    index: Range<usize>,
    len: usize,
}

impl Offsets {
    fn of(meta_len: usize, n: usize, index_words: usize) -> Option<Offsets> {
        let mut at = 16usize.checked_add(meta_len)?;
        // Each part starts at the next multiple of its values' width (zero bytes between).
        let mut next = |width: usize, count: usize| -> Option<Range<usize>> {
            let start = at.checked_next_multiple_of(width)?;
            at = start.checked_add(width.checked_mul(count)?)?;
            Some(start..at)
        };
        use std::mem::size_of;
        let value = next(size_of::<f64>(), n)?;
        let product = next(size_of::<u32>(), n)?;
        let quantity = next(size_of::<f32>(), n)?;
        let year = next(size_of::<u16>(), n)?;
        let reporter = next(size_of::<u16>(), n)?;
        let partner = next(size_of::<u16>(), n)?;
        let flow = next(size_of::<u8>(), n)?;
        let index = next(size_of::<u64>(), index_words)?;
        Some(Offsets {
            value,
            product,
            quantity,
            year,
            reporter,
            partner,
            flow,
            index,
            len: at,
        })
    }
}

/// Writes the cache for `source` (atomically, like every file the app writes).
pub fn store(
    cache_file: &Path,
    fingerprint: &Fingerprint,
    outcome: &super::ImportOutcome,
    main_country: Option<&str>,
) -> io::Result<()> {
    let facts = CacheFacts::of(outcome, main_country);
    store_rows(cache_file, fingerprint, &outcome.table, &facts)
}

/// What a cache keeps besides the rows: how they were read, and their main country.
#[derive(Debug, Clone)]
pub struct CacheFacts {
    layout: Layout,
    rows_rejected: u64,
    rejected: Vec<(u64, String)>,
    files: usize,
    main_country: Option<String>,
}

impl CacheFacts {
    /// The facts of an import whose rows have `main_country`.
    pub fn of(outcome: &super::ImportOutcome, main_country: Option<&str>) -> Self {
        Self {
            layout: outcome.layout,
            rows_rejected: outcome.rows_rejected,
            rejected: outcome.rejected.clone(),
            files: outcome.files,
            main_country: main_country.map(str::to_owned),
        }
    }
}

/// [`store`] of `table` with `facts`: the rows may already be shared with the app (as
/// they are when the app writes the cache after showing them).
pub(super) fn store_rows(
    cache_file: &Path,
    fingerprint: &Fingerprint,
    table: &TradeTable,
    facts: &CacheFacts,
) -> io::Result<()> {
    if cfg!(target_endian = "big") {
        return Ok(()); // The columns are written in memory order; keep caches little-endian only.
    }
    if let Some(folder) = cache_file.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let blocks = table.country_blocks();
    let meta = Meta {
        index_years: blocks.years,
        index_words: blocks.bits().len(),
        main_country: facts.main_country.clone(),
        fingerprint: fingerprint.clone(),
        layout: facts.layout,
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
        rows_rejected: facts.rows_rejected,
        rejected: facts.rejected.clone(),
        files: facts.files,
    };
    let meta_bytes = serde_json::to_vec(&meta).map_err(io::Error::other)?;
    let folder = cache_file.parent().unwrap_or(Path::new("."));
    // A write cut short by the app being ended leaves its temporary file: named so that
    // a later write finds and removes it.
    crate::io::atomic::remove_stale_temporaries(folder, "cache");
    let tmp = tempfile::Builder::new()
        .prefix(".cache.")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file());
        out.write_all(MAGIC)?;
        out.write_all(&(meta_bytes.len() as u64).to_le_bytes())?;
        out.write_all(&meta_bytes)?;
        let mut at = 16 + meta_bytes.len();
        let mut put = |out: &mut BufWriter<_>, range: &Range<usize>, bytes: &[u8]| {
            out.write_all(&[0; 8][..range.start.saturating_sub(at).min(8)])?;
            at = range.end;
            out.write_all(bytes)
        };
        let o = Offsets::of(meta_bytes.len(), table.len(), blocks.bits().len())
            .ok_or_else(|| io::Error::other("a dataset too large for a cache"))?;
        put(&mut out, &o.value, bytemuck::cast_slice(&table.value))?;
        put(&mut out, &o.product, bytemuck::cast_slice(&table.product))?;
        put(&mut out, &o.quantity, bytemuck::cast_slice(&table.quantity))?;
        put(&mut out, &o.year, bytemuck::cast_slice(&table.year))?;
        put(&mut out, &o.reporter, bytemuck::cast_slice(&table.reporter))?;
        put(&mut out, &o.partner, bytemuck::cast_slice(&table.partner))?;
        put(&mut out, &o.flow, bytemuck::cast_slice(&table.flow))?;
        put(&mut out, &o.index, bytemuck::cast_slice(blocks.bits()))?;
        out.flush()?;
    }
    tmp.persist(cache_file).map_err(|e| e.error)?;
    Ok(())
}

/// The length of the metadata that follows a cache's first 16 bytes `head` (its magic, in
/// this format's version, and the length); None for another file or version.
fn meta_len(head: &[u8]) -> Option<u64> {
    let (magic, len) = (head.get(..8)?, head.get(8..16)?);
    (magic == MAGIC).then(|| u64::from_le_bytes(len.try_into().unwrap_or([0xff; 8])))
}

/// Whether the cache file holds the rows of the source with `fingerprint`, by its header
/// alone (the columns are not looked at: a cache that fails [`load`]'s checks is read
/// again from the source, which this cannot tell). Cheap: for asking, before an import,
/// whether the rows will come memory-mapped from the cache or be read into memory.
pub fn holds(cache_file: &Path, fingerprint: &Fingerprint) -> bool {
    let read_meta = || -> io::Result<Option<Meta>> {
        let mut file = File::open(cache_file)?;
        let mut head = [0u8; 16];
        file.read_exact(&mut head)?;
        // A header longer than any real one (its dictionaries of countries and products)
        // is not read.
        let Some(len) = meta_len(&head).filter(|len| *len <= 64 << 20) else {
            return Ok(None);
        };
        let mut meta = Vec::new();
        file.take(len).read_to_end(&mut meta)?;
        Ok(serde_json::from_slice::<Meta>(&meta).ok())
    };
    matches!(read_meta(), Ok(Some(meta)) if &meta.fingerprint == fingerprint)
}

/// Opens the cache if it exists and matches `fingerprint`; `Ok(None)` when it does not
/// (another source, another version, cut short, or with indices out of its dictionaries).
/// The columns are memory-mapped, not read: the pages are read from disk when first
/// touched, and the index columns are checked here (that reads them).
pub fn load(cache_file: &Path, fingerprint: &Fingerprint) -> io::Result<Option<Cached>> {
    let file = match File::open(cache_file) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if cfg!(target_endian = "big") || file.metadata()?.len() < 16 {
        return Ok(None);
    }
    // SAFETY: the map is read-only, and the app never writes a cache file in place (a new
    // cache replaces the old by rename), so the mapped bytes do not change under it.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let bytes: &[u8] = &map;
    let Some(meta_bytes) = meta_len(bytes)
        .and_then(|len| usize::try_from(len).ok())
        .and_then(|len| bytes.get(16..16usize.checked_add(len)?))
    else {
        return Ok(None);
    };
    let Ok(meta) = serde_json::from_slice::<Meta>(meta_bytes) else {
        return Ok(None);
    };
    if &meta.fingerprint != fingerprint {
        return Ok(None);
    }
    // A cache cut short (disk full, killed writer) is ignored rather than trusted, and so is
    // a row count the file's length cannot hold.
    let Ok(n) = usize::try_from(meta.rows) else {
        return Ok(None);
    };
    let offsets = Offsets::of(meta_bytes.len(), n, meta.index_words);
    let Some(offsets) = offsets.filter(|o| o.len == bytes.len()) else {
        return Ok(None);
    };
    let bits: Vec<u64> = match bytemuck::try_cast_slice(&bytes[offsets.index.clone()]) {
        Ok(bits) => bits.to_vec(),
        Err(_) => return Ok(None),
    };
    let owner: SharedBytes = Arc::new(map);
    let Some(table) = columns(&owner, &offsets).map(|columns| TradeTable {
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
        ..columns
    }) else {
        return Ok(None);
    };
    if !indices_in_range(&table) {
        return Ok(None);
    }
    let countries = table.countries.len();
    match CountryBlocks::from_parts(n, countries, bits, meta.index_years) {
        Some(blocks) => table.set_country_blocks(blocks),
        None => return Ok(None),
    }
    Ok(Some(Cached {
        table,
        layout: meta.layout,
        rows_rejected: meta.rows_rejected,
        rejected: meta.rejected,
        files: meta.files,
        main_country: meta.main_country,
    }))
}

/// The row columns as views of the mapped file.
fn columns(owner: &SharedBytes, o: &Offsets) -> Option<TradeTable> {
    Some(TradeTable {
        value: Column::shared(Arc::clone(owner), o.value.clone())?,
        product: Column::shared(Arc::clone(owner), o.product.clone())?,
        quantity: Column::shared(Arc::clone(owner), o.quantity.clone())?,
        year: Column::shared(Arc::clone(owner), o.year.clone())?,
        reporter: Column::shared(Arc::clone(owner), o.reporter.clone())?,
        partner: Column::shared(Arc::clone(owner), o.partner.clone())?,
        flow: Column::shared(Arc::clone(owner), o.flow.clone())?,
        ..TradeTable::default()
    })
}

/// Whether every row's countries and product are in the dictionaries; checked on two
/// threads, since at 270 million rows the check reads two gigabytes.
fn indices_in_range(table: &TradeTable) -> bool {
    let countries = table.countries.len();
    let products = table.products.len();
    std::thread::scope(|scope| {
        let countries_ok = scope.spawn(|| {
            let fits = |c: &u16| usize::from(*c) < countries;
            table.reporter.iter().all(fits) && table.partner.iter().all(fits)
        });
        let products_ok = table.product.iter().all(|&p| (p as usize) < products);
        countries_ok.join().unwrap_or(false) && products_ok
    })
}
