//! Autosave of unsaved work into a recovery copy, and the offer to restore copies that
//! crashed or killed windows left behind (see [`crate::io::recovery`]).
//!
//! A copy is written once the edits pause for [`AutosavePolicy::quiet`], and at least every
//! [`AutosavePolicy::interval`] while edits go on without a pause. Writing happens on a
//! background thread from a copy of the document; the UI never waits for the disk.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;

use crate::io::recovery::{Orphan, RecoveryMeta, RecoveryStore, read_recovery, unix_now};
use crate::model::Document;
use crate::state::RecoveryDescription;

use super::jobs::Jobs;

/// When recovery copies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutosavePolicy {
    /// A copy is written once the document has not changed for this long.
    pub quiet: Duration,
    /// While edits go on without a pause, a copy is written at least this often.
    pub interval: Duration,
}

impl Default for AutosavePolicy {
    fn default() -> Self {
        Self {
            quiet: Duration::from_secs(2),
            interval: Duration::from_secs(30),
        }
    }
}

/// A recovery copy found at start-up, read and described for the restore dialog.
#[derive(Debug)]
pub struct RecoveryOffer {
    /// The copy, locked while offered.
    orphan: Orphan,
    /// What it holds, or why it cannot be read.
    content: Result<(RecoveryMeta, Document), String>,
    /// What the dialog says about it.
    pub description: RecoveryDescription,
}

impl RecoveryOffer {
    fn new(orphan: Orphan, content: Result<(RecoveryMeta, Document), String>) -> Self {
        let description = match &content {
            Ok((meta, doc)) => RecoveryDescription {
                document: match (&meta.document_path, meta.bundled) {
                    (Some(path), _) => path.display().to_string(),
                    (None, true) => format!("{} (the bundled dataset)", crate::io::BUNDLED_NAME),
                    (None, false) => "Untitled document (never saved)".to_owned(),
                },
                written: describe_time(meta.written_at),
                contents: describe_document(doc),
                readable: true,
            },
            Err(err) => RecoveryDescription {
                document: orphan.path.display().to_string(),
                written: String::new(),
                contents: format!("The copy cannot be read: {err}"),
                readable: false,
            },
        };
        Self {
            orphan,
            content,
            description,
        }
    }

    /// The copy's file.
    pub fn path(&self) -> &std::path::Path {
        &self.orphan.path
    }
}

/// "2026-11-29 06:40 (3 minutes ago)", in the system's time zone.
fn describe_time(written_at: u64) -> String {
    let ago = unix_now().saturating_sub(written_at);
    let ago = match ago {
        0..60 => "less than a minute ago".to_owned(),
        60..3600 => crate::model::format::count((ago / 60) as usize, "minute") + " ago",
        3600..86_400 => crate::model::format::count((ago / 3600) as usize, "hour") + " ago",
        _ => crate::model::format::count((ago / 86_400) as usize, "day") + " ago",
    };
    let when = i64::try_from(written_at)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M %Z")
                .to_string()
        })
        .unwrap_or_else(|| "at an unknown time".to_owned());
    format!("{when} ({ago})")
}

fn describe_document(doc: &Document) -> String {
    use crate::model::format::count;
    let mut parts = vec![
        count(doc.trade.len(), "trade record"),
        count(doc.investments.len(), "investment"),
        count(doc.sources.len(), "source"),
    ];
    if !doc.datasets.is_empty() {
        parts.push(count(doc.datasets.len(), "linked dataset"));
    }
    let title = if doc.title.trim().is_empty() {
        String::new()
    } else {
        format!("\u{201c}{}\u{201d}: ", doc.title.trim())
    };
    format!("{title}{}", parts.join(", "))
}

enum Event {
    Written {
        state: u64,
        result: Result<(), String>,
    },
    Found(Vec<RecoveryOffer>),
}

/// The autosave state of one window.
pub struct Autosave {
    store: Option<Arc<RecoveryStore>>,
    policy: AutosavePolicy,
    events: Jobs<Event>,
    /// History state seen last, and when it changed.
    last_state: Option<u64>,
    changed_at: Instant,
    /// Since when the document has differed from the copy on disk.
    pending_since: Option<Instant>,
    /// History state the copy on disk holds.
    written: Option<u64>,
    in_flight: Option<u64>,
    /// Whether a copy of this window may exist on disk.
    copy_exists: bool,
    /// No new attempt before this, after a failed write.
    retry_at: Option<Instant>,
    /// Why the last write failed, for the status bar.
    error: Option<String>,
    /// Copies found at start-up, waiting for the user's answer (first one shown).
    offers: VecDeque<RecoveryOffer>,
    writes: u64,
}

