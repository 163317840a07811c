//! Queries for exploring a country's relationships: partners, pair figures and chart series.
//!
//! Conventions, stated once:
//! - A country's exports to a partner are what it reports as exports, or, as a mirror
//!   figure, what the partner reports as imports from it. A figure reported by the country
//!   itself is preferred; both are shown side by side when both exist.
//! - Total trade of a pair in a year is a reported total (either side), else the sum of
//!   exports and imports when both are known.
//! - Records with a category are breakdowns and never count towards pair totals.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::chart::{ChartData, ChartPoint, ChartSeries, Hue, SeriesStyle, ValueUnit};
use super::country::display_name;
use super::document::{Document, Flow, Id, Status, TradeVolume};
use super::format;
use super::validate::{RecordKind, RecordRef};

/// A figure taken from one trade record.
#[derive(Debug, Clone, PartialEq)]
pub struct Obs {
    /// Value in US dollars.
    pub value: f64,
    /// Index in `doc.trade`.
    pub index: usize,
    /// The record's id.
    pub id: Id,
    /// Who reported it.
    pub reporter: String,
    /// Its source.
    pub source: Option<Id>,
    /// When the figure is a sum of a linked dataset's rows: (dataset index, name, rows).
    pub dataset: Option<(usize, String, u64)>,
}

impl Obs {
    fn of(t: &TradeVolume, index: usize, value: f64) -> Obs {
        Obs {
            value,
            index,
            id: t.id,
            reporter: t.reporter.clone(),
            source: t.source,
            dataset: None,
        }
    }

    /// The record as a reference: the trade record, or the dataset the sum comes from.
    pub fn record(&self) -> RecordRef {
        match &self.dataset {
            Some((index, _, _)) => RecordRef {
                kind: RecordKind::Dataset,
                index: *index,
                key: self.id.to_string(),
            },
            None => RecordRef {
                kind: RecordKind::Trade,
                index: self.index,
                key: self.id.to_string(),
            },
        }
    }
}

/// Adds a linked dataset's sums for the focus country to its grouped trade. A slot already
/// filled by one of the document's own records keeps that record: figures typed in with a
/// source are preferred to bulk sums.
pub fn merge_dataset_sums(
    trade: &mut FocusTrade,
    focus: &str,
    dataset_index: usize,
    link: &super::dataset::DatasetLink,
    sums: &super::dataset::FocusSums,
) {
    for (partner, years) in sums {
        *trade.counts.entry(partner.clone()).or_default() +=
            years.values().map(|s| s.rows as usize).sum::<usize>();
        let entry = trade.years.entry(partner.clone()).or_default();
        for (&year, s) in years {
            let year = i32::from(year);
            let position = match entry.binary_search_by_key(&year, |y| y.year) {
                Ok(p) => p,
                Err(p) => {
                    entry.insert(
                        p,
                        PairYear {
                            year,
                            ..PairYear::default()
                        },
                    );
                    p
                }
            };
            let slot = &mut entry[position];
            let obs = |value: f64, reporter: &str| Obs {
                value,
                index: usize::MAX,
                id: link.id,
                reporter: reporter.to_owned(),
                source: None,
                dataset: Some((dataset_index, link.name.clone(), s.rows)),
            };
            let fills = [
                (&mut slot.exports, s.exports, focus),
                (&mut slot.imports, s.imports, focus),
                (&mut slot.exports_mirror, s.exports_mirror, partner.as_str()),
                (&mut slot.imports_mirror, s.imports_mirror, partner.as_str()),
            ];
            for (target, value, reporter) in fills {
                if target.is_none()
                    && let Some(v) = value
                {
                    *target = Some(obs(v, reporter));
                }
            }
        }
    }
}

/// What is known of a pair's trade in one year, seen from country `a`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairYear {
    /// The year.
    pub year: i32,
    /// `a`'s exports to `b`, as reported by `a`.
    pub exports: Option<Obs>,
    /// `a`'s exports to `b`, as reported by `b` (its imports from `a`).
    pub exports_mirror: Option<Obs>,
    /// `a`'s imports from `b`, as reported by `a`.
    pub imports: Option<Obs>,
    /// `a`'s imports from `b`, as reported by `b` (its exports to `a`).
    pub imports_mirror: Option<Obs>,
    /// Total trade, as reported by `a`.
    pub total: Option<Obs>,
    /// Total trade, as reported by `b`.
    pub total_mirror: Option<Obs>,
}

impl PairYear {
    /// Exports, preferring `a`'s own figure.
    pub fn best_exports(&self) -> Option<&Obs> {
        self.exports.as_ref().or(self.exports_mirror.as_ref())
    }

    /// Imports, preferring `a`'s own figure.
    pub fn best_imports(&self) -> Option<&Obs> {
        self.imports.as_ref().or(self.imports_mirror.as_ref())
    }

    /// Reported total, preferring `a`'s own figure.
    pub fn best_total(&self) -> Option<&Obs> {
        self.total.as_ref().or(self.total_mirror.as_ref())
    }

