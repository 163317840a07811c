//! The Map view driven through the real app: open it with Ctrl+0, hover a country for its
//! figure and source, click it to open the relationship, change the measure and the year,
//! use the list alternative, copy the data, pan and reset; snapshots of the bundled
//! document and of a linked fixture.

mod common;

use std::sync::Arc;

use common::{copied_texts, wait_for_jobs};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{Command, View};
use trade_explorer::model::Document;
use trade_explorer::model::geo::{equal_earth, world};
use trade_explorer::{TradeApp, bundled_document};

fn open_map(doc: Document) -> Harness<'static, TradeApp> {
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(|cc| TradeApp::with_document(cc, doc));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    harness.run();
    assert_eq!(harness.state().navigation().page.view, View::Map);
    harness
}

/// Where longitude/latitude lands on the screen with the whole world shown: the map fits
/// the projected world's bounding box into its rectangle (98 %), centred.
fn screen_of(harness: &Harness<'_, TradeApp>, lon: f64, lat: f64) -> egui::Pos2 {
    let rect = harness.get_by_label_contains("World map:").rect();
    let [x0, y0, x1, y1] = world().bbox;
    let fit = (rect.width() / (x1 - x0)).min(rect.height() / (y1 - y0)) * 0.98;
    let [x, y] = equal_earth(lon, lat);
    rect.center() + egui::vec2(x as f32 * fit, -(y as f32) * fit)
}

fn click_at(harness: &mut Harness<'_, TradeApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
}

const ASTANA: (f64, f64) = (71.45, 51.17);

#[test]
fn hovering_kazakhstan_shows_its_figure_and_source_and_a_click_opens_it() {
    let mut harness = open_map(bundled_document());
    harness.get_by_label("Pakistan: total trade by partner, 2024");
    let pos = screen_of(&harness, ASTANA.0, ASTANA.1);
    harness.hover_at(pos);
    harness.run();
    harness.get_by_label("Total trade: $53.7M (2024)");
    harness.get_by_label("Record: trade record 1");
    harness.get_by_label_contains("Source: Kazakh president meets Pakistan PM");
    harness.get_by_label("Investment and agreement records: 4");
    click_at(&mut harness, pos);
    let nav = harness.state().navigation();
    assert_eq!(nav.page.view, View::Relationship);
    assert_eq!(nav.page.partner.as_deref(), Some("KAZ"));
}

#[test]
fn a_country_without_figures_says_no_data() {
    let mut harness = open_map(bundled_document());
    // Brasília.
    harness.hover_at(screen_of(&harness, -47.9, -15.8));
    harness.run();
    harness.get_by_label("Brazil");
    harness.get_by_label("Total trade: no data");
}

#[test]
fn the_measure_changes_what_colours_the_map() {
    let mut harness = open_map(bundled_document());
    harness.get_by_label("Colour by").click();
    harness.run();
    harness.get_by_label("Investments and agreements").click();
    harness.run();
    harness.get_by_label("Pakistan: investments and agreements by partner");
    // The list alternative has every country with its figure.
    harness.get_by_label("Kazakhstan: 4 investments or agreements");
    harness.get_by_label("China: 2 investments or agreements");
    harness.get_by_label("Japan: 1 investment or agreement");
    harness.get_by_label("Brazil: no data");
}

#[test]
fn the_list_alternative_opens_a_relationship() {
    let mut harness = open_map(bundled_document());
    harness.get_by_label("Kazakhstan: $53.7M (2024)").click();
    harness.run();
    assert_eq!(harness.state().navigation().page.view, View::Relationship);
}

#[test]
fn copy_data_lists_every_figure_with_its_source() {
    let mut harness = open_map(bundled_document());
    harness.get_by_label("Copy data").click();
    harness.step();
    let copied = copied_texts(&harness).join("\n");
    assert!(
        copied.contains("KAZ\tKazakhstan\t53700000\t$53.7M (2024)\tReported by"),
        "{copied}"
    );
}

