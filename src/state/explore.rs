//! Everything the exploration views show, computed from the document when the document
//! revision or the navigation changes, never on every frame.

use std::collections::{HashMap, HashSet};

use crate::model::chart::ChartData;
use crate::model::country::display_name;
use crate::model::explore::{self, PairSummary, PartnerRow, StatusRow};
use crate::model::{Document, Problem, Severity, Summary, products, validate};

use super::datasets::{Aggregates, LoadedDataset};

/// What the cached data was computed for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExploreKey {
    /// Document revision.
    pub revision: u64,
    /// Focus country.
    pub focus: Option<String>,
    /// Partner.
    pub partner: Option<String>,
    /// Requested year of the partners chart.
    pub partner_year: Option<i32>,
    /// Revision of the linked datasets' sums: new sums arrived.
    pub datasets: u64,
    /// Generation of the linked datasets: read, failed or dropped (their countries).
    pub dataset_generation: u64,
    /// The map's measure and years.
    pub map: explore::MapChoice,
}

/// Prepared data for every view.
#[derive(Debug, Clone, Default)]
pub struct ExploreData {
    /// What this was computed for.
    pub key: ExploreKey,
    /// Counts and totals of the document.
    pub summary: Option<Summary>,
    /// Validation problems.
    pub problems: Vec<Problem>,
    /// Number of error-level problems.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Countries mentioned by records, (code, name) by name, for the focus picker.
    pub countries: Vec<(String, String)>,
    /// Display name of the focus country.
    pub focus_name: String,
    /// Display name of the partner.
    pub partner_name: String,
    /// Partners of the focus country, ranked.
    pub partners: Vec<PartnerRow>,
    /// The relationship page's figures, when a partner is chosen.
    pub pair: Option<PairSummary>,
    /// Trade over time for the pair.
    pub trade_chart: Option<ChartData>,
    /// Categories butterfly for the pair.
    pub category_chart: Option<ChartData>,
    /// Product breakdown of the pair from a linked dataset, with drill-down.
    pub product_chart: Option<ChartData>,
    /// Investment amounts of the pair by status.
    pub pair_investment_bars: Option<ChartData>,
    /// Announcement timeline of the pair.
    pub pair_timeline: Option<ChartData>,
    /// Years the partners chart can show.
    pub partner_years: Vec<i32>,
    /// The year it shows.
    pub partner_year: Option<i32>,
    /// Total trade of the focus country by partner.
    pub partners_chart: Option<ChartData>,
    /// Sum of the partners' totals in `partner_year`.
    pub partners_total: Option<f64>,
    /// Investments and agreements of the focus country by status.
    pub focus_deals: Vec<StatusRow>,
    /// Investment amounts of the focus country by partner and status.
    pub focus_investment_bars: Option<ChartData>,
    /// Announcement timeline of the focus country.
    pub focus_timeline: Option<ChartData>,
    /// Indicator charts of the focus country.
    pub indicator_charts: Vec<ChartData>,
    /// Partners with a total in `partner_year`: those added up in `partners_total`.
    pub partners_counted: HashSet<String>,
    /// Names linked datasets give to codes that are not ISO codes.
    pub dataset_names: HashMap<String, String>,
    /// Where the pair's figures come from: the document's trade records of the pair…
    pub pair_records: usize,
    /// …and per linked dataset with rows of the pair: (index, name, rows summed).
    pub pair_rows: Vec<(usize, String, u64)>,
    /// The map's figures for the focus country.
    pub map: explore::MapValues,
    /// The map's list alternative, built with the figures rather than every frame.
    pub map_rows: Vec<explore::MapRow>,
    /// Years the products chart may show (years with figures of the pair in a dataset),
    /// and the year it shows.
    pub product_years: (Vec<u16>, Option<u16>),
}

