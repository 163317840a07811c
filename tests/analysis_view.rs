//! The Analysis view driven through the real app: the cards show the hand-computed
//! figures, the potential table lists the gap and opens the product's details and its
//! rows, and the year and level pickers recompute.

mod common;

use std::sync::Arc;

use common::{step_until, wait_for_jobs};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::TradeApp;
use trade_explorer::app::{BatchGate, Command, View};
use trade_explorer::model::Document;
use trade_explorer::model::RecordKind;
use trade_explorer::model::dataset::{DatasetLink, TradeTable};

const PAK: u16 = 0;
const KAZ: u16 = 1;
const CHN: u16 = 2;

/// A BACI-like table (exporters' values, US dollars):
///
/// | year | exporter | importer | product | value |
/// | --- | --- | --- | --- | --- |
/// | 2021 | PAK | KAZ | 080510 | 5M |
/// | 2022 | PAK | KAZ | 080510 | 10M |
/// | 2022 | PAK | CHN | 520100 | 30M |
/// | 2022 | KAZ | PAK | 520100 | 20M |
/// | 2022 | CHN | KAZ | 080510 | 40M |
/// | 2022 | CHN | KAZ | 300490 | 50M |
/// | 2022 | CHN | PAK | 300490 | 60M |
///
/// By hand, 2022, HS2: X_PAK = 40M (08: 10, 52: 30); the world's exports: 08: 50, 30: 110,
/// 52: 50, X_w = 210. RCA_PAK,08 = (10/40)/(50/210) = 1.05; RCA_PAK,52 = 3.15.
/// KAZ imports 08: 50, 30: 50 (M_KAZ = 100). Pair total = 10 + 20 = 30M, balance −10M,
/// KAZ's share of PAK's exports 10/40 = 25.00%, of its imports 20/(20 + 60) = 25.00%,
/// growth on 2021 = 30/5 − 1 = +500.0%, intensity (10/40)/(100/210) = 0.525,
/// complementarity 100·(1 − (|.5−.25| + |.5−0| + |0−.75|)/2) = 25.0,
/// HHI across products and markets: shares .25 and .75, (.625 − .5)/(1 − .5) = 0.250.
/// Potential: 08 (RCA > 1, KAZ buys 50M, 10M of it from PAK) gap 40M; 52 has RCA > 1 but
/// KAZ does not import it.
fn dataset() -> (DatasetLink, TradeTable) {
    table_of("baci-like.csv", &ROWS)
}

/// The rows of [`dataset`]: (year, exporter, importer, product, value).
const ROWS: [(u16, u16, u16, u32, f64); 7] = [
    (2021, PAK, KAZ, 0, 5e6),
    (2022, PAK, KAZ, 0, 10e6),
    (2022, PAK, CHN, 2, 30e6),
    (2022, KAZ, PAK, 2, 20e6),
    (2022, CHN, KAZ, 0, 40e6),
    (2022, CHN, KAZ, 1, 50e6),
    (2022, CHN, PAK, 1, 60e6),
];

fn table_of(name: &str, rows: &[(u16, u16, u16, u32, f64)]) -> (DatasetLink, TradeTable) {
    common::baci_like(
        name,
        &["PAK", "KAZ", "CHN"],
        &["080510", "300490", "520100"],
        rows,
    )
}

