//! The Tables view: every record of one kind in a virtualized table.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::AppView;
use crate::app::Command;
use crate::model::describe::{columns, len, row};
use crate::model::{RecordKind, RecordRef};

/// The tables, in tab order.
pub const KINDS: [RecordKind; 7] = [
    RecordKind::Trade,
    RecordKind::Investment,
    RecordKind::Indicator,
    RecordKind::Fact,
    RecordKind::Category,
    RecordKind::Source,
    RecordKind::Country,
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
        RecordKind::Document => "Document",
    }
}

fn record_key(doc: &crate::model::Document, kind: RecordKind, index: usize) -> String {
    match kind {
        RecordKind::Trade => doc.trade[index].id.to_string(),
        RecordKind::Investment => doc.investments[index].id.to_string(),
        RecordKind::Indicator => doc.indicators[index].id.to_string(),
        RecordKind::Fact => doc.facts[index].id.to_string(),
        RecordKind::Category => doc.categories[index].code.clone(),
        RecordKind::Source => doc.sources[index].id.to_string(),
        RecordKind::Country => doc.countries[index].code.clone(),
        RecordKind::Document => String::new(),
    }
}

/// Draws the view.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let doc = view.doc;
    let kind = view.nav.table_kind;
    ui.horizontal_wrapped(|ui| {
        for k in KINDS {
            let text = format!("{} ({})", tab_label(k), len(doc, k));
            if ui.selectable_label(k == kind, text).clicked() {
                commands.push(Command::SetTableKind(k));
            }
        }
    });
    ui.weak(
        "Click a row to see the record's details. Editing in tables comes with the table editor.",
    );
    ui.separator();
    let n = len(doc, kind);
    let selected_index = view
        .nav
        .selected
        .as_ref()
        .filter(|r| r.kind == kind)
        .map(|r| r.index);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // Wide tables scroll sideways rather than being cut off.
    egui::ScrollArea::horizontal()
        .id_salt(("table_hscroll", tab_label(kind)))
        .show(ui, |ui| {
            table(ui, view, kind, n, row_height, selected_index, commands);
        });
}

fn table(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    kind: RecordKind,
    n: usize,
    row_height: f32,
    selected_index: Option<usize>,
    commands: &mut Vec<Command>,
) {
    let doc = view.doc;
    let cols = columns(kind);
    let mut table = TableBuilder::new(ui)
        .id_salt(("table", tab_label(kind)))
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .auto_shrink([false, false]);
    for (i, name) in cols.iter().enumerate() {
        let width = match *name {
            "id" | "year" | "flow" | "group" | "code" => 60.0,
            "note" | "description" | "text" | "title" => 260.0,
            _ => 120.0,
        };
        let column = if i + 1 == cols.len() {
            Column::remainder().at_least(width)
        } else {
            Column::initial(width).at_least(30.0).clip(true)
        };
        table = table.column(column);
    }
    if let Some(row_index) = view.nav.reveal_row.filter(|r| *r < n) {
        table = table.scroll_to_row(row_index, Some(egui::Align::Center));
    }
    table
        .header(row_height, |mut header| {
            for name in cols {
                header.col(|ui| {
                    ui.strong(*name);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, n, |mut table_row| {
                let index = table_row.index();
                table_row.set_selected(selected_index == Some(index));
                let values = row(doc, kind, index).unwrap_or_default();
                for value in &values {
                    table_row.col(|ui| {
                        ui.add(egui::Label::new(value).truncate());
                    });
                }
                if table_row.response().clicked() {
                    commands.push(Command::Select(Some(RecordRef {
                        kind,
                        index,
                        key: record_key(doc, kind, index),
                    })));
                }
            });
        });
}
