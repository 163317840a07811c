//! Exploring relationships through the UI with egui_kittest, as a user would.

mod common;

use eframe::egui;
use eframe::egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use egui_plot::{PlotMemory, PlotPoint};
use trade_explorer::app::View;
use trade_explorer::model::RecordKind;
use trade_explorer::{TradeApp, bundled_document};

const EXPORTS: [&str; 5] = [
    "Citrus fruits",
    "Pharmaceutical products",
    "Garments",
    "Soap",
    "Sports equipment",
];
const IMPORTS: [&str; 6] = [
    "Onions and garlic",
    "Dried legumes",
    "Oats",
    "Buckwheat",
    "Seeds",
    "Fruits",
];

fn harness() -> Harness<'static, TradeApp> {
    Harness::builder()
        .with_size([1280.0, 1000.0])
        .build_eframe(|cc| TradeApp::with_document(cc, bundled_document()))
}

fn view(harness: &Harness<'_, TradeApp>) -> View {
    harness.state().navigation().page.view
}

/// Opens the relationship page by clicking Kazakhstan in the partner list.
fn open_kazakhstan(harness: &mut Harness<'_, TradeApp>) {
    harness.get_by_label("Kazakhstan").click();
    harness.run();
    assert_eq!(view(harness), View::Relationship);
}

/// Where the 2024 total of the trade-over-time chart is drawn on screen.
fn total_2024_position(harness: &Harness<'_, TradeApp>) -> egui::Pos2 {
    let id = egui::Id::unique(("chart", "trade_over_time"));
    let memory = PlotMemory::load(&harness.ctx, id).expect("the trade chart was drawn");
    memory
        .transform()
        .position_from_point(&PlotPoint::new(2024.0, 53_700_000.0))
}

#[test]
fn selecting_kazakhstan_shows_the_total_and_every_category() {
    let mut harness = harness();
    assert_eq!(
        harness.state().navigation().page.focus.as_deref(),
        Some("PAK")
    );
    open_kazakhstan(&mut harness);
    harness.get_by_label("Pakistan – Kazakhstan");
    harness.get_by_label("Total trade 2024");
    harness.get_by_label("$53.7M");
    harness.get_by_label("Exports to Kazakhstan, value not reported");
    harness.get_by_label("Imports from Kazakhstan, value not reported");
    for name in EXPORTS.iter().chain(&IMPORTS) {
        harness.get_by_label(&format!("• {name}"));
    }
    harness.get_by_label_contains("Kazakhstan seeks access to Pakistan's Arabian Sea ports.");
}

/// The first window on a 1024 × 700 screen is 870 points wide: every view's tab stays on
/// the toolbar's first row (Back and Forward shown as arrows, still named Back and Forward
/// for screen readers and working); a wide window shows them in words.
#[test]
fn the_view_tabs_stay_on_one_row_in_a_narrow_window() {
    for (width, words) in [(870.0, false), (1280.0, true)] {
        let mut harness = Harness::builder()
            .with_size([width, 600.0])
            .build_eframe(|cc| TradeApp::with_document(cc, bundled_document()));
        harness.run();
        let row = harness.get_by_label("Overview").rect().center().y;
        for v in View::ALL {
            let tab = harness.get_by_label(v.label()).rect();
            assert!(
                (tab.center().y - row).abs() < 1.0,
                "{width}: {} on {tab:?}",
                v.label()
            );
            assert!(tab.right() <= width, "{width}: {} at {tab:?}", v.label());
        }
        // "‹" is a narrow button, "Back" a wider one.
        let back = harness.get_by_label("Back").rect().width();
        assert_eq!(back > 30.0, words, "{width}: Back {back} wide");
        open_kazakhstan(&mut harness);
        harness.get_by_label("Back").click();
        harness.run();
        assert_eq!(view(&harness), View::Overview, "{width}");
    }
}

#[test]
fn back_and_forward_walk_the_pages() {
    let mut harness = harness();
    open_kazakhstan(&mut harness);
    harness.get_by_label("Back").click();
    harness.run();
    assert_eq!(view(&harness), View::Overview);
    harness.get_by_label("Forward").click();
    harness.run();
    assert_eq!(view(&harness), View::Relationship);
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    harness.run();
    assert_eq!(view(&harness), View::Overview);
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowRight);
    harness.run();
    assert_eq!(view(&harness), View::Relationship);
}

