//! The Tables view: every record kind in a virtualized table that can be sorted, filtered
//! and edited in place.
//!
//! Keys: double-click or Enter edits a cell; Tab / Shift+Tab commit and edit the next or
//! previous cell; Enter commits and goes down; Escape cancels; arrows move; Delete deletes
//! the selected rows; Ctrl+C / Ctrl+V copy and paste rows; Ctrl+A selects every row shown.

use eframe::egui;

use crate::model::country;
use crate::model::document::{Flow, InvestmentKind, Status};
use crate::model::fields::{self, FieldType};
use crate::model::{Document, RecordKind, format};
use crate::state::AppView;
use crate::state::{CellEdit, Command, TableUi, UiState};

/// The tables, in tab order.
pub const KINDS: [RecordKind; 8] = [
    RecordKind::Trade,
    RecordKind::Investment,
    RecordKind::Indicator,
    RecordKind::Fact,
    RecordKind::Category,
    RecordKind::Source,
    RecordKind::Country,
    RecordKind::Dataset,
];

pub(super) fn tab_label(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Trade => "Trade volumes",
        RecordKind::Investment => "Investments and agreements",
        RecordKind::Indicator => "Indicators and targets",
        RecordKind::Fact => "Facts",
        RecordKind::Category => "Categories",
        RecordKind::Source => "Sources",
        RecordKind::Country => "Countries and groups",
        RecordKind::Dataset => "Linked datasets",
        RecordKind::Document => "Document",
    }
}

pub(super) fn column_width(ty: FieldType, name: &str) -> f32 {
    match ty {
        FieldType::Id | FieldType::Year | FieldType::Bool => 56.0,
        FieldType::Money => 120.0,
        FieldType::Text if matches!(name, "note" | "description" | "text" | "title") => 240.0,
        FieldType::Source => 200.0,
        _ => 130.0,
    }
}

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let doc = view.doc;
    let kind = view.nav.table_kind;
    ui.horizontal_wrapped(|ui| {
        for k in KINDS {
            let text = format!("{} ({})", tab_label(k), doc.len_of(k));
            if ui.selectable_label(k == kind, text).clicked() {
                commands.push(Command::SetTableKind(k));
            }
        }
    });
    ui.separator();
    if kind == RecordKind::Dataset && state.dataset_rows.is_some() {
        super::dataset_rows::show(ui, view, state);
        return;
    }
    let modal_open = state.modal_open(view);
    let table = state.table(kind);
    filters(
        ui,
        doc,
        kind,
        table,
        view.table_rows.len(),
        view.table_choices,
    );
    actions(ui, kind, table, doc.datasets.len(), commands);
    // One line always kept for the message, so that a refused edit never moves the grid
    // (a moved grid sent the next double-click to the header, re-sorting the table).
    match table.editing.as_ref().and_then(|e| e.error.as_ref()) {
        Some(error) => ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "Not accepted: {error}. The document keeps its last valid value."
                ))
                .color(ui.visuals().error_fg_color),
            )
            .truncate(),
        ),
        // A blank line of the same height (the edit hints are on the line above).
        None => ui.label(" "),
    };
    if !modal_open {
        keyboard(ui, doc, kind, view.table_rows, table, commands);
    }
    ui.separator();
    egui::ScrollArea::horizontal()
        .id_salt(("table_hscroll", tab_label(kind)))
        .show(ui, |ui| {
            super::table_grid::grid(ui, doc, kind, view.table_rows, table, commands);
        });
}