    /// Total trade: reported, else exports plus imports when both are known.
    pub fn total_value(&self) -> Option<f64> {
        self.best_total()
            .map(|o| o.value)
            .or_else(|| Some(self.best_exports()?.value + self.best_imports()?.value))
    }

    /// Exports minus imports, when both are known.
    pub fn balance(&self) -> Option<f64> {
        Some(self.best_exports()?.value - self.best_imports()?.value)
    }
}

fn slot(t: &TradeVolume, a: &str, b: &str) -> Option<fn(&mut PairYear) -> &mut Option<Obs>> {
    let by_a = t.reporter == a && t.partner == b;
    let by_b = t.reporter == b && t.partner == a;
    Some(match (t.flow, by_a, by_b) {
        (Flow::Export, true, _) => |p| &mut p.exports,
        (Flow::Import, true, _) => |p| &mut p.imports,
        (Flow::Total, true, _) => |p| &mut p.total,
        (Flow::Export, _, true) => |p| &mut p.imports_mirror,
        (Flow::Import, _, true) => |p| &mut p.exports_mirror,
        (Flow::Total, _, true) => |p| &mut p.total_mirror,
        _ => return None,
    })
}

/// Every year with a valued, uncategorised trade figure for the pair, in year order.
///
/// When several records fill the same slot, the first in the document is used.
pub fn pair_years(doc: &Document, a: &str, b: &str) -> Vec<PairYear> {
    let mut years: BTreeMap<i32, PairYear> = BTreeMap::new();
    for (index, t) in doc.trade.iter().enumerate() {
        let (Some(year), Some(value)) = (t.year, t.value_usd) else {
            continue;
        };
        if t.category.is_some() || !value.is_finite() {
            continue;
        }
        let Some(slot) = slot(t, a, b) else {
            continue;
        };
        let entry = years.entry(year).or_insert_with(|| PairYear {
            year,
            ..PairYear::default()
        });
        let target = slot(entry);
        if target.is_none() {
            *target = Some(Obs::of(t, index, value));
        }
    }
    years.into_values().collect()
}

fn add_related<'a>(counts: &mut HashMap<&'a str, usize>, codes: impl IntoIterator<Item = &'a str>) {
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
fn involves(v: &super::document::Investment, code: &str) -> bool {
    v.parties.iter().any(|p| p == code) || v.host.as_deref() == Some(code)
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
    /// Trade records between the pair.
    pub trade_records: usize,
    /// Investment and agreement records involving both.
    pub deals: usize,
}

impl PartnerRow {
    /// The key figure shown beside the name: `$53.7M (2024)` or `3 records`.
    pub fn key_figure(&self) -> String {
        match self.latest_total {
            Some((year, value)) => format!("{} ({year})", format::usd_short(value)),
            None => format::count(self.trade_records + self.deals, "record"),
        }
    }
}

/// The focus country's trade records grouped by partner, gathered in one pass over the
/// document so that the partner list and charts do not rescan it once per partner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FocusTrade {
    /// Valued, uncategorised figures per partner, in year order (as [`pair_years`]).
    pub years: HashMap<String, Vec<PairYear>>,
    /// Number of trade records per partner.
    pub counts: HashMap<String, usize>,
}

/// Groups the trade records involving `focus` by partner.
pub fn focus_trade(doc: &Document, focus: &str) -> FocusTrade {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut years: HashMap<&str, BTreeMap<i32, PairYear>> = HashMap::new();
    for (index, t) in doc.trade.iter().enumerate() {
        let other = if t.reporter == focus && t.partner != focus {
            t.partner.as_str()
        } else if t.partner == focus && t.reporter != focus {
            t.reporter.as_str()
        } else {
            continue;
        };
        *counts.entry(other).or_default() += 1;
        let (Some(year), Some(value)) = (t.year, t.value_usd) else {
            continue;
        };
        if t.category.is_some() || !value.is_finite() {
            continue;
        }
        let Some(slot) = slot(t, focus, other) else {
            continue;
        };
        let entry = years
            .entry(other)
            .or_default()
            .entry(year)
            .or_insert_with(|| PairYear {
                year,
                ..PairYear::default()
            });
        let target = slot(entry);
        if target.is_none() {
            *target = Some(Obs::of(t, index, value));
        }
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
            let latest_total = trade.years.get(code).and_then(|years| {
                years
                    .iter()
                    .rev()
                    .find_map(|y| Some((y.year, y.total_value()?)))
            });
            PartnerRow {
                code: code.to_owned(),
                name: display_name(doc, code).to_owned(),
                latest_total,
                trade_records: trade_counts.get(code).copied().unwrap_or(0),
                deals: deal_counts.get(code).copied().unwrap_or(0),
            }
        })
        .collect();
    rows.sort_by(|a, b| match (a.latest_total, b.latest_total) {
        (Some((_, va)), Some((_, vb))) => vb.total_cmp(&va).then(a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => (b.trade_records + b.deals)
            .cmp(&(a.trade_records + a.deals))
            .then(a.name.cmp(&b.name)),
    });
    rows
}