impl Default for Autosave {
    fn default() -> Self {
        Self {
            store: None,
            policy: AutosavePolicy::default(),
            events: Jobs::default(),
            last_state: None,
            changed_at: Instant::now(),
            pending_since: None,
            written: None,
            in_flight: None,
            copy_exists: false,
            retry_at: None,
            error: None,
            offers: VecDeque::new(),
            writes: 0,
        }
    }
}

impl Autosave {
    /// Autosave into `folder`; a folder that cannot be used is reported in the status bar
    /// and autosave is off.
    pub fn open(folder: PathBuf, policy: AutosavePolicy) -> Self {
        let mut autosave = Self {
            policy,
            ..Self::default()
        };
        match RecoveryStore::open(&folder) {
            Ok(store) => autosave.store = Some(Arc::new(store)),
            Err(err) => {
                autosave.error = Some(format!(
                    "Autosave is off: the folder {} cannot be used ({err})",
                    folder.display()
                ));
            }
        }
        autosave
    }

    /// Whether autosave works.
    pub fn enabled(&self) -> bool {
        self.store.is_some()
    }

    /// Where this window's copy goes, when autosave works.
    pub fn copy_path(&self) -> Option<PathBuf> {
        self.store.as_ref().map(|s| s.copy_path())
    }

    /// History state held by the copy on disk, if any.
    pub fn written_state(&self) -> Option<u64> {
        self.written
    }

    /// How many copies were written.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Why autosave failed last, if it did.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The recovery copy offered now, if any.
    pub fn offer(&self) -> Option<&RecoveryOffer> {
        self.offers.front()
    }