fn filters(
    ui: &mut egui::Ui,
    doc: &Document,
    kind: RecordKind,
    table: &mut TableUi,
    shown: usize,
    (years, countries): &(Vec<i32>, Vec<String>),
) {
    let q = &mut table.query;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Filter rows");
        ui.add(
            egui::TextEdit::singleline(&mut q.text)
                .hint_text("Text in any column")
                .desired_width(180.0),
        )
        .labelled_by(label.id);
        if !years.is_empty() {
            optional_combo(ui, "Year", "filter_year", &mut q.year, years, |y| {
                y.to_string()
            });
        }
        if !countries.is_empty() {
            let name = |c: &String| format!("{c} ({})", country::display_name(doc, c));
            optional_combo(
                ui,
                "Country",
                "filter_country",
                &mut q.country,
                countries,
                name,
            );
            if q.country.is_some() {
                optional_combo(
                    ui,
                    "and",
                    "filter_country2",
                    &mut q.country2,
                    countries,
                    name,
                );
            }
        }
        match kind {
            RecordKind::Trade => {
                optional_combo(ui, "Flow", "filter_flow", &mut q.flow, &Flow::ALL, |f| {
                    f.label().to_owned()
                });
            }
            RecordKind::Investment => {
                optional_combo(
                    ui,
                    "Kind",
                    "filter_kind",
                    &mut q.investment_kind,
                    &InvestmentKind::ALL,
                    |k| k.label().to_owned(),
                );
                optional_combo(
                    ui,
                    "Status",
                    "filter_status",
                    &mut q.status,
                    &Status::ALL,
                    |s| s.label().to_owned(),
                );
            }
            _ => {}
        }
        if q.is_filtered() && ui.button("Clear filters").clicked() {
            *q = q.without_filters();
        }
        // One block: moved to the next line whole rather than broken after "Showing".
        ui.add(egui::Label::new(format!("Showing {shown} of {} rows", doc.len_of(kind))).extend());
    });
}

/// A combo box with "Any" and the given choices, labelled for screen readers.
fn optional_combo<T: Clone + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    id: &str,
    value: &mut Option<T>,
    choices: &[T],
    name: impl Fn(&T) -> String,
) {
    let selected = value.as_ref().map_or_else(|| "Any".to_owned(), &name);
    let label = super::wrap::label_before(
        ui,
        label,
        super::wrap::Control::Combo {
            selected: &selected,
        },
    );
    egui::ComboBox::from_id_salt(id)
        .selected_text(selected)
        .height(320.0)
        .show_ui(ui, |ui| {
            if ui.selectable_label(value.is_none(), "Any").clicked() {
                *value = None;
            }
            for choice in choices {
                if ui
                    .selectable_label(value.as_ref() == Some(choice), name(choice))
                    .clicked()
                {
                    *value = Some(choice.clone());
                }
            }
        })
        .response
        .labelled_by(label.id);
}

/// "Move up" and "Move down" for the one selected dataset: where two datasets give the
/// same pair and year, the one higher in the list wins.
fn move_buttons(ui: &mut egui::Ui, table: &TableUi, rows: usize, commands: &mut Vec<Command>) {
    let one = (table.selected.len() == 1)
        .then(|| table.selected.first().copied())
        .flatten();
    let hint = "Where two datasets give the same pair and year, the one higher in the list wins";
    if ui
        .add_enabled(one.is_some_and(|i| i > 0), egui::Button::new("Move up"))
        .on_hover_text(hint)
        .clicked()
        && let Some(index) = one
    {
        commands.push(Command::MoveDataset { index, up: true });
    }
    if ui
        .add_enabled(
            one.is_some_and(|i| i + 1 < rows),
            egui::Button::new("Move down"),
        )
        .on_hover_text(hint)
        .clicked()
        && let Some(index) = one
    {
        commands.push(Command::MoveDataset { index, up: false });
    }
}

fn actions(
    ui: &mut egui::Ui,
    kind: RecordKind,
    table: &TableUi,
    datasets_linked: usize,
    commands: &mut Vec<Command>,
) {
    // Wrapped: in a narrow window the hint goes to a line of its own instead of past the edge.
    ui.horizontal_wrapped(|ui| {
        let datasets = kind == RecordKind::Dataset;
        if datasets {
            // A dataset is added by reading its file.
            if ui
                .button("Import data…")
                .on_hover_text("Link a trade data file (Ctrl+I)")
                .clicked()
            {
                commands.push(Command::Action(crate::state::Action::Import));
            }
            let first = table.selected.first().copied();
            if ui
                .add_enabled(first.is_some(), egui::Button::new("Show rows"))
                .on_hover_text("List the rows of the selected dataset")
                .clicked()
                && let Some(index) = first
            {
                commands.push(Command::ShowDatasetRows(
                    index,
                    crate::model::dataset::RowFilter::default(),
                ));
            }
            move_buttons(ui, table, datasets_linked, commands);
        } else if ui
            .button("Add row")
            .on_hover_text("Add a row, prefilled from the filters or the current pair")
            .clicked()
        {
            commands.push(Command::AddRow(kind));
        }
        let any = !table.selected.is_empty();
        // A dataset is a link to a file: a copy would be the same file linked twice.
        if !datasets
            && ui
                .add_enabled(any, egui::Button::new("Duplicate"))
                .on_hover_text("Copy the selected rows, with new ids, right after them")
                .clicked()
        {
            commands.push(Command::DuplicateRows(kind));
        }
        if ui
            .add_enabled(any, egui::Button::new("Delete rows"))
            .on_hover_text("Delete the selected rows (Delete key)")
            .clicked()
        {
            commands.push(Command::DeleteRows(kind));
        }
        if ui
            .add_enabled(any, egui::Button::new("Copy rows"))
            .on_hover_text("Copy the selected rows as tab-separated values (Ctrl+C)")
            .clicked()
        {
            commands.push(Command::CopyRows(kind));
        }
        if any {
            ui.label(format!(
                "{} selected",
                format::count(table.selected.len(), "row")
            ));
        }
        // Not wrapped itself: where it does not fit beside the buttons it takes the next
        // line whole rather than breaking mid-sentence.
        ui.add(
            egui::Label::new(
                egui::RichText::new(
                    "Double-click or Enter edits; Tab moves; Esc cancels; Ctrl+V pastes rows.",
                )
                .weak(),
            )
            .wrap_mode(egui::TextWrapMode::Extend),
        );
    });
}

