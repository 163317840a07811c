//! Datasets of many files: a folder (BACI's 29 yearly files, Comtrade's file per
//! reporter-year, an engine's output folder) or a zip archive read in place, without
//! unpacking it. The data files must share one layout; companion files (BACI's
//! `country_codes_*` and `product_codes_*`) are used, not imported; anything else (a
//! readme, Spark's `_SUCCESS` and `.crc` files) is left out and listed.
//!
//! The files are read as one stream into one table, in the files' name order, so the
//! result does not depend on timing: CSV files in runs of whole records
//! ([`super::csv_release`]), a release of Parquet files only in row groups
//! ([`super::parquet_release`]).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::codes::{self, CodeTable};
use super::input::{Packing, streamed};
use super::{
    ColumnMap, Companions, ImportError, ImportOutcome, Input, Peek, Progress, detect, open,
    peek_input,
};

/// What a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// One data file.
    File,
    /// A folder of data files.
    Folder,
    /// A zip archive of data files.
    Zip,
}

/// What a path holds: a folder, a zip archive (by its first bytes, or its name: a damaged
/// `.zip` is then refused as an archive, not read as text), or a file.
pub fn kind_of(path: &Path) -> SourceKind {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return SourceKind::Folder,
        // Only a regular file is opened to look at: opening a pipe would wait for a writer.
        Ok(meta) if meta.is_file() => {}
        _ => return SourceKind::File,
    }
    let mut magic = [0u8; 4];
    let is_zip = File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == *b"PK\x03\x04";
    let named_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip || named_zip {
        SourceKind::Zip
    } else {
        SourceKind::File
    }
}

/// Where a member's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file of a folder.
    File(PathBuf),
    /// An entry of the archive: where its data starts, its compressed size, and whether it
    /// is deflated (else stored).
    Zip {
        /// Offset of the data in the archive.
        start: u64,
        /// Compressed size.
        compressed: u64,
        /// Deflated (else stored as is).
        deflated: bool,
    },
}

/// One file of a folder or archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its path inside the folder or archive.
    pub name: String,
    /// Size (uncompressed, for archive entries).
    pub size: u64,
    /// Modification time in nanoseconds since 1970, for folder files (0 in archives).
    pub modified_ns: u128,
    /// Where its bytes are.
    pub location: Location,
}

impl Member {
    /// Whether the file is named as a Parquet file.
    fn is_parquet(&self) -> bool {
        self.name.to_lowercase().ends_with(".parquet")
    }
}

/// The files of a folder or archive, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The folder or archive.
    pub root: PathBuf,
    /// Folder or zip.
    pub kind: SourceKind,
    /// The data files.
    pub data: Vec<Member>,
    /// BACI's country code list, if there is one.
    pub country_codes: Option<Member>,
    /// BACI's product code list, if there is one.
    pub product_codes: Option<Member>,
    /// Names of the files left out (readme, `_SUCCESS`, checksums, other formats).
    pub left_out: Vec<String>,
}

/// What a file of a release is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Trade data (CSV or TSV, maybe gzip-compressed, or Parquet).
    Data,
    /// A country code list (`country_codes_*.csv`).
    CountryCodes,
    /// A product code list (`product_codes_*.csv`).
    ProductCodes,
    /// Anything else.
    LeftOut,
}

/// The role of a file by its name (the last part of its path).
pub fn role_of(name: &str) -> Role {
    let file = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_lowercase();
    let csv = file.ends_with(".csv");
    if file.starts_with("country_codes") && csv {
        Role::CountryCodes
    } else if file.starts_with("product_codes") && csv {
        Role::ProductCodes
    } else if file.starts_with('.') || file.starts_with('_') || file.starts_with("readme") {
        Role::LeftOut
    } else if [".csv", ".tsv", ".csv.gz", ".tsv.gz", ".txt.gz", ".parquet"]
        .iter()
        .any(|ext| file.ends_with(ext))
    {
        Role::Data
    } else {
        Role::LeftOut
    }
}

