//! Dialog, panel and table state of the UI: what the UI may change directly, because it
//! is neither the document, nor a file, nor a setting (see the rule in [`crate::state`]).

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use eframe::egui;

use crate::model::RecordKind;
use crate::model::dataset::RowFilter;
use crate::model::table::TableQuery;

use super::commands::Guarded;
use super::context::AppView;
use super::dialogs::{ChangedOnDisk, ImportDialog, Message, PathPrompt, PendingDelete};

/// A cell being edited: the text typed so far and, after a refused commit, why.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEdit {
    /// Row in the document's list.
    pub index: usize,
    /// Field.
    pub field: usize,
    /// The text typed.
    pub text: String,
    /// Why the last commit was refused.
    pub error: Option<String>,
    /// True until the editor has taken the keyboard focus.
    pub fresh: bool,
    /// The country picker's highlighted match (moved with the arrows; Enter takes it).
    pub pick: usize,
}

/// The state of one table in the Tables view (not part of the document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableUi {
    /// Filters and sort.
    pub query: TableQuery,
    /// Selected rows (document indices).
    pub selected: BTreeSet<usize>,
    /// The row a Shift-click extends the selection from.
    pub anchor: Option<usize>,
    /// The current cell: (document index, field).
    pub cursor: Option<(usize, usize)>,
    /// The cell being edited.
    pub editing: Option<CellEdit>,
    /// A row to scroll to once.
    pub scroll_to: Option<usize>,
}

/// The Analysis view's choices: year, HS level, and the product whose details are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisUi {
    /// The year; `None` is the latest year in the data.
    pub year: Option<i32>,
    /// HS digits of product figures: 2, 4 or 6.
    pub level: usize,
    /// The product whose details are shown.
    pub product: Option<String>,
}

impl Default for AnalysisUi {
    fn default() -> Self {
        Self {
            year: None,
            level: 2,
            product: None,
        }
    }
}

/// How a breakdown by product or category is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BreakdownLayout {
    /// Horizontal bars, exports right and imports left.
    #[default]
    Bars,
    /// A squarified treemap per direction.
    Treemap,
}

/// The Map view's choices, where it looks, and its drawing cache.
#[derive(Debug, Clone)]
pub struct MapUi {
    /// Measure and years (they change the figures, so they are part of the explore key).
    pub choice: crate::model::explore::MapChoice,
    /// Whether flow lines to the top partners are drawn.
    pub flows: bool,
    /// Zoom factor (1 shows the whole world).
    pub zoom: f32,
    /// The projected point at the centre of the view.
    pub center: [f32; 2],
    /// The coloured countries as one mesh, kept while nothing it depends on changes.
    pub mesh: Option<MapMesh>,
    /// The country under the pointer on the map last frame (its row is lit in the list).
    pub map_hover: Option<String>,
    /// The country whose row in the list has the pointer or the keyboard focus (outlined
    /// on the map).
    pub list_hover: Option<String>,
}

impl Default for MapUi {
    fn default() -> Self {
        Self {
            choice: Default::default(),
            flows: true,
            zoom: 1.0,
            center: [0.0, 0.0],
            mesh: None,
            map_hover: None,
            list_hover: None,
        }
    }
}

/// The map's triangles and borders in screen coordinates, with what they were built for.
#[derive(Debug, Clone)]
pub struct MapMesh {
    /// The map area, zoom, centre, figures and theme the mesh was built for.
    pub key: (egui::Rect, f32, [f32; 2], super::explore::ExploreKey, bool),
    /// The mesh, shared with the painter without copying.
    pub mesh: std::sync::Arc<egui::Mesh>,
}

/// Partners the overview's ranking lists before "Show all".
pub const RANKING_ROWS: usize = 15;

