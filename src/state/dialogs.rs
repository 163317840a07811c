//! The state of dialogs and questions: what each shows and what the user typed so far.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::io::import::{Layout, MappingRoles, Progress, Shortfall};
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
    /// The prefilled text is still to be selected, so that typing replaces it.
    pub select_all: bool,
    /// The folder relative paths are in (the dialog folder).
    pub folder: PathBuf,
}

impl PathPrompt {
    /// The path the text names: `~/…` in the home folder; an absolute path typed after
    /// the prefilled folder (`/home/me/saves//tmp/data.csv`, `…/saves/~/data.csv`) taken as
    /// typed; a relative path in `folder`.
    pub fn path(&self) -> PathBuf {
        typed_path(&self.text, &self.folder)
    }

    /// Tab: completes the name being typed (see [`complete_path`]); false when nothing
    /// was added.
    pub fn complete(&mut self) -> bool {
        match complete_path(self.text.trim_start(), &self.folder) {
            Some(text) => {
                self.text = text;
                self.exists = self.path().is_file();
                true
            }
            None => false,
        }
    }
}

/// See [`PathPrompt::path`].
pub fn typed_path(text: &str, folder: &Path) -> PathBuf {
    let mut text = text.trim();
    // What was typed after the prefilled folder starts a new path.
    if let Some(at) = text.rfind("//") {
        text = &text[at + 1..];
    }
    if let Some(at) = text.rfind("/~/") {
        text = &text[at + 1..];
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let in_home = if text == "~" {
        Some("")
    } else {
        text.strip_prefix("~/")
    };
    let path = match (in_home, home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(text),
    };
    if path.is_absolute() {
        path
    } else {
        folder.join(path)
    }
}

/// Tab completion of a typed path: the longest name in its folder that every entry
/// starting with what was typed shares, with a separator after a folder reached. `None`
/// when nothing in the folder matches or there is nothing to add.
pub fn complete_path(text: &str, folder: &Path) -> Option<String> {
    let (dir_text, prefix) = match text.rfind('/') {
        Some(at) => (&text[..=at], &text[at + 1..]),
        None => ("", text),
    };
    let dir = if dir_text.is_empty() {
        folder.to_path_buf()
    } else {
        typed_path(dir_text, folder)
    };
    let mut names: Vec<(String, bool)> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (name.starts_with(prefix) && (!name.starts_with('.') || prefix.starts_with('.')))
                .then_some((name, is_dir))
        })
        .collect();
    names.sort();
    let (first, first_dir) = names.first()?.clone();
    let mut common = first.len();
    for (name, _) in &names[1..] {
        common = first
            .char_indices()
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(common.min(name.len()), |((i, _), _)| common.min(i));
    }
    let mut completed = format!("{dir_text}{}", &first[..common]);
    if names.len() == 1 && first_dir {
        completed.push('/');
    }
    (completed != text).then_some(completed)
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
    /// Asked before reading: the rows may not fit in the memory free now.
    Memory(MemoryWarning),
}

/// What the memory warning before an import says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryWarning {
    /// The file, folder or archive.
    pub path: PathBuf,
    /// Its rows, the memory they take and the memory free.
    pub shortfall: Shortfall,
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
    /// Years, unit and total of what was read, repeated so that a wrong unit shows.
    pub scope: String,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows refused.
    pub rows_rejected: u64,
    /// The first refused rows: (line, reason).
    pub rejected: Vec<(u64, String)>,
    /// Country codes that are not ISO codes, kept as written.
    pub unknown_countries: Vec<String>,
    /// Former ISO codes read as their country's current code: (as written, as read).
    pub recoded_countries: Vec<(String, String)>,
    /// Where numeric country codes were looked up (and where the lists disagree), when the
    /// file has numeric codes.
    pub codes_origin: Option<String>,
    /// Whether the rows may be copied into the document (small imports only).
    pub can_copy: bool,
    /// The user's choice: copy the rows as editable records instead of linking the file.
    pub copy_rows: bool,
    /// Data files read (a folder or archive has several).
    pub files: usize,
    /// Data files of a folder or archive that could not be read, with the reason.
    pub failed_files: Vec<(String, String)>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_are_taken_as_typed() {
        let folder = Path::new("/home/me/saves");
        assert_eq!(
            typed_path("/tmp/data.csv", folder),
            Path::new("/tmp/data.csv")
        );
        // Typed after the prefilled folder, caret at its end.
        assert_eq!(
            typed_path("/home/me/saves//tmp/data.csv", folder),
            Path::new("/tmp/data.csv")
        );
        assert_eq!(
            typed_path("data.csv ", folder),
            Path::new("/home/me/saves/data.csv")
        );
        assert_eq!(
            typed_path("/home/me/saves/data.csv", folder),
            Path::new("/home/me/saves/data.csv")
        );
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            assert_eq!(typed_path("~/a.ron", folder), home.join("a.ron"));
            assert_eq!(
                typed_path("/home/me/saves/~/a.ron", folder),
                home.join("a.ron")
            );
        }
    }

    #[test]
    fn tab_completes_names_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("trade_2022.csv"), "").unwrap();
        std::fs::write(dir.path().join("trade_2023.csv"), "").unwrap();
        std::fs::create_dir(dir.path().join("releases")).unwrap();
        let base = format!("{}/", dir.path().display());
        assert_eq!(
            complete_path(&format!("{base}tr"), dir.path()),
            Some(format!("{base}trade_202"))
        );
        assert_eq!(
            complete_path(&format!("{base}re"), dir.path()),
            Some(format!("{base}releases/"))
        );
        assert_eq!(
            complete_path("trade_2023", dir.path()),
            Some("trade_2023.csv".to_owned())
        );
        assert_eq!(complete_path(&format!("{base}trade_202"), dir.path()), None);
        assert_eq!(complete_path(&format!("{base}zzz"), dir.path()), None);
    }
}