#[test]
fn dragging_pans_and_a_double_click_resets() {
    let mut harness = open_map(bundled_document());
    harness.get_by_label("+").click();
    harness.run();
    assert!((harness.state_mut().ui_state_mut().map.zoom - 1.5).abs() < 1e-6);
    let start = screen_of(&harness, 0.0, 0.0);
    harness.drag_at(start);
    harness.run();
    harness.hover_at(start + egui::vec2(120.0, 40.0));
    harness.run();
    harness.drop_at(start + egui::vec2(120.0, 40.0));
    harness.run();
    let center = harness.state_mut().ui_state_mut().map.center;
    assert!(center[0] < 0.0 && center[1] > 0.0, "{center:?}");
    // A double-click. The harness's clock moves half a second per pointer event, more than
    // egui's 0.3 s between the clicks of a double-click: allow for it.
    harness
        .ctx
        .options_mut(|o| o.input_options.max_double_click_delay = 2.0);
    harness.hover_at(start);
    harness.step();
    for pressed in [true, false, true, false] {
        harness.event(egui::Event::PointerButton {
            pos: start,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
    let map = &harness.state_mut().ui_state_mut().map;
    assert_eq!((map.zoom, map.center), (1.0, [0.0, 0.0]));
    // Clicks on the sea (0°, 0°) open nothing.
    assert_eq!(harness.state().navigation().page.view, View::Map);
}

/// PAK's trade in a BACI-like fixture (US dollars). The total of a year is exports plus
/// imports:
///
/// | year | partner | PAK exports | PAK imports | total |
/// | --- | --- | --- | --- | --- |
/// | 2021 | KAZ | 10M | 5M | 15M |
/// | 2022 | KAZ | 20M | 10M | 30M |
/// | 2022 | CHN | 20M | 40M | 60M |
///
/// Growth of KAZ from 2021 to 2022: 30 / 15 − 1 = +100.0%.
fn fixture() -> Harness<'static, TradeApp> {
    let (link, table) = common::baci_like(
        "map.csv",
        &["PAK", "KAZ", "CHN"],
        &["080510"],
        &[
            (2021, 0, 1, 0, 10e6),
            (2021, 1, 0, 0, 5e6),
            (2022, 0, 1, 0, 20e6),
            (2022, 1, 0, 0, 10e6),
            (2022, 0, 2, 0, 20e6),
            (2022, 2, 0, 0, 40e6),
        ],
    );
    let mut harness = open_map(Document::new());
    harness.state_mut().link_dataset(link, Arc::new(table));
    wait_for_jobs(&mut harness);
    harness.state_mut().apply(Command::SetFocus("PAK".into()));
    wait_for_jobs(&mut harness);
    harness
}

#[test]
fn a_linked_dataset_is_mapped_year_by_year() {
    let mut harness = fixture();
    assert_eq!(harness.state().navigation().page.view, View::Map);
    harness.get_by_label("China: $60.0M (2022)");
    harness.get_by_label("Kazakhstan: $30.0M (2022)").hover();
    harness.run();
    harness.get_by_label_contains("Sum of 2 rows of dataset map.csv");
    harness.get_by_label("Year").click();
    harness.run();
    harness.get_by_label("2021").click();
    harness.run();
    harness.get_by_label("Kazakhstan: $15.0M (2021)");
    harness.get_by_label("China: no data");
    harness.get_by_label("Colour by").click();
    harness.run();
    harness.get_by_label("Growth").click();
    harness.run();
    harness.get_by_label("To").click();
    harness.run();
    harness.get_by_label("2022").click();
    harness.run();
    harness.get_by_label("Kazakhstan: +100.0% (2021–2022)");
}

#[test]
fn snapshot_of_the_bundled_document() {
    let mut harness = open_map(bundled_document());
    harness.snapshot("map_bundled");
}

#[test]
fn snapshot_of_a_linked_fixture() {
    let mut harness = fixture();
    harness.run();
    harness.snapshot("map_linked_fixture");
}

#[test]
fn save_as_png_writes_the_map_with_its_legend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.png");
    let mut harness = open_map(bundled_document());
    common::save_png_of(&mut harness, &path, "map");
    let rect = harness.state().ui_state().chart_rects["map"];
    // The map with its legend is most of the window, not a thumbnail.
    assert!(rect.width() > 900.0 && rect.height() > 600.0, "{rect:?}");
}

/// In a narrow window the controls wrap, each label with its combo box.
#[test]
fn the_controls_wrap_with_their_labels() {
    common::labels_stay_beside_their_combo_boxes(egui::Key::Num0, &["Colour by", "Year"]);
}
