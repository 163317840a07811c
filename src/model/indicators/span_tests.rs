//! The figures from a [`Span`] against figures computed by hand, and against those of the
//! whole matrix on random tables.

use std::ops::ControlFlow;

use proptest::prelude::*;

use super::*;
use crate::model::dataset::{DatasetCountry, DatasetProduct, DatasetRow, RowFlow, TradeTable};

/// A table of `countries` and `products` (codes) holding `rows`: (year, reporter index,
/// partner index, flow, product index, value). A country named `WLD` is World.
fn table(
    countries: &[&str],
    products: &[&str],
    rows: &[(u16, u16, u16, RowFlow, u32, f64)],
) -> TradeTable {
    let mut t = TradeTable {
        countries: countries
            .iter()
            .map(|c| DatasetCountry {
                code: (*c).into(),
                name: (*c).into(),
                world: *c == "WLD",
                unknown: false,
            })
            .collect(),
        products: products
            .iter()
            .map(|p| DatasetProduct {
                code: (*p).into(),
                name: String::new(),
            })
            .collect(),
        ..TradeTable::default()
    };
    for &(year, reporter, partner, flow, product, value) in rows {
        t.push(DatasetRow {
            year,
            reporter,
            partner,
            flow,
            product,
            value,
            quantity: None,
        });
    }
    t.compute_flags();
    t
}

/// The flows for `i` and `j` at `level` through a span summed `budget` rows at a time.
fn span_flows(t: &TradeTable, i: &str, j: &str, level: usize, budget: usize) -> (Span, Flows) {
    let by_year = rows_by_year([t]);
    let span = Span::of(
        std::iter::empty(),
        &[t],
        by_year,
        None,
        budget,
        &[2, 4, 6],
        |_| ControlFlow::Continue(None),
    );
    let span = span.unwrap_or_default();
    let mut focused = Flows::default();
    focused_levels(
        std::iter::empty(),
        &[t],
        &[i, j],
        &ALL_YEARS,
        &[level],
        |f| {
            focused = f;
            ControlFlow::Break(())
        },
    );
    let flows = span.flows(&focused);
    (span, flows)
}

/// `world()` of the hand-computed tests as a linked table, with 2020 added:
/// 2022: A→B 01: 10, 02: 30; A→C 01: 20; B→A 02: 50; C→B 01: 40, 02: 10; B reports
/// importing 12 of 01 from A. 2021: A→B 01: 20. 2020: A→B 01: 10.
fn hand_table() -> TradeTable {
    use RowFlow::{Export, Import};
    let (a, b, c) = (0, 1, 2);
    table(
        &["A", "B", "C"],
        &["01", "02"],
        &[
            (2020, a, b, Export, 0, 10.0),
            (2021, a, b, Export, 0, 20.0),
            (2022, a, b, Export, 0, 10.0),
            (2022, a, b, Export, 1, 30.0),
            (2022, a, c, Export, 0, 20.0),
            (2022, b, a, Export, 1, 50.0),
            (2022, c, b, Export, 0, 40.0),
            (2022, c, b, Export, 1, 10.0),
            (2022, b, a, Import, 0, 12.0),
        ],
    )
}

