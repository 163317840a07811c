//! The state of dialogs and questions: what each shows and what the user typed so far.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use crate::io::import::{Layout, MappingRoles, Progress};
use crate::model::RecordKind;

use super::commands::{Guarded, PathPurpose};

/// A save that found the file changed on disk, waiting for the user's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedOnDisk {
    /// The file.
    pub path: PathBuf,
    /// What was to happen after the save.
    pub then: Option<Guarded>,
}

/// The dialog asking for a path by text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrompt {
    /// What the path is for.
    pub purpose: PathPurpose,
    /// The text typed so far.
    pub text: String,
    /// Why the prompt is shown, when it replaces a file dialog.
    pub note: Option<String>,
    /// Whether a file exists at the typed path (checked when the text changes).
    pub exists: bool,
}

/// A message for the user, shown in a modal until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Heading.
    pub title: String,
    /// The message.
    pub text: String,
}

/// Deleting sources that records still cite waits for an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingDelete {
    /// The list.
    pub kind: RecordKind,
    /// The rows.
    pub rows: BTreeSet<usize>,
    /// The question, naming the citing records.
    pub question: String,
}

/// What the restore dialog shows about a recovery copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryDescription {
    /// The file the work belongs to ("Untitled document" when it never had one).
    pub document: String,
    /// When the copy was written, in local time, and how long ago.
    pub written: String,
    /// What the document holds, or why the copy cannot be read.
    pub contents: String,
    /// Whether the copy can be restored.
    pub readable: bool,
}

/// The import dialogs, one at a time.
#[derive(Debug, Clone)]
pub enum ImportDialog {
    /// Choosing the columns of a file whose layout is not known.
    Mapping(MappingDialog),
    /// Reading the file.
    Running(ImportRunning),
    /// Read: what was refused, and how to add it.
    Review(ImportReview),
}

/// The column-mapping dialog.
#[derive(Debug, Clone)]
pub struct MappingDialog {
    /// The file.
    pub path: PathBuf,
    /// Its header.
    pub header: Vec<String>,
    /// Its first rows.
    pub rows: Vec<Vec<String>>,
    /// The choices so far.
    pub roles: MappingRoles,
    /// True when the choices were remembered from a file with the same header.
    pub remembered: bool,
    /// Why the choices cannot be used yet.
    pub error: Option<String>,
}

/// The progress dialog.
#[derive(Debug, Clone)]
pub struct ImportRunning {
    /// The file.
    pub path: PathBuf,
    /// The latest progress report.
    pub progress: Option<Progress>,
    /// When the import started.
    pub started: Instant,
    /// True once Cancel was pressed.
    pub cancelling: bool,
}

/// What an import read, before it is added.
#[derive(Debug, Clone)]
pub struct ImportReview {
    /// The file.
    pub path: PathBuf,
    /// Its layout.
    pub layout: Layout,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows refused.
    pub rows_rejected: u64,
    /// The first refused rows: (line, reason).
    pub rejected: Vec<(u64, String)>,
    /// Country codes that are not ISO codes, kept as written.
    pub unknown_countries: Vec<String>,
    /// Where numeric country codes were looked up (and where the lists disagree), when the
    /// file has numeric codes.
    pub codes_origin: Option<String>,
    /// Whether the rows may be copied into the document (small imports only).
    pub can_copy: bool,
    /// The user's choice: copy the rows as editable records instead of linking the file.
    pub copy_rows: bool,
}

impl ImportReview {
    /// Share of the rows refused, 0 to 1.
    pub fn rejected_share(&self) -> f64 {
        if self.rows_read == 0 {
            0.0
        } else {
            self.rows_rejected as f64 / self.rows_read as f64
        }
    }

    /// More than 1% refused: the user is asked before anything is added.
    pub fn needs_confirmation(&self) -> bool {
        self.rejected_share() > 0.01
    }
}