/// Lists the files of a folder (and its subfolders) or of a zip archive.
pub fn list(path: &Path) -> Result<Release, ImportError> {
    let (kind, (members, linked_folders)) = match kind_of(path) {
        SourceKind::Folder => (SourceKind::Folder, folder_members(path)?),
        SourceKind::Zip => (SourceKind::Zip, (zip_members(path)?, Vec::new())),
        SourceKind::File => {
            return Err(ImportError::NotAFile {
                path: path.to_path_buf(),
            });
        }
    };
    let mut release = Release {
        root: path.to_path_buf(),
        kind,
        data: Vec::new(),
        country_codes: None,
        product_codes: None,
        left_out: Vec::new(),
    };
    for member in members {
        match role_of(&member.name) {
            Role::Data => release.data.push(member),
            // The last by name is the newest version of a list.
            Role::CountryCodes => release.country_codes = Some(member),
            Role::ProductCodes => release.product_codes = Some(member),
            Role::LeftOut => release.left_out.push(member.name),
        }
    }
    // Not followed, as a link beside the files it links to would count them twice; named,
    // so that a folder of links to folders does not look empty.
    release.left_out.extend(
        linked_folders
            .into_iter()
            .map(|name| format!("{name} (a link to a folder, not followed)")),
    );
    if release.data.is_empty() {
        let found = if release.left_out.is_empty() {
            "nothing".to_owned()
        } else {
            release.left_out.join(", ")
        };
        return Err(ImportError::NoDataFiles {
            path: path.to_path_buf(),
            found,
        });
    }
    Ok(release)
}

/// The files below `root`, and the links to folders that were not followed (by name).
fn folder_members(root: &Path) -> Result<(Vec<Member>, Vec<String>), ImportError> {
    let io_err = |path: &Path, source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut members = Vec::new();
    let mut linked_folders = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| io_err(&folder, e))? {
            let entry = entry.map_err(|e| io_err(&folder, e))?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let mut meta = entry.metadata().map_err(|e| io_err(&path, e))?;
            if meta.file_type().is_symlink() {
                // A link to a file counts as that file (its size and time, for progress and
                // the fingerprint); links to folders are not followed (they could loop).
                match std::fs::metadata(&path) {
                    Ok(target) if target.is_file() => meta = target,
                    Ok(target) if target.is_dir() && !hidden => {
                        let name = path.strip_prefix(root).unwrap_or(&path);
                        linked_folders.push(name.to_string_lossy().replace('\\', "/"));
                        continue;
                    }
                    _ => continue,
                }
            }
            if meta.is_dir() {
                if !hidden {
                    pending.push(path);
                }
                continue;
            }
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            members.push(Member {
                name,
                size: meta.len(),
                modified_ns: meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos()),
                location: Location::File(path),
            });
        }
    }
    members.sort_by(|a, b| a.name.cmp(&b.name));
    linked_folders.sort();
    Ok((members, linked_folders))
}

fn zip_members(path: &Path) -> Result<Vec<Member>, ImportError> {
    let zip_err = |detail: String| ImportError::Zip {
        path: path.to_path_buf(),
        detail,
    };
    let file = File::open(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_err(e.to_string()))?;
    let mut members = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| zip_err(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| zip_err(e.to_string()))?
            .into_owned();
        let deflated = match entry.compression() {
            zip::CompressionMethod::Stored => false,
            zip::CompressionMethod::Deflated => true,
            other => {
                // Left out with the reason, unless it would have been data.
                if role_of(&name) != Role::LeftOut {
                    return Err(zip_err(format!(
                        "{name} is compressed with {other:?}; only stored and deflated \
                         entries are read (re-create the archive with `zip`)"
                    )));
                }
                continue;
            }
        };
        let start = entry
            .data_start()
            .ok_or_else(|| zip_err(format!("{name}: no data offset")))?;
        members.push(Member {
            name,
            size: entry.size(),
            modified_ns: 0,
            location: Location::Zip {
                start,
                compressed: entry.compressed_size(),
                deflated,
            },
        });
    }
    members.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(members)
}

/// Opens a member for reading: a folder's file as any file (gzip and Parquet detected), an
/// archive's entry at its offset, inflated as it is read (a Parquet entry, which is read
/// from its end first, is inflated into memory).
pub(super) fn open_member(release: &Release, member: &Member) -> Result<Input, ImportError> {
    match &member.location {
        Location::File(path) => open(path),
        Location::Zip { .. } if member.is_parquet() => {
            let bytes = read_member(release, member)?;
            let meta = std::fs::metadata(&release.root).map_err(|source| ImportError::Io {
                path: release.root.clone(),
                source,
            })?;
            super::parquet_input(
                &label(release, member),
                super::input::MemoryFile(bytes::Bytes::from(bytes)),
                super::parquet::partitions_of(&member.name),
                (release.root.clone(), meta),
            )
        }
        Location::Zip {
            start,
            compressed,
            deflated,
        } => open_zip_entry(&release.root, *start, *compressed, *deflated),
    }
}

