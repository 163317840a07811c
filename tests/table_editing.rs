//! Editing records in the tables through the UI with egui_kittest, as a user would.

mod common;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::View;
use trade_explorer::model::RecordKind;
use trade_explorer::{TradeApp, bundled_document};

fn harness() -> Harness<'static, TradeApp> {
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(|cc| TradeApp::with_document(cc, bundled_document()));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num7);
    harness.run();
    assert_eq!(harness.state().navigation().page.view, View::Tables);
    harness
}

fn rows(harness: &Harness<'_, TradeApp>) -> Vec<usize> {
    harness.state().table_rows().to_vec()
}

/// Clicks a cell by its text and presses Enter to edit it.
fn edit_cell(harness: &mut Harness<'_, TradeApp>, cell_text: &str) {
    harness.get_by_label(cell_text).click();
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
}

/// Replaces the text of the focused cell editor and presses Enter.
fn type_and_enter(harness: &mut Harness<'_, TradeApp>, text: &str) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness.get_by_label("Trade volumes (12)");
    let editor = harness
        .query_all_by(|node| node.is_focused())
        .next()
        .expect("the cell editor has the keyboard");
    editor.type_text(text);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
}

fn relationship_total(harness: &mut Harness<'_, TradeApp>) -> Option<String> {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    harness.run();
    let pair = harness.state().explore().pair.clone()?;
    pair.headlines.first().map(|h| h.value.clone())
}

#[test]
fn clicking_the_value_header_sorts_up_down_then_document_order() {
    let mut doc = bundled_document();
    doc.trade[3].value_usd = Some(1e6);
    doc.trade[5].value_usd = Some(9e6);
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num7);
    harness.run();
    harness.get_by_label("Value (US$)").click();
    harness.run();
    assert_eq!(
        &rows(&harness)[..3],
        [3, 5, 0],
        "ascending, missing values last"
    );
    harness.get_by_label("Value (US$)").click();
    harness.run();
    assert_eq!(&rows(&harness)[..3], [0, 5, 3], "descending");
    harness.get_by_label("Value (US$)").click();
    harness.run();
    assert_eq!(
        rows(&harness),
        (0..12).collect::<Vec<_>>(),
        "document order"
    );
}

#[test]
fn filtering_to_kazakhstan_and_by_flow() {
    let mut doc = bundled_document();
    let mut other = doc.trade[0].clone();
    other.id = 99;
    other.reporter = "PAK".into();
    other.partner = "CHN".into();
    other.note.clear();
    other.source = Some(2);
    doc.trade.push(other);
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num7);
    harness.run();
    harness.get_by_label("Showing 13 of 13 rows");
    harness.get_by_label("Filter rows").focus();
    harness.run();
    harness.get_by_label("Filter rows").type_text("kazakh");
    harness.run();
    harness.get_by_label("Showing 12 of 13 rows");
    assert!(!rows(&harness).contains(&12));

    // Quick filter: flow.
    harness
        .get_by_role_and_label(egui::Role::ComboBox, "Flow")
        .click();
    harness.run();
    // The table's cells say "Import" too; the choice in the list is a button.
    harness
        .get_by_role_and_label(egui::Role::Button, "Import")
        .click();
    harness.run();
    harness.get_by_label("Showing 6 of 13 rows");
    harness.get_by_label("Clear filters").click();
    harness.run();
    harness.get_by_label("Showing 13 of 13 rows");
}

#[test]
fn editing_a_value_changes_the_relationship_figure() {
    let mut harness = harness();
    edit_cell(&mut harness, "$53,700,000");
    type_and_enter(&mut harness, "60.5M");
    assert_eq!(
        harness.state().document().trade[0].value_usd,
        Some(60_500_000.0)
    );
    assert!(harness.state().is_dirty());
    assert_eq!(relationship_total(&mut harness).as_deref(), Some("$60.5M"));
    // Undo brings the figure back.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(relationship_total(&mut harness).as_deref(), Some("$53.7M"));
}

