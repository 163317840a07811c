//! Writing a file so that it is always either the complete old version or the complete
//! new one: a temporary file in the same folder, flushed to disk, renamed over the target,
//! the folder synced; the previous version optionally kept as `NAME.bak`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::document_file::{SaveError, backup_path};

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename), keeping the
/// previous content as `path.bak`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_file_atomic(path, bytes, true)
}

/// Writes `bytes` to `path` atomically; with `backup`, keeps the previous content as
/// `path.bak`.
pub fn write_file_atomic(path: &Path, bytes: &[u8], backup: bool) -> Result<(), SaveError> {
    // Saving through a symbolic link must replace the file it points to, not the link.
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(SaveError::FolderMissing {
            path: target.clone(),
            folder,
        });
    }
    let existing = fs::metadata(&target).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(SaveError::IsFolder { path: target });
        }
        if !meta.is_file() {
            return Err(SaveError::NotAFile { path: target });
        }
        if meta.permissions().readonly() {
            return Err(SaveError::ReadOnly { path: target });
        }
    }
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| SaveError::Io {
            path,
            action,
            source,
        }
    };

    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".to_owned());
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(|source| {
            // /proc and /sys exist but refuse new files with "not found".
            if source.kind() == std::io::ErrorKind::NotFound && folder.is_dir() {
                SaveError::SystemFolder {
                    path: target.clone(),
                    folder: folder.clone(),
                }
            } else {
                io("create a temporary file in the folder", &folder)(source)
            }
        })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .map_err(io("write the new version", &target))?;
    tmp.as_file()
        .sync_all()
        .map_err(io("write the new version to disk", &target))?;
    if let Some(meta) = &existing {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(io("keep the file's permissions", &target))?;
    } else {
        set_default_permissions(tmp.as_file());
    }

    if backup && existing.is_some() {
        keep_backup(&target, &folder, &name)?;
    }

    tmp.persist(&target)
        .map_err(|e| io("replace the file with the new version", &target)(e.error))?;
    sync_folder(&folder);
    remove_stale_temporaries(&folder, &name);
    Ok(())
}

/// A temporary file older than this belongs to a save that was killed or crashed: no save
/// takes that long.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes the temporary files that killed saves of `name` left in `folder` (hidden
/// `.NAME.xxxx.tmp` files), so that they do not pile up beside the user's document.
/// Recent ones are left alone: they may belong to a save running right now.
pub(crate) fn remove_stale_temporaries(folder: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if !file_name.starts_with(&prefix) || !file_name.ends_with(".tmp") {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMPORARY);
        if stale && let Err(err) = fs::remove_file(entry.path()) {
            log::warn!("could not delete {}: {err}", entry.path().display());
        }
    }
}

/// Copies the current version to `NAME.bak` through its own temporary file, so that the
/// backup is never partial either.
fn keep_backup(target: &Path, folder: &Path, name: &str) -> Result<(), SaveError> {
    let bak = backup_path(target);
    let io = |action: &'static str| {
        let path = bak.clone();
        move |source| SaveError::Io {
            path,
            action,
            source,
        }
    };
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.bak."))
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(io("create the backup"))?;
    fs::copy(target, tmp.path()).map_err(io("copy the previous version to the backup"))?;
    tmp.as_file()
        .sync_all()
        .map_err(io("write the backup to disk"))?;
    tmp.persist(&bak)
        .map_err(|e| io("replace the backup")(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn set_default_permissions(file: &fs::File) {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates 0600; a document is an ordinary file. Failure here is harmless.
    if let Err(err) = file.set_permissions(fs::Permissions::from_mode(0o644)) {
        log::warn!("could not set permissions of the new file: {err}");
    }
}

#[cfg(not(unix))]
fn set_default_permissions(_file: &fs::File) {}

/// Makes the rename durable. Failure only weakens durability after a power cut, so it is
/// logged rather than reported.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Err(err) = fs::File::open(folder).and_then(|d| d.sync_all()) {
        log::warn!("could not sync folder {}: {err}", folder.display());
    }
    #[cfg(not(unix))]
    let _ = folder;
}
