//! The Tables view: every record kind in a virtualized table that can be sorted, filtered
//! and edited in place.
//!
//! Keys: double-click or Enter edits a cell; Tab / Shift+Tab commit and edit the next or
//! previous cell; Enter commits and goes down; Escape cancels; arrows move; Delete deletes
//! the selected rows; Ctrl+C / Ctrl+V copy and paste rows; Ctrl+A selects every row shown.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::AppView;
use crate::app::{CellEdit, CellMove, Command, TableUi, UiState};
use crate::model::country;
use crate::model::document::{Flow, InvestmentKind, Status};
use crate::model::fields::{self, FieldType};
use crate::model::{Document, RecordKind, format};

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

fn tab_label(kind: RecordKind) -> &'static str {
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

fn column_width(ty: FieldType, name: &str) -> f32 {
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
    if kind == RecordKind::Dataset
        && let Some(open) = &state.dataset_rows
    {
        super::dataset_rows::show(ui, view, open, commands);
        return;
    }
    let modal_open = state.confirm.is_some()
        || state.message.is_some()
        || state.prompt.is_some()
        || state.pending_delete.is_some();
    let table = state.table(kind);
    filters(
        ui,
        doc,
        kind,
        table,
        view.table_rows.len(),
        view.table_choices,
    );
    actions(ui, kind, table, commands);
    if let Some(edit) = &table.editing
        && let Some(error) = &edit.error
    {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Not accepted: {error}. The document keeps its last valid value."),
        );
    }
    if !modal_open {
        keyboard(ui, doc, kind, view.table_rows, table, commands);
    }
    ui.separator();
    egui::ScrollArea::horizontal()
        .id_salt(("table_hscroll", tab_label(kind)))
        .show(ui, |ui| {
            grid(ui, doc, kind, view.table_rows, table, commands);
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
        ui.label(format!("Showing {shown} of {} rows", doc.len_of(kind)));
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
    let label = ui.label(label);
    let selected = value.as_ref().map_or_else(|| "Any".to_owned(), &name);
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

fn actions(ui: &mut egui::Ui, kind: RecordKind, table: &TableUi, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let datasets = kind == RecordKind::Dataset;
        if datasets {
            // A dataset is added by reading its file.
            if ui
                .button("Import data…")
                .on_hover_text("Link a trade data file (Ctrl+I)")
                .clicked()
            {
                commands.push(Command::Action(crate::app::Action::Import));
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
        } else if ui
            .button("Add row")
            .on_hover_text("Add a row, prefilled from the filters or the current pair")
            .clicked()
        {
            commands.push(Command::AddRow(kind));
        }
        let any = !table.selected.is_empty();
        if ui
            .add_enabled(any && !datasets, egui::Button::new("Duplicate"))
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
        ui.weak("Double-click or Enter edits; Tab moves; Esc cancels; Ctrl+V pastes rows.");
    });
}

fn start_edit(doc: &Document, kind: RecordKind, index: usize, field: usize) -> Option<CellEdit> {
    let view = doc.view(kind, index)?;
    Some(CellEdit {
        index,
        field,
        text: fields::edit_text(view, field),
        error: None,
        fresh: true,
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

fn header_text(name: &str, sort: Option<(usize, bool)>, field: usize) -> String {
    match sort {
        Some((f, true)) if f == field => format!("{name} (up)"),
        Some((f, false)) if f == field => format!("{name} (down)"),
        _ => name.to_owned(),
    }
}

fn grid(
    ui: &mut egui::Ui,
    doc: &Document,
    kind: RecordKind,
    rows: &[usize],
    table: &mut TableUi,
    commands: &mut Vec<Command>,
) {
    let table_fields = fields::fields(kind);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    ui.style_mut().interaction.selectable_labels = false;
    let mut builder = TableBuilder::new(ui)
        .id_salt(("table", tab_label(kind)))
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .auto_shrink([false, false]);
    for (i, field) in table_fields.iter().enumerate() {
        let width = column_width(field.ty, field.name);
        let column = if i + 1 == table_fields.len() {
            Column::remainder().at_least(width)
        } else {
            Column::initial(width).at_least(40.0).clip(true)
        };
        builder = builder.column(column);
    }
    if let Some(index) = table.scroll_to.take()
        && let Some(position) = rows.iter().position(|&i| i == index)
    {
        builder = builder.scroll_to_row(position, Some(egui::Align::Center));
    }
    let sort = table.query.sort;
    builder
        .header(row_height, |mut header| {
            for (i, field) in table_fields.iter().enumerate() {
                header.col(|ui| {
                    let button = ui
                        .add(
                            egui::Button::new(
                                egui::RichText::new(header_text(field.name, sort, i)).strong(),
                            )
                            .frame(false),
                        )
                        .on_hover_text("Sort: ascending, descending, then document order");
                    if button.clicked() {
                        table.query.sort = match sort {
                            Some((f, true)) if f == i => Some((i, false)),
                            Some((f, false)) if f == i => None,
                            _ => Some((i, true)),
                        };
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut table_row| {
                let position = table_row.index();
                let index = rows[position];
                let Some(record) = doc.view(kind, index) else {
                    return;
                };
                table_row.set_selected(table.selected.contains(&index));
                for (field, def) in table_fields.iter().enumerate() {
                    let editing_here = table
                        .editing
                        .as_ref()
                        .is_some_and(|e| e.index == index && e.field == field);
                    let is_cursor = table.cursor == Some((index, field));
                    let (rect, response) = table_row.col(|ui| {
                        if editing_here {
                            if let Some(edit) = table.editing.as_mut() {
                                cell_editor(ui, doc, kind, def, edit, commands);
                            }
                        } else {
                            let text = fields::display(doc, record, field);
                            ui.add(egui::Label::new(text).truncate());
                        }
                    });
                    if is_cursor && !editing_here {
                        ui_stroke(&response, rect);
                    }
                    if editing_here
                        && let Some(error) = table.editing.as_ref().and_then(|e| e.error.as_ref())
                    {
                        let red = response.ctx.global_style().visuals.error_fg_color;
                        response.ctx.layer_painter(response.layer_id).rect_stroke(
                            rect,
                            2.0,
                            egui::Stroke::new(2.0, red),
                            egui::StrokeKind::Inside,
                        );
                        // The reason, right beside the cell.
                        egui::Area::new(response.id.with("cell_error"))
                            .order(egui::Order::Tooltip)
                            .fixed_pos(rect.right_top() + egui::vec2(4.0, 0.0))
                            .interactable(false)
                            .show(&response.ctx, |ui| {
                                egui::Frame::popup(ui.style()).show(ui, |ui| {
                                    ui.set_max_width(320.0);
                                    ui.colored_label(red, error);
                                });
                            });
                    }
                    if response.double_clicked() {
                        table.cursor = Some((index, field));
                        table.selected = [index].into_iter().collect();
                        table.editing = start_edit(doc, kind, index, field);
                    } else if response.clicked() && !editing_here {
                        // Selecting a row does not open the details panel: the table would
                        // narrow under the pointer between the two clicks of a double-click.
                        click_row(
                            table,
                            rows,
                            position,
                            index,
                            field,
                            response.ctx.input(|i| i.modifiers),
                        );
                    }
                }
            });
        });
}

fn ui_stroke(response: &egui::Response, rect: egui::Rect) {
    let color = response.ctx.global_style().visuals.selection.stroke.color;
    response.ctx.layer_painter(response.layer_id).rect_stroke(
        rect,
        2.0,
        egui::Stroke::new(1.5, color),
        egui::StrokeKind::Inside,
    );
}

/// Click: select the row; Ctrl+click: toggle it; Shift+click: select from the anchor.
fn click_row(
    table: &mut TableUi,
    rows: &[usize],
    position: usize,
    index: usize,
    field: usize,
    modifiers: egui::Modifiers,
) {
    table.cursor = Some((index, field));
    table.editing = None;
    if modifiers.shift
        && let Some(anchor) = table.anchor.and_then(|a| rows.iter().position(|&i| i == a))
    {
        let (from, to) = if anchor <= position {
            (anchor, position)
        } else {
            (position, anchor)
        };
        table.selected = rows[from..=to].iter().copied().collect();
        return;
    }
    if modifiers.command {
        if !table.selected.remove(&index) {
            table.selected.insert(index);
        }
    } else {
        table.selected = [index].into_iter().collect();
    }
    table.anchor = Some(index);
}

/// The editor inside a cell: a text field, a picker for countries, or a list of choices.
fn cell_editor(
    ui: &mut egui::Ui,
    doc: &Document,
    kind: RecordKind,
    def: &fields::Field,
    edit: &mut CellEdit,
    commands: &mut Vec<Command>,
) {
    let ty = def.ty;
    // Screen readers (and kittest) need a name for the editor: the column's.
    let name_it = |response: &egui::Response, value: &str| {
        response.widget_info(|| {
            let mut info = egui::WidgetInfo::new(egui::Role::ComboBox);
            info.label = Some(def.name.to_owned());
            info.current_text_value = Some(value.to_owned());
            info
        });
    };
    let commit = |text: String, then: CellMove, commands: &mut Vec<Command>| {
        commands.push(Command::EditCell {
            kind,
            index: edit.index,
            field: edit.field,
            text,
            then,
        });
    };
    if let Some(choices) = ty.choices() {
        let mut chosen = None;
        let response = egui::ComboBox::from_id_salt(("cell_choice", edit.index, edit.field))
            .selected_text(edit.text.clone())
            .width(ui.available_width())
            .show_ui(ui, |ui| {
                for choice in &choices {
                    let label = if choice.is_empty() { "(none)" } else { choice };
                    if ui
                        .selectable_label(edit.text.eq_ignore_ascii_case(choice), label)
                        .clicked()
                    {
                        chosen = Some((*choice).to_owned());
                    }
                }
            })
            .response;
        if edit.fresh {
            edit.fresh = false;
            response.request_focus();
            egui::Popup::open_id(ui.ctx(), egui::Popup::default_response_id(&response));
        }
        if let Some(text) = chosen {
            commit(text, CellMove::Stay, commands);
        }
        return;
    }
    if ty == FieldType::Source {
        let mut chosen = None;
        let mut new_source = false;
        let response = egui::ComboBox::from_id_salt(("cell_source", edit.index, edit.field))
            .selected_text(edit.text.clone())
            .width(ui.available_width())
            .height(300.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(edit.text.is_empty(), "(none)")
                    .clicked()
                {
                    chosen = Some(String::new());
                }
                for source in &doc.sources {
                    let text = format!("{}: {}", source.id, source.title);
                    if ui
                        .selectable_label(edit.text == source.id.to_string(), text)
                        .clicked()
                    {
                        chosen = Some(source.id.to_string());
                    }
                }
                ui.separator();
                new_source = ui.button("New source…").clicked();
            })
            .response;
        name_it(&response, &edit.text);
        if edit.fresh {
            edit.fresh = false;
            egui::Popup::open_id(ui.ctx(), egui::Popup::default_response_id(&response));
        }
        if let Some(text) = chosen {
            commit(text, CellMove::Stay, commands);
        } else if new_source {
            commands.push(Command::NewSourceFor {
                kind,
                index: edit.index,
                field: edit.field,
            });
        }
        return;
    }

    // Keys the text field would otherwise use for focus changes.
    let (tab, shift_tab) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::Tab),
            i.consume_key(egui::Modifiers::SHIFT, egui::Key::Tab),
        )
    });
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut edit.text)
                .desired_width(f32::INFINITY)
                .hint_text(hint(ty))
                .text_color_opt(edit.error.as_ref().map(|_| ui.visuals().error_fg_color)),
        )
        .on_hover_text(edit.error.clone().unwrap_or_else(|| hint(ty).to_owned()));
    if edit.fresh {
        edit.fresh = false;
        response.request_focus();
    }
    let picked = if matches!(
        ty,
        FieldType::Country | FieldType::OptCountry | FieldType::Countries
    ) {
        country_picker(ui, doc, &response, edit)
    } else {
        None
    };
    if let Some(text) = picked {
        commit(text, CellMove::Stay, commands);
    } else if tab || shift_tab {
        let then = if shift_tab {
            CellMove::Previous
        } else {
            CellMove::Next
        };
        commit(resolve_country(doc, ty, &edit.text), then, commands);
    } else if response.lost_focus() {
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        let then = if enter {
            CellMove::Down
        } else {
            CellMove::Stay
        };
        commit(resolve_country(doc, ty, &edit.text), then, commands);
    }
}

