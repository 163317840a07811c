//! The rows of a linked dataset: read-only, virtualized (ten million rows scroll like ten),
//! with filters by year, countries and product code that run off the UI thread.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::model::format;
use crate::state::AppView;
use crate::state::UiState;

/// Draws the rows table of the dataset opened in `state.dataset_rows`. The filter typed is
/// plain UI state; the app asks for the rows it means after the frame.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, state: &mut UiState) {
    let Some(open) = state.dataset_rows.as_mut() else {
        return;
    };
    let Some(link) = view.doc.datasets.get(open.dataset) else {
        state.dataset_rows = None;
        return;
    };
    let mut close = false;
    ui.horizontal(|ui| {
        if ui
            .button("All linked datasets")
            .on_hover_text("Back to the list of linked datasets")
            .clicked()
        {
            close = true;
        }
        ui.strong(format!("Rows of {}", link.name));
        ui.weak(format!("{} · read-only", link.layout.label()));
    });
    if close {
        state.dataset_rows = None;
        return;
    }
    ui.horizontal_wrapped(|ui| {
        let fields: [(&str, &str, &mut String, f32); 4] = [
            ("Year", "2024", &mut open.year, 50.0),
            ("Country", "PAK", &mut open.country, 60.0),
            ("Partner", "KAZ", &mut open.partner, 60.0),
            ("Product code starts with", "0805", &mut open.product, 80.0),
        ];
        for (name, hint, text, width) in fields {
            let label = super::wrap::label_before(ui, name, super::wrap::Control::Field { width });
            ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(width),
            )
            .labelled_by(label.id);
        }
        if !open.year.trim().is_empty() && open.year.trim().parse::<u16>().is_err() {
            ui.colored_label(ui.visuals().warn_fg_color, "Year: type a year such as 2024");
        }
    });
    let Some(table) = view.datasets.table(open.dataset) else {
        ui.horizontal(|ui| {
            super::busy::spinner(ui);
            ui.label("The dataset is being read…");
        });
        return;
    };
    let Some(list) = view.datasets.row_list() else {
        ui.horizontal(|ui| {
            super::busy::spinner(ui);
            ui.label("Filtering…");
        });
        return;
    };
    let n = list.len(table.len());
    ui.label(format!(
        "Showing {} of {}",
        format::group_thousands(n as u64),
        format::count(table.len(), "row")
    ));
    ui.separator();
    rows_grid(ui, table, list, n);
}

/// The rows, virtualized: only those on screen are laid out.
fn rows_grid(
    ui: &mut egui::Ui,
    table: &crate::model::dataset::TradeTable,
    list: &crate::state::RowList,
    n: usize,
) {
    egui::ScrollArea::horizontal()
        .id_salt("dataset_rows_hscroll")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("dataset_rows")
                .striped(true)
                .resizable(true)
                .column(Column::initial(56.0))
                .columns(Column::initial(80.0), 3)
                .column(Column::initial(80.0))
                .column(Column::initial(260.0).clip(true))
                .column(Column::initial(130.0))
                .column(Column::remainder().at_least(90.0))
                .header(22.0, |mut header| {
                    for title in [
                        "year",
                        "reporter",
                        "partner",
                        "flow",
                        "product",
                        "description",
                        "value (USD)",
                        "quantity",
                    ] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, n, |mut row| {
                        let Some(r) = table.row(list.row(row.index())) else {
                            return;
                        };
                        let product = &table.products[r.product as usize];
                        let country = |c: u16| table.countries[usize::from(c)].code.as_str();
                        let cells = [
                            r.year.to_string(),
                            country(r.reporter).to_owned(),
                            country(r.partner).to_owned(),
                            r.flow.label().to_owned(),
                            product.code.clone(),
                            product.name.clone(),
                            format::usd_full(r.value),
                            r.quantity.map(|q| q.to_string()).unwrap_or_default(),
                        ];
                        for text in cells {
                            row.col(|ui| {
                                ui.label(text);
                            });
                        }
                    });
                });
        });
}
