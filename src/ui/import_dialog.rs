//! The import dialogs: choosing the columns of an unknown CSV, the progress of a running
//! import (with Cancel), and the review of what was read before it is added.

use eframe::egui;

use crate::io::import::MappingRoles;
use crate::model::{dataset, format};
use crate::state::{
    Command, ImportDialog, ImportReview, ImportRunning, MappingDialog, MemoryWarning, UiState,
};

use super::dialogs::{Choice, choices, modal_answer};

/// Draws the import dialog shown, if any.
pub fn show(ctx: &egui::Context, state: &mut UiState, commands: &mut Vec<Command>) {
    match &mut state.import {
        Some(ImportDialog::Mapping(dialog)) => mapping(ctx, dialog, commands),
        Some(ImportDialog::Running(running)) => progress(ctx, running, commands),
        Some(ImportDialog::Review(review)) => review_dialog(ctx, review, commands),
        Some(ImportDialog::Memory(warning)) => memory_warning(ctx, warning, commands),
        None => {}
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A combo box choosing one of the file's columns (or none, when the role is optional).
fn column_choice(
    ui: &mut egui::Ui,
    role: &str,
    hint: &str,
    header: &[String],
    choice: &mut Option<usize>,
    none_text: Option<&str>,
) {
    let label = ui.label(role).on_hover_text(hint);
    let selected = match choice {
        Some(i) => header.get(*i).cloned().unwrap_or_default(),
        None => none_text.unwrap_or("Choose a column").to_owned(),
    };
    egui::ComboBox::from_id_salt(("mapping", role))
        .selected_text(selected)
        .width(260.0)
        .height(360.0)
        .show_ui(ui, |ui| {
            if let Some(none) = none_text {
                ui.selectable_value(choice, None, none);
            }
            for (i, name) in header.iter().enumerate() {
                ui.selectable_value(choice, Some(i), format!("{name}  (column {})", i + 1));
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(hint);
    ui.end_row();
}

fn mapping(ctx: &egui::Context, dialog: &mut MappingDialog, commands: &mut Vec<Command>) {
    let response = egui::Modal::new(egui::Id::unique("import_mapping_modal")).show(ctx, |ui| {
        ui.set_width(760.0_f32.min(ctx.content_rect().width() - 60.0));
        ui.heading(format!("Choose the columns of {}", file_name(&dialog.path)));
        ui.add_space(4.0);
        if dialog.remembered {
            ui.label(
                "These columns were chosen before for a file with the same header. Check them and import.",
            );
        } else {
            ui.label(
                "The header matches no known format (UN Comtrade, comtradr, BACI). Say which column holds what; \
                 the choice is remembered for files with the same header.",
            );
        }
        ui.add_space(6.0);
        let header = dialog.header.clone();
        let roles: &mut MappingRoles = &mut dialog.roles;
        let before = roles.clone();
        egui::Grid::new("mapping_grid")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                column_choice(ui, "Year", "The year, or a period such as 202401 whose first four digits are the year", &header, &mut roles.year, None);
                column_choice(ui, "Reporter or exporter", "ISO alpha-3 codes (PAK) or numeric codes (586)", &header, &mut roles.reporter, None);
                column_choice(ui, "Partner or importer", "ISO alpha-3 codes (KAZ) or numeric codes (398)", &header, &mut roles.partner, None);
                column_choice(
                    ui,
                    "Flow",
                    "Export/import codes (X, M, RX, …) or words; without one, every row runs from exporter to importer",
                    &header,
                    &mut roles.flow,
                    Some("None: rows run from exporter to importer"),
                );
                column_choice(ui, "Product code", "HS codes; rows without one are totals", &header, &mut roles.product, Some("None: rows are totals"));
                column_choice(ui, "Product description", "Text describing the product", &header, &mut roles.product_name, Some("None"));
                column_choice(ui, "Value", "The trade value", &header, &mut roles.value, None);
                column_choice(ui, "Quantity", "Physical quantity, if any", &header, &mut roles.quantity, Some("None"));
                let label = ui.label("Value is in");
                egui::ComboBox::from_id_salt("mapping_scale")
                    .selected_text(dataset::scale_name(roles.scale))
                    .width(260.0)
                    .show_ui(ui, |ui| {
                        for (scale, name) in dataset::VALUE_SCALES {
                            ui.selectable_value(&mut roles.scale, scale, name);
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text("BACI and many statistical tables give thousands of dollars");
                ui.end_row();
                // The magnitude each unit implies for the file's first value, so that a
                // flow in millions is not taken for dollars unnoticed.
                let first_value = roles.value.and_then(|col| {
                    dialog.rows.iter().find_map(|r| format::scale_preview(r.get(col)?))
                });
                if let Some(preview) = first_value {
                    ui.label("");
                    ui.weak(format!("First value: {preview}"));
                    ui.end_row();
                }
            });
        if *roles != before {
            dialog.error = None;
        }
        ui.add_space(6.0);
        ui.strong("First rows of the file");
        egui::ScrollArea::both()
            .id_salt("mapping_preview")
            .max_height(220.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                egui::Grid::new("mapping_preview_grid")
                    .striped(true)
                    .num_columns(header.len())
                    .show(ui, |ui| {
                        for name in &header {
                            ui.strong(name);
                        }
                        ui.end_row();
                        for row in &dialog.rows {
                            for i in 0..header.len() {
                                ui.label(row.get(i).map_or("", String::as_str));
                            }
                            ui.end_row();
                        }
                    });
            });
        if let Some(error) = &dialog.error {
            ui.add_space(4.0);
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.add_space(8.0);
        let mut answer = None;
        ui.horizontal(|ui| {
            if super::dialogs::answer_button(ui, "Import", true)
                .on_hover_text("Read the whole file with these columns (Enter)")
                .clicked()
            {
                answer = Some(Command::StartMappedImport);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(Command::CancelImport);
            }
        });
        answer
    });
    answer(ctx, response, Command::StartMappedImport, commands);
}

fn progress(ctx: &egui::Context, running: &ImportRunning, commands: &mut Vec<Command>) {
    let response = egui::Modal::new(egui::Id::unique("import_progress_modal")).show(ctx, |ui| {
        ui.set_width(480.0);
        ui.heading(format!("Importing {}", file_name(&running.path)));
        ui.add_space(6.0);
        let elapsed = running.started.elapsed();
        match &running.progress {
            Some(p) => {
                ui.add(
                    egui::ProgressBar::new(p.fraction())
                        .show_percentage()
                        .desired_width(460.0),
                );
                let files = match p.files {
                    (done, all) if all > 1 => format!(" · {done} of {all} files done"),
                    _ => String::new(),
                };
                ui.label(format!(
                    "{} of {} read · {}{files}",
                    format::bytes(p.bytes),
                    format::bytes(p.total_bytes),
                    format::count(p.rows as usize, "row")
                ));
                // Everything read: what remains is applying the aggregation rule to all
                // rows, the pair totals and the country index, which report no progress of
                // their own (the copy for fast reopening is written after the rows are
                // shown, so it is not named here).
                let read_all = p.total_bytes > 0 && p.bytes >= p.total_bytes;
                let left = if read_all {
                    "finishing: applying the aggregation rule and counting totals…".to_owned()
                } else {
                    p.time_left().map_or_else(
                        || "estimating time left…".to_owned(),
                        |d| format!("about {:.0} s left", d.as_secs_f64().ceil()),
                    )
                };
                ui.label(format!(
                    "{} rows per second · {} s so far · {left}",
                    format::group_thousands(p.rows_per_second().round() as u64),
                    elapsed.as_secs()
                ));
            }
            None => {
                // Not animated: an animated bar asks for every frame until the first report.
                ui.add(egui::ProgressBar::new(0.0).desired_width(460.0));
                ui.label("Starting…");
            }
        }
        ui.add_space(8.0);
        if running.cancelling {
            ui.horizontal(|ui| {
                super::busy::spinner(ui);
                ui.label("Cancelling…");
            });
            false
        } else {
            ui.button("Cancel")
                .on_hover_text("Stop the import; the document stays as it is")
                .clicked()
        }
    });
    // Reports arrive without asking for a frame: this is the dialog's clock.
    ctx.request_repaint_after(super::busy::PROGRESS_STEP);
    let escape = response.is_top_modal
        && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
    if (response.inner || escape) && !running.cancelling {
        commands.push(Command::CancelImport);
    }
}

fn review_dialog(ctx: &egui::Context, review: &mut ImportReview, commands: &mut Vec<Command>) {
    let response = egui::Modal::new(egui::Id::unique("import_review_modal")).show(ctx, |ui| {
        ui.set_width(620.0_f32.min(ctx.content_rect().width() - 60.0));
        let name = file_name(&review.path);
        if !review.failed_files.is_empty() {
            ui.heading(format!("{name}: some files could not be read"));
        } else if review.needs_confirmation() {
            ui.heading(format!("{name}: many rows could not be read"));
        } else {
            ui.heading(format!("Imported {name}"));
        }
        ui.add_space(4.0);
        ui.label(format!(
            "{} read as {}; {} could be used.",
            format::count(review.rows_read as usize, "row"),
            review.layout.label(),
            format::count((review.rows_read - review.rows_rejected) as usize, "row"),
        ));
        ui.label(format!("{}.", review.scope));
        files_read(ui, review);
        if review.rows_rejected > 0 {
            ui.colored_label(
                if review.needs_confirmation() {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().warn_fg_color
                },
                format!(
                    "{} ({:.1}%) could not be read and are left out{}:",
                    format::count(review.rows_rejected as usize, "row"),
                    review.rejected_share() * 100.0,
                    if review.rows_rejected as usize > review.rejected.len() {
                        format!("; the first {} are listed", review.rejected.len())
                    } else {
                        String::new()
                    }
                ),
            );
            egui::ScrollArea::vertical()
                .id_salt("rejected_rows")
                .max_height(180.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for (line, reason) in &review.rejected {
                        ui.label(format!("Line {line}: {reason}"));
                    }
                });
        }
        if !review.unknown_countries.is_empty() {
            ui.label(format!(
                "Country codes that are not ISO codes, kept as written: {}",
                review.unknown_countries.join(", ")
            ));
        }
        if !review.recoded_countries.is_empty() {
            let listed: Vec<String> = (review.recoded_countries.iter())
                .map(|(former, now)| {
                    let name = crate::model::country::iso_name(now).unwrap_or(now);
                    format!("{former} as {now} ({name})")
                })
                .collect();
            ui.label(format!(
                "Former country codes read as today's: {}",
                listed.join(", ")
            ))
            .on_hover_text(
                "ISO 3166 gave these countries another code since (Romania's ROM became ROU \
                 in 2002): their rows join the country's other rows.",
            );
        }
        if let Some(origin) = &review.codes_origin {
            ui.add(egui::Label::new(format!("Numeric country codes from: {origin}")).wrap())
                .on_hover_text("Where the numeric codes of the file were looked up");
        }
        ui.add_space(6.0);
        if review.can_copy {
            ui.checkbox(
                &mut review.copy_rows,
                "Copy the rows into the document as editable records",
            )
            .on_hover_text(format!(
                "Small imports (up to {}) can become ordinary records that you edit in the tables. \
                 Otherwise the file is linked as a read-only dataset.",
                format::count(crate::model::dataset::COPY_LIMIT, "row")
            ));
        }
        ui.add_space(8.0);
        let mut answer = None;
        ui.horizontal(|ui| {
            let add = if review.copy_rows {
                "Copy rows"
            } else if !review.failed_files.is_empty() {
                "Link the other files"
            } else if review.needs_confirmation() {
                "Link anyway"
            } else {
                "Link dataset"
            };
            if super::dialogs::answer_button(ui, add, true).clicked() {
                answer = Some(Command::FinishImport {
                    copy_rows: review.copy_rows,
                });
            }
            if ui
                .button("Cancel")
                .on_hover_text("Leave the document as it is")
                .clicked()
            {
                answer = Some(Command::CancelImport);
            }
        });
        answer
    });
    let on_enter = Command::FinishImport {
        copy_rows: review.copy_rows,
    };
    answer(ctx, response, on_enter, commands);
}

/// How many files a release was read from, and the files that failed.
fn files_read(ui: &mut egui::Ui, review: &ImportReview) {
    if review.files > 1 {
        ui.label(format!(
            "Read from {} as one dataset.",
            format::count(review.files, "data file")
        ));
    }
    if !review.failed_files.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!(
                "{} could not be read; link the others, or cancel and fix them:",
                format::count(review.failed_files.len(), "file")
            ),
        );
        egui::ScrollArea::vertical()
            .id_salt("failed_files")
            .max_height(140.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for (file, why) in &review.failed_files {
                    ui.add(egui::Label::new(format!("{file}: {why}")).wrap());
                }
            });
    }
}

/// The command a dialog answered with: the button clicked, `on_enter` on Enter; clicking
/// outside it or Escape cancels the import.
fn answer(
    ctx: &egui::Context,
    response: egui::ModalResponse<Option<Command>>,
    on_enter: Command,
    commands: &mut Vec<Command>,
) {
    let enter = super::dialogs::enter_pressed(ctx, &response);
    match response.inner {
        Some(command) => commands.push(command),
        None if enter => commands.push(on_enter),
        None if response.should_close() => commands.push(Command::CancelImport),
        None => {}
    }
}

/// Asked before reading a file, folder or archive whose rows may not fit in the memory
/// free now. Cancel is what Enter and Escape give: the safe answer.
fn memory_warning(ctx: &egui::Context, warning: &MemoryWarning, commands: &mut Vec<Command>) {
    let buttons = [
        Choice::default("Cancel", "Do not import it", false),
        Choice::new(
            "Import anyway",
            "Read it although it may not fit: save your work first",
            true,
        ),
    ];
    let response = egui::Modal::new(egui::Id::unique("import_memory_modal")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading("This data may not fit in memory");
        ui.add_space(4.0);
        ui.label(format!(
            "{} holds about {} rows. Reading them takes about {} of memory; {} is free on \
             this computer now.",
            file_name(&warning.path),
            format::rounded_count(warning.shortfall.rows),
            format::bytes(warning.shortfall.needed),
            format::bytes(warning.shortfall.available),
        ));
        ui.add_space(4.0);
        ui.label(
            "Importing anyway may slow the whole computer down while it swaps, or the \
             system may stop Trade Explorer: changes made since the last recovery copy \
             would be lost. Close other programs first, or import fewer files (some years \
             of a release).",
        );
        ui.add_space(8.0);
        choices(ui, &buttons)
    });
    match modal_answer(ctx, response, false, &buttons) {
        Some(true) => commands.push(Command::ImportAnyway),
        Some(false) => commands.push(Command::CancelImport),
        None => {}
    }
}