impl ExploreData {
    /// How a country is named in the views: the document's name, else the ISO name, else
    /// the name a linked dataset gives; a code that is not an ISO code keeps the code
    /// beside its name ("Other Asia, nes (S19)").
    pub fn name_of(&self, doc: &Document, code: &str) -> String {
        let name = display_name(doc, code);
        let named = if name != code {
            Some(name)
        } else {
            self.dataset_names.get(code).map(String::as_str)
        };
        match named {
            Some(name) if !crate::model::country::is_iso_alpha3(code) => {
                format!("{name} ({code})")
            }
            Some(name) => name.to_owned(),
            None => code.to_owned(),
        }
    }

    /// Recomputes what depends on `key`. Document-wide data (problems, summary, countries)
    /// is kept when only the navigation changed.
    pub fn update(
        &mut self,
        doc: &Document,
        key: ExploreKey,
        aggregates: &Aggregates,
        datasets: &[LoadedDataset],
    ) {
        if self.summary.is_some() && self.key == key {
            return;
        }
        // Validation and the summary depend on the document alone: new dataset sums (which
        // arrive at every change of focus) must not re-validate a large document.
        let doc_changed = self.summary.is_none() || self.key.revision != key.revision;
        if doc_changed {
            let problems = validate(doc);
            self.errors = problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count();
            self.warnings = problems.len() - self.errors;
            self.problems = problems;
            self.summary = Some(Summary::of(doc));
        }
        if doc_changed || self.key.dataset_generation != key.dataset_generation {
            self.update_countries(doc, datasets);
        }
        let focus = key.focus.as_deref();
        let partner = key.partner.as_deref();
        self.focus_name = focus.map(|f| self.name_of(doc, f)).unwrap_or_default();
        self.partner_name = partner.map(|p| self.name_of(doc, p)).unwrap_or_default();
        // One pass over the trade records for everything about the focus country.
        let mut trade = focus
            .map(|f| explore::focus_trade(doc, f))
            .unwrap_or_default();
        self.pair_records = partner
            .and_then(|p| trade.counts.get(p))
            .copied()
            .unwrap_or(0);
        self.pair_rows.clear();
        // Sums of the linked datasets, when they were computed for this focus country.
        if let Some(f) = focus
            && aggregates.key.focus.as_deref() == Some(f)
        {
            for (index, link, sums) in &aggregates.focus {
                let rows: u64 = partner
                    .and_then(|p| sums.get(p))
                    .map_or(0, |y| y.values().map(|s| s.rows).sum());
                if rows > 0 {
                    self.pair_rows.push((*index, link.name.clone(), rows));
                }
                explore::merge_dataset_sums(&mut trade, f, *index, link, sums);
            }
        }
        self.partners = focus
            .map(|f| explore::partners_from(doc, f, &trade))
            .unwrap_or_default();
        let names: Vec<String> = self
            .partners
            .iter()
            .map(|row| self.name_of(doc, &row.code))
            .collect();
        for (row, name) in self.partners.iter_mut().zip(names) {
            row.name = name;
        }
        let pair = focus.zip(partner);
        let no_years = Vec::new();
        let pair_years = partner
            .and_then(|p| trade.years.get(p))
            .unwrap_or(&no_years);
        self.map = focus
            .map(|f| explore::map_values(doc, f, &trade, &self.partners, key.map))
            .unwrap_or_default();
        let rows = explore::map_rows(&self.map, crate::model::geo::world(), |code| {
            self.name_of(doc, code)
        });
        self.map_rows = rows;
        self.pair = pair.map(|(a, b)| explore::pair_summary_from(doc, a, b, pair_years));
        self.trade_chart = pair.map(|(a, b)| explore::trade_chart_from(doc, a, b, pair_years));
        self.category_chart = pair.map(|(a, b)| explore::category_chart(doc, a, b));
        let pair_sums = pair.is_some_and(|(a, b)| {
            aggregates.key.focus.as_deref() == Some(a)
                && aggregates.key.partner.as_deref() == Some(b)
        });
        self.product_chart = pair.filter(|_| pair_sums).and_then(|(a, b)| {
            let p = aggregates.products.as_ref()?;
            Some(products::product_chart(doc, a, b, p))
        });
        self.product_years = if pair_sums {
            (
                aggregates.product_years.clone(),
                aggregates.products.as_ref().map(|p| p.year),
            )
        } else {
            Default::default()
        };
        self.pair_investment_bars = pair.map(|(a, b)| explore::investment_bars(doc, a, Some(b)));
        self.pair_timeline = pair.map(|(a, b)| explore::investment_timeline(doc, a, Some(b)));

        self.update_partner_year(doc, focus, key.partner_year, &trade);
        self.focus_deals = focus
            .map(|f| explore::deals_by_status(doc, f, None))
            .unwrap_or_default();
        self.focus_investment_bars = focus.map(|f| explore::investment_bars(doc, f, None));
        self.focus_timeline = focus.map(|f| explore::investment_timeline(doc, f, None));
        self.indicator_charts = focus
            .map(|f| explore::indicator_charts(doc, f))
            .unwrap_or_default();
        self.key = key;
    }