#[test]
fn an_invalid_value_is_refused_with_a_reason() {
    let mut harness = harness();
    edit_cell(&mut harness, "$53,700,000");
    let header = harness.get_by_label("Value (US$)").rect();
    type_and_enter(&mut harness, "-5M");
    // The message has its own line: the grid does not move.
    assert_eq!(harness.get_by_label("Value (US$)").rect(), header);
    assert_eq!(
        harness.state().document().trade[0].value_usd,
        Some(53_700_000.0),
        "the document keeps its last valid value"
    );
    assert!(!harness.state().is_dirty());
    harness.get_by_label_contains("Not accepted: negative amount");
    // Escape gives up the edit.
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.query_by_label_contains("Not accepted").is_none());
}

#[test]
fn deleting_a_row_and_undoing_restores_it_in_place() {
    let mut harness = harness();
    let before = harness.state().document().clone();
    harness.get_by_label("3401 (Soap)").click();
    harness.run();
    harness.key_press(egui::Key::Delete);
    harness.run();
    assert_eq!(harness.state().document().trade.len(), 11);
    assert!(harness.query_by_label("3401 (Soap)").is_none());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document(), &before, "same rows, same order");
}

#[test]
fn pasting_two_rows_adds_them_in_one_undo_step() {
    let mut harness = harness();
    let before = harness.state().document().clone();
    let tsv = "year\treporter\tpartner\tflow\tvalue_usd\tsource\n\
               2023\tPAK\tKAZ\tExport\t12.5M\t1\n\
               2023\tPAK\tKAZ\tImport\t$8,100,000\t1\n";
    harness.event(egui::Event::Paste(tsv.to_owned()));
    harness.run();
    let doc = harness.state().document();
    assert_eq!(doc.trade.len(), 14);
    assert_eq!(doc.trade[12].value_usd, Some(12.5e6));
    assert_eq!(doc.trade[13].value_usd, Some(8.1e6));
    assert_eq!((doc.trade[12].id, doc.trade[13].id), (13, 14));
    harness.get_by_label("Pasted 2 rows");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document(), &before);
}

#[test]
fn pasting_reports_refused_lines() {
    let mut harness = harness();
    let tsv = "year\treporter\tpartner\tvalue_usd\n2023\tPAK\tKAZ\t1M\n2023\tPAK\tXXX\t2M\n2023\tPAK\tKAZ\tplenty\n";
    harness.event(egui::Event::Paste(tsv.to_owned()));
    harness.run();
    assert_eq!(harness.state().document().trade.len(), 13);
    harness.get_by_label("Some rows were not pasted");
    harness.get_by_label_contains("Line 3: partner: unknown country code 'XXX'");
    harness.get_by_label_contains("Line 4: value_usd:");
}

#[test]
fn copying_selected_rows_gives_tsv_with_a_header() {
    let mut harness = harness();
    harness.get_by_label("3401 (Soap)").click();
    harness.run();
    harness
        .get_by_label("9506 (Sports equipment)")
        .click_modifiers(egui::Modifiers::COMMAND);
    harness.run();
    harness.get_by_label("2 rows selected");
    harness.event(egui::Event::Copy);
    harness.step();
    let copied = common::copied_texts(&harness);
    assert_eq!(copied.len(), 1);
    let lines: Vec<&str> = copied[0].lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("id\tyear\treporter"));
    assert!(lines[1].starts_with("5\t\tPAK\tKAZ\tExport\t3401\t"));
    assert!(lines[2].starts_with("6\t\tPAK\tKAZ\tExport\t9506\t"));
}

#[test]
fn adding_a_row_prefills_the_current_pair() {
    let mut harness = harness();
    harness.get_by_label("Add row").click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(doc.trade.len(), 13);
    let added = &doc.trade[12];
    assert_eq!(
        (
            added.id,
            added.year,
            added.reporter.as_str(),
            added.partner.as_str()
        ),
        (13, Some(2024), "PAK", "KAZ")
    );
    assert_eq!(harness.state().explore().errors, 0, "the new row is valid");
}

#[test]
fn a_problem_opens_the_table_at_its_cell() {
    let mut doc = bundled_document();
    doc.trade[4].partner = "ZZZ".into();
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num8);
    harness.run();
    harness
        .get_all_by_label_contains("unknown country code 'ZZZ'")
        .next()
        .unwrap()
        .click();
    harness.run();
    assert_eq!(harness.state().navigation().page.view, View::Tables);
    assert_eq!(harness.state().navigation().table_kind, RecordKind::Trade);
    // The cursor is on the partner cell of the row: Enter edits it.
    harness.key_press(egui::Key::Enter);
    harness.run();
    let editor = harness
        .query_all_by(|node| node.is_focused())
        .next()
        .expect("an editor opened");
    assert_eq!(editor.value().as_deref(), Some("ZZZ"));
}

