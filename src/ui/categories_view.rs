//! The Categories view: what the focus country exports to and imports from the partner,
//! from the document's category records and, product by product with drill-down from HS
//! chapters to headings to products, from linked datasets.

use eframe::egui;

use super::{AppView, no_partner, treemap};
use crate::model::products;
use crate::state::{Command, UiState};

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let Some(chart_data) = &view.explore.category_chart else {
        no_partner(ui, view);
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("categories_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let has_datasets = !view.doc.datasets.is_empty();
            treemap::layout_toggle(ui, state);
            if let Some(products_chart) = &view.explore.product_chart {
                drill_bar(ui, view, commands);
                let drilled = treemap::breakdown(
                    ui,
                    products_chart,
                    view.settings.money_unit,
                    view.nav.selected.as_ref(),
                    state,
                    commands,
                );
                if let Some(code) = drilled {
                    commands.push(Command::DrillProduct(Some(code)));
                }
                ui.add_space(8.0);
            } else if has_datasets && view.datasets.working() {
                ui.horizontal(|ui| {
                    super::busy::spinner(ui);
                    ui.label("Summing the linked datasets by product…");
                });
            }
            // The document's own category records; hidden when only a dataset has products.
            if !(chart_data.is_empty() && view.explore.product_chart.is_some()) {
                treemap::breakdown(
                    ui,
                    chart_data,
                    view.settings.money_unit,
                    view.nav.selected.as_ref(),
                    state,
                    commands,
                );
            }
        });
}

/// The year of the products chart, among the years the datasets have for the pair.
fn year_picker(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let (years, shown) = &view.explore.product_years;
    if years.len() < 2 {
        return;
    }
    let label = ui.label("Year");
    let text = shown.map_or_else(|| "Latest".to_owned(), |y| y.to_string());
    egui::ComboBox::from_id_salt("product_year")
        .selected_text(text)
        .show_ui(ui, |ui| {
            for &year in years.iter().rev() {
                if ui
                    .selectable_label(*shown == Some(year), year.to_string())
                    .clicked()
                {
                    let latest = years.last() == Some(&year);
                    commands.push(Command::SetProductYear((!latest).then_some(year)));
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("The year of the products chart (the latest by default)");
    ui.separator();
}

/// Where the products chart is in the HS tree, with a way back up.
pub(super) fn drill_bar(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let within = view.nav.drill();
    ui.horizontal(|ui| {
        year_picker(ui, view, commands);
        ui.label("Products:");
        if ui
            .add_enabled(within.is_some(), egui::Button::new("All chapters"))
            .on_hover_text("Back to the HS chapters")
            .clicked()
        {
            commands.push(Command::DrillProduct(None));
        }
        for code in products::drill_path(within) {
            ui.label("/");
            let current = Some(code.as_str()) == within;
            if ui
                .add_enabled(!current, egui::Button::new(&code))
                .on_hover_text(format!("Back to {code}"))
                .clicked()
            {
                commands.push(Command::DrillProduct(Some(code)));
            }
        }
        ui.weak(if within.is_some_and(|c| c.len() >= 4) {
            "HS products"
        } else {
            "Click a bar or tile to see what it holds"
        });
    });
}
