//! Reading and writing documents as RON files, without ever losing data.
//!
//! Loading never touches the current document: it returns a new one or an error.
//! Saving writes a temporary file in the target's folder, syncs it, keeps the previous
//! version as `NAME.ron.bak`, and renames the new file over the target, so that the target
//! is always either the complete old version or the complete new version.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use std::hash::Hasher;
use std::time::UNIX_EPOCH;

use ron::extensions::Extensions;
use serde::{Deserialize, Serialize};

use crate::model::{Document, FORMAT_VERSION};

pub use super::atomic::{write_atomic, write_file_atomic};

/// Files larger than this are refused: a trade document is text typed by people, and a
/// bound keeps a wrong file from exhausting memory.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Nesting deeper than this in a RON file is refused rather than risking the stack.
pub(crate) const RECURSION_LIMIT: usize = 64;

/// Longest text (title, note, name, …) a document may hold, in bytes. Texts are typed by
/// people; a longer one is a wrong or damaged file, and drawing it would stall the window.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Why a file could not be opened as a document.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The operating system could not read the file.
    #[error("{}: {}", .path.display(), describe_io(.source))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The path is a folder or something else that is not a regular file.
    #[error("{}: not a file", .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The file is over [`MAX_DOCUMENT_BYTES`].
    #[error("{}: the file is {} MiB; documents over 256 MiB are refused (import large data as a dataset instead)", .path.display(), .size / (1024 * 1024))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{}:{}:{}: the file is not UTF-8 text (is it a binary file or in another encoding?)", .path.display(), .line, .column)]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Line of the first invalid byte (1-based).
        line: usize,
        /// Column of the first invalid byte (1-based, in characters).
        column: usize,
    },
    /// The text is not a valid document: a syntax or type error.
    #[error("{}:{}:{}: {}; correct the file there in a text editor", .path.display(), .line, .column, .message)]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Line of the error (1-based).
        line: usize,
        /// Column of the error (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The text ends in the middle of a record (cut short while downloading or copying).
    #[error("{}:{}:{}: the file ends in the middle of a record and looks truncated (cut short while it was downloaded or copied?){}", .path.display(), .line, .column, .backup.as_ref().map_or_else(String::new, |b| format!("; the previous version {} is beside it", b.display())))]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Line where it ends (1-based).
        line: usize,
        /// Column where it ends (1-based).
        column: usize,
        /// The `.bak` copy beside it, when there is one.
        backup: Option<PathBuf>,
    },
    /// The file was written by a newer version of the app.
    #[error("{}: this file has format version {found}, but this version of Trade Explorer reads versions up to {supported}; open it with a newer Trade Explorer", .path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A text in the file is longer than [`MAX_TEXT_BYTES`].
    #[error("{}: a text in the file is {} long; texts over 1 MiB are refused (is this the right file?)", .path.display(), crate::model::format::bytes(*.bytes as u64))]
    TextTooLong {
        /// The file.
        path: PathBuf,
        /// Length of the longest text, in bytes.
        bytes: usize,
    },
    /// The file has no `format_version` field.
    #[error("{}: this is not a Trade Explorer document: it has no format_version field (add `format_version: {FORMAT_VERSION},` if it is one)", .path.display())]
    MissingVersion {
        /// The file.
        path: PathBuf,
    },
    /// The file is empty (or only blanks and comments).
    #[error("{}: the file is empty; it holds no document (was it cut short, or saved while another program was still writing it?){}", .path.display(), .backup.as_ref().map_or_else(String::new, |b| format!("; the previous version {} is beside it", b.display())))]
    Empty {
        /// The file.
        path: PathBuf,
        /// The `.bak` copy beside it, when there is one.
        backup: Option<PathBuf>,
    },
    /// The text does not start like a document at all.
    #[error("{}: this is not a Trade Explorer document: a document starts with `(`, this file starts with \"{start}\"{}", .path.display(), if *.table { "; to read trade data from a table, use File > Import data…" } else { "" })]
    NotADocument {
        /// The file.
        path: PathBuf,
        /// Its first characters.
        start: String,
        /// Whether it looks like a CSV or other table.
        table: bool,
    },
}

