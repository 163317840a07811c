//! Editors inside the cells of the Tables view: text with hints, choices, sources, and a
//! picker of countries matching what is typed.

use eframe::egui;

use crate::model::country;
use crate::model::fields::{self, FieldType};
use crate::model::{Document, RecordKind};
use crate::state::{CellEdit, CellMove, Command};

/// The editor inside a cell: a text field, a picker for countries, or a list of choices.
pub(super) fn cell_editor(
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
    let (index, field) = (edit.index, edit.field);
    let commit = |text: String, then: CellMove, commands: &mut Vec<Command>| {
        commands.push(Command::EditCell {
            kind,
            index,
            field,
            text,
            then,
        });
    };
    if let Some(choices) = ty.choices() {
        if let Some(text) = choice_editor(ui, &choices, edit, name_it) {
            commit(text, CellMove::Stay, commands);
        }
        return;
    }
    if ty == FieldType::Source {
        match source_editor(ui, doc, edit, name_it) {
            Some(SourcePick::Source(text)) => commit(text, CellMove::Stay, commands),
            Some(SourcePick::New) => commands.push(Command::NewSourceFor {
                kind,
                index: edit.index,
                field: edit.field,
            }),
            None => {}
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
    let is_country = matches!(
        ty,
        FieldType::Country | FieldType::OptCountry | FieldType::Countries
    );
    if response.changed() {
        edit.pick = 0;
    }
    let picked = if is_country {
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
        // Enter takes the picker's highlighted country when the text is not a code yet.
        let highlighted = (enter && is_country)
            .then(|| highlighted_country(doc, edit))
            .flatten();
        let text = highlighted.unwrap_or_else(|| resolve_country(doc, ty, &edit.text));
        commit(text, then, commands);
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

/// For lists, the picker completes the last code being typed: (the codes before it, with
/// their comma; the text of the one being typed).
fn typed_country(text: &str) -> (&str, &str) {
    match text.rfind(',') {
        Some(at) => (&text[..=at], text[at + 1..].trim()),
        None => ("", text.trim()),
    }
}

/// The text with the picker's highlighted match in place of what is being typed, when
/// that is not already a known code.
fn highlighted_country(doc: &Document, edit: &CellEdit) -> Option<String> {
    let (done, current) = typed_country(&edit.text);
    if current.is_empty() || country::is_known(doc, &current.to_uppercase()) {
        return None;
    }
    let matches = country::search(doc, current, 8);
    let (code, _) = matches.get(edit.pick.min(matches.len().saturating_sub(1)))?;
    Some(format!("{done}{code}"))
}

/// Countries matching the typed text, shown under the cell; clicking one chooses it, the
/// arrows move the highlight and Enter takes it.
fn country_picker(
    ui: &mut egui::Ui,
    doc: &Document,
    response: &egui::Response,
    edit: &mut CellEdit,
) -> Option<String> {
    if !response.has_focus() {
        return None;
    }
    let (done, current) = typed_country(&edit.text);
    let matches = country::search(doc, current, 8);
    if matches.is_empty() {
        return None;
    }
    let (down, up) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::ArrowDown),
            i.key_pressed(egui::Key::ArrowUp),
        )
    });
    if down {
        edit.pick = (edit.pick + 1).min(matches.len() - 1);
    }
    if up {
        edit.pick = edit.pick.saturating_sub(1);
    }
    let pick = edit.pick.min(matches.len() - 1);
    let mut picked = None;
    egui::Area::new(response.id.with("country_picker"))
        .order(egui::Order::Foreground)
        .fixed_pos(response.rect.left_bottom())
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_min_width(response.rect.width().max(220.0));
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                for (i, (code, name)) in matches.iter().enumerate() {
                    if ui
                        .selectable_label(i == pick, format!("{code}  {name}"))
                        .clicked()
                    {
                        picked = Some(format!("{done}{code}"));
                    }
                }
            });
        });
    picked
}

/// The list of choices of a flow, kind or status cell; the choice clicked, if any.
fn choice_editor(
    ui: &mut egui::Ui,
    choices: &[&str],
    edit: &mut CellEdit,
    name_it: impl Fn(&egui::Response, &str),
) -> Option<String> {
    let mut chosen = None;
    let response = egui::ComboBox::from_id_salt(("cell_choice", edit.index, edit.field))
        .selected_text(edit.text.clone())
        .width(ui.available_width())
        .show_ui(ui, |ui| {
            for choice in choices {
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
    name_it(&response, &edit.text);
    if edit.fresh {
        edit.fresh = false;
        response.request_focus();
        egui::Popup::open_id(ui.ctx(), egui::Popup::default_response_id(&response));
    }
    chosen
}

/// What was picked in a source cell.
enum SourcePick {
    /// A source id, or "" for none.
    Source(String),
    /// New source…
    New,
}

/// The list of the document's sources, with "New source…".
fn source_editor(
    ui: &mut egui::Ui,
    doc: &Document,
    edit: &mut CellEdit,
    name_it: impl Fn(&egui::Response, &str),
) -> Option<SourcePick> {
    let mut picked = None;
    let response = egui::ComboBox::from_id_salt(("cell_source", edit.index, edit.field))
        .selected_text(edit.text.clone())
        .width(ui.available_width())
        .height(300.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(edit.text.is_empty(), "(none)")
                .clicked()
            {
                picked = Some(SourcePick::Source(String::new()));
            }
            for source in &doc.sources {
                let text = format!("{}: {}", source.id, source.title);
                if ui
                    .selectable_label(edit.text == source.id.to_string(), text)
                    .clicked()
                {
                    picked = Some(SourcePick::Source(source.id.to_string()));
                }
            }
            ui.separator();
            if ui.button("New source…").clicked() {
                picked = Some(SourcePick::New);
            }
        })
        .response;
    name_it(&response, &edit.text);
    if edit.fresh {
        edit.fresh = false;
        egui::Popup::open_id(ui.ctx(), egui::Popup::default_response_id(&response));
    }
    picked
}
