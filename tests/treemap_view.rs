//! The treemap of a pair's products, driven through the real app: switch the Categories
//! view from bars to the treemap, read the tiles' values and shares, drill down from a
//! chapter to its heading and its products by clicking tiles, and come back with the
//! breadcrumb; the relationship page draws the same treemap.

mod common;

use common::{step_until, wait_for_jobs};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::TradeApp;
use trade_explorer::app::{Command, View};

/// PAK's exports to KAZ in 2022 (US dollars): 080510 30M, 080550 10M, 300490 50M,
/// 610910 10M; KAZ's to PAK: 100199 20M.
///
/// By hand, exports total 100M. HS chapters: 30 → 50M (50.0%), 08 → 40M (40.0%),
/// 61 → 10M (10.0%). Within 08: heading 0805 → 40M (100.0%). Within 0805: 080510 → 30M
/// (75.0%), 080550 → 10M (25.0%). Imports: chapter 10 → 20M (100.0%).
fn app() -> Harness<'static, TradeApp> {
    let (link, table) = common::baci_like(
        "pair.csv",
        &["PAK", "KAZ"],
        &["080510", "080550", "300490", "610910", "100199"],
        &[
            (2022, 0, 1, 0, 30e6),
            (2022, 0, 1, 1, 10e6),
            (2022, 0, 1, 2, 50e6),
            (2022, 0, 1, 3, 10e6),
            (2022, 1, 0, 4, 20e6),
        ],
    );
    common::linked_pair(link, table, [1400.0, 1000.0], View::Categories)
}

fn drilled(harness: &Harness<'_, TradeApp>) -> Option<String> {
    harness.state().navigation().drill().map(str::to_owned)
}

/// Clicks the tile whose accessible label ends with `value_and_share`, then waits for
/// the new breakdown.
fn click_tile(harness: &mut Harness<'_, TradeApp>, value_and_share: &str, then: Option<&str>) {
    harness.get_by_label_contains(value_and_share).click();
    harness.step();
    step_until(harness, "the drill-down never came", |app| {
        app.navigation().drill() == then
    });
    wait_for_jobs(harness);
}

#[test]
fn the_treemap_drills_from_chapters_to_products_and_back() {
    let mut harness = app();
    // Bars first: no tile.
    assert!(harness.query_by_label_contains("$50.0M (50.0%)").is_none());
    harness.get_by_label("Treemap").click();
    harness.run();
    for tile in [
        "30 Pharmaceutical products: $50.0M (50.0%)",
        ": $40.0M (40.0%)",
        ": $10.0M (10.0%)",
        ": $20.0M (100.0%)",
    ] {
        harness.get_by_label_contains(tile);
    }
    harness.get_by_label_contains("VI Chemical products"); // the legend
    click_tile(&mut harness, ": $40.0M (40.0%)", Some("08"));
    assert_eq!(drilled(&harness).as_deref(), Some("08"));
    click_tile(&mut harness, "0805 ", Some("0805"));
    harness.get_by_label_contains("080510 ");
    harness.get_by_label_contains(": $30.0M (75.0%)");
    harness.get_by_label_contains(": $10.0M (25.0%)");
    harness.get_by_label("All chapters").click();
    harness.step();
    step_until(&mut harness, "the breadcrumb never went back", |app| {
        app.navigation().drill().is_none()
    });
    wait_for_jobs(&mut harness);
    harness.get_by_label_contains("$50.0M (50.0%)");
    harness.snapshot("treemap_linked_fixture");
}

#[test]
fn the_bundled_document_says_that_its_sources_give_no_values() {
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|cc| TradeApp::with_document(cc, trade_explorer::bundled_document()));
    for command in [
        Command::OpenPartner("KAZ".into()),
        Command::ShowView(View::Categories),
    ] {
        harness.state_mut().apply(command);
        harness.run();
    }
    harness.get_by_label("Treemap").click();
    harness.run();
    // The seed's products are named by the sources but none has a value.
    harness.get_by_label_contains("No category has a reported value: the sources name");
    harness.get_by_label("• Citrus fruits");
    harness.snapshot("treemap_bundled");
}

#[test]
fn the_relationship_page_shows_the_same_treemap() {
    let mut harness = app();
    harness
        .state_mut()
        .apply(Command::ShowView(View::Relationship));
    wait_for_jobs(&mut harness);
    harness.get_by_label("Treemap").click();
    harness.run();
    harness.get_by_label_contains("30 Pharmaceutical products: $50.0M (50.0%)");
    // A tile drills down in place, with the breadcrumb back.
    click_tile(
        &mut harness,
        "30 Pharmaceutical products: $50.0M",
        Some("30"),
    );
    assert_eq!(harness.state().navigation().page.view, View::Relationship);
    harness.get_by_label_contains("3004 ");
    harness.get_by_label("All chapters").click();
    harness.step();
    step_until(&mut harness, "the breadcrumb never went back", |app| {
        app.navigation().drill().is_none()
    });
}

/// A file with a chapter row and finer rows below it: PAK → KAZ 2022, "08" 50M of which
/// 080510 30M and 080550 10M. By hand, within 08: heading 0805 = 40M (80.0%) and 10M
/// (20.0%) not broken down in the file, so the tiles add up to the chapter's 50M.
#[test]
fn what_the_file_does_not_break_down_is_a_tile_of_its_own() {
    let (link, table) = common::baci_like(
        "chapter.csv",
        &["PAK", "KAZ"],
        &["08", "080510", "080550"],
        &[
            (2022, 0, 1, 0, 50e6),
            (2022, 0, 1, 1, 30e6),
            (2022, 0, 1, 2, 10e6),
        ],
    );
    let mut harness = common::linked_pair(link, table, [1400.0, 1000.0], View::Categories);
    harness.get_by_label("Treemap").click();
    harness.run();
    click_tile(&mut harness, ": $50.0M (100.0%)", Some("08"));
    harness.get_by_label_contains("0805 ");
    harness.get_by_label_contains(": $40.0M (80.0%)");
    harness.get_by_label("Not broken down in the file: $10.0M (20.0%)");
}