#[test]
fn deleting_a_cited_source_asks_first_and_names_the_records() {
    let mut harness = harness();
    harness.get_by_label("Sources (2)").click();
    harness.run();
    harness
        .get_by_label_contains("Pakistan invites China")
        .click();
    harness.run();
    harness.get_by_label("Delete rows").click();
    harness.run();
    harness.get_by_label("Delete cited sources?");
    harness.get_by_label_contains("is cited by 9 records: investment 5, investment 6");
    harness.get_by_label("Keep them").click();
    harness.run();
    assert_eq!(harness.state().document().sources.len(), 2);
    harness.get_by_label("Delete rows").click();
    harness.run();
    harness.get_by_label("Delete").click();
    harness.run();
    assert_eq!(harness.state().document().sources.len(), 1);
    assert!(
        harness.state().explore().errors > 0,
        "the citing records now show problems"
    );
}

#[test]
fn the_source_picker_can_create_a_new_source() {
    let mut harness = harness();
    harness.get_by_label("Facts (3)").click();
    harness.run();
    harness
        .get_all_by_label_contains("1: Kazakh president")
        .next()
        .unwrap()
        .click();
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.get_by_label("New source…").click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(doc.sources.len(), 3);
    assert_eq!(doc.sources[2].id, 3);
    assert_eq!(doc.facts[0].source, Some(3));
    harness.get_by_label_contains("Added source 3");
    // One undo step removes the source and restores the citation.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document(), &bundled_document());
}

/// The country picker of a cell answers the keyboard: typing part of a name, the arrow
/// down twice and Enter choose the third match (the second, Kazakhstan, is the reporter).
#[test]
fn the_country_picker_of_a_cell_takes_the_highlighted_match_with_enter() {
    let mut harness = harness();
    let doc = harness.state().document().clone();
    let matches = trade_explorer::model::country::search(&doc, "stan", 8);
    assert!(matches.len() >= 3, "{matches:?}");
    // Row 1's partner is Pakistan, three columns left of its value.
    harness.get_by_label("$53,700,000").click();
    harness.run();
    for _ in 0..3 {
        harness.key_press(egui::Key::ArrowLeft);
        harness.run();
    }
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .query_all_by(|node| node.is_focused())
        .next()
        .expect("the cell editor has the keyboard")
        .type_text("stan");
    harness.run();
    for _ in 0..2 {
        harness.key_press(egui::Key::ArrowDown);
        harness.run();
    }
    harness.key_press(egui::Key::Enter);
    harness.run();
    let t = &harness.state().document().trade[0];
    assert_eq!(t.partner, matches[2].0, "{t:?} {matches:?}");
}

/// As the window narrows, the filters wrap to a second row, each label with its control:
/// never a label at the end of one row with its combo box alone at the start of the next.
#[test]
fn a_filter_label_wraps_with_its_combo_box() {
    common::labels_stay_beside_their_combo_boxes(egui::Key::Num7, &["Year", "Country", "Flow"]);
}

/// The editing hint beside the table's buttons takes a line of its own in a narrow window
/// instead of breaking mid-sentence ("Esc" on one line, "cancels" on the next).
#[test]
fn the_editing_hint_never_breaks_mid_sentence() {
    const HINT: &str = "Double-click or Enter edits; Tab moves; Esc cancels; Ctrl+V pastes rows.";
    let mut heights = Vec::new();
    for width in [870.0, 1000.0, 1400.0, 1920.0] {
        let mut harness = Harness::builder()
            .with_size([width, 700.0])
            .build_eframe(|cc| TradeApp::with_document(cc, bundled_document()));
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num7);
        harness.run();
        let hint = harness.get_by_label(HINT).rect();
        let button = harness.get_by_label("Add row").rect();
        heights.push(hint.height());
        assert!(
            hint.height() < button.height() * 1.5,
            "at {width} points the hint is one line: {hint:?}"
        );
        assert!(hint.right() <= width, "at {width} points within the window");
    }
    assert!(heights.iter().all(|h| *h > 0.0), "{heights:?}");
}