fn source_line(doc: &Document, source: Option<Id>) -> String {
    match source.and_then(|id| doc.source(id)) {
        Some(s) if s.publisher.is_empty() => format!("Source: {}", s.title),
        Some(s) => format!("Source: {} ({})", s.title, s.publisher),
        None => "Source: none given".to_owned(),
    }
}

fn source_title(doc: &Document, source: Option<Id>) -> String {
    source
        .and_then(|id| doc.source(id))
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

/// The source named beside a figure: the record's source, or the dataset it is summed from.
fn obs_source_title(doc: &Document, obs: &Obs) -> String {
    match &obs.dataset {
        Some((_, name, _)) => format!("Dataset: {name}"),
        None => source_title(doc, obs.source),
    }
}

/// Tooltip lines for a money figure taken from a trade record.
fn obs_tooltip(doc: &Document, what: &str, obs: &Obs) -> Vec<String> {
    let mut lines = vec![
        what.to_owned(),
        format::usd_line(obs.value),
        format!("Reported by {}", display_name(doc, &obs.reporter)),
    ];
    match &obs.dataset {
        Some((_, name, rows)) => {
            lines.push(format!(
                "Sum of {} of dataset {name}",
                format::count(*rows as usize, "row")
            ));
            lines.push(format!("Source: the linked file of dataset {}", obs.id));
        }
        None => {
            lines.push(format!("Record: trade record {}", obs.id));
            lines.push(source_line(doc, obs.source));
        }
    }
    if let Some(t) = doc.trade.get(obs.index)
        && !t.note.is_empty()
    {
        lines.push(format!("Note: {}", t.note));
    }
    lines
}

/// A headline figure of the relationship page.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// What it is: "Total trade 2024".
    pub label: String,
    /// The short value: "$53.7M".
    pub value: String,
    /// Tooltip: full value, year, record, source.
    pub tooltip: Vec<String>,
    /// The record behind it, when there is one.
    pub record: Option<RecordRef>,
}

/// Investments and agreements of one status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// The status.
    pub status: Status,
    /// Number of records.
    pub count: usize,
    /// Sum of stated amounts, if any record states one.
    pub stated_usd: Option<f64>,
}

/// A fact about the pair, for the relationship page.
#[derive(Debug, Clone, PartialEq)]
pub struct FactLine {
    /// Topic, e.g. "Connectivity".
    pub topic: String,
    /// The statement.
    pub text: String,
    /// Source line.
    pub source: String,
    /// The fact record.
    pub record: RecordRef,
}

/// Everything the relationship page shows above its charts.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSummary {
    /// Display name of the focus country.
    pub a_name: String,
    /// Display name of the partner.
    pub b_name: String,
    /// Headline figures; empty when no trade figure has a value.
    pub headlines: Vec<Headline>,
    /// Investments and agreements between the two, by status.
    pub by_status: Vec<StatusRow>,
    /// Facts mentioning both countries.
    pub facts: Vec<FactLine>,
}

/// Headline figures, deals and facts of the pair (`a` is the focus country).
pub fn pair_summary(doc: &Document, a: &str, b: &str) -> PairSummary {
    pair_summary_from(doc, a, b, &pair_years(doc, a, b))
}

/// [`pair_summary`], from the pair's figures by year.
pub fn pair_summary_from(doc: &Document, a: &str, b: &str, years: &[PairYear]) -> PairSummary {
    let a_name = display_name(doc, a).to_owned();
    let b_name = display_name(doc, b).to_owned();
    let mut headlines = Vec::new();

    if let Some(y) = years.iter().rev().find(|y| y.total_value().is_some()) {
        let label = format!("Total trade {}", y.year);
        match y.best_total() {
            Some(obs) => headlines.push(Headline {
                value: format::usd_short(obs.value),
                tooltip: obs_tooltip(
                    doc,
                    &format!("Total trade {a_name}–{b_name}, {}", y.year),
                    obs,
                ),
                record: Some(obs.record()),
                label,
            }),
            None => {
                let value = y.total_value().unwrap_or_default();
                headlines.push(Headline {
                    value: format::usd_short(value),
                    tooltip: vec![
                        format!("Total trade {a_name}–{b_name}, {}", y.year),
                        format!("{} US dollars", format::usd_full(value)),
                        "Sum of exports and imports; no total was reported".to_owned(),
                    ],
                    record: None,
                    label,
                });
            }
        }
    }
    type Get = fn(&PairYear) -> Option<&Obs>;
    let flows: [(&str, Get); 2] = [
        ("Exports to", PairYear::best_exports),
        ("Imports from", PairYear::best_imports),
    ];
    for (what, get) in flows {
        if let Some((year, obs)) = years.iter().rev().find_map(|y| Some((y.year, get(y)?))) {
            let label = format!("{what} {b_name} {year}");
            headlines.push(Headline {
                value: format::usd_short(obs.value),
                tooltip: obs_tooltip(doc, &format!("{a_name}: {label}"), obs),
                record: Some(obs.record()),
                label,
            });
        }
    }
    if let Some(y) = years.iter().rev().find(|y| y.balance().is_some()) {
        let balance = y.balance().unwrap_or_default();
        headlines.push(Headline {
            label: format!("Balance {}", y.year),
            value: format::usd_short(balance),
            tooltip: vec![
                format!("{a_name}'s trade balance with {b_name}, {}", y.year),
                format!(
                    "{} US dollars (exports minus imports)",
                    format::usd_full(balance)
                ),
            ],
            record: None,
        });
    }

    let by_status = deals_by_status(doc, a, Some(b));

    let facts = doc
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.countries.iter().any(|c| c == a) && f.countries.iter().any(|c| c == b))
        .map(|(index, f)| FactLine {
            topic: f.topic.clone(),
            text: f.text.clone(),
            source: source_line(doc, f.source),
            record: RecordRef {
                kind: RecordKind::Fact,
                index,
                key: f.id.to_string(),
            },
        })
        .collect();

    PairSummary {
        a_name,
        b_name,
        headlines,
        by_status,
        facts,
    }
}

