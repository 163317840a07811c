//! Figures that describe a whole document: record counts, countries, years, totals.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;

use super::document::Document;

/// Counts and totals of a document, for the status bar and `trade-explorer check`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of sources.
    pub sources: usize,
    /// Number of declared countries and groups.
    pub declared_countries: usize,
    /// Number of categories.
    pub categories: usize,
    /// Number of trade volume records.
    pub trade_records: usize,
    /// Number of investment and agreement records.
    pub investments: usize,
    /// Number of indicator and target records.
    pub indicators: usize,
    /// Number of facts.
    pub facts: usize,
    /// Every country or group code used by a record, sorted.
    pub country_codes: BTreeSet<String>,
    /// Every year a trade record or indicator covers, sorted.
    pub years: BTreeSet<i32>,
    /// Sum of the values of the trade volume records that count towards totals, in US
    /// dollars: a record with a category that is detail of another record of its (year,
    /// reporter, partner, flow) is not added again (see [`crate::model::hierarchy`]).
    ///
    /// Exports, imports and totals are summed alike: this is a checksum of what the file
    /// holds, not a statement about any country's trade.
    pub total_trade_usd: f64,
}

impl Summary {
    /// Computes the summary of `doc`.
    pub fn of(doc: &Document) -> Summary {
        // Borrowed while counting: a million records would otherwise clone two million codes.
        let mut codes: HashSet<&str> = HashSet::new();
        let mut years = BTreeSet::new();
        let mut total = 0.0;
        let counting = crate::model::hierarchy::counting_records(doc);
        for (t, counts) in doc.trade.iter().zip(counting) {
            codes.insert(&t.reporter);
            codes.insert(&t.partner);
            years.extend(t.year);
            if counts {
                total += t.value_usd.filter(|v| v.is_finite()).unwrap_or(0.0);
            }
        }
        for v in &doc.investments {
            codes.extend(v.parties.iter().map(String::as_str));
            codes.extend(v.host.as_deref());
        }
        for v in &doc.indicators {
            codes.insert(&v.country);
            years.extend(v.year);
        }
        for f in &doc.facts {
            codes.extend(f.countries.iter().map(String::as_str));
        }
        codes.remove("");
        let country_codes: BTreeSet<String> = codes.into_iter().map(str::to_owned).collect();
        Summary {
            sources: doc.sources.len(),
            declared_countries: doc.countries.len(),
            categories: doc.categories.len(),
            trade_records: doc.trade.len(),
            investments: doc.investments.len(),
            indicators: doc.indicators.len(),
            facts: doc.facts.len(),
            country_codes,
            years,
            total_trade_usd: total,
        }
    }

    /// `2019–2040`, `2024`, or `no years`.
    pub fn year_range(&self) -> String {
        match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => "no years".to_owned(),
        }
    }

    /// One line of record counts: `14 trade, 9 investments, …`.
    pub fn counts_line(&self) -> String {
        format!(
            "{} trade, {} investments, {} indicators, {} facts, {} categories, {} sources",
            self.trade_records,
            self.investments,
            self.indicators,
            self.facts,
            self.categories,
            self.sources
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::*;

    #[test]
    fn counts_countries_years_and_values() {
        let mut doc = Document::new();
        for (id, year, reporter, partner, value) in [
            (1, Some(2024), "KAZ", "PAK", Some(53.7e6)),
            (2, None, "PAK", "KAZ", None),
            (3, Some(2020), "PAK", "CHN", Some(1.5e6)),
        ] {
            doc.trade.push(TradeVolume {
                id,
                year,
                reporter: reporter.into(),
                partner: partner.into(),
                flow: Flow::Total,
                category: None,
                value_usd: value,
                quantity: None,
                source: None,
                note: String::new(),
            });
        }
        let s = Summary::of(&doc);
        assert_eq!(s.trade_records, 3);
        assert_eq!(
            s.country_codes
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["CHN", "KAZ", "PAK"]
        );
        assert_eq!(s.years.iter().copied().collect::<Vec<_>>(), [2020, 2024]);
        assert_eq!(s.year_range(), "2020–2024");
        assert!((s.total_trade_usd - 55.2e6).abs() < 1e-6);
    }

    #[test]
    fn categorised_records_are_detail_of_their_total_and_of_their_chapter() {
        let mut doc = Document::new();
        let rows: [(u32, Flow, Option<&str>, f64); 8] = [
            // PAK -> KAZ exports 2024: a total of 100 with chapters and a heading: 100.
            (1, Flow::Export, None, 100.0),
            (2, Flow::Export, Some("08"), 60.0),
            (3, Flow::Export, Some("0805"), 45.0),
            (4, Flow::Export, Some("30"), 30.0),
            // Imports 2024: no total; chapter 07 and heading 0805 of another chapter (both
            // count), heading 0701 under 07 (detail): 40 + 12.
            (5, Flow::Import, Some("07"), 40.0),
            (6, Flow::Import, Some("0701"), 25.0),
            (7, Flow::Import, Some("0805"), 12.0),
            // A reported total flow: its own group.
            (8, Flow::Total, None, 150.0),
        ];
        for (id, flow, category, value) in rows {
            doc.trade.push(TradeVolume {
                id,
                year: Some(2024),
                reporter: "PAK".into(),
                partner: "KAZ".into(),
                flow,
                category: category.map(str::to_owned),
                value_usd: Some(value),
                quantity: None,
                source: None,
                note: String::new(),
            });
        }
        // Hand-computed: 100 (exports) + 40 + 12 (imports) + 150 (total flow).
        assert_eq!(Summary::of(&doc).total_trade_usd, 302.0);
    }
}
