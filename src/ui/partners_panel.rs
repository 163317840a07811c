//! The left panel: the focus country, chosen from a searchable list, and its partners.

use eframe::egui;

use crate::state::AppView;
use crate::state::{Command, UiState, View};

fn matches(search: &str, name: &str, code: &str) -> bool {
    let search = search.trim().to_lowercase();
    search.is_empty()
        || name.to_lowercase().contains(&search)
        || code.to_lowercase().contains(&search)
}

/// Draws the panel.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    let focus = view.nav.page.focus.as_deref();
    ui.add_space(4.0);
    let focus_label = ui.strong("Focus country");
    let selected = if explore.focus_name.is_empty() {
        "Choose a country".to_owned()
    } else {
        explore.focus_name.clone()
    };
    egui::ComboBox::from_id_salt("focus_country")
        .selected_text(selected)
        .width(ui.available_width() - 8.0)
        .height(400.0)
        .show_ui(ui, |ui| {
            let label = ui.label("Search countries");
            let search = ui
                .add(
                    egui::TextEdit::singleline(&mut state.country_search).hint_text("Name or code"),
                )
                .labelled_by(label.id);
            if !search.has_focus() && state.country_search.is_empty() {
                search.request_focus();
            }
            for (code, name) in &explore.countries {
                if !matches(&state.country_search, name, code) {
                    continue;
                }
                if ui
                    .selectable_label(focus == Some(code.as_str()), format!("{name} ({code})"))
                    .clicked()
                {
                    commands.push(Command::SetFocus(code.clone()));
                    state.country_search.clear();
                }
            }
        })
        .response
        .labelled_by(focus_label.id)
        .on_hover_text("The country whose partners, trade and investments are shown");
    ui.add_space(8.0);
    ui.separator();
    if focus.is_none() {
        ui.label("No country yet.");
        return;
    }
    ui.strong(format!("Partners of {}", explore.focus_name));
    let label = ui.label("Search partners");
    ui.add(
        egui::TextEdit::singleline(&mut state.partner_search)
            .hint_text("Name or code")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    ui.add_space(4.0);
    if explore.partners.is_empty() {
        ui.weak(
            "No partner: no trade record, investment or agreement links this country to another.",
        );
        return;
    }
    let on_pair_view = matches!(
        view.nav.page.view,
        View::Relationship | View::Trade | View::Categories
    );
    egui::ScrollArea::vertical()
        .id_salt("partners_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let mut shown = 0;
            for partner in &explore.partners {
                if !matches(&state.partner_search, &partner.name, &partner.code) {
                    continue;
                }
                shown += 1;
                let is_current =
                    on_pair_view && view.nav.page.partner.as_deref() == Some(partner.code.as_str());
                // The figure first (right-aligned), then the name in the room left,
                // shortened with "…" so that long names never run into the figure.
                let row_size = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
                let right_to_left = egui::Layout::right_to_left(egui::Align::Center);
                ui.allocate_ui_with_layout(row_size, right_to_left, |ui| {
                    ui.weak(partner.key_figure());
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                        let row = ui
                            .add(egui::Button::selectable(is_current, &partner.name).truncate())
                            .on_hover_text(format!(
                                "{} ({}): {}; {} trade records, {} investments and agreements.\nClick to open the relationship page.",
                                partner.name,
                                partner.code,
                                partner.key_figure(),
                                partner.trade_records,
                                partner.deals
                            ));
                        if row.clicked() {
                            commands.push(Command::OpenPartner(partner.code.clone()));
                        }
                    });
                });
            }
            if shown == 0 {
                ui.weak("No partner matches the search.");
            }
        });
}
