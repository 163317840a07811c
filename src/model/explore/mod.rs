//! Queries for exploring a country's relationships: partners, pair figures and chart series.
//!
//! Conventions, stated once:
//! - A country's exports to a partner are what it reports as exports, or, as a mirror
//!   figure, what the partner reports as imports from it. A figure reported by the country
//!   itself is preferred; both are shown side by side when both exist.
//! - Total trade of a pair in a year is a reported total (either side), else the sum of
//!   exports and imports when both are known.
//! - Records with a category are breakdowns of the record without one. Where a year and
//!   direction has no record without a category, its figure is the sum of the records by
//!   category that count under the aggregation rule ([`crate::model::hierarchy`]).

mod charts;
mod deals;
mod figures;
mod map;
mod pair;
mod partners;

pub use charts::*;
pub use deals::*;
pub use figures::*;
pub use map::*;
pub use pair::*;
pub use partners::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chart::{SeriesStyle, ValueUnit};
    use crate::model::*;

    fn trade(
        id: Id,
        year: i32,
        reporter: &str,
        partner: &str,
        flow: Flow,
        value: Option<f64>,
    ) -> TradeVolume {
        TradeVolume {
            id,
            year: Some(year),
            reporter: reporter.into(),
            partner: partner.into(),
            flow,
            category: None,
            value_usd: value,
            quantity: None,
            source: None,
            note: String::new(),
        }
    }

    fn doc_with(trade: Vec<TradeVolume>) -> Document {
        let mut doc = Document::new();
        doc.trade = trade.into();
        doc
    }

    #[test]
    fn totals_prefer_reported_then_sum_of_flows() {
        let doc = doc_with(vec![
            trade(1, 2022, "PAK", "KAZ", Flow::Export, Some(10.0)),
            trade(2, 2022, "PAK", "KAZ", Flow::Import, Some(4.0)),
            trade(3, 2023, "KAZ", "PAK", Flow::Total, Some(20.0)),
            trade(4, 2023, "PAK", "KAZ", Flow::Export, Some(12.0)),
        ]);
        let years = pair_years(&doc, "PAK", "KAZ");
        assert_eq!(years.len(), 2);
        assert_eq!(years[0].total_value(), Some(14.0), "derived from flows");
        assert_eq!(years[0].balance(), Some(6.0));
        assert_eq!(years[1].total_value(), Some(20.0), "reported by KAZ");
        assert_eq!(years[1].balance(), None, "no imports known in 2023");
        // Seen from the other side, exports and imports swap.
        let other = pair_years(&doc, "KAZ", "PAK");
        assert_eq!(other[0].best_imports().map(|o| o.value), Some(10.0));
        assert_eq!(other[0].balance(), Some(-6.0));
    }

    #[test]
    fn mirror_figures_are_paired_and_shown_side_by_side() {
        let doc = doc_with(vec![
            trade(1, 2023, "PAK", "KAZ", Flow::Export, Some(10.0)),
            trade(2, 2023, "KAZ", "PAK", Flow::Import, Some(11.0)),
            trade(3, 2024, "KAZ", "PAK", Flow::Import, Some(13.0)),
        ]);
        let years = pair_years(&doc, "PAK", "KAZ");
        assert_eq!(years[0].exports.as_ref().map(|o| o.value), Some(10.0));
        assert_eq!(
            years[0].exports_mirror.as_ref().map(|o| o.value),
            Some(11.0)
        );
        assert_eq!(years[1].best_exports().map(|o| o.value), Some(13.0));
        let chart = trade_chart(&doc, "PAK", "KAZ");
        let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Exports to Kazakhstan (reported by Pakistan)",
                "Exports to Kazakhstan (reported by Kazakhstan)"
            ]
        );
        assert_eq!(chart.series[1].points.len(), 2);
        assert_eq!(chart.series[1].style, SeriesStyle::Line { dashed: true });
    }

    /// Hand-computed: where a year and direction has no record without a category, the
    /// figure is the sum of the categories that count (08 + 30, not 0805 under 08).
    #[test]
    fn records_by_category_add_up_under_the_rule() {
        let by = |id, year, reporter: &str, partner: &str, flow, code: Option<&str>, v| {
            let mut t = trade(id, year, reporter, partner, flow, Some(v));
            t.category = code.map(Into::into);
            t
        };
        let doc = doc_with(vec![
            by(1, 2022, "PAK", "KAZ", Flow::Export, Some("08"), 10.0),
            by(2, 2022, "PAK", "KAZ", Flow::Export, Some("0805"), 4.0),
            by(3, 2022, "PAK", "KAZ", Flow::Export, Some("30"), 5.0),
            by(4, 2022, "PAK", "KAZ", Flow::Import, None, 100.0),
            by(5, 2022, "PAK", "KAZ", Flow::Import, Some("08"), 30.0),
            by(6, 2023, "KAZ", "PAK", Flow::Import, Some("0805"), 3.0),
            by(7, 2023, "KAZ", "PAK", Flow::Import, Some("080510"), 1.0),
            by(8, 2023, "PAK", "CHN", Flow::Export, Some("30"), 7.0),
        ]);
        let years = pair_years(&doc, "PAK", "KAZ");
        assert_eq!(years.len(), 2);
        let exports = years[0]
            .exports
            .as_ref()
            .map(|o| (o.value, o.by_category, o.id));
        assert_eq!(exports, Some((15.0, Some(2), 1)));
        let imports = years[0]
            .imports
            .as_ref()
            .map(|o| (o.value, o.by_category, o.id));
        assert_eq!(imports, Some((100.0, None, 4)));
        assert_eq!(years[0].total_value(), Some(115.0));
        // KAZ's imports from PAK are PAK's exports, as a mirror figure.
        let mirror = years[1]
            .exports_mirror
            .as_ref()
            .map(|o| (o.value, o.by_category));
        assert_eq!(mirror, Some((3.0, Some(1))));
        let trade = focus_trade(&doc, "PAK");
        assert_eq!(trade.years["KAZ"], years);
        let chn = trade.years["CHN"][0].exports.as_ref().map(|o| o.value);
        assert_eq!(chn, Some(7.0));
        // The derived total names where its parts come from.
        let chart = trade_chart_from(&doc, "PAK", "KAZ", &years);
        let total = chart
            .series
            .iter()
            .find(|s| s.name == "Total trade")
            .unwrap();
        let parts = "Exports: trade record 1; imports: trade record 4".to_owned();
        assert!(
            total.points[0].tooltip.contains(&parts),
            "{:?}",
            total.points[0].tooltip
        );
        let tooltip = years[0]
            .exports
            .as_ref()
            .map(|o| pair::obs_tooltip(&doc, "Exports", o));
        let tooltip = tooltip.unwrap_or_default();
        assert!(
            tooltip
                .iter()
                .any(|l| l == "Sum of 2 trade records by category (no record for the whole flow)"),
            "{tooltip:?}"
        );
    }

    #[test]
    fn categories_without_value_are_listed_not_drawn() {
        let mut doc = doc_with(vec![]);
        for (id, code, flow, value) in [
            (1, "0805", Flow::Export, None),
            (2, "30", Flow::Export, Some(5.0)),
            (3, "9506", Flow::Export, Some(9.0)),
            (4, "0703", Flow::Import, None),
        ] {
            let mut t = trade(id, 2024, "PAK", "KAZ", flow, value);
            t.category = Some(code.into());
            doc.trade.push(t);
            doc.categories.push(Category {
                code: code.into(),
                name: format!("cat {code}"),
                note: String::new(),
            });
        }
        let chart = category_chart(&doc, "PAK", "KAZ");
        assert_eq!(chart.series.len(), 1, "no import has a value");
        let exports = &chart.series[0];
        // Sorted by value, largest first and at the top.
        let labels: Vec<&str> = exports.points.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["cat 9506", "cat 30"]);
        assert_eq!(chart.categories, ["cat 30", "cat 9506"]);
        assert!(exports.points.iter().all(|p| p.x > 0.0));
        assert_eq!(
            chart.side_lists,
            vec![
                (
                    "Exports to Kazakhstan, value not reported".to_owned(),
                    vec!["cat 0805".to_owned()]
                ),
                (
                    "Imports from Kazakhstan, value not reported".to_owned(),
                    vec!["cat 0703".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn partners_are_ranked_by_latest_total_then_records() {
        let mut doc = doc_with(vec![
            trade(1, 2024, "PAK", "CHN", Flow::Total, Some(5.0)),
            trade(2, 2024, "KAZ", "PAK", Flow::Total, Some(50.0)),
            trade(3, 2024, "PAK", "AFG", Flow::Export, None),
            trade(4, 2024, "PAK", "AFG", Flow::Import, None),
        ]);
        doc.investments.push(Investment {
            id: 1,
            title: "Invitation".into(),
            parties: vec!["PAK".into(), "JPN".into()],
            organisations: vec![],
            host: Some("PAK".into()),
            sector: String::new(),
            kind: InvestmentKind::Invitation,
            amount_usd: None,
            amount_basis: None,
            status: Status::Invited,
            announced: None,
            target_year: None,
            description: String::new(),
            source: None,
        });
        let rows = partners(&doc, "PAK");
        let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["KAZ", "CHN", "AFG", "JPN"]);
        assert_eq!(rows[0].key_figure(), "$50 (2024)");
        assert_eq!(rows[2].key_figure(), "2 records");
        assert_eq!(rows[3].key_figure(), "1 record");

        let chart = partners_chart(&doc, "PAK", 2024);
        let points = &chart.series[0].points;
        assert_eq!(points[0].label, "Kazakhstan");
        assert!(
            points[0]
                .tooltip
                .iter()
                .any(|l| l.starts_with("90.9% of Pakistan"))
        );
        assert_eq!(partner_years(&doc, "PAK"), [2024]);
    }

    /// A total of 2024 beside exports and imports up to 2023 (a document's total and a
    /// dataset's flows): the 2023 total is a card too, beside that year's flows. By hand:
    /// 2023 total = 30 + 12 = 42, balance 30 − 12 = 18.
    #[test]
    fn a_later_total_keeps_the_total_of_the_flows_year_beside_them() {
        let doc = doc_with(vec![
            trade(1, 2024, "KAZ", "PAK", Flow::Total, Some(50.0)),
            trade(2, 2023, "PAK", "KAZ", Flow::Export, Some(30.0)),
            trade(3, 2023, "PAK", "KAZ", Flow::Import, Some(12.0)),
        ]);
        let cards: Vec<(String, String)> = pair_summary(&doc, "PAK", "KAZ")
            .headlines
            .into_iter()
            .map(|h| (h.label, h.value))
            .collect();
        let expected = [
            ("Total trade 2024", "$50"),
            ("Total trade 2023", "$42"),
            ("Exports to Kazakhstan 2023", "$30"),
            ("Imports from Kazakhstan 2023", "$12"),
            ("Balance 2023", "$18"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(l, v)| ((*l).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(cards, expected);
        // Flows and total of the same year: one total card.
        let same = doc_with(vec![
            trade(2, 2023, "PAK", "KAZ", Flow::Export, Some(30.0)),
            trade(3, 2023, "PAK", "KAZ", Flow::Import, Some(12.0)),
        ]);
        let labels: Vec<String> = pair_summary(&same, "PAK", "KAZ")
            .headlines
            .into_iter()
            .map(|h| h.label)
            .collect();
        assert_eq!(
            labels,
            [
                "Total trade 2023",
                "Exports to Kazakhstan 2023",
                "Imports from Kazakhstan 2023",
                "Balance 2023"
            ]
        );
    }

    #[test]
    fn bundled_relationship_has_the_headline_and_the_lists() {
        let doc = crate::bundled_document();
        assert_eq!(default_focus(&doc).as_deref(), Some("PAK"));
        let summary = pair_summary(&doc, "PAK", "KAZ");
        assert_eq!(summary.headlines[0].label, "Total trade 2024");
        assert_eq!(summary.headlines[0].value, "$53.7M");
        assert!(
            summary.headlines[0]
                .tooltip
                .iter()
                .any(|l| l.contains("53,700,000"))
        );
        assert!(
            summary.headlines[0]
                .tooltip
                .iter()
                .any(|l| l.starts_with("Source: Kazakh president"))
        );
        assert_eq!(
            summary.headlines.len(),
            1,
            "no export or import value is given"
        );
        let total: usize = summary.by_status.iter().map(|s| s.count).sum();
        assert_eq!(total, 4);
        assert_eq!(summary.facts.len(), 2);
        let chart = category_chart(&doc, "PAK", "KAZ");
        assert!(chart.is_empty());
        assert_eq!(chart.side_lists[0].1.len(), 5);
        assert_eq!(chart.side_lists[1].1.len(), 6);
        let partners = partners(&doc, "PAK");
        assert_eq!(partners[0].code, "KAZ");
        assert_eq!(partners[0].key_figure(), "$53.7M (2024)");
    }

    #[test]
    fn investments_stack_by_status_and_markers_carry_titles() {
        let doc = crate::bundled_document();
        let bars = investment_bars(&doc, "PAK", None);
        assert_eq!(bars.series.len(), 1);
        assert_eq!(bars.series[0].name, "Proposed");
        assert_eq!(bars.series[0].points[0].value, 5e9);
        assert_eq!(bars.categories, ["Kazakhstan"]);
        assert_eq!(bars.side_lists[0].1.len(), 6);
        let timeline = investment_timeline(&doc, "PAK", None);
        let markers = &timeline.series[0];
        assert_eq!(markers.name, "No amount stated");
        assert_eq!(markers.points.len(), 3);
        assert!(
            markers
                .points
                .iter()
                .any(|p| p.label == "2024-05-07: Invitation to Japanese industrialists")
        );
        assert!(
            timeline.side_lists[0]
                .1
                .contains(&"Rail and road corridor projects".to_owned())
        );
    }

    #[test]
    fn indicator_targets_by_segment() {
        let doc = crate::bundled_document();
        let charts = indicator_charts(&doc, "PAK");
        assert_eq!(charts.len(), 2);
        let ev = &charts[0];
        assert_eq!(ev.unit, ValueUnit::Percent);
        let values: Vec<Vec<(f64, f64)>> = ev
            .series
            .iter()
            .map(|s| s.points.iter().map(|p| (p.x, p.y)).collect())
            .collect();
        assert_eq!(
            values,
            [
                vec![(2030.0, 30.0), (2040.0, 90.0)],
                vec![(2030.0, 50.0), (2040.0, 90.0)]
            ]
        );
        assert!(
            ev.series
                .iter()
                .all(|s| s.style == SeriesStyle::Line { dashed: true })
        );
        assert!(charts[1].is_empty());
        assert_eq!(charts[1].side_lists[0].1, ["All: 23% (actual)"]);
    }

    #[test]
    fn date_positions_are_ordered() {
        use crate::model::date::PartialDate;
        let a = date_position(PartialDate::Year(2024));
        let b = date_position(PartialDate::YearMonth(2024, 5));
        let c = date_position(PartialDate::Date(2024, 5, 7));
        assert!((2024.0..2025.0).contains(&a));
        assert!(c > 2024.33 && c < b + 0.05);
    }
}
