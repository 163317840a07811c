//! Recovery copies of unsaved documents, so that a crash or a kill loses at most the last
//! few seconds of work.
//!
//! Each running window owns one *store*: a lock file `ID.lock`, held with an exclusive
//! lock for as long as the window lives, and at most one recovery copy `ID.recovery.ron`
//! beside it. Because the id is unique per window (process id, time and a counter), two
//! windows or two running instances never write the same copy. A copy whose lock can be
//! taken belongs to a window that is gone (crashed, killed, or the machine stopped): that
//! is an *orphan*, offered for restoring at the next start. Whoever offers it holds its
//! lock meanwhile, so that two instances starting together never offer the same copy.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ron::extensions::Extensions;
use serde::{Deserialize, Serialize};

use super::document_file::{
    FileStamp, LoadError, MAX_DOCUMENT_BYTES, ParseError, RECURSION_LIMIT, SaveError, read_text,
    ron_options,
};
use crate::model::Document;

/// Version of the recovery file layout (not of the document inside).
const RECOVERY_VERSION: u32 = 1;
const COPY_SUFFIX: &str = ".recovery.ron";
const LOCK_SUFFIX: &str = ".lock";

/// What a recovery copy says about the document it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryMeta {
    /// When the copy was written, in seconds since 1970 (UTC).
    pub written_at: u64,
    /// The file the document was opened from or last saved to, if any.
    pub document_path: Option<PathBuf>,
    /// Whether the document started as the bundled dataset.
    pub bundled: bool,
    /// The file as it was when opened or last saved, to notice later changes on disk.
    pub disk: Option<FileStamp>,
}

impl RecoveryMeta {
    /// Metadata for a copy written now.
    pub fn now(document_path: Option<PathBuf>, bundled: bool, disk: Option<FileStamp>) -> Self {
        Self {
            written_at: unix_now(),
            document_path,
            bundled,
            disk,
        }
    }
}

/// Seconds since 1970, or 0 when the clock is before it.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The file: its metadata, then the document. Written and read with the same RON options
/// as documents, so that every document that saves also recovers.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecoveryFile {
    recovery_version: u32,
    meta: RecoveryMeta,
    document: Document,
}

#[derive(Serialize)]
struct RecoveryFileRef<'a> {
    recovery_version: u32,
    meta: &'a RecoveryMeta,
    document: &'a Document,
}

/// The document file's options, with one level more of nesting for the wrapper.
fn options() -> ron::Options {
    ron_options().with_recursion_limit(RECURSION_LIMIT + 1)
}

/// The text of a recovery copy.
pub fn recovery_text(meta: &RecoveryMeta, doc: &Document) -> Result<String, ron::Error> {
    let file = RecoveryFileRef {
        recovery_version: RECOVERY_VERSION,
        meta,
        document: doc,
    };
    let config = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .depth_limit(3)
        .extensions(Extensions::IMPLICIT_SOME);
    options().to_string_pretty(&file, config)
}

/// Reads a recovery copy.
pub fn read_recovery(path: &Path) -> Result<(RecoveryMeta, Document), LoadError> {
    // The wrapper adds little to the document: twice a document's limit is plenty.
    let (text, _) = read_text(path, MAX_DOCUMENT_BYTES * 2)?;
    let file: RecoveryFile = options()
        .from_str(&text)
        .map_err(|e| ParseError::syntax(e).at(path))?;
    if file.recovery_version > RECOVERY_VERSION {
        return Err(LoadError::NewerVersion {
            path: path.to_path_buf(),
            found: file.recovery_version,
            supported: RECOVERY_VERSION,
        });
    }
    Ok((file.meta, file.document))
}

/// The recovery folder and this window's place in it.
#[derive(Debug)]
pub struct RecoveryStore {
    folder: PathBuf,
    id: String,
    /// Held locked for as long as the store lives: the sign that this window is alive.
    lock: std::sync::Mutex<File>,
}

/// A recovery copy left by a window that is gone. Its lock is held by this value, so no
/// other instance offers it at the same time; dropping the value leaves the copy for a
/// later start.
#[derive(Debug)]
pub struct Orphan {
    /// The copy.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    lock_path: PathBuf,
    _lock: File,
}

impl Orphan {
    /// Deletes the copy (the user discarded it).
    pub fn discard(self) -> io::Result<()> {
        remove_if_present(&self.path)?;
        // The lock file goes last: until then, nobody else can take the copy.
        remove_if_present(&self.lock_path)
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Opens (creating if needed) `path` and takes its exclusive lock without waiting.
/// `Ok(None)` when someone else holds it.
fn try_lock(path: &Path) -> io::Result<Option<File>> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(err)) => Err(err),
    }
}

impl RecoveryStore {
    /// A store for a new window in `folder` (created if missing).
    pub fn open(folder: &Path) -> io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        fs::create_dir_all(folder)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for _ in 0..16 {
            let id = format!(
                "{}-{:x}-{}",
                std::process::id(),
                nanos,
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let lock_path = folder.join(format!("{id}{LOCK_SUFFIX}"));
            // A fresh id whose lock is taken (impossible in practice) is simply skipped.
            if let Some(lock) = try_lock(&lock_path)? {
                return Ok(Self {
                    folder: folder.to_path_buf(),
                    id,
                    lock: std::sync::Mutex::new(lock),
                });
            }
        }
        Err(io::Error::other("no free recovery slot"))
    }

    /// The folder of the copies.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Where this window's copy is written.
    pub fn copy_path(&self) -> PathBuf {
        self.folder.join(format!("{}{COPY_SUFFIX}", self.id))
    }

    fn lock_path(&self) -> PathBuf {
        self.folder.join(format!("{}{LOCK_SUFFIX}", self.id))
    }

