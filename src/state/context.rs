//! What a view needs to draw a frame: the document and the data prepared from it, borrowed
//! from the app for the length of one frame.

use std::path::Path;

use crate::model::Document;

use super::analysis::AnalysisData;
use super::datasets::DatasetsView;
use super::dialogs::RecoveryDescription;
use super::explore::ExploreData;
use super::navigation::Navigation;
use super::settings::{Origin, Settings};

/// What the UI needs to draw a frame, borrowed from the app.
pub struct AppView<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Data prepared for the views.
    pub explore: &'a ExploreData,
    /// Where the user is.
    pub nav: &'a Navigation,
    /// Rows of the current table, in view order.
    pub table_rows: &'a [usize],
    /// Years and countries offered by the current table's quick filters.
    pub table_choices: &'a (Vec<i32>, Vec<String>),
    /// Persisted settings.
    pub settings: &'a Settings,
    /// File name for display.
    pub document_name: String,
    /// Where the document came from.
    pub origin: &'a Origin,
    /// Unsaved changes?
    pub dirty: bool,
    /// What Undo would undo.
    pub undo_label: Option<&'static str>,
    /// What Redo would redo.
    pub redo_label: Option<&'static str>,
    /// What runs in the background, if anything.
    pub busy: Option<&'a str>,
    /// The linked datasets' rows and loading state.
    pub datasets: &'a dyn DatasetsView,
    /// True while an import runs.
    pub datasets_importing: bool,
    /// The recovery copy offered for restoring, if any.
    pub recovery: Option<&'a RecoveryDescription>,
    /// Why autosave does not work, if it does not.
    pub autosave_error: Option<&'a str>,
    /// Whether autosave could start at all (false: its folder cannot be used).
    pub autosave_enabled: bool,
    /// True while what the views show is being brought up to date off the UI thread.
    pub preparing: bool,
    /// The Analysis view's figures.
    pub analysis: &'a AnalysisData,
    /// True while they are being computed for a new choice.
    pub analysing: bool,
}

impl AppView<'_> {
    /// The document's path, if it has one.
    pub fn path(&self) -> Option<&Path> {
        self.origin.path()
    }
}