/// The app on the table, Pakistan and Kazakhstan chosen, the Analysis view computed.
fn analysis_of_pak_and_kaz() -> Harness<'static, TradeApp> {
    let mut harness = Harness::builder()
        .with_size([1400.0, 1000.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    let (link, table) = dataset();
    harness.state_mut().link_dataset(link, Arc::new(table));
    wait_for_jobs(&mut harness);
    common::open_pak_kaz(&mut harness);
    harness.state_mut().apply(Command::ShowView(View::Analysis));
    wait_for_analysis(&mut harness, 2022, 2);
    harness
}

fn wait_for_analysis(harness: &mut Harness<'_, TradeApp>, year: i32, level: usize) {
    step_until(harness, "the analysis was never computed", |app| {
        let data = app.analysis();
        data.year == Some(year) && data.key.as_ref().is_some_and(|k| k.level == level)
    });
    harness.run();
}

#[test]
fn the_cards_show_the_figures_computed_by_hand() {
    let harness = analysis_of_pak_and_kaz();
    for (title, value) in [
        ("Trade with Kazakhstan, 2022", "$30.0M"),
        ("Balance with Kazakhstan", "-$10.0M"),
        ("Kazakhstan's share of Pakistan's exports", "25.00%"),
        ("Kazakhstan's share of Pakistan's imports", "25.00%"),
        ("Growth on 2021", "+500.0%"),
        // 5M in 2021 to 30M in 2022: one year, +500%; the title names the years.
        ("Annual growth 2021–2022", "+500.0%"),
        ("Intensity of Pakistan's exports to Kazakhstan", "0.525"),
        (
            "Complementarity of Pakistan's exports with Kazakhstan's imports",
            "25.0",
        ),
    ] {
        harness.get_by_label(title);
        let card = harness
            .state()
            .analysis()
            .cards
            .iter()
            .find(|c| c.title == title)
            .map(|c| c.value.clone());
        assert_eq!(card, Some(Ok(value.to_owned())), "{title}");
        assert!(
            harness.query_all_by_label(value).count() >= 1,
            "{value} on screen"
        );
    }
    assert_eq!(
        harness.query_all_by_label("0.250").count(),
        2,
        "two HHI cards"
    );
    // BACI holds one value per pair: the mirror ratio says why it is absent.
    harness.get_by_label_contains("no pair of reports");
    let data = harness.state().analysis();
    assert_eq!(data.rca_counts, (2, 2));
    assert!(
        data.universe
            .starts_with("world = 3 exporters in the data, 2022")
    );
}

#[test]
fn the_potential_row_opens_the_products_details_and_rows() {
    let mut harness = analysis_of_pak_and_kaz();
    let potential = &harness.state().analysis().potential;
    assert_eq!(potential.len(), 1);
    assert_eq!(potential[0].code, "08");
    assert!((potential[0].gap - 40e6).abs() < 1e-6);
    assert!((potential[0].rca - (10.0 / 40.0) / (50.0 / 210.0)).abs() < 1e-12);
    harness.get_by_label_contains("08 Edible fruit").click();
    harness.run();
    assert_eq!(
        harness.state().analysis_choices().product.as_deref(),
        Some("08")
    );
    harness.get_by_label("Product details");
    harness.get_by_label("1.050"); // RCA in the details (the table shows 1.05)
    harness.get_by_label("Rows in baci-like.csv").click();
    step_until(&mut harness, "the rows were never shown", |app| {
        app.navigation().page.view == View::Tables
    });
    assert_eq!(harness.state().navigation().page.view, View::Tables);
    assert_eq!(harness.state().navigation().table_kind, RecordKind::Dataset);
}

#[test]
fn the_level_and_year_pickers_recompute() {
    let mut harness = analysis_of_pak_and_kaz();
    harness.get_by_label("Products at").click();
    harness.run();
    harness.get_by_label("HS6 (subheadings)").click();
    // The spinner repaints while the figures are computed: step, do not wait to settle.
    harness.step();
    wait_for_analysis(&mut harness, 2022, 6);
    let potential = &harness.state().analysis().potential;
    assert_eq!(
        potential
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["080510"]
    );
    harness.get_by_label("Year").click();
    harness.run();
    harness.get_by_label("2021").click();
    harness.step();
    wait_for_analysis(&mut harness, 2021, 6);
    // 2021 is the first year: no growth on 2020, and PAK sold one product to one market.
    let cards = &harness.state().analysis().cards;
    let growth = cards.iter().find(|c| c.indicator == "growth_yoy");
    assert!(growth.is_some_and(|c| c.value.is_err()));
    let hhi = cards.iter().find(|c| c.indicator == "hhi_products");
    assert!(hhi.is_some_and(|c| {
        c.value
            .as_ref()
            .is_err_and(|e| e.contains("1 positive value"))
    }));
}

#[test]
fn the_bundled_document_shows_its_total_and_says_what_the_rest_needs() {
    let mut harness = Harness::builder()
        .with_size([1024.0, 700.0])
        .build_eframe(|cc| TradeApp::with_document(cc, trade_explorer::bundled_document()));
    harness.state_mut().apply(Command::ShowView(View::Analysis));
    step_until(&mut harness, "the analysis was never computed", |app| {
        app.analysis().key.is_some()
    });
    harness.run();
    harness.get_by_label("$53.7M");
    harness.get_by_label_contains("need exports and imports by partner and by product");
    let data = harness.state().analysis();
    assert_eq!(data.year, Some(2024));
    assert!(data.cards.iter().all(|c| c.value.is_ok()));
    assert!(data.rca_chart.is_none() && data.potential.is_empty());
}

#[test]
fn choosing_another_partner_or_focus_stays_in_the_analysis() {
    let mut harness = analysis_of_pak_and_kaz();
    harness.get_by_label("China").click();
    step_until(&mut harness, "the analysis never moved to China", |app| {
        app.analysis()
            .key
            .as_ref()
            .is_some_and(|k| k.partner.as_deref() == Some("CHN"))
    });
    harness.run();
    assert_eq!(harness.state().navigation().page.view, View::Analysis);
    // PAK sells CHN 30M of cotton (52) and buys 60M of medicaments (30): balance −30M.
    let balance = harness
        .state()
        .analysis()
        .cards
        .iter()
        .find(|c| c.indicator == "balance")
        .map(|c| c.value.clone());
    assert_eq!(balance, Some(Ok("-$30.0M".to_owned())));
    harness.state_mut().apply(Command::SetFocus("KAZ".into()));
    step_until(&mut harness, "the analysis never moved to KAZ", |app| {
        app.analysis()
            .key
            .as_ref()
            .is_some_and(|k| k.focus.as_deref() == Some("KAZ"))
    });
    assert_eq!(harness.state().navigation().page.view, View::Analysis);
}

/// The potential table's rows as CSV: on the clipboard, and in a file through Save CSV
/// and the typed-path dialog (the test app has no native dialogs).
#[test]
fn the_potential_table_exports_as_csv() {
    let mut harness = analysis_of_pak_and_kaz();
    harness.get_by_label("Copy CSV").click();
    harness.step();
    let copied = common::copied_texts(&harness);
    let expected_rca = (10.0 / 40.0) / (50.0 / 210.0);
    let expected = format!(
        "product_code,product,rca,partner_world_imports_usd,already_sold_usd,gap_usd\n\
         08,08 Edible fruit and nuts; peel of citrus fruit or melons,{expected_rca},50000000,10000000,40000000\n"
    );
    assert_eq!(copied, std::slice::from_ref(&expected));
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("what-pakistan-could-sell");
    harness.get_by_label("Save CSV…").click();
    harness.run();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().expect("a UTF-8 path"));
    harness.run();
    harness.get_by_label("Export").click();
    wait_for_jobs(&mut harness);
    let written = std::fs::read_to_string(path.with_extension("csv")).expect("the file");
    assert_eq!(written, expected);
}

