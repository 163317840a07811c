//! The world map's figures: one value per partner of the focus country for the chosen
//! measure and year, with the text the map's tooltip and its list alternative show and
//! where the figure comes from; the partners that flow lines go to; the count of
//! investments and agreements per partner.

use std::collections::BTreeMap;

use crate::model::country::display_name;
use crate::model::document::Document;
use crate::model::format;
use crate::model::geo::choropleth::{Measure, Scale};

use super::*;

/// How many partners get a flow line.
pub const FLOW_LINES: usize = 8;

/// The map's choices that change its figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MapChoice {
    /// What countries are coloured by.
    pub measure: Measure,
    /// The year; `None` is the latest year with totals.
    pub year: Option<i32>,
    /// The first year of a growth span; `None` is the earliest year in the data.
    pub from: Option<i32>,
}

/// One country's figure.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryValue {
    /// The number coloured (US dollars, percent or a count).
    pub value: f64,
    /// Short text with unit and year, e.g. "$53.7M (2024)".
    pub text: String,
    /// Where it comes from: records and sources, or the dataset.
    pub source: Vec<String>,
}

/// Everything the map draws, for one focus country and choice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapValues {
    /// The focus country.
    pub focus: Option<String>,
    /// The choice the values are for, with the year resolved.
    pub choice: MapChoice,
    /// Title, e.g. "Pakistan's total trade by partner, 2024".
    pub title: String,
    /// Years the data has for the focus country.
    pub years: Vec<i32>,
    /// Figures by country code.
    pub values: BTreeMap<String, CountryValue>,
    /// How values become colours (`None` without values).
    pub scale: Option<Scale>,
    /// The partners flow lines go to, with their total trade in the year, largest first.
    pub flows: Vec<(String, f64)>,
    /// Investment and agreement records per partner.
    pub deals: BTreeMap<String, usize>,
    /// Shown when no country has a value.
    pub empty_message: String,
}

impl MapValues {
    /// The figures as tab-separated values: code, name, value, text, source.
    pub fn to_tsv(&self, doc: &Document) -> String {
        let mut out = format!(
            "# {}\nCode\tCountry\t{}\tAs shown\tSource\n",
            self.title,
            self.choice.measure.label()
        );
        for (code, v) in &self.values {
            out.push_str(&format!(
                "{code}\t{}\t{}\t{}\t{}\n",
                display_name(doc, code),
                v.value,
                v.text,
                v.source.join("; ")
            ));
        }
        out
    }
}

/// The map's figures of `focus` from its grouped trade (document records and dataset sums)
/// and its partner rows (for the deal counts).
pub fn map_values(
    doc: &Document,
    focus: &str,
    trade: &FocusTrade,
    partners: &[PartnerRow],
    choice: MapChoice,
) -> MapValues {
    let years = partner_years_from(trade);
    let year = choice
        .year
        .filter(|y| years.contains(y))
        .or_else(|| default_partner_year(trade));
    let from = choice
        .from
        .filter(|y| years.contains(y))
        .or_else(|| years.first().copied());
    let measure = choice.measure;
    let focus_name = display_name(doc, focus);
    let deals: BTreeMap<String, usize> = partners
        .iter()
        .filter(|p| p.deals > 0)
        .map(|p| (p.code.clone(), p.deals))
        .collect();
    let mut values = BTreeMap::new();
    let mut flows = Vec::new();
    if let Some(year) = year {
        let all_partners = partners_total_from(trade, year);
        for (code, pair_years) in &trade.years {
            let at = |y: i32| pair_years.iter().find(|p| p.year == y);
            if let Some(total) = at(year).and_then(PairYear::total_value) {
                flows.push((code.clone(), total));
            }
            let Some(found) = at(year) else { continue };
            let figure = match measure {
                Measure::Total => money(found.total_value(), year, total_sources(doc, found)),
                Measure::Exports => obs_figure(doc, found.best_exports(), year),
                Measure::Imports => obs_figure(doc, found.best_imports(), year),
                Measure::Balance => money(found.balance(), year, total_sources(doc, found)),
                Measure::Share => share(doc, found, all_partners, year),
                Measure::Growth => from
                    .filter(|f| *f < year)
                    .and_then(|f| growth(doc, at(f)?, found)),
                Measure::Deals => None,
            };
            if let Some(v) = figure {
                values.insert(code.clone(), v);
            }
        }
    }
    if measure == Measure::Deals {
        for (code, n) in &deals {
            values.insert(
                code.clone(),
                CountryValue {
                    value: *n as f64,
                    text: deals_text(*n),
                    source: vec!["Investment and agreement records of the document".to_owned()],
                },
            );
        }
    }
    flows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    flows.truncate(FLOW_LINES);
    let when = match (measure, year, from) {
        (Measure::Deals, ..) => String::new(),
        (Measure::Growth, Some(y), Some(f)) => format!(", {f}–{y}"),
        (_, Some(y), _) => format!(", {y}"),
        _ => String::new(),
    };
    let title = format!(
        "{focus_name}: {} by partner{when}",
        measure.label().to_lowercase()
    );
    let empty_message = match (measure, year) {
        (Measure::Deals, _) => format!("No investment or agreement of {focus_name} is recorded."),
        (_, None) => format!("No trade figure of {focus_name} with any partner is recorded."),
        (Measure::Growth, Some(y)) => format!(
            "No partner has total trade with {focus_name} both in the first year chosen and in {y}."
        ),
        (_, Some(y)) => format!("No partner has this figure for {focus_name} in {y}."),
    };
    MapValues {
        focus: Some(focus.to_owned()),
        choice: MapChoice {
            measure,
            year,
            from,
        },
        title,
        years,
        scale: Scale::fit(values.values().map(|v| v.value), measure.diverging()),
        values,
        flows,
        deals,
        empty_message,
    }
}