    /// The countries of the focus picker and the names datasets give to codes.
    fn update_countries(&mut self, doc: &Document, datasets: &[LoadedDataset]) {
        self.dataset_names = datasets
            .iter()
            .flat_map(|e| e.country_names.iter().cloned())
            .collect();
        self.countries = explore::countries_in_use(doc)
            .into_iter()
            .map(|(code, _)| {
                let name = self.name_of(doc, &code);
                (code, name)
            })
            .collect();
        let mut known: HashSet<String> = self.countries.iter().map(|(c, _)| c.clone()).collect();
        for entry in datasets {
            for code in &entry.countries {
                if known.insert(code.clone()) {
                    let name = self.name_of(doc, code);
                    self.countries.push((code.clone(), name));
                }
            }
        }
        self.countries
            .sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    }

    /// The year partners are added up in, their sum, its chart and who is in it.
    fn update_partner_year(
        &mut self,
        doc: &Document,
        focus: Option<&str>,
        wanted: Option<i32>,
        trade: &explore::FocusTrade,
    ) {
        self.partner_years = explore::partner_years_from(trade);
        self.partner_year = wanted
            .filter(|y| self.partner_years.contains(y))
            .or_else(|| explore::default_partner_year(trade));
        let name = |code: &str| self.name_of(doc, code);
        let chart = focus
            .zip(self.partner_year)
            .map(|(f, year)| explore::partners_chart_from(doc, f, trade, year, &name));
        self.partners_chart = chart;
        self.partners_total = self
            .partner_year
            .and_then(|year| explore::partners_total_from(trade, year));
        self.partners_counted = self
            .partner_year
            .map(|year| {
                trade
                    .years
                    .iter()
                    .filter(|(_, ys)| {
                        ys.iter()
                            .any(|y| y.year == year && y.total_value().is_some())
                    })
                    .map(|(code, _)| code.clone())
                    .collect()
            })
            .unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recomputes_only_when_the_key_changes() {
        let mut doc = crate::bundled_document();
        let mut data = ExploreData::default();
        let key = ExploreKey {
            revision: 1,
            focus: Some("PAK".into()),
            partner: Some("KAZ".into()),
            partner_year: None,
            datasets: 0,
            dataset_generation: 0,
            map: Default::default(),
        };
        let datasets = Aggregates::default();
        data.update(&doc, key.clone(), &datasets, &[]);
        assert_eq!(data.pair.as_ref().unwrap().headlines[0].value, "$53.7M");
        assert_eq!(data.partner_year, Some(2024));
        assert_eq!(data.partners_total, Some(53.7e6));

        // Same key: a changed document is not looked at again.
        doc.trade[0].value_usd = Some(1.0);
        data.update(&doc, key.clone(), &datasets, &[]);
        assert_eq!(data.pair.as_ref().unwrap().headlines[0].value, "$53.7M");

        // New revision: recomputed.
        data.update(&doc, ExploreKey { revision: 2, ..key }, &datasets, &[]);
        assert_eq!(data.pair.as_ref().unwrap().headlines[0].value, "$1");
    }
}