/// Dialog and panel state of the UI (not the document).
#[derive(Debug, Default)]
pub struct UiState {
    /// The Map view's choices and drawing cache.
    pub map: MapUi,
    /// Bars or treemap for the Categories view and the relationship page's breakdown.
    pub breakdown_layout: BreakdownLayout,
    /// The unsaved-changes question, when asked.
    pub confirm: Option<Guarded>,
    /// The file changed on disk: the question asked before saving over it.
    pub changed_on_disk: Option<ChangedOnDisk>,
    /// A message to show.
    pub message: Option<Message>,
    /// The typed-path dialog.
    pub prompt: Option<PathPrompt>,
    /// Whether the About dialog is open.
    pub about: bool,
    /// A short note for the status bar, e.g. "Saved".
    pub toast: Option<(String, Instant)>,
    /// Where each chart was drawn last frame (by chart key), for "Save as PNG".
    pub chart_rects: HashMap<String, egui::Rect>,
    /// Text typed into the partner search box.
    pub partner_search: String,
    /// Text typed into the focus country search box.
    pub country_search: String,
    /// The overview lists every partner, not only the first [`RANKING_ROWS`].
    pub ranking_all: bool,
    /// The Analysis view's year, level and product.
    pub analysis: AnalysisUi,
    /// The match of the focus country search that Enter chooses (moved with the arrows).
    pub country_pick: usize,
    /// The view shown when the focus country list was opened: it closes when that changes.
    pub country_list_view: Option<super::View>,
    /// State of each table of the Tables view.
    pub tables: HashMap<RecordKind, TableUi>,
    /// Deleting cited sources, waiting for an answer.
    pub pending_delete: Option<PendingDelete>,
    /// The import dialog shown, if any.
    pub import: Option<ImportDialog>,
    /// The rows table of a linked dataset, when open (in the Tables view).
    pub dataset_rows: Option<DatasetRowsUi>,
    /// Another program changed the open document: the bar offering to reload it.
    pub file_changed: Option<FileChanged>,
}

/// The bar shown when another program changed the open document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChanged {
    /// The file.
    pub path: std::path::PathBuf,
    /// True when the window has unsaved changes (Reload would drop them).
    pub unsaved: bool,
}

/// The rows table of a linked dataset: which one, and the filter as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetRowsUi {
    /// Index of the dataset in the document's list.
    pub dataset: usize,
    /// Year, as typed.
    pub year: String,
    /// Country code, as typed.
    pub country: String,
    /// Second country code, as typed.
    pub partner: String,
    /// Product code prefix, as typed.
    pub product: String,
}

impl DatasetRowsUi {
    /// The filter the typed text means (unreadable years are ignored, and said so by the UI).
    pub fn filter(&self) -> RowFilter {
        let code = |t: &str| {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_uppercase())
        };
        RowFilter {
            year: self.year.trim().parse().ok(),
            country: code(&self.country),
            partner: code(&self.partner),
            product: self.product.trim().to_owned(),
        }
    }
}

impl UiState {
    /// Whether a modal dialog is open, so that shortcuts and table keys must not act
    /// behind it. The one answer to that question: every key handler asks here.
    pub fn modal_open(&self, view: &AppView<'_>) -> bool {
        self.confirm.is_some()
            || self.changed_on_disk.is_some()
            || self.message.is_some()
            || self.prompt.is_some()
            || self.pending_delete.is_some()
            || self.import.is_some()
            || self.about
            || view.recovery.is_some()
            || view.busy.is_some()
    }

    /// Shows a message in a modal until dismissed.
    pub fn show_message(&mut self, title: &str, text: String) {
        self.message = Some(Message {
            title: title.to_owned(),
            text,
        });
    }

    /// A short note for the status bar, shown for a few seconds.
    pub fn toast(&mut self, text: impl Into<String>) {
        self.toast = Some((text.into(), Instant::now()));
    }

    /// The state of the table of `kind`.
    pub fn table(&mut self, kind: RecordKind) -> &mut TableUi {
        self.tables.entry(kind).or_default()
    }
}
