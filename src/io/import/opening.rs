//! Opening a dataset the way the app does: from the binary cache when it matches the
//! source, else by importing it (and writing the cache); and the link a document keeps to
//! it.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::{
    ColumnMap, ImportError, ImportOutcome, Layout, Progress, cache, import_file, name_products,
};

/// A dataset opened for the app: its rows and what is known about where they came from.
#[derive(Debug)]
pub struct OpenedDataset {
    /// The rows, and what was refused.
    pub outcome: ImportOutcome,
    /// The file's fingerprint when it was read (None when it could not be taken).
    pub fingerprint: Option<cache::Fingerprint>,
    /// True when the rows came from the binary cache rather than the file.
    pub from_cache: bool,
    /// The country with the most trade in the rows (stored in the cache, so that a
    /// reopened dataset need not sum every row to know it).
    pub main_country: Option<String>,
}

/// Opens a data file the way the app does: from the binary cache in `cache` (a folder,
/// usually [`cache::cache_folder`]; `None`: no cache) when it matches the file, else by
/// importing it and writing the cache for next time. A cache that cannot be read or
/// written only costs time; it is never an error.
pub fn open_dataset(
    path: &Path,
    mapping: Option<ColumnMap>,
    cache: Option<&Path>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<OpenedDataset, ImportError> {
    let (opened, pending) = open_dataset_then_cache(path, mapping, cache, progress, cancel)?;
    if let Some(pending) = pending {
        pending.write(&opened.outcome.table);
    }
    Ok(opened)
}

/// A release of at least this many Parquet rows is linked with its totals first
/// ([`open_totals`]): reading every row of it into memory takes seconds longer than
/// summing it (about 11 s against 2 s for BACI's 270 million rows on two cores).
pub const TOTALS_FIRST_ROWS: u64 = 20_000_000;

/// Each pair's totals per year of a Parquet folder or archive of at least `min_rows` rows,
/// read without keeping its rows, when the cache in `cache` does not hold it already
/// (then, or for anything else, `None`: opening it whole is as quick). The app shows these
/// totals while it reads the rows with [`open_dataset_then_cache`].
pub fn open_totals(
    path: &Path,
    mapping: Option<ColumnMap>,
    (cache, min_rows): (Option<&Path>, u64),
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<Option<OpenedDataset>, ImportError> {
    // A single file is read whole: no fingerprint or cache lookup for it here.
    if super::release::kind_of(path) == super::release::SourceKind::File {
        return Ok(None);
    }
    let fingerprint = cache::Fingerprint::of(path).ok();
    if let (Some(folder), Some(fp)) = (cache, &fingerprint)
        && cache::holds(&cache::cache_path_for(folder, path, mapping.as_ref()), fp)
    {
        return Ok(None);
    }
    let totals = super::release::import_release_totals(path, mapping, min_rows, progress, cancel)?;
    Ok(totals.map(|outcome| OpenedDataset {
        main_country: crate::model::dataset::main_country(&outcome.table),
        outcome,
        fingerprint,
        from_cache: false,
    }))
}

/// A cache still to be written for a dataset just imported: the app shows the rows first
/// and writes their cache after (seconds at hundreds of millions of rows).
#[derive(Debug)]
pub struct PendingCache {
    file: std::path::PathBuf,
    fingerprint: cache::Fingerprint,
    facts: cache::CacheFacts,
}

impl PendingCache {
    /// Writes the cache of `table`, the rows the dataset was opened with. A cache that
    /// cannot be written only costs time next time; it is logged, never an error.
    pub fn write(self, table: &crate::model::dataset::TradeTable) {
        if let Err(err) = cache::store_rows(&self.file, &self.fingerprint, table, &self.facts) {
            log::warn!("could not write the cache {}: {err}", self.file.display());
        }
    }
}

/// [`open_dataset`], leaving the cache of a dataset it imported to be written by the
/// caller, once the rows are in use.
pub fn open_dataset_then_cache(
    path: &Path,
    mapping: Option<ColumnMap>,
    cache: Option<&Path>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<(OpenedDataset, Option<PendingCache>), ImportError> {
    let fingerprint = cache::Fingerprint::of(path).ok();
    let cache_file = cache.map(|f| cache::cache_path_for(f, path, mapping.as_ref()));
    if let (Some(file), Some(fp)) = (&cache_file, &fingerprint) {
        match cache::load(file, fp) {
            Ok(Some(mut cached)) => {
                // Caches written by earlier versions lack the padding and shipped names.
                if cached.layout == Layout::Baci && cached.table.pad_product_codes(6) {
                    cached.table.compute_flags();
                }
                name_products(&mut cached.table);
                let rows = cached.table.len() as u64 + cached.rows_rejected;
                let unknown_countries = cached
                    .table
                    .countries
                    .iter()
                    .filter(|c| c.unknown)
                    .map(|c| c.code.clone())
                    .collect();
                let opened = OpenedDataset {
                    outcome: ImportOutcome {
                        table: cached.table,
                        layout: cached.layout,
                        rows_read: rows,
                        rows_rejected: cached.rows_rejected,
                        rejected: cached.rejected,
                        codes_origin: None,
                        unknown_countries,
                        // Said when the file was imported; the cache keeps the codes read.
                        recoded_countries: Vec::new(),
                        files: cached.files,
                        failed_files: Vec::new(),
                    },
                    fingerprint,
                    from_cache: true,
                    main_country: cached.main_country,
                };
                return Ok((opened, None));
            }
            Ok(None) => {}
            Err(err) => log::warn!("cache {} unreadable: {err}", file.display()),
        }
    }
    let outcome = import_file(path, mapping, progress, cancel)?;
    let main_country = crate::model::dataset::main_country(&outcome.table);
    // A release with files that failed is read again next time (they may be fixed), and
    // never served from a cache that would hide the failure.
    let pending = match (cache_file, &fingerprint) {
        (Some(file), Some(fp)) if outcome.failed_files.is_empty() => Some(PendingCache {
            file,
            fingerprint: fp.clone(),
            facts: cache::CacheFacts::of(&outcome, main_country.as_deref()),
        }),
        _ => None,
    };
    let opened = OpenedDataset {
        outcome,
        fingerprint,
        from_cache: false,
        main_country,
    };
    Ok((opened, pending))
}

/// The link a document keeps to an opened data file: its absolute path (written relative
/// to the document when saved), size, modification time and fingerprint, so that a
/// changed file is noticed.
pub fn link_for(
    path: &Path,
    (opened, rows): (&OpenedDataset, u64),
    mapping: Option<ColumnMap>,
    id: crate::model::Id,
) -> crate::model::dataset::DatasetLink {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let name = absolute.file_name().map_or_else(
        || absolute.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (size, modified_ns, fingerprint) = match &opened.fingerprint {
        Some(f) => (
            f.size,
            u64::try_from(f.modified_ns).unwrap_or(u64::MAX),
            f.sample.clone(),
        ),
        None => (0, 0, String::new()),
    };
    crate::model::dataset::DatasetLink {
        id,
        name,
        path: absolute.display().to_string(),
        layout: opened.outcome.layout,
        mapping: if opened.outcome.layout == Layout::Mapped {
            mapping.map(Box::new)
        } else {
            None
        },
        rows,
        size,
        modified_ns,
        fingerprint,
        note: String::new(),
    }
}
