//! A country's partners: which countries a document mentions, the focus country's trade
//! by partner and year, and the ranking of its partners.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::country::display_name;
use crate::model::document::Document;
use crate::model::format;

use super::*;

pub(super) fn add_related<'a>(
    counts: &mut HashMap<&'a str, usize>,
    codes: impl IntoIterator<Item = &'a str>,
) {
    // Records name few countries: a small vector dedups them without allocating strings.
    let mut seen: Vec<&str> = Vec::new();
    for code in codes {
        if !code.is_empty() && !seen.contains(&code) {
            seen.push(code);
            *counts.entry(code).or_default() += 1;
        }
    }
}

/// How many records mention each country.
pub fn mentions(doc: &Document) -> HashMap<String, usize> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &doc.trade {
        add_related(&mut counts, [t.reporter.as_str(), t.partner.as_str()]);
    }
    for v in &doc.investments {
        add_related(
            &mut counts,
            v.parties
                .iter()
                .map(String::as_str)
                .chain(v.host.as_deref()),
        );
    }
    for v in &doc.indicators {
        add_related(&mut counts, [v.country.as_str()]);
    }
    for f in &doc.facts {
        add_related(&mut counts, f.countries.iter().map(String::as_str));
    }
    counts
        .into_iter()
        .map(|(code, n)| (code.to_owned(), n))
        .collect()
}

/// The country that appears in most records (ties: the first code alphabetically).
pub fn default_focus(doc: &Document) -> Option<String> {
    mentions(doc)
        .into_iter()
        .max_by(|(ca, na), (cb, nb)| na.cmp(nb).then(cb.cmp(ca)))
        .map(|(code, _)| code)
}

/// Every country mentioned by a record, as (code, name), sorted by name.
pub fn countries_in_use(doc: &Document) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = mentions(doc)
        .into_keys()
        .map(|code| {
            let name = display_name(doc, &code).to_owned();
            (code, name)
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    list
}

/// True when investment `v` involves country `code` (as a party or the host).
pub(super) fn involves(v: &crate::model::document::Investment, code: &str) -> bool {
    v.parties.iter().any(|p| p == code) || v.host.as_deref() == Some(code)
}

/// What a partner's key figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    /// Total trade (reported, or exports plus imports).
    Total,
    /// Only the focus country's exports to the partner are known that year.
    ExportsOnly,
    /// Only its imports from the partner are known that year.
    ImportsOnly,
}

/// The value the data has for a pair in its latest year with one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatestFigure {
    /// The year.
    pub year: i32,
    /// US dollars.
    pub value: f64,
    /// What it measures.
    pub kind: FigureKind,
}

impl LatestFigure {
    /// The latest year of `years` with any value: its total when both directions (or a
    /// total) are known, else the one direction known.
    pub fn of(years: &[PairYear]) -> Option<LatestFigure> {
        years.iter().rev().find_map(|y| {
            let (value, kind) = match (y.total_value(), y.best_exports(), y.best_imports()) {
                (Some(total), _, _) => (total, FigureKind::Total),
                (None, Some(x), None) => (x.value, FigureKind::ExportsOnly),
                (None, None, Some(m)) => (m.value, FigureKind::ImportsOnly),
                _ => return None,
            };
            Some(LatestFigure {
                year: y.year,
                value,
                kind,
            })
        })
    }
}

/// A partner of the focus country, for the partner list.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerRow {
    /// Country code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Latest year with a total and that total in US dollars.
    pub latest_total: Option<(i32, f64)>,
    /// The value the data has for the latest year with one (a total, or one direction).
    pub latest: Option<LatestFigure>,
    /// Trade records between the pair.
    pub trade_records: usize,
    /// Investment and agreement records involving both.
    pub deals: usize,
}

impl PartnerRow {
    /// The key figure shown beside the name: `$53.7M (2024)`, `imports $79.9M (2020)` when
    /// only one direction is known, or `3 records` when there is no value at all.
    pub fn key_figure(&self) -> String {
        match self.latest {
            Some(f) => {
                let what = match f.kind {
                    FigureKind::Total => "",
                    FigureKind::ExportsOnly => "exports ",
                    FigureKind::ImportsOnly => "imports ",
                };
                format!("{what}{} ({})", format::usd_short(f.value), f.year)
            }
            None => format::count(self.trade_records + self.deals, "record"),
        }
    }
}

/// The focus country's trade records grouped by partner, gathered in one pass over the
/// document so that the partner list and charts do not rescan it once per partner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FocusTrade {
    /// Valued figures per partner, in year order (as [`pair_years`]).
    pub years: HashMap<String, Vec<PairYear>>,
    /// Number of trade records per partner.
    pub counts: HashMap<String, usize>,
}