/// Investments and agreements involving `a` (and `b`, when given), counted by status with
/// the sum of the amounts they state.
pub fn deals_by_status(doc: &Document, a: &str, b: Option<&str>) -> Vec<StatusRow> {
    let mut by_status: BTreeMap<Status, (usize, Option<f64>)> = BTreeMap::new();
    for v in doc
        .investments
        .iter()
        .filter(|v| involves(v, a) && b.is_none_or(|b| involves(v, b)))
    {
        let entry = by_status.entry(v.status).or_default();
        entry.0 += 1;
        if let Some(amount) = v.amount_usd.filter(|x| x.is_finite()) {
            entry.1 = Some(entry.1.unwrap_or(0.0) + amount);
        }
    }
    by_status
        .into_iter()
        .map(|(status, (count, stated_usd))| StatusRow {
            status,
            count,
            stated_usd,
        })
        .collect()
}

fn obs_point(doc: &Document, what: &str, year: i32, obs: &Obs, y: f64) -> ChartPoint {
    ChartPoint {
        x: f64::from(year),
        y,
        base: 0.0,
        value: obs.value,
        label: year.to_string(),
        tooltip: obs_tooltip(doc, &format!("{what}, {year}"), obs),
        record: Some(obs.record()),
        source: obs_source_title(doc, obs),
        drill: None,
    }
}

/// A point of a year computed from other figures: no record or source of its own.
fn derived_point(year: i32, value: f64, tooltip: Vec<String>) -> ChartPoint {
    ChartPoint {
        x: f64::from(year),
        y: value,
        base: 0.0,
        value,
        label: year.to_string(),
        tooltip,
        record: None,
        source: String::new(),
        drill: None,
    }
}

fn line(name: String, hue: Hue, dashed: bool, points: Vec<ChartPoint>) -> ChartSeries {
    ChartSeries {
        name,
        hue,
        style: SeriesStyle::Line { dashed },
        points,
    }
}

/// Trade of `a` with `b` over time: exports, imports, total and balance, with mirror
/// figures side by side where both countries report.
pub fn trade_chart(doc: &Document, a: &str, b: &str) -> ChartData {
    trade_chart_from(doc, a, b, &pair_years(doc, a, b))
}