fn hint(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Money => "e.g. 53.7M, 5B, 812K or 53700000 (US dollars)",
        FieldType::Year => "a year, e.g. 2024",
        FieldType::Date => "2024, 2024-05 or 2024-05-14",
        FieldType::Country | FieldType::OptCountry => "country code or name",
        FieldType::Countries => "country codes, separated by commas",
        FieldType::List => "names, separated by commas",
        FieldType::Quantity => "amount and unit, e.g. 1200 t",
        FieldType::Category => "category code",
        FieldType::Id => "a whole number",
        FieldType::Number => "a number",
        _ => "text",
    }
}

/// A typed country name that matches exactly one country becomes its code.
fn resolve_country(doc: &Document, ty: FieldType, text: &str) -> String {
    if !matches!(ty, FieldType::Country | FieldType::OptCountry) || text.trim().is_empty() {
        return text.to_owned();
    }
    let code = text.trim().to_uppercase();
    if country::is_known(doc, &code) {
        return code;
    }
    let matches = country::search(doc, text, 2);
    match matches.as_slice() {
        [(code, _)] => code.clone(),
        _ => text.to_owned(),
    }
}

/// Countries matching the typed text, shown under the cell; clicking one chooses it.
fn country_picker(
    ui: &mut egui::Ui,
    doc: &Document,
    response: &egui::Response,
    edit: &CellEdit,
) -> Option<String> {
    if !response.has_focus() {
        return None;
    }
    // For lists, the picker completes the last code being typed.
    let (done, current) = match edit.text.rfind(',') {
        Some(at) => (&edit.text[..=at], edit.text[at + 1..].trim()),
        None => ("", edit.text.trim()),
    };
    let matches = country::search(doc, current, 8);
    if matches.is_empty() {
        return None;
    }
    let mut picked = None;
    egui::Area::new(response.id.with("country_picker"))
        .order(egui::Order::Foreground)
        .fixed_pos(response.rect.left_bottom())
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_min_width(response.rect.width().max(220.0));
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                for (code, name) in matches {
                    if ui
                        .selectable_label(false, format!("{code}  {name}"))
                        .clicked()
                    {
                        picked = Some(format!("{done}{code}"));
                    }
                }
            });
        });
    picked
}