    /// Looks for copies left by windows that are gone, off the UI thread.
    pub fn scan(&self, ctx: &egui::Context) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let spawned = self.events.spawn("recovery-scan", ctx, move |reply| {
            let offers: Vec<RecoveryOffer> = store
                .orphans()
                .into_iter()
                .map(|orphan| {
                    let content = read_recovery(&orphan.path).map_err(|e| e.to_string());
                    RecoveryOffer::new(orphan, content)
                })
                .collect();
            drop(store);
            if !offers.is_empty() {
                reply.send(Event::Found(offers));
            }
        });
        if let Err(err) = spawned {
            log::warn!("could not look for recovery copies: {err}");
        }
    }

    /// Takes the offer shown: its metadata and document, or why it cannot be read. A
    /// readable copy becomes this window's own copy; call [`Autosave::adopted`] with the
    /// restored document's history state.
    pub fn take_restore(&mut self) -> Option<Result<(RecoveryMeta, Document), String>> {
        let offer = self.offers.pop_front()?;
        let content = match offer.content {
            Ok(content) => content,
            Err(err) => {
                // Left in place and offered again at the next start (Discard deletes it).
                return Some(Err(err));
            }
        };
        let Some(store) = &self.store else {
            return Some(Ok(content));
        };
        // The copy stays where it is if it cannot be moved: it is offered again next time,
        // and this window writes its own copy of the restored work soon anyway.
        match store.adopt(offer.orphan) {
            Ok(()) => self.copy_exists = true,
            Err(err) => log::warn!("could not take over the recovery copy: {err}"),
        }
        Some(Ok(content))
    }

    /// The restored document is at history state `state`, and the copy on disk holds it.
    pub fn adopted(&mut self, state: u64) {
        if self.copy_exists {
            self.written = Some(state);
            self.last_state = Some(state);
            self.pending_since = None;
        }
    }

    /// Deletes the copy offered now. Returns why that failed, if it did.
    pub fn discard_offer(&mut self) -> Result<(), String> {
        match self.offers.pop_front() {
            Some(offer) => {
                let path = offer.orphan.path.clone();
                offer
                    .orphan
                    .discard()
                    .map_err(|e| format!("{}: {e}", path.display()))
            }
            None => Ok(()),
        }
    }

    /// Leaves the copy offered now for a later start.
    pub fn keep_offer(&mut self) {
        self.offers.pop_front();
    }

    fn drain(&mut self) {
        let events: Vec<Event> = self.events.drain().collect();
        for event in events {
            match event {
                Event::Written { state, result } => {
                    if self.in_flight == Some(state) {
                        self.in_flight = None;
                    }
                    match result {
                        Ok(()) => {
                            self.written = Some(state);
                            self.error = None;
                            self.retry_at = None;
                            self.writes += 1;
                        }
                        Err(err) => {
                            self.error = Some(format!("Autosave failed: {err}"));
                            self.retry_at = Some(Instant::now() + self.policy.interval);
                        }
                    }
                }
                Event::Found(offers) => self.offers.extend(offers),
            }
        }
    }

    /// Called every frame: writes a copy when one is due, deletes it when the document has
    /// no unsaved changes, and asks for a repaint when the next write falls due.
    pub fn tick(
        &mut self,
        ctx: &egui::Context,
        dirty: bool,
        state: u64,
        doc: &Document,
        meta: impl FnOnce() -> RecoveryMeta,
    ) {
        self.drain();
        let Some(store) = self.store.clone() else {
            return;
        };
        let now = Instant::now();
        if self.last_state != Some(state) {
            self.last_state = Some(state);
            self.changed_at = now;
        }
        if !dirty {
            self.pending_since = None;
            // A write still running would bring the copy back: wait for it first.
            if self.copy_exists && self.in_flight.is_none() {
                match store.remove() {
                    Ok(()) => {
                        self.copy_exists = false;
                        self.written = None;
                    }
                    Err(err) => {
                        self.error = Some(format!("Could not delete the recovery copy: {err}"))
                    }
                }
            }
            return;
        }
        if self.written == Some(state) || self.in_flight == Some(state) {
            self.pending_since = None;
            return;
        }
        let since = *self.pending_since.get_or_insert(now);
        if self.in_flight.is_some() {
            return; // its result asks for a repaint
        }
        let mut wait = self
            .policy
            .quiet
            .saturating_sub(now - self.changed_at)
            .min(self.policy.interval.saturating_sub(now - since));
        if let Some(retry) = self.retry_at {
            wait = wait.max(retry.saturating_duration_since(now));
        }
        if !wait.is_zero() {
            ctx.request_repaint_after(wait);
            return;
        }
        self.start_write(ctx, store, state, doc.clone(), meta());
    }

    fn start_write(
        &mut self,
        ctx: &egui::Context,
        store: Arc<RecoveryStore>,
        state: u64,
        doc: Document,
        meta: RecoveryMeta,
    ) {
        self.in_flight = Some(state);
        self.copy_exists = true;
        self.pending_since = None;
        let spawned = self.events.spawn("autosave", ctx, move |reply| {
            let result = store.write(&meta, &doc).map_err(|e| e.to_string());
            // Let go of the store (and its lock) before reporting, so that once the
            // window has the answer and closes, no thread of it still holds the lock.
            drop(store);
            reply.send(Event::Written { state, result });
        });
        if let Err(err) = spawned {
            self.in_flight = None;
            self.error = Some(format!("Autosave failed: {err}"));
            self.retry_at = Some(Instant::now() + self.policy.interval);
        }
    }

    /// At exit: waits briefly for a write still running, then deletes the copy and the
    /// lock when `discard` (no unsaved work, or the user chose not to save it).
    pub fn close(&mut self, discard: bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.in_flight.is_some() {
            match self
                .events
                .wait(deadline.saturating_duration_since(Instant::now()))
            {
                Some(Event::Written { state, .. }) if self.in_flight == Some(state) => {
                    self.in_flight = None;
                }
                Some(_) => {}
                None => break,
            }
        }
        let Some(store) = self.store.take() else {
            return;
        };
        if !discard {
            return; // the copy stays, offered at the next start
        }
        match Arc::try_unwrap(store) {
            Ok(store) => {
                if let Err(err) = store.close() {
                    log::warn!("could not delete the recovery copy: {err}");
                }
            }
            Err(store) => {
                if let Err(err) = store.remove() {
                    log::warn!("could not delete the recovery copy: {err}");
                }
            }
        }
    }
}
