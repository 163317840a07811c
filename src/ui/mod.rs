//! The user interface: one file per view or panel.
//!
//! UI code reads the prepared [`AppView`] and pushes [`Command`]s; it never changes the
//! document itself.

mod dialogs;
mod menu;
mod overview;
mod problems;
mod status_bar;

use std::path::Path;

use eframe::egui;

use crate::app::{Command, Derived, Origin, Settings, UiState};
use crate::model::Document;

/// What the UI needs to draw a frame, borrowed from the app.
pub struct AppView<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Figures derived from it.
    pub derived: &'a Derived,
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
}

impl AppView<'_> {
    /// The document's path, if it has one.
    pub fn path(&self) -> Option<&Path> {
        match self.origin {
            Origin::File(path) => Some(path),
            _ => None,
        }
    }
}

/// Draws the whole window.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    egui::Panel::top("menu_bar").show(ui, |ui| menu::show(ui, view, commands));
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, view, state));
    if view.settings.show_problems {
        egui::Panel::bottom("problems_panel")
            .resizable(true)
            .default_size(150.0)
            .min_size(60.0)
            .show(ui, |ui| problems::show(ui, view));
    }
    egui::CentralPanel::default().show(ui, |ui| overview::show(ui, view, commands));
    dialogs::show(ui.ctx(), view, state, commands);
    dialogs::drop_hint(ui.ctx());
}