/// Groups the trade records involving `focus` by partner, in one pass over the document.
pub fn focus_trade(doc: &Document, focus: &str) -> FocusTrade {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let involved: Vec<Involved<'_>> = doc
        .trade
        .iter()
        .enumerate()
        .filter_map(|(index, t)| {
            let other = if t.reporter == focus && t.partner != focus {
                t.partner.as_str()
            } else if t.partner == focus && t.reporter != focus {
                t.reporter.as_str()
            } else {
                return None;
            };
            *counts.entry(other).or_default() += 1;
            Some((index, t, other))
        })
        .collect();
    let mut years = ByPartner::new();
    if fill_records(focus, &involved, &mut years) {
        add_category_sums(focus, &involved, &mut years);
    }
    FocusTrade {
        years: years
            .into_iter()
            .map(|(code, by_year)| (code.to_owned(), by_year.into_values().collect()))
            .collect(),
        counts: counts
            .into_iter()
            .map(|(code, n)| (code.to_owned(), n))
            .collect(),
    }
}

/// Every country related to `focus` by a trade record or an investment or agreement,
/// ranked by its latest total trade, then (without a value) by number of records.
pub fn partners(doc: &Document, focus: &str) -> Vec<PartnerRow> {
    partners_from(doc, focus, &focus_trade(doc, focus))
}

/// [`partners`], from the focus country's grouped trade.
pub fn partners_from(doc: &Document, focus: &str, trade: &FocusTrade) -> Vec<PartnerRow> {
    let trade_counts: HashMap<&str, usize> = trade
        .counts
        .iter()
        .map(|(code, n)| (code.as_str(), *n))
        .collect();
    let mut deal_counts: HashMap<&str, usize> = HashMap::new();
    for v in doc.investments.iter().filter(|v| involves(v, focus)) {
        let others: BTreeSet<&str> = v
            .parties
            .iter()
            .map(String::as_str)
            .chain(v.host.as_deref())
            .filter(|c| *c != focus && !c.is_empty())
            .collect();
        for other in others {
            *deal_counts.entry(other).or_default() += 1;
        }
    }
    let codes: BTreeSet<&str> = trade_counts
        .keys()
        .chain(deal_counts.keys())
        .copied()
        .collect();
    let mut rows: Vec<PartnerRow> = codes
        .into_iter()
        .map(|code| {
            let years = trade.years.get(code).map_or(&[][..], Vec::as_slice);
            let latest_total = years
                .iter()
                .rev()
                .find_map(|y| Some((y.year, y.total_value()?)));
            PartnerRow {
                code: code.to_owned(),
                name: display_name(doc, code).to_owned(),
                latest_total,
                latest: LatestFigure::of(years),
                trade_records: trade_counts.get(code).copied().unwrap_or(0),
                deals: deal_counts.get(code).copied().unwrap_or(0),
            }
        })
        .collect();
    rows.sort_by(|a, b| match (a.latest, b.latest) {
        (Some(fa), Some(fb)) => fb.value.total_cmp(&fa.value).then(a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => (b.trade_records + b.deals)
            .cmp(&(a.trade_records + a.deals))
            .then(a.name.cmp(&b.name)),
    });
    rows
}

/// Years in which `focus` has a total with at least one partner, newest last.
pub fn partner_years(doc: &Document, focus: &str) -> Vec<i32> {
    partner_years_from(&focus_trade(doc, focus))
}

/// [`partner_years`], from the focus country's grouped trade.
pub fn partner_years_from(trade: &FocusTrade) -> Vec<i32> {
    let years: BTreeSet<i32> = trade
        .years
        .values()
        .flatten()
        .filter(|y| y.total_value().is_some())
        .map(|y| y.year)
        .collect();
    years.into_iter().collect()
}

/// The year the partner figures add up by default: the one in which the most partners
/// have a total (the focus country's data is most complete), the latest of those on a tie.
pub fn default_partner_year(trade: &FocusTrade) -> Option<i32> {
    let mut partners_by_year: BTreeMap<i32, usize> = BTreeMap::new();
    for years in trade.years.values() {
        for y in years.iter().filter(|y| y.total_value().is_some()) {
            *partners_by_year.entry(y.year).or_default() += 1;
        }
    }
    partners_by_year
        .into_iter()
        .max_by_key(|&(year, n)| (n, year))
        .map(|(year, _)| year)
}

/// Partners drawn at most in the partners chart.
pub const MAX_PARTNER_BARS: usize = 25;

/// Sum of the totals of every partner of the focus country in `year`.
pub fn partners_total_from(trade: &FocusTrade, year: i32) -> Option<f64> {
    let values: Vec<f64> = trade
        .years
        .values()
        .filter_map(|years| years.iter().find(|y| y.year == year)?.total_value())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
}
