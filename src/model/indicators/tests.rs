//! Every formula on a small world computed by hand (the working is in the comments).

use super::*;

fn row(year: i32, reporter: &str, partner: &str, exports: bool, code: &str, value: f64) -> FlowRow {
    FlowRow {
        year,
        reporter: reporter.into(),
        partner: partner.into(),
        exports,
        code: code.into(),
        value,
    }
}

/// 2022, exporters A, B, C, chapters 01 and 02:
/// A→B 01: 10, 02: 30 (40); A→C 01: 20 (20); B→A 02: 50; C→B 01: 40, 02: 10 (50).
/// 2021: A→B 01: 20. B also reports importing 12 of 01 from A in 2022 (a mirror figure).
fn world() -> Flows {
    let rows = vec![
        row(2022, "A", "B", true, "01", 10.0),
        row(2022, "A", "B", true, "02", 30.0),
        row(2022, "A", "C", true, "01", 20.0),
        row(2022, "B", "A", true, "02", 50.0),
        row(2022, "C", "B", true, "01", 40.0),
        row(2022, "C", "B", true, "02", 10.0),
        row(2021, "A", "B", true, "01", 20.0),
        row(2022, "B", "A", false, "01", 12.0),
    ];
    Flows::build(rows, 2)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn totals_shares_and_balance() {
    let f = world();
    assert_eq!(exports(&f, 2022, "A", "B"), Some(40.0));
    assert_eq!(exports(&f, 2022, "B", "A"), Some(50.0));
    // X_A = 40 + 20; M_A = 50 (B's exports to A); X_w = 60 + 50 + 50.
    assert_eq!(total_exports(&f, 2022, "A"), 60.0);
    assert_eq!(total_imports(&f, 2022, "A"), 50.0);
    assert_eq!(world_exports(&f, 2022), 160.0);
    let figures = figures(&f, "A", Some("B"), 2022);
    let value = |name: &str| {
        figures
            .iter()
            .find(|x| x.indicator == name)
            .and_then(|x| x.value.clone().ok())
    };
    assert_eq!(value("balance"), Some(-10.0));
    assert_eq!(value("total"), Some(90.0));
    assert_eq!(value("partner_share_exports"), Some(40.0 / 60.0));
    assert_eq!(value("partner_share_imports"), Some(1.0));
    assert!(
        figures[0]
            .universe
            .starts_with("world = 3 exporters in the data, 2022")
    );
}

#[test]
fn rca_and_potential() {
    let f = world();
    // x_A01 = 30, x_A02 = 30, X_A = 60; x_w01 = 70, x_w02 = 90, X_w = 160.
    let rca = rca(&f, 2022, "A");
    assert!(close(rca["01"], (30.0 / 60.0) / (70.0 / 160.0)));
    assert!(close(rca["02"], (30.0 / 60.0) / (90.0 / 160.0)));
    // Only 01 has RCA > 1; B imports 50 of it (A 10 + C 40), 10 of them from A: gap 40.
    assert_eq!(potential(&f, 2022, "A", "B"), vec![("01".to_owned(), 40.0)]);
}

#[test]
fn intensity_and_complementarity() {
    let f = world();
    // (40 / 60) / (90 / 160): B imports 40 from A and 50 from C.
    let intensity = trade_intensity(&f, 2022, "A", "B").unwrap();
    assert!(close(intensity, (40.0 / 60.0) / (90.0 / 160.0)));
    // B's import shares 5/9 and 4/9, A's export shares 1/2 and 1/2:
    // 100 · (1 − (1/18 + 1/18) / 2) = 100 · 17/18.
    let c = complementarity(&f, 2022, "A", "B").unwrap();
    assert!(close(c, 100.0 * 17.0 / 18.0), "{c}");
}

#[test]
fn concentration_and_its_undefined_case() {
    let f = world();
    // A's products 30 and 30: evenly spread, 0.
    assert_eq!(hhi_products(&f, 2022, "A"), Ok(0.0));
    // A's markets 40 and 20: shares 2/3 and 1/3, (5/9 − 1/2) / (1/2) = 1/9.
    assert!(close(hhi_markets(&f, 2022, "A").unwrap(), 1.0 / 9.0));
    // B exports one product only.
    assert!(
        hhi_products(&f, 2022, "B")
            .unwrap_err()
            .contains("undefined with 1")
    );
}

#[test]
fn growth_mirror_and_missing_years() {
    let f = world();
    // 2021: 20; 2022: 40 + 50 = 90.
    assert!(close(growth_yoy(&f, 2022, "A", "B").unwrap(), 3.5));
    assert!(close(cagr(&f, "A", "B").unwrap(), 3.5));
    assert_eq!(growth_yoy(&f, 2021, "A", "B"), None, "no 2020");
    // A reports 40 to B; B reports 12 from A.
    assert_eq!(mirror_ratio(&f, 2022, "A", "B"), Some(40.0 / 12.0));
    assert_eq!(
        mirror_ratio(&f, 2022, "C", "B"),
        None,
        "B reports nothing from C"
    );
    // The mirror report does not replace A's own.
    assert_eq!(exports(&f, 2022, "A", "B"), Some(40.0));
}

#[test]
fn a_product_no_one_exports_has_no_rca() {
    let f = Flows::build(vec![row(2022, "A", "B", true, "01", 5.0)], 2);
    assert_eq!(rca(&f, 2022, "A").len(), 1);
    assert!(rca(&f, 2022, "B").is_empty());
    assert_eq!(complementarity(&f, 2022, "B", "A"), None);
}

#[test]
fn a_total_without_direction_gives_the_pair_total_only() {
    // 2023: KAZ reports total trade with PAK of 53.7 (a document record, no direction);
    // 2024: 60 as two records by chapter (01: 40, 02: 20) and one of all products (60):
    // the all-products record counts once, the chapters are "of which". In 2025 the pair
    // also has directed figures, which win over the undirected record.
    let mut f = Flows::build(vec![row(2025, "PAK", "KAZ", true, "01", 5.0)], 2);
    f.add_undirected(vec![
        row(2023, "KAZ", "PAK", false, "", 53.7),
        row(2024, "PAK", "KAZ", false, "TOTAL", 60.0),
        row(2024, "PAK", "KAZ", false, "01", 40.0),
        row(2024, "KAZ", "PAK", false, "02", 20.0),
        row(2025, "KAZ", "PAK", false, "", 99.0),
        row(2025, "KAZ", "KAZ", false, "", 1.0),
    ]);
    assert_eq!(pair_total(&f, 2023, "PAK", "KAZ"), Some(53.7));
    assert_eq!(pair_total(&f, 2023, "KAZ", "PAK"), Some(53.7));
    assert_eq!(pair_total(&f, 2024, "PAK", "KAZ"), Some(60.0));
    assert_eq!(pair_total(&f, 2025, "PAK", "KAZ"), Some(5.0));
    assert_eq!(
        f.years.iter().copied().collect::<Vec<_>>(),
        [2023, 2024, 2025]
    );
    // 60 / 53.7 − 1
    assert!(close(
        growth_yoy(&f, 2024, "PAK", "KAZ").unwrap_or(f64::NAN),
        60.0 / 53.7 - 1.0
    ));
    let figures = figures(&f, "PAK", Some("KAZ"), 2023);
    let get = |name: &str| figures.iter().find(|x| x.indicator == name);
    assert_eq!(get("total").map(|x| x.value.clone()), Some(Ok(53.7)));
    assert!(get("exports").is_some_and(|x| x.value.is_err()));
    assert!(get("balance").is_some_and(|x| x.value.is_err()));
}

#[test]
fn reported_figures_say_which_report_they_are_and_take_16_bytes() {
    let mut r = Reported::default();
    assert_eq!((r.own(), r.mirror(), r.best()), (None, None, None));
    r.add(false, 4.0);
    assert_eq!(
        (r.own(), r.mirror(), r.best()),
        (None, Some(4.0), Some(4.0))
    );
    r.add(true, 0.0);
    r.add(true, 2.5);
    // A zero report is a report: the exporter's own figure wins over the mirror.
    assert_eq!((r.own(), r.best()), (Some(2.5), Some(2.5)));
    assert_ne!(r, Reported::default());
    assert_eq!(std::mem::size_of::<(u32, Reported)>(), 24);
}

#[test]
fn the_same_rows_give_the_same_figures_to_the_last_bit() {
    // 1,000 markets of uneven values: summed in another order, their shares' squares would
    // differ in the last bits (as they did from run to run with randomly seeded maps).
    let rows = || {
        (0..1000).map(|k| {
            let value = 1.0 + f64::from(k) * 0.123_456_7 + 1e-7 * f64::from(k * k);
            row(
                2022,
                "A",
                &format!("M{k}"),
                true,
                &format!("{:02}", k % 97 + 1),
                value,
            )
        })
    };
    let (first, second) = (Flows::build(rows(), 2), Flows::build(rows(), 2));
    let bits = |f: &Flows| {
        (
            hhi_markets(f, 2022, "A").map(f64::to_bits),
            hhi_products(f, 2022, "A").map(f64::to_bits),
            total_exports(f, 2022, "A").to_bits(),
        )
    };
    assert_eq!(bits(&first), bits(&second));
}

#[test]
fn the_trade_fingerprint_follows_the_trade_records_only() {
    let doc = crate::io::bundled_document();
    let print = trade_fingerprint(&doc);
    let mut retitled = doc.clone();
    retitled.title.push_str(" (edited)");
    retitled.notes.push_str(" More notes.");
    assert_eq!(trade_fingerprint(&retitled), print);
    let mut revalued = doc.clone();
    if let Some(t) = revalued.trade.iter_mut().find(|t| t.value_usd.is_some()) {
        t.value_usd = t.value_usd.map(|v| v + 1.0);
    }
    assert_ne!(trade_fingerprint(&revalued), print);
    let mut fewer = doc.clone();
    fewer.trade.truncate(doc.trade.len().saturating_sub(1));
    assert_ne!(trade_fingerprint(&fewer), print);
}