/// An archive's entry, `compressed` bytes from `start`, inflated as it is read.
fn open_zip_entry(
    root: &Path,
    start: u64,
    compressed: u64,
    deflated: bool,
) -> Result<Input, ImportError> {
    let io_err = |source| ImportError::Io {
        path: root.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(root).map_err(io_err)?;
    let mut file = File::open(root).map_err(io_err)?;
    file.seek(SeekFrom::Start(start)).map_err(io_err)?;
    let packing = if deflated {
        Packing::Deflate
    } else {
        Packing::Plain
    };
    let stored = BufReader::with_capacity(1 << 16, file.take(compressed));
    Ok(streamed(
        stored,
        packing,
        (root.to_path_buf(), meta),
        compressed,
    ))
}

/// The whole of a member as stored (inflated): a code list, or a Parquet entry.
fn read_member(release: &Release, member: &Member) -> Result<Vec<u8>, ImportError> {
    let mut input = match &member.location {
        Location::File(path) => open(path)?,
        Location::Zip {
            start,
            compressed,
            deflated,
        } => open_zip_entry(&release.root, *start, *compressed, *deflated)?,
    };
    let mut bytes = Vec::new();
    input
        .read
        .read_to_end(&mut bytes)
        .map_err(|source| ImportError::Io {
            path: release.root.join(&member.name),
            source,
        })?;
    Ok(bytes)
}

/// The path that names a member in messages: `folder/file` or `archive.zip/entry`.
pub(super) fn label(release: &Release, member: &Member) -> PathBuf {
    release.root.join(&member.name)
}

/// One line saying what a release holds, for the import dialog.
pub fn describe(release: &Release) -> String {
    let what = match release.kind {
        SourceKind::Zip => "Zip archive",
        _ => "Folder",
    };
    let bytes: u64 = release.data.iter().map(|m| m.size).sum();
    let mut text = format!(
        "{what} of {} ({}): {} … {}",
        crate::model::format::count(release.data.len(), "data file"),
        crate::model::format::bytes(bytes),
        release.data.first().map_or("", |m| m.name.as_str()),
        release.data.last().map_or("", |m| m.name.as_str()),
    );
    let companions: Vec<&str> = [&release.country_codes, &release.product_codes]
        .into_iter()
        .flatten()
        .map(|m| m.name.as_str())
        .collect();
    if !companions.is_empty() {
        text.push_str(&format!("; code lists used: {}", companions.join(", ")));
    }
    if !release.left_out.is_empty() {
        text.push_str(&format!("; left out: {}", release.left_out.join(", ")));
    }
    text
}

/// The preview of a folder or archive: its first data file's header and rows.
pub fn peek_release(path: &Path, rows: usize) -> Result<Peek, ImportError> {
    let release = list(path)?;
    let first = &release.data[0];
    let mut peek = peek_input(&label(&release, first), open_member(&release, first)?, rows)?;
    peek.source = Some(describe(&release));
    // The other files are taken to hold as many rows per byte as the first.
    let sizes: u64 = release.data.iter().map(|m| m.size).sum();
    peek.rows_estimate = peek
        .rows_estimate
        .filter(|_| first.size > 0)
        .map(|rows| (rows as f64 * sizes as f64 / first.size as f64).round() as u64);
    Ok(peek)
}

/// The layout of each data file, refusing a release whose files differ (with a mapping,
/// their headers must be the same).
/// Returns the rows of all the files when every one is a Parquet file (whose footer says
/// how many rows it holds), so that the dataset's columns are reserved exactly.
fn check_layouts(
    release: &Release,
    mapping: Option<&ColumnMap>,
) -> Result<Option<u64>, ImportError> {
    // A Parquet file's columns are in its footer: its first megabyte of rows need not be
    // decoded as text, as a text file's must be to find its header. Only when the layouts
    // seem to differ are the rows peeked at too, so that a damaged file (whose rows do not
    // decode) is named among the failures rather than as another layout.
    let one_layout = |seen: &[(String, String)]| seen.iter().all(|(_, l)| *l == seen[0].1);
    let (mut seen, mut parquet_rows) = layouts(release, mapping, false);
    if !one_layout(&seen) {
        (seen, parquet_rows) = layouts(release, mapping, true);
    }
    if seen.is_empty() {
        return Ok(None);
    }
    if one_layout(&seen) {
        return Ok(parquet_rows);
    }
    let listing = seen
        .iter()
        .map(|(name, layout)| format!("- {name}: {layout}"))
        .collect::<Vec<_>>()
        .join("\n");
    Err(ImportError::MixedLayouts {
        path: release.root.clone(),
        listing,
    })
}

/// Each readable data file's layout (with `peek_parquet`, a Parquet file only when its
/// first rows decode), and the rows of all when every file is Parquet.
fn layouts(
    release: &Release,
    mapping: Option<&ColumnMap>,
    peek_parquet: bool,
) -> (Vec<(String, String)>, Option<u64>) {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut parquet_rows = Some(0u64);
    for member in &release.data {
        // A file that cannot even be peeked at fails again when imported, and is named
        // among the failures there.
        let input = open_member(release, member);
        match &input {
            Ok(input) => {
                let rows = input.parquet.as_ref().map(|info| info.rows);
                parquet_rows = parquet_rows.zip(rows).map(|(all, rows)| all + rows);
            }
            // A Parquet file whose footer does not read fails in the stream of Parquet
            // files like one whose pages do not; another file might still be read as text.
            Err(_) if member.is_parquet() => {}
            Err(_) => parquet_rows = None,
        }
        let header = input.and_then(|input| match &input.parquet {
            Some(info) if !peek_parquet => Ok(info.header.clone()),
            _ => peek_input(&label(release, member), input, 0).map(|peek| peek.header),
        });
        let Ok(header) = header else {
            continue;
        };
        let layout = match (mapping, detect(&header)) {
            (Some(_), _) => format!("columns {}", header.join(", ")),
            (None, Some((layout, _))) => layout.label().to_owned(),
            (None, None) => format!("unknown columns ({})", header.join(", ")),
        };
        seen.push((member.name.clone(), layout));
    }
    (seen, parquet_rows)
}

/// BACI's code lists, read from the release.
pub(super) fn companions(release: &Release) -> Companions<'static> {
    let codes = release
        .country_codes
        .as_ref()
        .and_then(|m| read_member(release, m).ok())
        .and_then(|bytes| CodeTable::parse_companion(&bytes))
        .map(|mut table| {
            let name = release
                .country_codes
                .as_ref()
                .map_or("", |m| m.name.as_str());
            table.fill_from(&CodeTable::builtin(), name);
            table
        });
    let product_names = release
        .product_codes
        .as_ref()
        .and_then(|m| read_member(release, m).ok())
        .and_then(|bytes| codes::product_names_from(&bytes));
    Companions::Read {
        codes,
        product_names,
    }
}