/// "1 investment or agreement", "4 investments or agreements".
pub fn deals_text(n: usize) -> String {
    if n == 1 {
        "1 investment or agreement".to_owned()
    } else {
        format!(
            "{} investments or agreements",
            format::group_thousands(n as u64)
        )
    }
}

/// A row of the map's list alternative: one per country drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRow {
    /// The country's code (`None` for an area without one).
    pub code: Option<String>,
    /// "Kazakhstan: $53.7M (2024)", "Chad: no data".
    pub text: String,
    /// Where the figure comes from, one line each (empty without a figure).
    pub source: String,
}

/// Every country of `world` with its figure in `values`, largest first, then the others
/// by name; a country drawn as several shapes (Australia and its islands) is one row.
pub fn map_rows(
    values: &MapValues,
    world: &crate::model::geo::World,
    name_of: impl Fn(&str) -> String,
) -> Vec<MapRow> {
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<(Option<f64>, MapRow)> = world
        .shapes
        .iter()
        .filter(|shape| shape.code.as_ref().is_none_or(|c| seen.insert(c.as_str())))
        .map(|shape| {
            let code = shape.code.as_deref();
            let name = code.map_or_else(|| shape.name.clone(), &name_of);
            let figure = code.and_then(|c| values.values.get(c));
            let text = match (figure, code) {
                (_, Some(c)) if values.focus.as_deref() == Some(c) => {
                    format!("{name}: the focus country")
                }
                (Some(v), _) => format!("{name}: {}", v.text),
                (None, _) => format!("{name}: no data"),
            };
            let row = MapRow {
                code: shape.code.clone(),
                text,
                source: figure.map(|v| v.source.join("\n")).unwrap_or_default(),
            };
            (figure.map(|v| v.value), row)
        })
        .collect();
    rows.sort_by(|(a, ra), (b, rb)| match (a, b) {
        (Some(x), Some(y)) => y.total_cmp(x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => ra.text.cmp(&rb.text),
    });
    rows.into_iter().map(|(_, row)| row).collect()
}

/// Source lines of one figure: the record's source, or the dataset it is summed from.
fn obs_lines(doc: &Document, obs: &Obs) -> Vec<String> {
    let mut lines = vec![format!("Reported by {}", display_name(doc, &obs.reporter))];
    match &obs.dataset {
        Some((_, name, rows)) => lines.push(format!(
            "Sum of {} of dataset {name}",
            format::count(*rows as usize, "row")
        )),
        None => {
            lines.push(format!("Record: trade record {}", obs.id));
            lines.push(format!("Source: {}", obs_source_title(doc, obs)));
        }
    }
    lines
}

/// Where a total comes from: the reported total, else exports and imports, each with
/// its own origin.
fn total_sources(doc: &Document, y: &PairYear) -> Vec<String> {
    if let Some(total) = y.best_total() {
        return obs_lines(doc, total);
    }
    let mut lines = vec!["Exports plus imports".to_owned()];
    let sides = [("Exports", y.best_exports()), ("Imports", y.best_imports())];
    for (side, obs) in sides {
        if let Some(obs) = obs {
            lines.push(format!(
                "{side} {}: {}",
                format::usd_short(obs.value),
                obs_lines(doc, obs).join("; ")
            ));
        }
    }
    lines
}

fn money(value: Option<f64>, year: i32, source: Vec<String>) -> Option<CountryValue> {
    let value = value?;
    Some(CountryValue {
        value,
        text: format!("{} ({year})", format::usd_short(value)),
        source,
    })
}

fn obs_figure(doc: &Document, obs: Option<&Obs>, year: i32) -> Option<CountryValue> {
    let obs = obs?;
    money(Some(obs.value), year, obs_lines(doc, obs))
}

fn share(doc: &Document, y: &PairYear, all: Option<f64>, year: i32) -> Option<CountryValue> {
    let (total, all) = (y.total_value()?, all?);
    if all <= 0.0 {
        return None;
    }
    let percent = 100.0 * total / all;
    let mut source = vec![format!(
        "{} of {} with all partners in the data",
        format::usd_short(total),
        format::usd_short(all)
    )];
    source.extend(total_sources(doc, y));
    Some(CountryValue {
        value: percent,
        text: format!("{percent:.1}% ({year})"),
        source,
    })
}

fn growth(doc: &Document, first: &PairYear, last: &PairYear) -> Option<CountryValue> {
    let (a, b) = (first.total_value()?, last.total_value()?);
    if a <= 0.0 {
        return None;
    }
    let percent = 100.0 * (b / a - 1.0);
    let mut source = vec![format!(
        "{} in {} to {} in {}",
        format::usd_short(a),
        first.year,
        format::usd_short(b),
        last.year
    )];
    source.extend(total_sources(doc, last));
    Some(CountryValue {
        value: percent,
        text: format!("{percent:+.1}% ({}–{})", first.year, last.year),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::{Flow, TradeVolume};

    /// By hand: PAK–KAZ exports 30 and imports 10 in 2023, 40 and 20 in 2024; PAK–CHN a
    /// reported total of 140 in 2024. In 2024: KAZ total 60, balance +20, share
    /// 60 / 200 = 30.0 %, growth on 2023 60 / 40 − 1 = +50.0 %; CHN total 140, share 70.0 %,
    /// no growth (no 2023 figure).
    fn doc() -> Document {
        let record = |id, year, partner: &str, flow, value| TradeVolume {
            id,
            year: Some(year),
            reporter: "PAK".into(),
            partner: partner.into(),
            flow,
            category: None,
            value_usd: Some(value),
            quantity: None,
            source: None,
            note: String::new(),
        };
        let mut doc = Document::new();
        doc.trade = vec![
            record(1, 2023, "KAZ", Flow::Export, 30.0),
            record(2, 2023, "KAZ", Flow::Import, 10.0),
            record(3, 2024, "KAZ", Flow::Export, 40.0),
            record(4, 2024, "KAZ", Flow::Import, 20.0),
            record(5, 2024, "CHN", Flow::Total, 140.0),
        ]
        .into();
        doc
    }

    fn values(measure: Measure, year: Option<i32>) -> MapValues {
        let doc = doc();
        let trade = focus_trade(&doc, "PAK");
        let partners = partners_from(&doc, "PAK", &trade);
        let choice = MapChoice {
            measure,
            year,
            from: None,
        };
        map_values(&doc, "PAK", &trade, &partners, choice)
    }

    fn value_of(v: &MapValues, code: &str) -> Option<f64> {
        v.values.get(code).map(|c| c.value)
    }

    #[test]
    fn each_measure_gives_the_figures_worked_by_hand() {
        let total = values(Measure::Total, None);
        assert_eq!(total.choice.year, Some(2024));
        assert_eq!(value_of(&total, "KAZ"), Some(60.0));
        assert_eq!(value_of(&total, "CHN"), Some(140.0));
        assert_eq!(total.values["KAZ"].text, "$60 (2024)");
        assert_eq!(
            total.flows,
            [("CHN".to_owned(), 140.0), ("KAZ".to_owned(), 60.0)]
        );
        assert_eq!(value_of(&values(Measure::Exports, None), "KAZ"), Some(40.0));
        assert_eq!(value_of(&values(Measure::Imports, None), "CHN"), None);
        assert_eq!(value_of(&values(Measure::Balance, None), "KAZ"), Some(20.0));
        let share = values(Measure::Share, None);
        assert!((value_of(&share, "KAZ").unwrap() - 30.0).abs() < 1e-9);
        assert!((value_of(&share, "CHN").unwrap() - 70.0).abs() < 1e-9);
        let growth = values(Measure::Growth, None);
        assert_eq!(growth.choice.from, Some(2023));
        assert!((value_of(&growth, "KAZ").unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(growth.values["KAZ"].text, "+50.0% (2023–2024)");
        assert_eq!(value_of(&growth, "CHN"), None);
        assert!(matches!(growth.scale, Some(Scale::Diverging { .. })));
        let earlier = values(Measure::Total, Some(2023));
        assert_eq!(value_of(&earlier, "KAZ"), Some(40.0));
        assert_eq!(value_of(&earlier, "CHN"), None);
    }

    #[test]
    fn figures_say_where_they_come_from() {
        let total = values(Measure::Total, None);
        let chn = &total.values["CHN"].source;
        assert!(
            chn.contains(&"Record: trade record 5".to_owned()),
            "{chn:?}"
        );
        let kaz = &total.values["KAZ"].source;
        assert_eq!(kaz[0], "Exports plus imports");
        let tsv = total.to_tsv(&doc());
        assert!(tsv.contains("KAZ\tKazakhstan\t60\t$60 (2024)\t"), "{tsv}");
        let none = values(Measure::Deals, None);
        assert!(none.values.is_empty());
        assert_eq!(
            none.empty_message,
            "No investment or agreement of Pakistan is recorded."
        );
    }
}