impl LoadError {
    /// Line and column of the error in the file, when it has one.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            LoadError::Syntax { line, column, .. }
            | LoadError::NotUtf8 { line, column, .. }
            | LoadError::Truncated { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// Why a document could not be saved. The file on disk is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The document could not be turned into RON (should not happen with valid data).
    #[error("could not write the document as RON: {0}")]
    Serialize(#[from] ron::Error),
    /// An image could not be encoded.
    #[error("could not encode the image: {0}")]
    Encode(String),
    /// A Parquet file could not be encoded.
    #[error("could not encode the Parquet file: {0}")]
    Parquet(String),
    /// The folder does not exist (any more).
    #[error("{}: the folder {} does not exist (was it moved or deleted?)", .path.display(), .folder.display())]
    FolderMissing {
        /// The target file.
        path: PathBuf,
        /// Its folder.
        folder: PathBuf,
    },
    /// The target file is marked read-only.
    #[error("{}: the file is read-only", .path.display())]
    ReadOnly {
        /// The target file.
        path: PathBuf,
    },
    /// The folder exists but no file can be made in it: a system folder such as `/proc`.
    #[error("{}: the folder {} cannot hold files (a system folder such as /proc or /sys); choose a folder of your own, such as your home folder", .path.display(), .folder.display())]
    SystemFolder {
        /// The target file.
        path: PathBuf,
        /// Its folder.
        folder: PathBuf,
    },
    /// The target is a folder.
    #[error("{}: is a folder, not a file", .path.display())]
    IsFolder {
        /// The target.
        path: PathBuf,
    },
    /// The target is a device, a pipe or a socket: writing there would not keep a file.
    #[error("{}: is not a regular file (a device, pipe or socket); choose a file name in a folder", .path.display())]
    NotAFile {
        /// The target.
        path: PathBuf,
    },
    /// The file on disk is not the version that was opened or last saved: another program
    /// or a sync tool changed it. Nothing was written.
    #[error("{}: the file was changed on disk by another program since it was opened or last saved", .path.display())]
    ChangedOnDisk {
        /// The target file.
        path: PathBuf,
    },
    /// The operating system refused a step of the save.
    #[error("{}: could not {action}: {}", .path.display(), describe_io(.source))]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The underlying error.
        source: io::Error,
    },
}

/// An I/O error in words that say what to do.
pub(crate) fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        io::ErrorKind::PermissionDenied => {
            "permission denied (choose a folder you can write to, or check the file's permissions)"
                .to_owned()
        }
        io::ErrorKind::StorageFull => "the disk is full; free some space and try again".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_owned(),
        _ => err.to_string(),
    }
}

pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(RECURSION_LIMIT)
}

pub use super::document_parse::{ParseError, parse_document};

/// Turns a document into the text of a `.ron` file: pretty, stable and diff-friendly
/// (one field per line, fields in a fixed order, absent optional fields left out).
pub fn document_to_ron(doc: &Document) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("    ")
        .new_line("\n")
        .depth_limit(2)
        .escape_strings(false)
        .extensions(Extensions::IMPLICIT_SOME);
    let mut text = ron::Options::default().to_string_pretty(doc, config)?;
    text.push('\n');
    Ok(text)
}

/// Reads a whole file, refusing it once it passes `limit` bytes (even if it grows while
/// read); returns its bytes and what the file system said about it before reading.
fn read_bounded(path: &Path, limit: u64) -> Result<(Vec<u8>, fs::Metadata), LoadError> {
    let io_err = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > limit {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
        });
    }
    let file = fs::File::open(path).map_err(io_err)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    Ok((bytes, meta))
}

/// Reads a whole UTF-8 text file of at most `limit` bytes (documents and recovery copies),
/// with the line and column of the first invalid byte when it is not UTF-8. The text is
/// exactly the file's bytes (a byte-order mark included).
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<(String, fs::Metadata), LoadError> {
    let (bytes, meta) = read_bounded(path, limit)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, meta)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let (line, column) = line_and_column(err.as_bytes(), at);
            Err(LoadError::NotUtf8 {
                path: path.to_path_buf(),
                line,
                column,
            })
        }
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `bytes`, whose prefix
/// up to `at` is valid UTF-8.
fn line_and_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let prefix = String::from_utf8_lossy(&bytes[..at.min(bytes.len())]);
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// What a document file was like when it was read or written, to notice when another
/// program changes it in between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since 1970 (0 when the system has none).
    pub modified_ns: u64,
    /// Hash of the content, so that a file touched but not changed is not a change.
    pub hash: u64,
}