/// [`trade_chart`], from the pair's figures by year.
pub fn trade_chart_from(doc: &Document, a: &str, b: &str, years: &[PairYear]) -> ChartData {
    let a_name = display_name(doc, a);
    let b_name = display_name(doc, b);
    let mut series = Vec::new();

    type Pick = fn(&PairYear) -> (Option<&Obs>, Option<&Obs>);
    let flows: [(String, Hue, Pick); 3] = [
        (format!("Exports to {b_name}"), Hue::Exports, |y| {
            (y.exports.as_ref(), y.exports_mirror.as_ref())
        }),
        (format!("Imports from {b_name}"), Hue::Imports, |y| {
            (y.imports.as_ref(), y.imports_mirror.as_ref())
        }),
        ("Total trade".to_owned(), Hue::Total, |y| {
            (y.total.as_ref(), y.total_mirror.as_ref())
        }),
    ];
    for (name, hue, pick) in flows {
        let both = years.iter().any(|y| matches!(pick(y), (Some(_), Some(_))));
        if both {
            let own: Vec<ChartPoint> = years
                .iter()
                .filter_map(|y| pick(y).0.map(|o| obs_point(doc, &name, y.year, o, o.value)))
                .collect();
            let mirror: Vec<ChartPoint> = years
                .iter()
                .filter_map(|y| pick(y).1.map(|o| obs_point(doc, &name, y.year, o, o.value)))
                .collect();
            series.push(line(
                format!("{name} (reported by {a_name})"),
                hue,
                false,
                own,
            ));
            series.push(line(
                format!("{name} (reported by {b_name})"),
                hue,
                true,
                mirror,
            ));
        } else {
            let mut points: Vec<ChartPoint> = years
                .iter()
                .filter_map(|y| {
                    let (own, mirror) = pick(y);
                    own.or(mirror)
                        .map(|o| obs_point(doc, &name, y.year, o, o.value))
                })
                .collect();
            if hue == Hue::Total {
                // Years with exports and imports but no reported total.
                for y in years.iter().filter(|y| y.best_total().is_none()) {
                    if let Some(value) = y.total_value() {
                        points.push(derived_point(
                            y.year,
                            value,
                            vec![
                                format!("Total trade, {}", y.year),
                                format::usd_line(value),
                                "Sum of exports and imports; no total was reported".to_owned(),
                            ],
                        ));
                    }
                }
                points.sort_by(|p, q| p.x.total_cmp(&q.x));
            }
            if !points.is_empty() {
                series.push(line(name, hue, false, points));
            }
        }
    }
    let balance: Vec<ChartPoint> = years
        .iter()
        .filter_map(|y| {
            let value = y.balance()?;
            Some(derived_point(
                y.year,
                value,
                vec![
                    format!("Balance, {}", y.year),
                    format!("{}: exports minus imports", format::usd_line(value)),
                ],
            ))
        })
        .collect();
    if !balance.is_empty() {
        series.push(line("Balance".to_owned(), Hue::Balance, true, balance));
    }

    ChartData {
        key: "trade_over_time".to_owned(),
        title: format!("Trade of {a_name} with {b_name} over time"),
        x_title: "Year".to_owned(),
        y_title: "Value".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: true,
        mirrored_values: false,
        categories: Vec::new(),
        series,
        side_lists: Vec::new(),
        empty_message: format!(
            "No trade figure with a value and a year for {a_name} and {b_name}."
        ),
    }
}

/// A category figure of one direction, the latest valued record for that category.
struct CategoryValue {
    code: String,
    year: Option<i32>,
    obs: Obs,
}

/// What `a` exports to and imports from `b`, by category: a butterfly chart (exports to
/// the right, imports to the left), sorted by value. Categories named without a value are
/// listed beside it as "value not reported", never drawn as zero.
pub fn category_chart(doc: &Document, a: &str, b: &str) -> ChartData {
    let a_name = display_name(doc, a);
    let b_name = display_name(doc, b);
    // For each direction: category code → best record (latest year, own report first).
    let mut valued: [BTreeMap<String, CategoryValue>; 2] = [BTreeMap::new(), BTreeMap::new()];
    let mut named: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for (index, t) in doc.trade.iter().enumerate() {
        let Some(code) = &t.category else { continue };
        let by_a = t.reporter == a && t.partner == b;
        let by_b = t.reporter == b && t.partner == a;
        let side = match (t.flow, by_a, by_b) {
            (Flow::Export, true, _) | (Flow::Import, _, true) => 0,
            (Flow::Import, true, _) | (Flow::Export, _, true) => 1,
            _ => continue,
        };
        if !named[side].contains(code) {
            named[side].push(code.clone());
        }
        let Some(value) = t.value_usd.filter(|v| v.is_finite()) else {
            continue;
        };
        let candidate = CategoryValue {
            code: code.clone(),
            year: t.year,
            obs: Obs::of(t, index, value),
        };
        let better = match valued[side].get(code) {
            None => true,
            Some(old) => {
                (candidate.year, candidate.obs.reporter == a) > (old.year, old.obs.reporter == a)
            }
        };
        if better {
            valued[side].insert(code.clone(), candidate);
        }
    }
    let name_of = |code: &str| {
        doc.category(code)
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    };
    // Category positions: by the larger of the two values, largest at the top.
    let mut codes: Vec<(String, f64)> = valued[0]
        .keys()
        .chain(valued[1].keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|code| {
            let biggest = valued
                .iter()
                .filter_map(|side| side.get(code).map(|c| c.obs.value))
                .fold(0.0, f64::max);
            (code.clone(), biggest)
        })
        .collect();
    codes.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let n = codes.len();
    let position: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, (code, _))| (code.as_str(), n - 1 - i))
        .collect();
    let mut categories = vec![String::new(); n];
    for (code, _) in &codes {
        categories[position[code.as_str()]] = name_of(code);
    }

    let mut series = Vec::new();
    let sides = [
        (format!("Exports to {b_name}"), Hue::Exports, 1.0),
        (format!("Imports from {b_name}"), Hue::Imports, -1.0),
    ];
    for (side, (name, hue, sign)) in sides.into_iter().enumerate() {
        let mut points: Vec<ChartPoint> = valued[side]
            .values()
            .map(|c| {
                let category = name_of(&c.code);
                let what = match c.year {
                    Some(year) => format!("{name}: {category}, {year}"),
                    None => format!("{name}: {category} (year not given)"),
                };
                ChartPoint {
                    x: sign * c.obs.value,
                    y: position[c.code.as_str()] as f64,
                    base: 0.0,
                    value: c.obs.value,
                    label: category,
                    tooltip: obs_tooltip(doc, &what, &c.obs),
                    record: Some(c.obs.record()),
                    source: obs_source_title(doc, &c.obs),
                    drill: None,
                }
            })
            .collect();
        points.sort_by(|p, q| q.value.total_cmp(&p.value));
        if !points.is_empty() {
            series.push(ChartSeries {
                name,
                hue,
                style: SeriesStyle::HorizontalBars,
                points,
            });
        }
    }
    let mut side_lists = Vec::new();
    let unreported = [
        format!("Exports to {b_name}, value not reported"),
        format!("Imports from {b_name}, value not reported"),
    ];
    for (side, title) in unreported.into_iter().enumerate() {
        let names: Vec<String> = named[side]
            .iter()
            .filter(|code| !valued[side].contains_key(*code))
            .map(|code| name_of(code))
            .collect();
        if !names.is_empty() {
            side_lists.push((title, names));
        }
    }
    ChartData {
        key: "categories".to_owned(),
        title: format!("What {a_name} exports to and imports from {b_name}"),
        x_title: "Imports (left) and exports (right), value".to_owned(),
        y_title: "Category".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: true,
        categories,
        series,
        side_lists,
        empty_message: if named.iter().all(Vec::is_empty) {
            format!("No trade record of {a_name} and {b_name} names a category.")
        } else {
            "No category has a reported value.".to_owned()
        },
    }
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

