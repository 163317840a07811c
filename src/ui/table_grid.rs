//! The grid of the Tables view: headers that sort, rows that select, cells that edit.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::model::fields;
use crate::model::{Document, RecordKind};
use crate::state::{Command, TableUi};

use super::tables::{column_width, start_edit, tab_label};

/// A small triangle pointing up (ascending) or down, drawn as a shape: egui's default
/// fonts lack most arrow glyphs.
fn sort_arrow(ui: &mut egui::Ui, ascending: bool) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    let c = rect.center();
    let (tip, base) = if ascending { (-4.0, 3.0) } else { (4.0, -3.0) };
    let points = vec![
        egui::pos2(c.x, c.y + tip),
        egui::pos2(c.x - 4.5, c.y + base),
        egui::pos2(c.x + 4.5, c.y + base),
    ];
    let color = ui.visuals().strong_text_color();
    ui.painter().add(egui::Shape::convex_polygon(
        points,
        color,
        egui::Stroke::NONE,
    ));
}

pub(super) fn grid(
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
    builder
        .header(row_height, |header| header_row(header, table_fields, table))
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
                                super::table_cells::cell_editor(ui, doc, kind, def, edit, commands);
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
                        cell_error(&response, rect, error);
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

/// Column headers: a click sorts ascending, descending, then back to document order.
fn header_row(
    mut header: egui_extras::TableRow<'_, '_>,
    table_fields: &[fields::Field],
    table: &mut TableUi,
) {
    let sort = table.query.sort;
    for (i, field) in table_fields.iter().enumerate() {
        header.col(|ui| {
            let direction = match sort {
                Some((f, ascending)) if f == i => Some(ascending),
                _ => None,
            };
            let order = match direction {
                Some(true) => "sorted ascending; click for descending",
                Some(false) => "sorted descending; click for document order",
                None => "click to sort ascending, again for descending, then document order",
            };
            let button = ui
                .add(egui::Button::new(egui::RichText::new(field.title()).strong()).frame(false))
                .on_hover_text(format!("Field {} in the file: {order}", field.name));
            if let Some(ascending) = direction {
                sort_arrow(ui, ascending);
            }
            if button.clicked() {
                table.query.sort = match sort {
                    Some((f, true)) if f == i => Some((i, false)),
                    Some((f, false)) if f == i => None,
                    _ => Some((i, true)),
                };
            }
        });
    }
}

/// A red frame around the cell and the reason its text was refused, right beside it.
fn cell_error(response: &egui::Response, rect: egui::Rect, error: &str) {
    let red = response.ctx.global_style().visuals.error_fg_color;
    response.ctx.layer_painter(response.layer_id).rect_stroke(
        rect,
        2.0,
        egui::Stroke::new(2.0, red),
        egui::StrokeKind::Inside,
    );
    egui::Area::new(response.id.with("cell_error"))
        .order(egui::Order::Tooltip)
        // Below the cell: beside it, it covered the text being typed in wide cells.
        .fixed_pos(rect.left_bottom() + egui::vec2(0.0, 2.0))
        .interactable(false)
        .show(&response.ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(320.0);
                ui.colored_label(red, error);
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