impl FileStamp {
    fn new(meta: &fs::Metadata, bytes: &[u8]) -> Self {
        Self {
            len: bytes.len() as u64,
            modified_ns: modified_ns(meta),
            hash: content_hash(bytes),
        }
    }
}

/// What the file at `path` is like now; `None` when there is no file.
pub fn file_stamp(path: &Path) -> io::Result<Option<FileStamp>> {
    match fs::read(path) {
        Ok(bytes) => {
            let meta = fs::metadata(path)?;
            Ok(Some(FileStamp::new(&meta, &bytes)))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

fn modified_ns(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn content_hash(bytes: &[u8]) -> u64 {
    // FxHash is deterministic across runs and builds, so stamps kept in a recovery copy
    // still compare after a restart.
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// Whether the file at `path` still is the version `expected` describes. A missing file
/// counts as unchanged: saving simply writes it again.
fn unchanged_since(path: &Path, expected: &FileStamp) -> Result<bool, SaveError> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(source) => {
            return Err(SaveError::Io {
                path: path.to_path_buf(),
                action: "check whether the file was changed",
                source,
            });
        }
    };
    if !meta.is_file() {
        return Ok(true); // the save itself reports what is wrong
    }
    if meta.len() == expected.len && modified_ns(&meta) == expected.modified_ns {
        return Ok(true);
    }
    if meta.len() != expected.len {
        return Ok(false);
    }
    let bytes = fs::read(path).map_err(|source| SaveError::Io {
        path: path.to_path_buf(),
        action: "check whether the file was changed",
        source,
    })?;
    Ok(content_hash(&bytes) == expected.hash)
}

/// Loads a document from a `.ron` file.
///
/// Refuses files over 256 MiB, non-UTF-8 files, syntax and type errors (with line and
/// column), and files from a newer format version. A file that parses but has validation
/// problems loads; see [`crate::model::validate`].
pub fn load_document(path: &Path) -> Result<Document, LoadError> {
    load_document_stamped(path).map(|(doc, _)| doc)
}

/// Loads a document and says what the file was like, for [`save_document_checked`].
pub fn load_document_stamped(path: &Path) -> Result<(Document, FileStamp), LoadError> {
    let (text, meta) = read_text(path, MAX_DOCUMENT_BYTES)?;
    let stamp = FileStamp::new(&meta, text.as_bytes());
    // A byte-order mark is legal UTF-8 but not RON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut doc = parse_document(text).map_err(|e| e.at(path))?;
    resolve_dataset_paths(&mut doc, path);
    Ok((doc, stamp))
}

/// Dataset paths are stored relative to the document's folder where possible; in memory
/// they are absolute, so that the document can be saved anywhere.
fn resolve_dataset_paths(doc: &mut Document, document_path: &Path) {
    let Some(folder) = document_path.parent() else {
        return;
    };
    for link in &mut doc.datasets {
        let p = Path::new(&link.path);
        if p.is_relative() && !link.path.is_empty() {
            link.path = folder.join(p).display().to_string();
        }
    }
}

/// The document as it is written to `document_path`: dataset paths inside that folder
/// become relative, so that a folder of a document and its data can be moved as one.
fn with_relative_dataset_paths<'d>(
    doc: &'d Document,
    document_path: &Path,
) -> std::borrow::Cow<'d, Document> {
    if doc.datasets.is_empty() {
        return std::borrow::Cow::Borrowed(doc);
    }
    let target = fs::canonicalize(document_path).unwrap_or_else(|_| document_path.to_path_buf());
    let Some(folder) = target.parent().or(document_path.parent()) else {
        return std::borrow::Cow::Borrowed(doc);
    };
    let folder = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let mut copy = doc.clone();
    for link in &mut copy.datasets {
        let p = PathBuf::from(&link.path);
        let absolute = fs::canonicalize(&p).unwrap_or(p);
        if let Ok(relative) = absolute.strip_prefix(&folder) {
            link.path = relative.display().to_string();
        }
    }
    std::borrow::Cow::Owned(copy)
}

/// The `.bak` file kept beside a saved document: `NAME.ron` → `NAME.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Saves a document atomically, keeping the previous version as `NAME.ron.bak`.
///
/// On any error the file on disk is unchanged.
pub fn save_document(path: &Path, doc: &Document) -> Result<(), SaveError> {
    save_document_checked(path, doc, None).map(|_| ())
}

/// Saves like [`save_document`], but first checks that the file on disk is still the
/// version `expected` describes (when given), and refuses with
/// [`SaveError::ChangedOnDisk`] otherwise. Returns what the new file is like.
pub fn save_document_checked(
    path: &Path,
    doc: &Document,
    expected: Option<&FileStamp>,
) -> Result<FileStamp, SaveError> {
    let text = document_to_ron(&with_relative_dataset_paths(doc, path))?;
    if let Some(expected) = expected
        && !unchanged_since(path, expected)?
    {
        return Err(SaveError::ChangedOnDisk {
            path: path.to_path_buf(),
        });
    }
    write_atomic(path, text.as_bytes())?;
    let meta = fs::metadata(path).map_err(|source| SaveError::Io {
        path: path.to_path_buf(),
        action: "read back the saved file's details",
        source,
    })?;
    Ok(FileStamp::new(&meta, text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_line_and_column() {
        let text = "(\n    format_version: 1,\n    title: 12,\n)";
        match parse_document(text) {
            Err(ParseError::Syntax { line, column, .. }) => {
                assert_eq!(line, 3);
                assert!(column >= 5, "column {column}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn newer_version_is_refused_even_with_unknown_fields() {
        let text = "(format_version: 99, title: \"x\", shiny_new_field: [1, 2])";
        assert_eq!(parse_document(text), Err(ParseError::NewerVersion(99)));
    }

    #[test]
    fn missing_version_is_refused() {
        assert_eq!(
            parse_document("(title: \"x\")"),
            Err(ParseError::MissingVersion)
        );
    }

    #[test]
    fn optional_fields_may_be_missing_and_some_may_be_implicit() {
        let doc = parse_document(
            "(format_version: 1, trade: [(id: 1, reporter: \"PAK\", partner: \"KAZ\", flow: Total, value_usd: 5.0), \
             (id: 2, reporter: \"PAK\", partner: \"KAZ\", flow: Export, value_usd: Some(6.0))])",
        )
        .unwrap();
        assert_eq!(doc.trade[0].value_usd, Some(5.0));
        assert_eq!(doc.trade[1].value_usd, Some(6.0));
        assert_eq!(doc.trade[0].year, None);
        assert!(doc.title.is_empty());
    }

    #[test]
    fn unknown_fields_are_errors() {
        let err = parse_document("(format_version: 1, titel: \"typo\")").unwrap_err();
        assert!(
            matches!(&err, ParseError::Syntax { message, .. } if message.contains("titel")),
            "{err:?}"
        );
    }

    #[test]
    fn a_document_cut_short_anywhere_says_it_looks_truncated() {
        let text = document_to_ron(&crate::io::bundled_document()).unwrap();
        // Cut after the version field (before it, the file has no version to read).
        let start = text.find("format_version").unwrap() + 40;
        let cuts: Vec<usize> = (start..text.len() - 1)
            .step_by(7)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        assert!(cuts.len() > 100);
        for cut in cuts {
            let err = parse_document(&text[..cut]).unwrap_err();
            assert!(
                matches!(err, ParseError::Truncated { .. }),
                "cut at {cut} ({:?}): {err:?}",
                &text[cut.saturating_sub(20)..cut]
            );
        }
        // Cut in the middle of a field name, as in a download that stopped there.
        let at = text.find("partner: \"KAZ\"").unwrap() + 3;
        let err = parse_document(&text[..at]).unwrap_err();
        assert!(matches!(err, ParseError::Truncated { .. }), "{err:?}");
        // An error in the middle is not called truncation.
        let typo = text.replacen("partner:", "partnr:", 1);
        assert!(matches!(
            parse_document(&typo),
            Err(ParseError::Syntax { .. })
        ));
    }

    #[test]
    fn a_truncated_file_names_its_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.ron");
        save_document(&path, &crate::io::bundled_document()).unwrap();
        save_document(&path, &crate::io::bundled_document()).unwrap(); // makes cut.ron.bak
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, &text[..text.len() / 2]).unwrap();
        let err = load_document(&path).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("looks truncated"), "{message}");
        assert!(message.contains("cut.ron.bak"), "{message}");
        assert!(err.location().is_some());
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_and_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é\nxé".as_bytes(), 6), (2, 3));
    }

    #[test]
    fn dataset_paths_are_relative_in_the_file_and_absolute_in_memory() {
        use crate::model::dataset::{DatasetLink, Layout};
        let dir = tempfile::tempdir().unwrap();
        let folder = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(folder.join("data")).unwrap();
        let inside = folder.join("data").join("baci.csv");
        let outside = PathBuf::from("/somewhere/else/comtrade.csv");
        let mut doc = Document::new();
        for (id, path) in [(1, &inside), (2, &outside)] {
            doc.datasets.push(DatasetLink {
                id,
                name: format!("d{id}"),
                path: path.display().to_string(),
                layout: Layout::Baci,
                mapping: None,
                rows: 10,
                size: 100,
                modified_ns: 0,
                fingerprint: String::new(),
                note: String::new(),
            });
        }
        let file = folder.join("doc.ron");
        save_document(&file, &doc).unwrap();
        let text = fs::read_to_string(&file).unwrap();
        assert!(text.contains("path: \"data/baci.csv\""), "{text}");
        assert!(text.contains("/somewhere/else/comtrade.csv"));
        let loaded = load_document(&file).unwrap();
        assert_eq!(loaded, doc);
    }

    #[test]
    fn temporaries_of_killed_saves_are_tidied_once_stale() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.ron");
        let stale = dir.path().join(".doc.ron.AbC123.tmp");
        let stale_bak = dir.path().join(".doc.ron.bak.XyZ789.tmp");
        let fresh = dir.path().join(".doc.ron.Fresh1.tmp");
        let other = dir.path().join(".other.ron.AbC123.tmp");
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for path in [&stale, &stale_bak, &fresh, &other] {
            let f = fs::File::create(path).unwrap();
            if path != &fresh {
                f.set_modified(two_hours_ago).unwrap();
            }
        }
        save_document(&file, &Document::new()).unwrap();
        assert!(!stale.exists() && !stale_bak.exists(), "stale ones go");
        assert!(fresh.exists(), "a save that may be running is left alone");
        assert!(other.exists(), "another document's files are not touched");
    }

    #[test]
    fn backup_path_appends_bak() {
        assert_eq!(
            backup_path(Path::new("/a/b/doc.ron")),
            PathBuf::from("/a/b/doc.ron.bak")
        );
    }

    #[test]
    fn empty_and_foreign_files_are_named_as_such() {
        assert_eq!(parse_document(""), Err(ParseError::Empty));
        assert_eq!(
            parse_document("  \n// only a comment\n"),
            Err(ParseError::Empty)
        );
        assert_eq!(
            parse_document("this is not a document"),
            Err(ParseError::NotADocument(
                "this is not a document".into(),
                false
            ))
        );
        assert_eq!(
            parse_document("year,reporter,partner\n2020,PAK,KAZ\n"),
            Err(ParseError::NotADocument(
                "year,reporter,partner".into(),
                true
            ))
        );
        // Comments, attributes and the struct name before the `(` are a document's start.
        let text = "#![enable(implicit_some)]\n// saved\nDocument(format_version: 1)";
        assert!(!matches!(
            parse_document(text),
            Err(ParseError::Empty | ParseError::NotADocument(..))
        ));
        let message = ParseError::NotADocument("a;b;c".into(), true)
            .at(Path::new("t.ron"))
            .to_string();
        assert!(message.contains("use File > Import data"), "{message}");
    }
}