/// Imports every data file of a folder or archive as one dataset.
pub fn import_release(
    path: &Path,
    mapping: Option<ColumnMap>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, ImportError> {
    super::memory::keep_freed_buffers();
    let release = list(path)?;
    match check_layouts(&release, mapping.as_ref())? {
        Some(rows) => {
            super::parquet_release::import(&release, (mapping, false), rows, progress, cancel)
        }
        None => super::csv_release::import(&release, mapping, progress, cancel),
    }
}

/// Each pair's totals per year of a folder or archive of Parquet files holding at least
/// `min_rows` rows, read without keeping the rows ([`crate::model::dataset::TotalsOnly`]);
/// `None` for anything else (a single file, CSV files, a smaller release, or products that
/// are not all six-digit codes, as BACI's are), which is read whole.
pub fn import_release_totals(
    path: &Path,
    mapping: Option<ColumnMap>,
    min_rows: u64,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<Option<ImportOutcome>, ImportError> {
    if kind_of(path) == SourceKind::File {
        return Ok(None);
    }
    super::memory::keep_freed_buffers();
    let release = list(path)?;
    match check_layouts(&release, mapping.as_ref())? {
        Some(rows) if rows >= min_rows => {
            let how = (mapping, true);
            let outcome = super::parquet_release::import(&release, how, rows, progress, cancel)?;
            // Products of several levels (a chapter and its headings) are counted by the
            // aggregation rule, which needs the rows.
            Ok(outcome.table.totals_only.is_some().then_some(outcome))
        }
        _ => Ok(None),
    }
}

/// The bytes of the data files as stored (compressed, in an archive): what is read.
pub(super) fn stored_bytes(release: &Release) -> u64 {
    release
        .data
        .iter()
        .map(|m| match m.location {
            Location::Zip { compressed, .. } => compressed,
            Location::File(_) => m.size,
        })
        .sum()
}