#[test]
fn ctrl_number_keys_switch_views_in_menu_order() {
    let mut harness = harness();
    for (key, expected) in [
        (egui::Key::Num2, View::Relationship),
        (egui::Key::Num3, View::Trade),
        (egui::Key::Num4, View::Categories),
        (egui::Key::Num5, View::Investments),
        (egui::Key::Num6, View::Indicators),
        (egui::Key::Num7, View::Tables),
        (egui::Key::Num8, View::Problems),
        (egui::Key::Num9, View::Analysis),
        (egui::Key::Num0, View::Map),
        (egui::Key::Num1, View::Overview),
    ] {
        harness.key_press_modifiers(egui::Modifiers::COMMAND, key);
        // Analysis starts a background job whose spinner keeps repainting
        // until it reports back, which may take any number of frames, so a
        // fixed number of frames is run rather than "until settled".
        harness.run_steps(3);
        assert_eq!(view(&harness), expected);
    }
}

#[test]
fn hovering_a_point_shows_its_value_and_source() {
    let mut harness = harness();
    open_kazakhstan(&mut harness);
    let pos = total_2024_position(&harness);
    harness.hover_at(pos);
    harness.run();
    harness.get_by_label("Total trade, 2024");
    harness.get_by_label("$53,700,000 ($53.7M) US dollars");
    harness.get_by_label("Reported by Kazakhstan");
    harness.get_by_label("Record: trade record 1");
    harness.get_by_label_contains("Source: Kazakh president meets Pakistan PM");
}

#[test]
fn hiding_a_series_through_the_legend_removes_it() {
    let mut harness = harness();
    open_kazakhstan(&mut harness);
    let pos = total_2024_position(&harness);

    let legend = harness.get_by_role_and_label(Role::CheckBox, "Total trade");
    legend.click();
    harness.run();
    let memory =
        PlotMemory::load(&harness.ctx, egui::Id::unique(("chart", "trade_over_time"))).unwrap();
    assert!(
        memory
            .hidden_items
            .contains(&egui_plot::ItemId::new("Total trade")),
        "the series is hidden"
    );
    harness.hover_at(pos);
    harness.run();
    assert!(
        harness.query_by_label("Total trade, 2024").is_none(),
        "a hidden series shows no tooltip"
    );

    // Clicking the legend entry again brings it back.
    harness
        .get_by_role_and_label(Role::CheckBox, "Total trade")
        .click();
    harness.run();
    harness.hover_at(pos + egui::vec2(1.0, 0.0));
    harness.run();
    harness.get_by_label("Total trade, 2024");
}

#[test]
fn clicking_a_point_selects_its_record_and_reveals_its_row() {
    let mut harness = harness();
    open_kazakhstan(&mut harness);
    let pos = total_2024_position(&harness);
    harness.hover_at(pos);
    harness.run();
    harness.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run();
    let selected = harness
        .state()
        .navigation()
        .selected
        .clone()
        .expect("a record is selected");
    assert_eq!((selected.kind, selected.index), (RecordKind::Trade, 0));
    harness.get_by_label("Trade record 1");
    harness.get_by_label("$53,700,000");
    harness.get_by_label("Source 1, Arab News");

    harness.get_by_label("Show in table").click();
    harness.run();
    assert_eq!(view(&harness), View::Tables);
    assert_eq!(harness.state().navigation().table_kind, RecordKind::Trade);
}

#[test]
fn copy_data_puts_the_numbers_on_the_clipboard() {
    let mut harness = harness();
    open_kazakhstan(&mut harness);
    harness
        .get_all_by_label("Copy data")
        .next()
        .expect("the trade chart has Copy data")
        .click();
    harness.step();
    let copied = common::copied_texts(&harness);
    assert_eq!(copied.len(), 1);
    let lines: Vec<&str> = copied[0].lines().collect();
    assert_eq!(lines[0], "Series\tItem\tValue (USD)\tRecord\tSource");
    assert!(
        lines[1].starts_with("Total trade\t2024\t53700000\ttrade record 1\tKazakh president"),
        "{}",
        lines[1]
    );
}