pub(super) fn start_edit(
    doc: &Document,
    kind: RecordKind,
    index: usize,
    field: usize,
) -> Option<CellEdit> {
    let view = doc.view(kind, index)?;
    Some(CellEdit {
        index,
        field,
        text: fields::edit_text(view, field),
        error: None,
        fresh: true,
        pick: 0,
    })
}

/// Keys that act on the table when no text field has the keyboard.
fn keyboard(
    ui: &mut egui::Ui,
    doc: &Document,
    kind: RecordKind,
    rows: &[usize],
    table: &mut TableUi,
    commands: &mut Vec<Command>,
) {
    if table.editing.is_some() {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
            table.editing = None;
        }
        return;
    }
    if ui.memory(|m| m.focused().is_some()) {
        return;
    }
    let n_fields = fields::fields(kind).len();
    let (events, pressed) = ui.input_mut(|i| {
        let events: Vec<egui::Event> = i
            .events
            .iter()
            .filter(|e| matches!(e, egui::Event::Copy | egui::Event::Paste(_)))
            .cloned()
            .collect();
        let mut pressed = Vec::new();
        for key in [
            egui::Key::ArrowUp,
            egui::Key::ArrowDown,
            egui::Key::ArrowLeft,
            egui::Key::ArrowRight,
            egui::Key::Enter,
            egui::Key::F2,
            egui::Key::Delete,
        ] {
            if i.consume_key(egui::Modifiers::NONE, key) {
                pressed.push(key);
            }
        }
        if i.consume_key(egui::Modifiers::COMMAND, egui::Key::A) {
            pressed.push(egui::Key::A);
        }
        (events, pressed)
    });
    for event in events {
        match event {
            egui::Event::Copy => commands.push(Command::CopyRows(kind)),
            egui::Event::Paste(text) => commands.push(Command::Paste(kind, text)),
            _ => {}
        }
    }
    let position = table
        .cursor
        .and_then(|(index, _)| rows.iter().position(|&i| i == index));
    let field = table.cursor.map_or(0, |(_, f)| f);
    for key in pressed {
        match key {
            egui::Key::ArrowUp | egui::Key::ArrowDown => {
                let next = match (position, key) {
                    (None, _) => 0,
                    (Some(p), egui::Key::ArrowUp) => p.saturating_sub(1),
                    (Some(p), _) => (p + 1).min(rows.len().saturating_sub(1)),
                };
                if let Some(&index) = rows.get(next) {
                    table.cursor = Some((index, field));
                    table.selected = [index].into_iter().collect();
                    table.anchor = Some(index);
                    table.scroll_to = Some(index);
                }
            }
            egui::Key::ArrowLeft | egui::Key::ArrowRight => {
                if let Some((index, f)) = table.cursor {
                    let f = if key == egui::Key::ArrowLeft {
                        f.saturating_sub(1)
                    } else {
                        (f + 1).min(n_fields - 1)
                    };
                    table.cursor = Some((index, f));
                }
            }
            egui::Key::Enter | egui::Key::F2 => {
                if let Some((index, f)) = table.cursor {
                    table.editing = start_edit(doc, kind, index, f);
                }
            }
            egui::Key::Delete if !table.selected.is_empty() => {
                commands.push(Command::DeleteRows(kind));
            }
            egui::Key::A => table.selected = rows.iter().copied().collect(),
            _ => {}
        }
    }
}
