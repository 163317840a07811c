//! Noticing when another program changes the open document.
//!
//! The document's folder is watched (the `notify` crate: inotify on Linux); a change to the
//! file is followed, after a short pause that lets the other program finish writing, by a
//! look at the file off the UI thread. A file that really changed (not only touched, and
//! not our own save) raises the bar that offers Reload, or reloads by itself when the user
//! chose so and nothing is unsaved. When watching is impossible, Save still checks the file
//! first, as it always did.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use eframe::egui;
use notify::Watcher as _;

use crate::io;
use crate::io::FileStamp;
use crate::state::FileChanged;

use super::TradeApp;
use super::files::JobResult;

/// Editors write in several steps: wait this long after the last change notice.
const SETTLE: Duration = Duration::from_millis(250);

/// Watches one file (through its folder).
pub(super) struct FileWatcher {
    ctx: egui::Context,
    watcher: Option<notify::RecommendedWatcher>,
    path: Option<PathBuf>,
    rx: Option<Receiver<()>>,
    /// A change was noticed; look at the file once this time has come.
    check_at: Option<Instant>,
    /// Why watching does not work, if it does not.
    error: Option<String>,
}

impl FileWatcher {
    pub(super) fn new(ctx: &egui::Context) -> Self {
        Self {
            ctx: ctx.clone(),
            watcher: None,
            path: None,
            rx: None,
            check_at: None,
            error: None,
        }
    }

    /// The file watched, if any.
    pub(super) fn watched(&self) -> Option<&Path> {
        self.watcher.as_ref().and(self.path.as_deref())
    }

    /// Watches `path` from now on (None: nothing).
    fn watch(&mut self, path: Option<&Path>) {
        self.watcher = None;
        self.rx = None;
        self.check_at = None;
        self.error = None;
        self.path = path.map(Path::to_path_buf);
        let Some(path) = path else {
            return;
        };
        match start(path, &self.ctx) {
            Ok((watcher, rx)) => {
                self.watcher = Some(watcher);
                self.rx = Some(rx);
            }
            Err(err) => {
                log::warn!("cannot watch {}: {err}", path.display());
                self.error = Some(err);
            }
        }
    }

    /// True when a look at the file is due now; asks for a wake-up when one is due later.
    fn due(&mut self) -> bool {
        let Some(rx) = &self.rx else {
            return false;
        };
        if rx.try_iter().count() > 0 {
            self.check_at = Some(Instant::now() + SETTLE);
        }
        match self.check_at {
            Some(at) if at <= Instant::now() => {
                self.check_at = None;
                true
            }
            Some(at) => {
                self.ctx
                    .request_repaint_after(at.saturating_duration_since(Instant::now()));
                false
            }
            None => false,
        }
    }
}

fn start(
    path: &Path,
    ctx: &egui::Context,
) -> Result<(notify::RecommendedWatcher, Receiver<()>), String> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = path.file_name().map(|n| n.to_os_string());
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        if event.kind.is_access() {
            return;
        }
        // Saves by rename show up under the file's own name; temporary files do not.
        if event.paths.iter().any(|p| p.file_name() == name.as_deref()) {
            let _ = tx.send(());
            ctx.request_repaint();
        }
    })
    .map_err(|e| e.to_string())?;
    watcher
        .watch(&folder, notify::RecursiveMode::NonRecursive)
        .map_err(|e| e.to_string())?;
    Ok((watcher, rx))
}

impl TradeApp {
    /// Starts watching the document's file (or stops, when it has none).
    pub(super) fn watch_document(&mut self) {
        let path = self.origin.path().map(Path::to_path_buf);
        if self.watcher.path != path {
            self.watcher.watch(path.as_deref());
        }
    }

    /// Looks at the file when a change notice has settled.
    pub(super) fn poll_watcher(&mut self) {
        // Our own save also changes the file: look only once it has reported back.
        if self.busy.is_some() {
            if self.watcher.check_at.is_none() && self.watcher.rx.is_some() {
                self.watcher.check_at = Some(Instant::now() + SETTLE);
            }
            return;
        }
        if !self.watcher.due() {
            return;
        }
        let Some(path) = self.origin.path().map(Path::to_path_buf) else {
            return;
        };
        self.pending_jobs += 1;
        let spawned = self.jobs.spawn("check", &self.ctx, move |reply| {
            let stamp = io::file_stamp(&path).map_err(|e| e.to_string());
            reply.send(JobResult::Checked { path, stamp });
        });
        if spawned.is_err() {
            self.pending_jobs -= 1;
        }
    }

    /// What the look at the file found.
    pub(super) fn checked(&mut self, path: PathBuf, stamp: Result<Option<FileStamp>, String>) {
        // The document may have been saved elsewhere or replaced meanwhile.
        if self.origin.path() != Some(path.as_path()) || self.busy.is_some() {
            return;
        }
        let stamp = match stamp {
            Ok(Some(stamp)) => stamp,
            // Gone (moved or deleted): Save writes it again; nothing to reload.
            Ok(None) => return,
            Err(err) => {
                log::warn!("could not look at {}: {err}", path.display());
                return;
            }
        };
        match &self.disk {
            Some(disk) if disk.len == stamp.len && disk.hash == stamp.hash => {
                // Touched, or our own save: the same content.
                self.disk = Some(stamp);
                return;
            }
            Some(_) => {}
            // A document never read from this file (restored, say) has nothing to compare.
            None => return,
        }
        let unsaved = self.history.is_dirty();
        if !unsaved && self.settings.auto_reload {
            self.ui_state.file_changed = None;
            self.ui_state.toast(format!(
                "Reloaded {}: another program changed it",
                self.document_name()
            ));
            self.start_load(path);
        } else {
            self.ui_state.file_changed = Some(FileChanged { path, unsaved });
        }
    }
}