#[test]
fn figures_over_every_year_from_a_span_summed_a_year_at_a_time() {
    // Room for the 7 rows of 2022 only: 2022 alone, then 2020 and 2021 together.
    let t = hand_table();
    let (span, f) = span_flows(&t, "A", "B", 2, 7);
    assert_eq!(
        span.years().iter().copied().collect::<Vec<_>>(),
        [2020, 2021, 2022]
    );
    assert!(span.too_large().is_empty());
    // Totals: A–B 10, 20, then 40 + 50 = 90.
    assert_eq!(pair_total(&f, 2020, "A", "B"), Some(10.0));
    assert_eq!(pair_total(&f, 2022, "A", "B"), Some(90.0));
    assert_eq!(growth_yoy(&f, 2022, "A", "B"), Some(90.0 / 20.0 - 1.0));
    // (90 / 10)^(1/2) − 1 = 2.
    assert!((cagr(&f, "A", "B").unwrap_or(f64::NAN) - 2.0).abs() < 1e-12);
    // X_A = 60, X_w = 160; x_A01 = 30 of x_w01 = 70; x_A02 = 30 of x_w02 = 90.
    assert_eq!(world_exports(&f, 2022), 160.0);
    let rca = rca(&f, 2022, "A");
    assert!((rca["01"] - (30.0 / 60.0) / (70.0 / 160.0)).abs() < 1e-12);
    assert!((rca["02"] - (30.0 / 60.0) / (90.0 / 160.0)).abs() < 1e-12);
    // B's import shares 5/9 and 4/9 against A's 1/2 and 1/2.
    let c = complementarity(&f, 2022, "A", "B").unwrap_or(f64::NAN);
    assert!((c - 100.0 * 17.0 / 18.0).abs() < 1e-9, "{c}");
    // B buys 50 of 01 (A 10, C 40), 10 of it from A: a gap of 40.
    assert_eq!(potential(&f, 2022, "A", "B"), vec![("01".to_owned(), 40.0)]);
    // A's markets 40 and 20: (5/9 − 1/2) / (1/2) = 1/9.
    assert!((hhi_markets(&f, 2022, "A").unwrap_or(f64::NAN) - 1.0 / 9.0).abs() < 1e-12);
    assert_eq!(mirror_ratio(&f, 2022, "A", "B"), Some(40.0 / 12.0));
    assert!(
        figures(&f, "A", Some("B"), 2022)[0]
            .universe
            .starts_with("world = 3 exporters in the data, 2022")
    );
}

#[test]
fn a_year_over_the_budget_gets_its_totals_but_no_product_figures() {
    let t = hand_table();
    let (span, f) = span_flows(&t, "A", "B", 2, 6);
    assert_eq!(span.too_large().iter().copied().collect::<Vec<_>>(), [2022]);
    assert!(!span.has(2022) && span.has(2021));
    // The totals of 2022 and the world's (160) are there; no product sums, so no RCA.
    assert_eq!(pair_total(&f, 2022, "A", "B"), Some(90.0));
    assert_eq!(world_exports(&f, 2022), 160.0);
    assert!(rca(&f, 2022, "A").is_empty());
    assert!(rca(&f, 2021, "A").contains_key("01"));
}

#[test]
fn the_year_asked_for_and_the_year_before_are_summed_first() {
    let years: std::collections::BTreeMap<i32, usize> =
        [(2019, 3), (2020, 3), (2021, 3), (2022, 3), (2023, 9)].into();
    let order = |first, budget| super::span::batches(&years, first, budget);
    // 2021 and 2020 first, each alone (summed at once), then ranges of years that fit.
    assert_eq!(
        order(Some(2021), 6),
        vec![vec![2021], vec![2020], vec![2019], vec![2022], vec![2023]]
    );
    assert_eq!(
        order(None, 6),
        vec![vec![2019, 2020], vec![2021, 2022], vec![2023]]
    );
    // 2023 alone is over the budget: alone, and first when asked for.
    assert_eq!(order(Some(2023), 8)[..2], [vec![2023], vec![2022]]);
    assert_eq!(
        order(Some(2019), 9),
        vec![vec![2019], vec![2020, 2021, 2022], vec![2023]]
    );
}