/// Total trade of `focus` by partner in `year`, as horizontal bars with each partner's
/// share of the sum over the partners shown.
pub fn partners_chart(doc: &Document, focus: &str, year: i32) -> ChartData {
    partners_chart_from(doc, focus, &focus_trade(doc, focus), year)
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

/// [`partners_chart`], from the focus country's grouped trade.
pub fn partners_chart_from(
    doc: &Document,
    focus: &str,
    trade: &FocusTrade,
    year: i32,
) -> ChartData {
    let focus_name = display_name(doc, focus);
    let mut rows: Vec<(String, f64, Option<Obs>)> = trade
        .years
        .iter()
        .filter_map(|(code, years)| {
            let y = years.iter().find(|y| y.year == year)?;
            let value = y.total_value()?;
            Some((code.clone(), value, y.best_total().cloned()))
        })
        .collect();
    rows.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let sum: f64 = rows.iter().map(|r| r.1).sum();
    let all = rows.len();
    // A dataset can give a country two hundred partners: show the largest, with shares of all.
    rows.truncate(MAX_PARTNER_BARS);
    let n = rows.len();
    let mut categories = vec![String::new(); n];
    let points = rows
        .iter()
        .enumerate()
        .map(|(i, (code, value, obs))| {
            let pos = n - 1 - i;
            let name = display_name(doc, code).to_owned();
            let share = if sum > 0.0 { value / sum * 100.0 } else { 0.0 };
            categories[pos] = format!("{name} ({share:.1}%)");
            let what = format!("Total trade {focus_name}–{name}, {year}");
            let mut tooltip = match obs {
                Some(obs) => obs_tooltip(doc, &what, obs),
                None => vec![
                    what,
                    format!("{} US dollars", format::usd_full(*value)),
                    "Sum of exports and imports; no total was reported".to_owned(),
                ],
            };
            tooltip.insert(
                2,
                if all > n {
                    format!("{share:.1}% of {focus_name}'s trade with all {all} partners")
                } else {
                    format!("{share:.1}% of {focus_name}'s trade with the partners shown")
                },
            );
            ChartPoint {
                x: *value,
                y: pos as f64,
                base: 0.0,
                value: *value,
                label: name,
                tooltip,
                record: obs.as_ref().map(Obs::record),
                source: obs
                    .as_ref()
                    .map(|o| obs_source_title(doc, o))
                    .unwrap_or_default(),
                drill: None,
            }
        })
        .collect();
    ChartData {
        key: "partners".to_owned(),
        title: if all > n {
            format!("Total trade of {focus_name}, {year}: top {n} of {all} partners (share of all)")
        } else {
            format!("Total trade of {focus_name} by partner, {year} (share of the partners shown)")
        },
        x_title: "Total trade".to_owned(),
        y_title: "Partner (share)".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: false,
        categories,
        series: vec![ChartSeries {
            name: "Total trade".to_owned(),
            hue: Hue::Total,
            style: SeriesStyle::HorizontalBars,
            points,
        }],
        side_lists: Vec::new(),
        empty_message: format!("No total trade of {focus_name} with a partner in {year}."),
    }
}

fn investment_tooltip(doc: &Document, v: &super::document::Investment) -> Vec<String> {
    let mut lines = vec![v.title.clone()];
    lines.push(format!(
        "{}, {}",
        v.kind.label(),
        v.status.label().to_lowercase()
    ));
    match (v.amount_usd, v.amount_basis) {
        (Some(amount), basis) => lines.push(format!(
            "{}{}",
            format::usd_line(amount),
            basis.map_or(String::new(), |b| format!(", {}", b.label().to_lowercase()))
        )),
        (None, _) => lines.push("No amount stated".to_owned()),
    }
    lines.push(match v.announced {
        Some(date) => format!("Announced {date}"),
        None => "Announcement date not given".to_owned(),
    });
    let parties: Vec<&str> = v.parties.iter().map(|p| display_name(doc, p)).collect();
    lines.push(format!("Parties: {}", parties.join(", ")));
    lines.push(format!("Record: investment {}", v.id));
    lines.push(source_line(doc, v.source));
    lines
}

/// Investments and agreements of `focus` (with `partner` only, when given): stated
/// amounts by partner and status, as stacked bars.
pub fn investment_bars(doc: &Document, focus: &str, partner: Option<&str>) -> ChartData {
    let focus_name = display_name(doc, focus);
    let relevant: Vec<(usize, &super::document::Investment)> = doc
        .investments
        .iter()
        .enumerate()
        .filter(|(_, v)| involves(v, focus) && partner.is_none_or(|p| involves(v, p)))
        .collect();
    // Partner of each record: the first other party (or host).
    let other = |v: &super::document::Investment| -> Option<String> {
        v.parties
            .iter()
            .map(String::as_str)
            .chain(v.host.as_deref())
            .find(|c| *c != focus && !c.is_empty())
            .map(str::to_owned)
    };
    let mut stacks: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_status: BTreeMap<Status, Vec<ChartPoint>> = BTreeMap::new();
    let mut without_amount = Vec::new();
    let mut partner_order: Vec<String> = relevant
        .iter()
        .filter(|(_, v)| v.amount_usd.is_some_and(f64::is_finite))
        .filter_map(|(_, v)| other(v))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    partner_order.sort_by_key(|code| display_name(doc, code).to_owned());
    let position: HashMap<String, usize> = partner_order
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    for (index, v) in relevant {
        let (Some(amount), Some(p)) = (v.amount_usd.filter(|a| a.is_finite()), other(v)) else {
            without_amount.push(v.title.clone());
            continue;
        };
        let base = stacks.entry(p.clone()).or_default();
        by_status.entry(v.status).or_default().push(ChartPoint {
            x: position[&p] as f64,
            y: amount,
            base: *base,
            value: amount,
            label: format!("{} — {}", display_name(doc, &p), v.title),
            tooltip: investment_tooltip(doc, v),
            record: Some(RecordRef {
                kind: RecordKind::Investment,
                index,
                key: v.id.to_string(),
            }),
            source: source_title(doc, v.source),
            drill: None,
        });
        *base += amount;
    }
    let series = by_status
        .into_iter()
        .map(|(status, points)| ChartSeries {
            name: status.label().to_owned(),
            hue: Hue::Other(status as usize),
            style: SeriesStyle::VerticalBars,
            points,
        })
        .collect();
    let mut side_lists = Vec::new();
    if !without_amount.is_empty() {
        side_lists.push(("No amount stated".to_owned(), without_amount));
    }
    let scope = match partner {
        Some(p) => format!("{focus_name} and {}", display_name(doc, p)),
        None => focus_name.to_owned(),
    };
    ChartData {
        key: if partner.is_some() {
            "pair_investment_bars"
        } else {
            "investment_bars"
        }
        .to_owned(),
        title: format!(
            "Investments and agreements of {scope}: stated amounts by partner and status"
        ),
        x_title: "Partner".to_owned(),
        y_title: "Stated amount".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: false,
        categories: partner_order
            .iter()
            .map(|c| display_name(doc, c).to_owned())
            .collect(),
        series,
        side_lists,
        empty_message: "No investment or agreement states an amount.".to_owned(),
    }
}

/// A date as a position on a year axis: 2024-05-07 → about 2024.35.
pub fn date_position(date: super::date::PartialDate) -> f64 {
    use super::date::PartialDate;
    match date {
        PartialDate::Year(y) => f64::from(y) + 0.5,
        PartialDate::YearMonth(y, m) => f64::from(y) + (f64::from(m) - 0.5) / 12.0,
        PartialDate::Date(y, m, d) => {
            f64::from(y) + (f64::from(m) - 1.0 + (f64::from(d) - 0.5) / 31.0) / 12.0
        }
    }
}

/// Announcements of investments and agreements of `focus` (with `partner`, when given) over
/// time: records with an amount at their amount, records without one as titled markers.
pub fn investment_timeline(doc: &Document, focus: &str, partner: Option<&str>) -> ChartData {
    let focus_name = display_name(doc, focus);
    let mut with_amount = Vec::new();
    let mut markers = Vec::new();
    let mut undated = Vec::new();
    for (index, v) in doc.investments.iter().enumerate() {
        if !involves(v, focus) || partner.is_some_and(|p| !involves(v, p)) {
            continue;
        }
        let Some(date) = v.announced else {
            undated.push(v.title.clone());
            continue;
        };
        let amount = v.amount_usd.filter(|a| a.is_finite());
        let point = ChartPoint {
            x: date_position(date),
            y: amount.unwrap_or(0.0),
            base: 0.0,
            value: amount.unwrap_or(0.0),
            label: format!("{date}: {}", v.title),
            tooltip: investment_tooltip(doc, v),
            record: Some(RecordRef {
                kind: RecordKind::Investment,
                index,
                key: v.id.to_string(),
            }),
            source: source_title(doc, v.source),
            drill: None,
        };
        if amount.is_some() {
            with_amount.push(point);
        } else {
            markers.push(point);
        }
    }
    with_amount.sort_by(|p, q| p.x.total_cmp(&q.x));
    markers.sort_by(|p, q| p.x.total_cmp(&q.x));
    let mut series = Vec::new();
    if !with_amount.is_empty() {
        series.push(ChartSeries {
            name: "Stated amount".to_owned(),
            hue: Hue::Total,
            style: SeriesStyle::Markers,
            points: with_amount,
        });
    }
    if !markers.is_empty() {
        series.push(ChartSeries {
            name: "No amount stated".to_owned(),
            hue: Hue::Other(1),
            style: SeriesStyle::Markers,
            points: markers,
        });
    }
    let mut side_lists = Vec::new();
    if !undated.is_empty() {
        side_lists.push(("Announcement date not given".to_owned(), undated));
    }
    ChartData {
        key: if partner.is_some() {
            "pair_investment_timeline"
        } else {
            "investment_timeline"
        }
        .to_owned(),
        title: format!("Announcements of investments and agreements of {focus_name}"),
        x_title: "Year announced".to_owned(),
        y_title: "Stated amount".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: true,
        mirrored_values: false,
        categories: Vec::new(),
        series,
        side_lists,
        empty_message: "No investment or agreement has an announcement date.".to_owned(),
    }
}

/// Indicators and targets of `country`, one chart per indicator name: target and actual
/// values over the years, by segment.
pub fn indicator_charts(doc: &Document, country: &str) -> Vec<ChartData> {
    let country_name = display_name(doc, country);
    let mut names: Vec<&str> = Vec::new();
    for v in doc.indicators.iter().filter(|v| v.country == country) {
        if !names.contains(&v.name.as_str()) {
            names.push(&v.name);
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(chart_index, name)| {
            let mut groups: BTreeMap<
                (String, super::document::IndicatorKind, String),
                Vec<ChartPoint>,
            > = BTreeMap::new();
            let mut yearless = Vec::new();
            let mut all_percent = true;
            for (index, v) in doc.indicators.iter().enumerate() {
                if v.country != country || v.name != name {
                    continue;
                }
                all_percent &= v.unit.trim() == "%";
                let value_text = if v.unit.trim() == "%" {
                    format!("{}%", v.value)
                } else {
                    format!("{} {}", v.value, v.unit)
                };
                let segment = if v.segment.is_empty() {
                    "All".to_owned()
                } else {
                    v.segment.clone()
                };
                let Some(year) = v.year else {
                    yearless.push(format!(
                        "{segment}: {value_text} ({})",
                        v.kind.label().to_lowercase()
                    ));
                    continue;
                };
                let mut tooltip = vec![
                    format!("{name}, {segment}"),
                    format!("{} {year}: {value_text}", v.kind.label()),
                    format!("Record: indicator {}", v.id),
                    source_line(doc, v.source),
                ];
                if !v.note.is_empty() {
                    tooltip.push(format!("Note: {}", v.note));
                }
                groups
                    .entry((segment.clone(), v.kind, v.unit.clone()))
                    .or_default()
                    .push(ChartPoint {
                        x: f64::from(year),
                        y: v.value,
                        base: 0.0,
                        value: v.value,
                        label: year.to_string(),
                        tooltip,
                        record: Some(RecordRef {
                            kind: RecordKind::Indicator,
                            index,
                            key: v.id.to_string(),
                        }),
                        source: source_title(doc, v.source),
                        drill: None,
                    });
            }
            let series = groups
                .into_iter()
                .enumerate()
                .map(|(i, ((segment, kind, _), mut points))| {
                    points.sort_by(|p, q| p.x.total_cmp(&q.x));
                    ChartSeries {
                        name: format!("{segment} ({})", kind.label().to_lowercase()),
                        hue: Hue::Other(i),
                        style: SeriesStyle::Line {
                            dashed: kind == super::document::IndicatorKind::Target,
                        },
                        points,
                    }
                })
                .collect();
            let mut side_lists = Vec::new();
            if !yearless.is_empty() {
                side_lists.push(("No year given".to_owned(), yearless));
            }
            ChartData {
                key: format!("indicator_{chart_index}"),
                title: format!("{name}: {country_name}"),
                x_title: "Year".to_owned(),
                y_title: if all_percent {
                    "Percent".to_owned()
                } else {
                    "Value".to_owned()
                },
                unit: if all_percent {
                    ValueUnit::Percent
                } else {
                    ValueUnit::Usd
                },
                x_is_year: true,
                mirrored_values: false,
                categories: Vec::new(),
                series,
                side_lists,
                empty_message: "No value of this indicator has a year.".to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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
        doc.trade = trade;
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