#[test]
fn an_empty_document_asks_for_a_focus_country() {
    let mut harness = Harness::builder()
        .with_size([1024.0, 700.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    harness.state_mut().apply(Command::ShowView(View::Analysis));
    step_until(&mut harness, "the analysis was never computed", |app| {
        app.analysis().key.is_some()
    });
    harness.run();
    // The heading and the tab: no "Analysis: " with an empty name.
    assert_eq!(harness.query_all_by_label("Analysis").count(), 2);
    harness.get_by_label("Choose a focus country to see its indicators.");
    assert!(harness.state().analysis().cards.is_empty());
}

/// The app on the table with room for `max_rows` rows in the matrices, Pakistan and
/// Kazakhstan chosen, the Analysis view answered.
fn analysis_with_room_for(max_rows: usize) -> Harness<'static, TradeApp> {
    let mut harness = Harness::builder()
        .with_size([1024.0, 700.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    let (link, table) = dataset();
    harness.state_mut().set_analysis_max_rows(max_rows);
    harness.state_mut().link_dataset(link, Arc::new(table));
    wait_for_jobs(&mut harness);
    common::open_pak_kaz(&mut harness);
    harness.state_mut().apply(Command::ShowView(View::Analysis));
    // Done: the first figures may come while the other years are still being summed.
    step_until(&mut harness, "the analysis never answered", |app| {
        app.analysis().key.is_some() && !app.analysing()
    });
    harness.run();
    harness
}

fn card(harness: &Harness<'_, TradeApp>, indicator: &str) -> Option<Result<String, String>> {
    let cards = &harness.state().analysis().cards;
    let card = cards.iter().find(|c| c.indicator == indicator)?;
    Some(card.value.clone())
}

/// More linked rows than the matrices may be built from (a whole BACI release would need
/// more memory than the machine has): the totals of every year are summed a year at a
/// time, so the figures still cover every year (growth on 2021 included); the figures by
/// product come from the focus and partner's own rows of the years that fit, and the view
/// says which. Another year's are built on demand.
#[test]
fn too_many_linked_rows_still_give_figures_over_every_year() {
    // 7 rows: 1 of 2021, 6 of 2022, every one with Pakistan or Kazakhstan. Room for 6.
    let mut harness = analysis_with_room_for(6);
    let data = harness.state().analysis();
    assert_eq!(data.year, Some(2022));
    assert_eq!(data.years, [2021, 2022], "every year can still be chosen");
    // 2022's figures are those of the whole table (the hand-computed ones above) …
    assert_eq!(card(&harness, "total"), Some(Ok("$30.0M".to_owned())));
    assert_eq!(
        card(&harness, "trade_intensity"),
        Some(Ok("0.525".to_owned()))
    );
    assert_eq!(data.rca_counts, (2, 2));
    // … and 2021 is summed too: growth on it (5M to 30M).
    assert_eq!(card(&harness, "growth_yoy"), Some(Ok("+500.0%".to_owned())));
    harness.get_by_label_contains(
        "Figures by product of Pakistan and Kazakhstan from 2022 only (6 of their 7 linked rows",
    );
    assert!(
        data.universe.ends_with("; products from 2022 only"),
        "{}",
        data.universe
    );
    // Choosing 2021 builds their products of 2021 (1 row; with 2022 it would be 7).
    harness.get_by_label("Year").click();
    harness.run();
    harness.get_by_label("2021").click();
    harness.step();
    step_until(&mut harness, "2021 was never computed", |app| {
        app.analysis().year == Some(2021) && !app.analysing()
    });
    harness.run();
    // PAK → KAZ 5M in 2021, nothing the other way.
    assert_eq!(card(&harness, "total"), Some(Ok("$5.0M".to_owned())));
    harness.get_by_label_contains("from 2021 only (1 of their 7 linked rows");
    assert_eq!(harness.state().analysis().years, [2021, 2022]);
}

/// With room for all but one row, the figures cover both years (2022 and 2021 together
/// are 7 rows; room for 7 means no window at all).
#[test]
fn room_for_every_row_needs_no_window() {
    let harness = analysis_with_room_for(7);
    let data = harness.state().analysis();
    assert!(data.scope.is_none());
    assert_eq!(card(&harness, "growth_yoy"), Some(Ok("+500.0%".to_owned())));
}

/// A year holding more rows than the matrices may be built from alone: its totals and
/// shares, no figures by product, and a message that says so, not a crash.
#[test]
fn a_year_too_large_alone_gets_its_totals_and_a_message() {
    let harness = analysis_with_room_for(5);
    harness.get_by_label_contains("The year 2022 alone holds 6 linked rows");
    harness.get_by_label_contains("Pakistan and Kazakhstan trade in 6 linked rows in 2022 alone");
    harness.get_by_label_contains("at most 5");
    let data = harness.state().analysis();
    assert_eq!(data.year, Some(2022));
    assert_eq!(card(&harness, "total"), Some(Ok("$30.0M".to_owned())));
    assert_eq!(card(&harness, "growth_yoy"), Some(Ok("+500.0%".to_owned())));
    assert_eq!(data.rca_counts, (0, 0));
    assert_eq!(data.years, [2021, 2022], "another year can be chosen");
}

/// An edit of the document that leaves its trade records as they are (the title) keeps the
/// matrices, or the span of more rows than they hold: the figures are recomputed from them,
/// not rebuilt (half a minute on a whole release). A new trade record rebuilds them.
#[test]
fn only_an_edit_of_trade_records_rebuilds_the_matrices() {
    use trade_explorer::model::document::{Flow, TradeVolume};
    use trade_explorer::model::{Edit, Record};
    // Room for 6 of the 7 rows: the span; room for 100: the whole matrix.
    for room in [6, 100] {
        let mut harness = analysis_with_room_for(room);
        let builds = harness.state().analysis_builds();
        assert_eq!(
            builds, 1,
            "one build for the first figures (room for {room})"
        );
        // A frame starts the job (the view recomputes for the new revision), then its
        // figures are taken in.
        let wait = |harness: &mut Harness<'_, TradeApp>| {
            harness.step();
            step_until(harness, "the analysis never answered", |app| {
                !app.analysing()
            });
            harness.run();
        };
        harness.state_mut().apply(Command::Edit {
            edit: Edit::SetTitle("Another title".to_owned()),
            coalesce: None,
        });
        wait(&mut harness);
        assert_eq!(harness.state().analysis_builds(), builds, "room for {room}");
        assert_eq!(card(&harness, "total"), Some(Ok("$30.0M".to_owned())));
        let record = TradeVolume {
            id: 1,
            year: Some(2020),
            reporter: "CHN".to_owned(),
            partner: "KAZ".to_owned(),
            flow: Flow::Export,
            category: None,
            value_usd: Some(1e6),
            quantity: None,
            source: None,
            note: String::new(),
        };
        harness.state_mut().apply(Command::Edit {
            edit: Edit::Insert(vec![(0, Record::Trade(record))]),
            coalesce: None,
        });
        wait(&mut harness);
        assert_eq!(
            harness.state().analysis_builds(),
            builds + 1,
            "room for {room}"
        );
        assert_eq!(harness.state().analysis().years, [2020, 2021, 2022]);
        // With the span, 2021 and 2022 were kept (only 2020 was summed again) and their
        // figures are those computed by hand.
        assert_eq!(card(&harness, "total"), Some(Ok("$30.0M".to_owned())));
        assert_eq!(card(&harness, "growth_yoy"), Some(Ok("+500.0%".to_owned())));
    }
}

/// The table of [`dataset`] with two earlier years: 2019 PAK → KAZ 2M of 080510, 2020
/// PAK → CHN 15M of 520100.
///
/// By hand, PAK–CHN: 15M in 2020, nothing in 2021, 30 + 60 = 90M in 2022; annual growth
/// 2020–2022 = (90 / 15)^(1/2) − 1 = 1.4495 → +144.9%; balance 2022 = 30 − 60 = −30M.
fn dataset_over_four_years() -> (DatasetLink, TradeTable) {
    let earlier = [(2019, PAK, KAZ, 0, 2e6), (2020, PAK, CHN, 2, 15e6)];
    table_of("baci-like-4.csv", &[&earlier[..], &ROWS].concat())
}

/// The app on [`dataset_over_four_years`] with room for 6 rows in the matrices (one year
/// per batch: 2022, then 2021, 2019 and 2020), Pakistan and Kazakhstan in the Analysis
/// view, its summing job held after the first batch (a real release takes half a minute
/// to sum; this one microseconds), with the figures of 2022 shown.
fn held_after_the_first_batch() -> (Harness<'static, TradeApp>, Arc<BatchGate>) {
    let mut harness = Harness::builder()
        .with_size([1400.0, 1000.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    let (link, table) = dataset_over_four_years();
    harness.state_mut().set_analysis_max_rows(6);
    let gate = harness.state_mut().hold_analysis_batches();
    harness.state_mut().link_dataset(link, Arc::new(table));
    wait_for_jobs(&mut harness);
    common::open_pak_kaz(&mut harness);
    harness.state_mut().apply(Command::ShowView(View::Analysis));
    step_until(&mut harness, "the first batch was never summed", |app| {
        gate.waiting() == 1 && app.analysis().key.is_some()
    });
    harness.step();
    let scope = harness.state().analysis().scope.clone().unwrap_or_default();
    assert!(scope.contains("1 of 4 years so far, 2022 first"), "{scope}");
    (harness, gate)
}

/// A partner chosen while the years are summed is followed after the batch being summed,
/// not after all of them: its figures come with two of the four years summed.
#[test]
fn a_partner_chosen_while_the_years_are_summed_is_followed_before_they_all_are() {
    let (mut harness, gate) = held_after_the_first_batch();
    harness.get_by_label("China").click();
    for _ in 0..4 {
        harness.step();
    }
    // The figures shown are still Kazakhstan's: the view says it is computing.
    harness.get_by_label("Computing…");
    gate.allow(1);
    step_until(
        &mut harness,
        "China was not followed after a batch",
        |app| {
            let data = app.analysis();
            data.key.as_ref().and_then(|k| k.partner.as_deref()) == Some("CHN")
        },
    );
    harness.step();
    let data = harness.state().analysis();
    let scope = data.scope.clone().unwrap_or_default();
    assert!(scope.contains("2 of 4 years so far, 2022 first"), "{scope}");
    assert_eq!(card(&harness, "balance"), Some(Ok("-$30.0M".to_owned())));
    assert_eq!(gate.waiting(), 1, "the other years are still to be summed");
    harness.get_by_label("Analysis: Pakistan and China");
    gate.open();
    step_until(&mut harness, "the years were never all summed", |app| {
        !app.analysing()
    });
    harness.run();
    let data = harness.state().analysis();
    assert_eq!(data.years, [2019, 2020, 2021, 2022]);
    assert!(
        data.scope.as_deref().is_some_and(|s| !s.contains("so far")),
        "{:?}",
        data.scope
    );
    let cagr = data.cards.iter().find(|c| c.indicator == "cagr");
    assert_eq!(
        cagr.map(|c| (c.title.as_str(), c.value.clone())),
        Some(("Annual growth 2020–2022", Ok("+144.9%".to_owned())))
    );
    assert_eq!(card(&harness, "balance"), Some(Ok("-$30.0M".to_owned())));
}

/// A year chosen while the years are summed waits for its batch (2019, the third); until
/// then the figures shown go on filling in (their count of years summed moves on) and the
/// view says it is computing.
#[test]
fn a_year_chosen_while_the_years_are_summed_waits_for_its_batch() {
    let (mut harness, gate) = held_after_the_first_batch();
    harness.get_by_label("Year").click();
    harness.run();
    harness.get_by_label("2019").click();
    for _ in 0..4 {
        harness.step();
    }
    gate.allow(1);
    step_until(&mut harness, "the count of years did not move on", |app| {
        let scope = app.analysis().scope.clone().unwrap_or_default();
        scope.contains("2 of 4 years so far, 2022 first")
    });
    harness.step();
    let data = harness.state().analysis();
    assert_eq!(
        data.key.as_ref().map(|k| k.year),
        Some(None),
        "still Latest's"
    );
    assert_eq!(data.year, Some(2022));
    harness.get_by_label("Computing…");
    gate.allow(1);
    step_until(&mut harness, "2019 was not shown once summed", |app| {
        let scope = app.analysis().scope.clone().unwrap_or_default();
        app.analysis().year == Some(2019) && scope.contains("3 of 4 years so far")
    });
    gate.open();
    step_until(&mut harness, "the years were never all summed", |app| {
        !app.analysing()
    });
    harness.run();
    // PAK → KAZ 2M in 2019, nothing the other way.
    assert_eq!(harness.state().analysis().year, Some(2019));
    assert_eq!(card(&harness, "total"), Some(Ok("$2.0M".to_owned())));
    assert_eq!(harness.state().analysis().years, [2019, 2020, 2021, 2022]);
}

/// In a narrow window the controls wrap, each label with its combo box ("Products at" was
/// left at the end of the first row at 870 points).
#[test]
fn the_controls_wrap_with_their_labels() {
    common::labels_stay_beside_their_combo_boxes(eframe::egui::Key::Num9, &["Year", "Products at"]);
}