/// The span summed so far grows in the batches' order (the year asked for, the year
/// before, then the others in order), whichever thread finishes first: what the view shows
/// while the years are summed is the same on every run. Twenty runs over eight one-row
/// years, two threads (where the machine has two cores).
#[test]
fn the_years_are_added_in_the_batches_order_on_every_run() {
    let rows: Vec<_> = (2016..2024)
        .map(|y| (y, 0, 1, RowFlow::Export, 0, 1.0))
        .collect();
    let t = table(&["A", "B"], &["01"], &rows);
    for _ in 0..20 {
        let mut seen: Vec<Vec<i32>> = Vec::new();
        Span::of(
            std::iter::empty(),
            &[&t],
            rows_by_year([&t]),
            Some(2021),
            4,
            &[2],
            |partial| {
                let summed: Vec<i32> = partial.summed().iter().copied().collect();
                seen.push(summed);
                ControlFlow::Continue(None)
            },
        );
        let added: Vec<i32> = (seen.iter().enumerate())
            .flat_map(|(k, now)| {
                let before = k.checked_sub(1).map_or(&[][..], |b| &seen[b][..]);
                now.iter()
                    .filter(|y| !before.contains(y))
                    .copied()
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(added, [2021, 2020, 2016, 2017, 2018, 2019, 2022, 2023]);
    }
}

/// A year named by the callback after a batch (one the user has just asked for) is in
/// the next batch taken, before the years in order; then the order goes on.
#[test]
fn a_year_asked_for_while_summing_is_taken_next() {
    let batches = vec![
        vec![2021],
        vec![2020],
        vec![2016, 2017],
        vec![2018],
        vec![2019],
    ];
    let mut order = super::span::Order::new(batches.len());
    let mut taken = Vec::new();
    for next in [None, Some(2018), Some(2018), Some(2017), None, None] {
        order.next = next;
        taken.push(order.take(&batches));
    }
    // (batch, how many were taken before it): 2021; 2018 asked for; 2020 (2018 is taken);
    // 2016–2017 for 2017; 2019; nothing left.
    assert_eq!(
        taken,
        [
            Some((0, 0)),
            Some((3, 1)),
            Some((1, 2)),
            Some((2, 3)),
            Some((4, 4)),
            None
        ]
    );
}

/// Random tables of four countries and World, codes of several levels (the aggregation
/// rule at work), exports, imports and re-exports, integer values (sums exact in any
/// order).
fn rows() -> impl Strategy<Value = Vec<(u16, u16, u16, RowFlow, u32, f64)>> {
    let flow = prop_oneof![
        Just(RowFlow::Export),
        Just(RowFlow::Import),
        Just(RowFlow::ReExport)
    ];
    let row = (2019u16..=2023, 0u16..5, 0u16..5, flow, 0u32..7, 0u32..1000)
        .prop_map(|(y, r, p, f, k, v)| (y, r, p, f, k, f64::from(v)));
    proptest::collection::vec(row, 0..120)
}

const COUNTRIES: [&str; 5] = ["A", "B", "C", "D", "WLD"];
const PRODUCTS: [&str; 7] = ["01", "0101", "010101", "010102", "02", "0201", "TOTAL"];

/// The same tables with exports only, as BACI's reconciled rows are: each pair has one
/// report, and a span sums the world's products without keeping every pair's.
fn export_rows() -> impl Strategy<Value = Vec<(u16, u16, u16, RowFlow, u32, f64)>> {
    rows().prop_map(|rows| {
        rows.into_iter()
            .map(|(y, r, p, _, k, v)| (y, r, p, RowFlow::Export, k, v))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every figure of every pair, year and level from a span summed in small batches is
    /// the figure of the whole matrix.
    #[test]
    fn a_span_gives_the_whole_matrix_figures(rows in rows(), budget in 1usize..60) {
        same_figures(&rows, budget)?;
    }

    /// The same with exports only (the span's shorter way to the world's products).
    #[test]
    fn a_span_of_exports_only_gives_the_whole_matrix_figures(
        rows in export_rows(),
        budget in 1usize..60,
    ) {
        same_figures(&rows, budget)?;
    }
}

/// Years over many chunks of 4,096 rows, as a release holds them (one year after the
/// other), with a few rows of 2020 among 2022's and a chunk mixing years: a span summed a
/// year at a time, which skips the chunks outside each batch's years, gives the whole
/// matrix's figures.
#[test]
fn a_span_over_chunks_of_years_gives_the_whole_matrix_figures() {
    let mut rows = Vec::new();
    for (y, year) in (2020u16..=2022).enumerate() {
        for n in 0..4_500u32 {
            let (r, p) = ((n % 4) as u16, ((n / 4 + 1 + n % 4) % 4) as u16);
            let flow = if n % 3 == 0 {
                RowFlow::Import
            } else {
                RowFlow::Export
            };
            rows.push((year, r, p, flow, n % 7, f64::from(n % 97 + y as u32)));
        }
    }
    // Stray rows of 2020 inside 2022's chunks.
    for n in 0..5u32 {
        rows.insert(
            10_000 + 700 * n as usize,
            (2020, 0, 1, RowFlow::Export, 2, 5.0),
        );
    }
    let t = table(&COUNTRIES, &PRODUCTS, &rows);
    assert!(t.len() > 3 * 4_096);
    for budget in [4_600, 20_000] {
        same_figures(&rows, budget).unwrap_or_else(|e| panic!("budget {budget}: {e}"));
    }
}

/// Requires every figure of a span of `rows` summed with `budget` to be the whole matrix's.
fn same_figures(
    rows: &[(u16, u16, u16, RowFlow, u32, f64)],
    budget: usize,
) -> Result<(), TestCaseError> {
    {
        let t = table(&COUNTRIES, &PRODUCTS, rows);
        let whole = combined_levels(std::iter::empty(), [&t], &[2, 4, 6]);
        for (i, j) in [("A", "B"), ("B", "A"), ("C", "D"), ("A", "D")] {
            for level in [2, 4, 6] {
                let (span, f) = span_flows(&t, i, j, level, budget);
                let w = whole
                    .iter()
                    .find(|w| w.level == level)
                    .cloned()
                    .unwrap_or_default();
                prop_assert_eq!(&f.years, &w.years);
                prop_assert_eq!(cagr(&f, i, j), cagr(&w, i, j));
                prop_assert_eq!(hhi_markets_by_year(&f, i), hhi_markets_by_year(&w, i));
                for &year in &w.years {
                    let mut expected = figures(&w, i, Some(j), year);
                    if !span.has(year) {
                        // Summed as totals only: the product figures are left out.
                        expected.retain(|x| {
                            x.product.is_none()
                                && !matches!(
                                    x.indicator,
                                    "rca_count" | "complementarity" | "hhi_products"
                                )
                        });
                    }
                    let got: Vec<Figure> = figures(&f, i, Some(j), year)
                        .into_iter()
                        .filter(|x| {
                            expected
                                .iter()
                                .any(|e| e.indicator == x.indicator && e.product == x.product)
                        })
                        .collect();
                    prop_assert_eq!(got, expected, "{} {} {} HS{}", i, j, year, level);
                }
            }
        }
    }
    Ok(())
}

/// Rows over several blocks of the country index (4,096 rows each), sorted as BACI sorts
/// them: the focused flows read only the blocks of the two countries and still hold every
/// row of their pairs.
#[test]
fn focused_flows_read_through_the_index_hold_every_row_of_the_pairs() {
    let codes: Vec<String> = (0..30).map(|c| format!("C{c:02}")).collect();
    let countries: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut rows = Vec::new();
    for year in [2021u16, 2022] {
        for e in 0..30u16 {
            for m in (0..30u16).filter(|m| *m != e) {
                for k in 0..6u32 {
                    let v = f64::from(
                        (u32::from(year) * 7 + u32::from(e) * 31 + u32::from(m) * 17 + k * 5) % 997,
                    );
                    rows.push((year, e, m, RowFlow::Export, k, v));
                }
            }
        }
    }
    let products = ["010101", "010102", "020110", "850110", "850120", "940360"];
    let t = table(&countries, &products, &rows);
    assert!(t.len() > 2 * crate::model::dataset::BLOCK_ROWS);
    let whole = combined(std::iter::empty(), [&t], 6);
    let (_, f) = span_flows(&t, "C07", "C21", 6, 6000);
    for year in [2021, 2022] {
        assert_eq!(
            figures(&f, "C07", Some("C21"), year),
            figures(&whole, "C07", Some("C21"), year)
        );
    }
    assert_eq!(cagr(&f, "C07", "C21"), cagr(&whole, "C07", "C21"));
}

#[test]
fn rows_touching_two_countries_are_counted_by_year() {
    // A–B: 2020 1, 2021 1, 2022 3 (A→B twice, B→A), plus A→C and C→B (each touches one).
    let t = hand_table();
    let counts = rows_touching([&t], &["A", "B"]);
    assert_eq!(counts, [(2020, 1), (2021, 1), (2022, 7)].into());
    assert_eq!(rows_touching([&t], &["C"]), [(2022, 3)].into());
    assert!(rows_touching([&t], &["ZZZ"]).is_empty());
}

#[test]
fn a_focus_gets_every_year_the_years_that_fit_or_none() {
    let counts: std::collections::BTreeMap<i32, usize> = [(2021, 1), (2022, 6)].into();
    assert_eq!(focused_years(&counts, Some(2022), 7), ALL_YEARS);
    assert_eq!(focused_years(&counts, Some(2022), 6), 2022..=2022);
    assert_eq!(focused_years(&counts, Some(2021), 6), 2021..=2021);
    assert_eq!(focused_years(&counts, None, 5), NO_YEARS);
    assert!(NO_YEARS.is_empty());
    // No rows of theirs at all: every year (the document's records, if any).
    assert_eq!(focused_years(&Default::default(), None, 5), ALL_YEARS);
}

/// A span summed again for an edited document sums only the years whose trade records
/// changed, keeps the others, and holds what a span summed from scratch holds.
#[test]
fn an_edit_sums_again_only_the_years_it_changed() {
    use crate::model::document::{Document, Flow, TradeVolume};
    let record = |id, year, reporter: &str, partner: &str, flow, value| TradeVolume {
        id,
        year: Some(year),
        reporter: reporter.to_owned(),
        partner: partner.to_owned(),
        flow,
        category: Some("0101".to_owned()),
        value_usd: Some(value),
        quantity: None,
        source: None,
        note: String::new(),
    };
    let t = hand_table();
    let mut before = Document::new();
    before
        .trade
        .push(record(1, 2020, "A", "C", Flow::Export, 5.0));
    before
        .trade
        .push(record(2, 2021, "C", "A", Flow::Export, 7.0));
    before
        .trade
        .push(record(3, 2022, "A", "B", Flow::Total, 30.0));
    let mut after = before.clone();
    if let Some(edited) = after.trade.get_mut(1) {
        edited.value_usd = Some(8.0);
    }
    // A year of the document alone, after the rows' years.
    after
        .trade
        .push(record(4, 2030, "B", "C", Flow::Import, 1.0));
    // Room for 4 rows: every year a batch of its own, 2022 (7 rows) its totals only.
    let of = |doc: &Document| {
        let by_year = rows_by_year([&t]);
        Span::of([doc], &[&t], by_year, None, 4, &[2, 4, 6], |_| {
            ControlFlow::Continue(None)
        })
    };
    let Some(old) = of(&before) else {
        panic!("nothing stops the first sums");
    };
    let mut batches = Vec::new();
    let new = old.resummed([&after], &[&t], None, 4, |partial| {
        batches.push(partial.summed().clone());
        ControlFlow::Continue(None)
    });
    let (Some(new), Some(scratch)) = (new, of(&after)) else {
        panic!("nothing stops the sums");
    };
    // 2020 and 2022 kept from the first sums; 2021 and 2030 summed, one batch each.
    assert_eq!(batches.len(), 2, "{batches:?}");
    assert!(batches[0].contains(&2020) && batches[0].contains(&2022));
    assert!(new.complete());
    assert_eq!(new.summed(), scratch.summed());
    assert_eq!(new.all(), scratch.all());
    assert_eq!(new.years(), scratch.years());
    assert_eq!(new.too_large(), scratch.too_large());
    assert_eq!(new.too_large().iter().copied().collect::<Vec<_>>(), [2022]);
    for level in [2, 4, 6] {
        let focused = Flows {
            level,
            ..Flows::default()
        };
        let (a, b) = (new.flows(&focused), scratch.flows(&focused));
        assert_eq!(a.totals, b.totals, "level {level}");
        assert_eq!(a.undirected, b.undirected, "level {level}");
        assert_eq!(a.per_year.get(), b.per_year.get(), "level {level}");
    }
    // The edit is in the sums: C → A in 2021 is 8, not 7; B reports importing 1 from C
    // in 2030.
    let focused = Flows {
        level: 2,
        ..Flows::default()
    };
    let f = new.flows(&focused);
    assert_eq!(pair_total(&f, 2021, "C", "A"), Some(8.0));
    assert_eq!(pair_total(&f, 2030, "C", "B"), Some(1.0));
    // An unchanged document sums nothing again.
    let mut none = 0;
    let same = new.resummed([&after], &[&t], None, 4, |_| {
        none += 1;
        ControlFlow::Continue(None)
    });
    assert_eq!(none, 0);
    assert!(same.is_some_and(|s| s.complete() && s.summed() == scratch.summed()));
}
