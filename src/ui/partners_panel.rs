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
    let combo = egui::ComboBox::from_id_salt("focus_country")
        .selected_text(selected)
        .width(ui.available_width() - 8.0)
        .height(400.0)
        .show_ui(ui, |ui| country_list(ui, view, state, commands));
    if combo.inner.is_none() {
        state.country_list_view = None;
    }
    combo
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
    let search = ui
        .add(
            egui::TextEdit::singleline(&mut state.partner_search)
                .hint_text("Name or code")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .on_hover_text("Enter opens the first partner that matches");
    // Enter opens the first match, as in a browser's address bar.
    if search.lost_focus()
        && ui.input(|i| i.key_pressed(egui::Key::Enter))
        && !state.partner_search.trim().is_empty()
        && let Some(first) = explore
            .partners
            .iter()
            .find(|p| matches(&state.partner_search, &p.name, &p.code))
    {
        commands.push(Command::OpenPartner(first.code.clone()));
    }
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
                // Room for the floating scroll bar, which would otherwise cover the end
                // of the figure ("(2022").
                let scroll = &ui.spacing().scroll;
                let bar = scroll.bar_width + scroll.bar_outer_margin + scroll.bar_inner_margin;
                let row_size = egui::vec2(ui.available_width() - bar, ui.spacing().interact_size.y);
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
                        // A mouse click leaves no focus ring behind: after Back, the
                        // partner clicked before looked selected beside the current one.
                        if row.clicked_by(egui::PointerButton::Primary) {
                            row.surrender_focus();
                        }
                    });
                });
            }
            if shown == 0 {
                ui.weak("No partner matches the search.");
            }
        });
}

/// The focus country list: a search box, then the countries that match. The arrows move
/// the highlight, Enter chooses it (the first match unless moved), Escape closes the list,
/// and so does changing the view.
fn country_list(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let current_view = view.nav.page.view;
    if *state.country_list_view.get_or_insert(current_view) != current_view {
        ui.close();
        return;
    }
    let label = ui.label("Search countries");
    let search = ui
        .add(egui::TextEdit::singleline(&mut state.country_search).hint_text("Name or code"))
        .labelled_by(label.id);
    if !search.has_focus() && !search.lost_focus() {
        search.request_focus();
    }
    if search.changed() {
        state.country_pick = 0;
    }
    let shown: Vec<&(String, String)> = view
        .explore
        .countries
        .iter()
        .filter(|(code, name)| matches(&state.country_search, name, code))
        .collect();
    let (down, up, enter) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            i.key_pressed(egui::Key::Enter),
        )
    });
    let last = shown.len().saturating_sub(1);
    if down {
        state.country_pick = (state.country_pick + 1).min(last);
    }
    if up {
        state.country_pick = state.country_pick.saturating_sub(1);
    }
    state.country_pick = state.country_pick.min(last);
    let focus = view.nav.page.focus.as_deref();
    let mut chosen = None;
    for (i, (code, name)) in shown.iter().enumerate() {
        let mut text = egui::RichText::new(format!("{name} ({code})"));
        if focus == Some(code.as_str()) {
            text = text.strong();
        }
        let row = ui.add(egui::Button::selectable(i == state.country_pick, text));
        if i == state.country_pick && (down || up) {
            row.scroll_to_me(None);
        }
        if row.clicked() {
            chosen = Some(code.clone());
        }
    }
    if shown.is_empty() {
        ui.weak("No country matches.");
    }
    if enter && chosen.is_none() {
        chosen = shown.get(state.country_pick).map(|(code, _)| code.clone());
    }
    if let Some(code) = chosen {
        commands.push(Command::SetFocus(code));
        state.country_search.clear();
        state.country_pick = 0;
        ui.close();
    }
}
