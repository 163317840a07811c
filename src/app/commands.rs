//! Applying commands: one match, each arm a call. Every change to the document passes
//! through [`TradeApp::apply`].

use std::collections::BTreeSet;

use eframe::egui;

use crate::io::{self, with_default_extension};
use crate::model::dataset::RowFilter;
use crate::model::table::{self, TableQuery};
use crate::model::{Document, Edit, RecordKind, RecordRef, explore, fields};
use crate::state::{
    Action, ChangedChoice, ChangedOnDisk, CoalesceKey, Command, ConfirmChoice, DatasetRowsUi,
    Guarded, Origin, Page, PathPurpose, RecoveryChoice, View,
};

use super::{History, TradeApp, start_navigation};

impl TradeApp {
    /// Applies one command. Every change to the document passes through here.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Action(action) => self.run_action(action),
            Command::OpenPath(path) => self.request(Guarded::OpenPath(path)),
            Command::SaveToPath(path, then) => {
                self.save_to(with_default_extension(path, "ron"), then, None)
            }
            Command::Edit { edit, coalesce } => self.edit(edit, coalesce),
            Command::EndGesture => self.history.end_gesture(),
            Command::Confirm(choice) => self.confirm(choice),
            Command::Recovery(choice) => self.answer_recovery(choice),
            Command::ResolveChanged(choice) => self.resolve_changed(choice),
            Command::SubmitPathPrompt => self.submit_prompt(),
            Command::SetTheme(theme) => {
                self.settings.theme = theme;
                self.ctx.set_theme(theme.preference());
            }
            Command::ShowProblems(show) => self.settings.show_problems = show,
            Command::ClearRecent => self.settings.recent_files.clear(),
            Command::SetAutoReload(on) => self.settings.auto_reload = on,
            Command::ReloadChanged => self.reload_changed(),
            Command::Navigate(page) => self.nav.go(page),
            Command::ShowView(view) => self.go_to_view(view),
            Command::SetFocus(focus) => self.set_focus(focus),
            Command::OpenPartner(partner) => self.open_partner(partner),
            Command::Back => {
                self.nav.back();
            }
            Command::Forward => {
                self.nav.forward();
            }
            Command::Select(record) => self.nav.selected = record,
            Command::RevealInTable(record, field) => self.reveal_in_table(record, field),
            Command::EditCell {
                kind,
                index,
                field,
                text,
                then,
            } => self.edit_cell(kind, index, field, text, then),
            Command::AddRow(kind) => self.add_row(kind),
            Command::DuplicateRows(kind) => self.duplicate_rows(kind),
            Command::DeleteRows(kind) => self.delete_rows(kind),
            Command::ConfirmDelete(yes) => self.confirm_delete(yes),
            Command::CopyRows(kind) => self.copy_rows_to_clipboard(kind),
            Command::Paste(kind, text) => self.paste(kind, &text),
            Command::NewSourceFor { kind, index, field } => self.new_source_for(kind, index, field),
            Command::ShowTable(kind, query) => self.show_table(kind, query),
            Command::SetTableKind(kind) => self.nav.table_kind = kind,
            Command::SetPartnerYear(year) => self.nav.partner_year = Some(year),
            Command::SetMoneyUnit(unit) => self.settings.money_unit = unit,
            Command::SaveChartPng(key) => self.pick(PathPurpose::SavePng(key)),
            Command::SavePotentialCsv => self.pick(PathPurpose::ExportPotential),
            Command::ImportPath(path) => self.begin_import(path),
            Command::StartMappedImport => self.start_mapped_import(),
            Command::CancelImport => self.cancel_import(),
            Command::ImportAnyway => self.import_anyway(),
            Command::FinishImport { copy_rows } => self.finish_import(copy_rows),
            Command::DrillProduct(code) => self.drill_product(code),
            Command::SetProductYear(year) => self.nav.product_year = year,
            Command::MoveDataset { index, up } => self.move_dataset(index, up),
            Command::ExportTableTo(path) => self.export_table(with_default_extension(path, "csv")),
            Command::ShowDatasetRows(index, filter) => self.show_dataset_rows(index, filter),
            Command::ReadDatasetAnyway(index) => {
                self.datasets
                    .read_anyway(index, &self.doc.datasets, &self.ctx);
            }
        }
    }

    fn run_action(&mut self, action: Action) {
        match action {
            Action::New => self.request(Guarded::New),
            Action::Open => self.request(Guarded::Open),
            Action::Save => self.save(None),
            Action::SaveAs => self.pick(PathPurpose::SaveAs(None)),
            Action::Revert => self.request(Guarded::Revert),
            Action::Quit => self.request(Guarded::Quit),
            Action::Undo => {
                if self.history.undo(&mut self.doc) {
                    self.revision += 1;
                }
            }
            Action::Redo => {
                if self.history.redo(&mut self.doc) {
                    self.revision += 1;
                }
            }
            Action::Import => self.pick(PathPurpose::Import),
            Action::ImportFolder => self.pick(PathPurpose::ImportFolder),
            Action::ExportCsv => self.pick(PathPurpose::ExportCsv),
            Action::ExportParquet(what) => {
                if self.doc.datasets.is_empty() {
                    self.show_message("Nothing to export", NOTHING_TO_EXPORT.to_owned());
                } else {
                    self.pick(PathPurpose::ExportParquet(what));
                }
            }
            Action::ShowView(view) => self.go_to_view(view),
            Action::Back => {
                self.nav.back();
            }
            Action::Forward => {
                self.nav.forward();
            }
        }
    }

    fn edit(&mut self, edit: Edit, coalesce: Option<CoalesceKey>) {
        match self.history.apply(&mut self.doc, edit, coalesce) {
            Ok(()) => self.revision += 1,
            Err(err) => self.show_message("The change could not be made", err.to_string()),
        }
    }

    /// Applies an edit through the history; refused edits (stale rows) are reported.
    pub(super) fn apply_edit(&mut self, edit: Edit) -> bool {
        let before = self.revision;
        self.edit(edit, None);
        self.revision != before
    }

    fn go_to_view(&mut self, view: View) {
        let page = Page {
            view,
            ..self.nav.page.clone()
        };
        self.nav.go(page);
    }

    fn set_focus(&mut self, focus: String) {
        let partner = explore::partners(&self.doc, &focus)
            .first()
            .map(|p| p.code.clone());
        self.nav.go(Page {
            // The map of another country is still a map.
            view: match self.nav.page.view {
                View::Map => View::Map,
                _ => self.view_after_choosing(View::Overview),
            },
            focus: Some(focus),
            partner,
        });
    }

    /// The view shown after a country is chosen: the Analysis view stays (its figures are
    /// about the countries chosen), the others go to `usual`.
    fn view_after_choosing(&self, usual: View) -> View {
        match self.nav.page.view {
            View::Analysis => View::Analysis,
            _ => usual,
        }
    }

    fn open_partner(&mut self, partner: String) {
        let page = Page {
            view: self.view_after_choosing(View::Relationship),
            focus: self.nav.page.focus.clone(),
            partner: Some(partner),
        };
        self.nav.go(page);
    }

    fn show_table(&mut self, kind: RecordKind, query: TableQuery) {
        self.nav.table_kind = kind;
        let table = self.ui_state.table(kind);
        table.query = query;
        table.editing = None;
        self.go_to_view(View::Tables);
    }

    fn drill_product(&mut self, code: Option<String>) {
        self.nav.drill = match (code, &self.nav.page.focus, &self.nav.page.partner) {
            (Some(code), Some(focus), Some(partner)) => {
                Some((focus.clone(), partner.clone(), code))
            }
            _ => None,
        };
    }

    /// Swaps a linked dataset with its neighbour, as one undo step; the selection follows.
    fn move_dataset(&mut self, index: usize, up: bool) {
        let Some(other) = (if up {
            index.checked_sub(1)
        } else {
            index.checked_add(1)
        }) else {
            return;
        };
        let links = &self.doc.datasets;
        let (Some(a), Some(b)) = (links.get(index), links.get(other)) else {
            return;
        };
        let edit = Edit::Batch(vec![
            Edit::Replace {
                index,
                record: crate::model::Record::Dataset(b.clone()),
            },
            Edit::Replace {
                index: other,
                record: crate::model::Record::Dataset(a.clone()),
            },
        ]);
        if self.apply_edit(edit) {
            let table = self.ui_state.table(RecordKind::Dataset);
            table.selected = std::iter::once(other).collect();
            table.cursor = None;
        }
    }

    fn show_dataset_rows(&mut self, index: usize, filter: RowFilter) {
        let text = |c: Option<String>| c.unwrap_or_default();
        self.ui_state.dataset_rows = Some(DatasetRowsUi {
            dataset: index,
            year: filter.year.map(|y| y.to_string()).unwrap_or_default(),
            country: text(filter.country),
            partner: text(filter.partner),
            product: filter.product,
        });
        self.nav.table_kind = RecordKind::Dataset;
        self.go_to_view(View::Tables);
    }

    fn reveal_in_table(&mut self, record: RecordRef, field: Option<&'static str>) {
        let kind = record.kind;
        if kind == RecordKind::Document {
            return;
        }
        self.nav.table_kind = kind;
        let field = field
            .and_then(|name| fields::field_index(kind, name))
            .unwrap_or(0);
        let table = self.ui_state.table(kind);
        // A filter that hides the row would make "reveal" show nothing.
        table.query = table.query.without_filters();
        table.selected = [record.index].into_iter().collect();
        table.anchor = Some(record.index);
        table.cursor = Some((record.index, field));
        table.editing = None;
        table.scroll_to = Some(record.index);
        self.nav.selected = Some(record);
        self.go_to_view(View::Tables);
    }

    /// Asks about unsaved changes first when there are any.
    pub(super) fn request(&mut self, action: Guarded) {
        if self.busy.is_some() {
            return;
        }
        if self.history.is_dirty() {
            self.ui_state.confirm = Some(action);
        } else {
            self.perform(action);
        }
    }

    pub(super) fn perform(&mut self, action: Guarded) {
        match action {
            Guarded::New => self.replace_document(Document::new(), Origin::Untitled),
            Guarded::Open => self.pick(PathPurpose::Open),
            Guarded::OpenPath(path) => self.start_load(path),
            Guarded::Revert => match self.origin.clone() {
                Origin::File(path) => self.start_load(path),
                Origin::Bundled => self.replace_document(io::bundled_document(), Origin::Bundled),
                Origin::Untitled => self.replace_document(Document::new(), Origin::Untitled),
            },
            Guarded::Restore => self.restore_recovery(),
            Guarded::Quit => {
                self.allow_close = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn confirm(&mut self, choice: ConfirmChoice) {
        let Some(action) = self.ui_state.confirm.take() else {
            return;
        };
        match choice {
            ConfirmChoice::Save => self.save(Some(action)),
            ConfirmChoice::DontSave => self.perform(action),
            ConfirmChoice::Cancel => {}
        }
    }

    fn answer_recovery(&mut self, choice: RecoveryChoice) {
        match choice {
            RecoveryChoice::Restore => self.request(Guarded::Restore),
            RecoveryChoice::Discard => {
                if let Err(err) = self.autosave.discard_offer() {
                    self.show_message("Could not delete the recovery copy", err);
                }
            }
            RecoveryChoice::Later => self.autosave.keep_offer(),
        }
    }

    fn restore_recovery(&mut self) {
        match self.autosave.take_restore() {
            Some(Ok((meta, doc))) => {
                let origin = match (meta.document_path, meta.bundled) {
                    (Some(path), _) => Origin::File(path),
                    (None, true) => Origin::Bundled,
                    (None, false) => Origin::Untitled,
                };
                self.replace_document(doc, origin);
                self.disk = meta.disk;
                // The restored work has never been saved where it belongs.
                self.history = History::new_unsaved();
                self.autosave.adopted(self.history.state());
                self.ui_state.toast("Restored unsaved work");
            }
            Some(Err(err)) => self.show_message(
                "Could not restore",
                format!(
                    "{err}\n\nThe copy was left in place; Discard deletes it. The current document is unchanged."
                ),
            ),
            None => {}
        }
    }

    fn resolve_changed(&mut self, choice: ChangedChoice) {
        let Some(ChangedOnDisk { path, then }) = self.ui_state.changed_on_disk.take() else {
            return;
        };
        match choice {
            ChangedChoice::Overwrite => self.save_to(path, then, None),
            ChangedChoice::SaveAs => self.pick(PathPurpose::SaveAs(then)),
            ChangedChoice::Reload => self.start_load(path),
            ChangedChoice::Cancel => {}
        }
    }

    /// Reload from the bar that says another program changed the file (drops unsaved
    /// changes: the bar says so before).
    fn reload_changed(&mut self) {
        if let Some(changed) = self.ui_state.file_changed.take()
            && self.origin.path() == Some(changed.path.as_path())
        {
            self.start_load(changed.path);
        }
    }

    pub(super) fn replace_document(&mut self, doc: Document, origin: Origin) {
        self.disk = None;
        self.nav = start_navigation(&doc);
        self.ui_state.tables.clear();
        self.ui_state.file_changed = None;
        self.doc = doc;
        self.origin = origin;
        self.history = History::new_saved();
        self.revision += 1;
        self.watch_document();
    }

    fn duplicate_rows(&mut self, kind: RecordKind) {
        let rows = self.ui_state.table(kind).selected.clone();
        if let Some(edit) = table::duplicate_rows(&self.doc, kind, &rows)
            && self.apply_edit(edit)
        {
            // The copies sit right after their originals.
            let copies: BTreeSet<usize> = rows.iter().enumerate().map(|(k, i)| i + k + 1).collect();
            self.ui_state.table(kind).selected = copies;
        }
    }

    fn confirm_delete(&mut self, yes: bool) {
        if let Some(pending) = self.ui_state.pending_delete.take()
            && yes
        {
            self.remove_rows(pending.kind, pending.rows);
        }
    }
}

/// Why Parquet export has nothing to write.
pub(super) const NOTHING_TO_EXPORT: &str = "Parquet export writes a linked dataset; link one first \
     with File > Import data… (Ctrl+I) or File > Import folder… (Ctrl+Shift+I).";