#[test]
fn the_focus_country_is_chosen_from_a_searchable_list() {
    let mut harness = harness();
    let combo = harness.get_by_label("Focus country");
    assert_eq!(combo.value().as_deref(), Some("Pakistan"));
    combo.click();
    harness.run();
    harness.get_by_label("Turkmenistan (TKM)");
    assert!(
        harness.get_by_label("Search countries").is_focused(),
        "the search field takes the keyboard when the list opens"
    );
    harness.get_by_label("Search countries").type_text("chi");
    harness.run();
    assert_eq!(harness.state().ui_state().country_search, "chi");
    assert!(
        harness.query_by_label("Turkmenistan (TKM)").is_none(),
        "filtered out"
    );
    // The overview's ranking links to China too; the list entry is the button.
    harness
        .get_by_role_and_label(Role::Button, "China (CHN)")
        .click();
    harness.run();
    let page = &harness.state().navigation().page;
    assert_eq!(page.focus.as_deref(), Some("CHN"));
    assert_eq!(page.view, View::Overview);
    assert_eq!(page.partner.as_deref(), Some("PAK"));
    harness.get_by_label("Partners of China");
}

#[test]
fn the_partner_search_filters_the_list() {
    let mut harness = harness();
    harness.get_by_label("Search partners").focus();
    harness.run();
    harness.get_by_label("Search partners").type_text("jap");
    harness.run();
    assert!(harness.query_by_label("Kazakhstan").is_none());
    harness.get_by_label("Japan").click();
    harness.run();
    assert_eq!(
        harness.state().navigation().page.partner.as_deref(),
        Some("JPN")
    );
}

#[test]
fn save_as_png_writes_exactly_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trade.png");
    let mut harness = harness();
    open_kazakhstan(&mut harness);
    common::save_png_of(&mut harness, &path, "trade_over_time");
}

#[test]
fn the_display_unit_is_a_setting() {
    let mut harness = harness();
    let combo = harness.get_by_label("Chart values in");
    assert_eq!(combo.value().as_deref(), Some("US dollars"));
    combo.click();
    harness.run();
    harness.get_by_label("Million US dollars").click();
    harness.run();
    assert_eq!(
        harness.state().settings().money_unit,
        trade_explorer::model::chart::MoneyUnit::MillionUsd
    );
    assert_eq!(
        harness.get_by_label("Chart values in").value().as_deref(),
        Some("Million US dollars")
    );
}

/// The focus country list with the keyboard: typing and Enter choose the first match,
/// the arrows move the choice, and switching the view with Ctrl+3 closes the list.
#[test]
fn the_focus_country_list_answers_the_keyboard() {
    let mut harness = harness();
    harness.get_by_label("Focus country").click();
    harness.run();
    harness.get_by_label("Search countries").type_text("Tur");
    harness.run();
    // Turkmenistan and Türkiye may both match; Enter takes the first shown.
    let first = harness
        .state()
        .explore()
        .countries
        .iter()
        .find(|(code, name)| {
            name.to_lowercase().contains("tur") || code.to_lowercase().contains("tur")
        })
        .map(|(code, _)| code.clone())
        .unwrap();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().navigation().page.focus.as_deref(),
        Some(first.as_str())
    );
    assert!(
        harness.query_by_label("Search countries").is_none(),
        "closed"
    );

    // Arrow down then Enter: the second country of the whole list.
    harness.get_by_label("Focus country").click();
    harness.run();
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    let second = harness.state().explore().countries[1].0.clone();
    assert_eq!(
        harness.state().navigation().page.focus.as_deref(),
        Some(second.as_str())
    );

    // Open, then switch views with the keyboard: the list closes.
    harness.get_by_label("Focus country").click();
    harness.run();
    assert!(harness.query_by_label("Search countries").is_some());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num3);
    harness.run();
    harness.run();
    assert_eq!(harness.state().navigation().page.view, View::Trade);
    assert!(
        harness.query_by_label("Search countries").is_none(),
        "closed"
    );
}

/// Enter in the partner search opens the first partner that matches.
#[test]
fn enter_in_the_partner_search_opens_the_first_match() {
    let mut harness = harness();
    harness.get_by_label("Search partners").focus();
    harness.run();
    harness.get_by_label("Search partners").type_text("jap");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().navigation().page.partner.as_deref(),
        Some("JPN")
    );
    assert_eq!(harness.state().navigation().page.view, View::Relationship);
}

/// A partner clicked with the mouse keeps no focus ring: after Back, only the current
/// partner looks selected.
#[test]
fn a_clicked_partner_keeps_no_focus_after_back() {
    let mut harness = harness();
    harness.get_by_label("China").click();
    harness.run();
    harness.get_by_label("Japan").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    harness.run();
    assert_eq!(
        harness.state().navigation().page.partner.as_deref(),
        Some("CHN")
    );
    assert!(!harness.get_by_label("Japan").is_focused());
    assert!(!harness.get_by_label("China").is_focused());
}