    /// Writes this window's copy atomically (a crash mid-write leaves the previous copy).
    pub fn write(&self, meta: &RecoveryMeta, doc: &Document) -> Result<(), SaveError> {
        let text = recovery_text(meta, doc)?;
        // The folder may have been deleted and made again meanwhile: without its lock file
        // this live copy would look like an orphan to other instances.
        if !self.lock_path().exists()
            && let Ok(Some(lock)) = try_lock(&self.lock_path())
            && let Ok(mut held) = self.lock.lock()
        {
            *held = lock;
        }
        super::write_file_atomic(&self.copy_path(), text.as_bytes(), false)
    }

    /// Deletes this window's copy, if there is one.
    pub fn remove(&self) -> io::Result<()> {
        remove_if_present(&self.copy_path())
    }

    /// Deletes the copy and the lock file, when the window closes normally.
    pub fn close(self) -> io::Result<()> {
        self.remove()?;
        remove_if_present(&self.lock_path())
    }

    /// Copies left by windows that are gone, oldest first. Their locks are taken; lock files
    /// of gone windows that left no copy are tidied away.
    pub fn orphans(&self) -> Vec<Orphan> {
        let Ok(entries) = fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let (id, is_copy) = if let Some(id) = name.strip_suffix(COPY_SUFFIX) {
                (id, true)
            } else if let Some(id) = name.strip_suffix(LOCK_SUFFIX) {
                (id, false)
            } else {
                continue;
            };
            if id == self.id || id.starts_with('.') {
                continue;
            }
            let copy = self.folder.join(format!("{id}{COPY_SUFFIX}"));
            let lock_path = self.folder.join(format!("{id}{LOCK_SUFFIX}"));
            if !is_copy {
                if !copy.exists()
                    && let Ok(Some(_lock)) = try_lock(&lock_path)
                {
                    let _ = fs::remove_file(&lock_path);
                }
                continue;
            }
            let Ok(Some(lock)) = try_lock(&lock_path) else {
                continue; // its window is alive, or the folder cannot be written
            };
            // The copy may have been taken by another instance between the listing and
            // the lock.
            let Ok(meta) = fs::metadata(&copy) else {
                continue;
            };
            found.push((
                meta.modified().ok(),
                Orphan {
                    path: copy,
                    size: meta.len(),
                    lock_path,
                    _lock: lock,
                },
            ));
        }
        found.sort_by_key(|(modified, _)| *modified);
        found.into_iter().map(|(_, orphan)| orphan).collect()
    }

    /// Makes an orphan this window's own copy (after restoring it), so that the restored
    /// work stays protected without being written again.
    pub fn adopt(&self, orphan: Orphan) -> io::Result<()> {
        fs::rename(&orphan.path, self.copy_path())?;
        remove_if_present(&orphan.lock_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn sample() -> Document {
        let mut doc = Document::new();
        doc.title = "Recovered \"quotes\" and ünïcode".to_owned();
        doc
    }

    #[test]
    fn a_copy_round_trips_with_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let store = RecoveryStore::open(dir.path()).unwrap();
        let meta = RecoveryMeta::now(Some(PathBuf::from("/x/doc.ron")), false, None);
        store.write(&meta, &sample()).unwrap();
        let (read_meta, doc) = read_recovery(&store.copy_path()).unwrap();
        assert_eq!(read_meta, meta);
        assert_eq!(doc, sample());
        // Every kind of record, as in the bundled dataset.
        let bundled = crate::io::bundled_document();
        assert!(!bundled.trade.is_empty() && !bundled.investments.is_empty());
        store.write(&meta, &bundled).unwrap();
        assert_eq!(read_recovery(&store.copy_path()).unwrap().1, bundled);
    }

    #[test]
    fn a_live_store_is_not_an_orphan_and_a_dropped_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let first = RecoveryStore::open(dir.path()).unwrap();
        let second = RecoveryStore::open(dir.path()).unwrap();
        assert_ne!(first.copy_path(), second.copy_path());
        let meta = RecoveryMeta::now(None, false, None);
        first.write(&meta, &sample()).unwrap();
        assert!(second.orphans().is_empty(), "the first store is alive");
        let copy = first.copy_path();
        drop(first); // as if its process had died: the lock is released
        let orphans = second.orphans();
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].path, copy);
        // While one instance holds the orphan, another does not offer it too.
        let third = RecoveryStore::open(dir.path()).unwrap();
        assert!(third.orphans().is_empty());
        drop(orphans);
        assert_eq!(third.orphans().len(), 1);
    }

    #[test]
    fn adopting_moves_the_copy_and_discarding_deletes_it() {
        let dir = tempfile::tempdir().unwrap();
        let gone = RecoveryStore::open(dir.path()).unwrap();
        gone.write(&RecoveryMeta::now(None, true, None), &sample())
            .unwrap();
        drop(gone);
        let store = RecoveryStore::open(dir.path()).unwrap();
        let orphan = store.orphans().pop().unwrap();
        store.adopt(orphan).unwrap();
        assert!(store.copy_path().is_file());
        assert!(store.orphans().is_empty());
        let files = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 2, "own copy and own lock only");

        let copy = store.copy_path();
        drop(store);
        let next = RecoveryStore::open(dir.path()).unwrap();
        next.orphans().pop().unwrap().discard().unwrap();
        assert!(!copy.exists());
        next.close().unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_corrupt_copy_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.recovery.ron");
        fs::write(&path, "(recovery_version: 1, meta: (written_at: 5").unwrap();
        assert!(matches!(
            read_recovery(&path),
            Err(LoadError::Syntax { .. })
        ));
    }
}
