//! What the Analysis view shows, prepared off the UI thread from the combined trade
//! ([`Flows`]): headline cards with their formulas and inputs, RCA by product,
//! complementarity and concentration over the years, and where the untapped potential of
//! the pair lies. The figures are those of [`indicators::figures`], the same the
//! `indicators` command prints and the independent check compares.

use std::collections::{BTreeMap, HashMap};

use crate::model::chart::{ChartData, ChartPoint, ChartSeries, Hue, ValueUnit};
use crate::model::indicators::{self, Flows, ProductSums};
use crate::model::{format, hs};

use super::analysis_cards::cards;

/// Products the RCA chart shows.
pub const RCA_BARS: usize = 25;
/// Products the potential chart shows (the table lists them all).
pub const POTENTIAL_BARS: usize = 15;

/// What the analysis was computed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisKey {
    /// The linked datasets' generation.
    pub generation: u64,
    /// The document revision.
    pub revision: u64,
    /// The reporter `i`.
    pub focus: Option<String>,
    /// The partner `j`.
    pub partner: Option<String>,
    /// The year chosen; `None` is the latest year in the data.
    pub year: Option<i32>,
    /// HS digits of product figures: 2, 4 or 6.
    pub level: usize,
}

/// Names and sources the UI thread knows and the computation shows.
#[derive(Debug, Clone, Default)]
pub struct AnalysisNames {
    /// Display name of the focus country.
    pub focus: String,
    /// Display name of the partner.
    pub partner: String,
    /// What the figures are computed from ("dataset BACI_HS92_Y2022", "document records").
    pub sources: Vec<String>,
}

/// One headline figure with how it is computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The indicator's name, as the CLI prints it.
    pub indicator: &'static str,
    /// Title on the card.
    pub title: String,
    /// The value as shown, or why there is none.
    pub value: Result<String, String>,
    /// The formula.
    pub formula: &'static str,
    /// The formula's inputs with their values.
    pub inputs: Vec<(String, String)>,
    /// What the figure is good for.
    pub meaning: &'static str,
}

impl Card {
    /// The card as text for Copy: value, formula, inputs, universe and sources.
    pub fn to_text(&self, universe: &str, sources: &[String]) -> String {
        let value = match &self.value {
            Ok(v) => v.clone(),
            Err(why) => format!("not computed: {why}"),
        };
        let mut out = format!("{}: {value}\nFormula: {}\n", self.title, self.formula);
        for (name, value) in &self.inputs {
            out.push_str(&format!("  {name} = {value}\n"));
        }
        out.push_str(&format!("Universe: {universe}\n"));
        out.push_str(&format!("From: {}\n", sources.join(", ")));
        out
    }
}

/// One product's figures, for the details shown when it is clicked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductFigures {
    /// HS code.
    pub code: String,
    /// "code name".
    pub label: String,
    /// `x_ik`: the focus country's exports of it.
    pub exports: f64,
    /// `x_wk`: the world's exports of it.
    pub world: f64,
    /// `RCA_ik`, where defined.
    pub rca: Option<f64>,
    /// `m_jk`: the partner's imports of it from the world.
    pub partner_imports: f64,
    /// `x_ijk`: what the focus country already sells the partner.
    pub to_partner: f64,
}

/// One row of "What i could sell j".
#[derive(Debug, Clone, PartialEq)]
pub struct PotentialRow {
    /// HS code.
    pub code: String,
    /// "code name".
    pub label: String,
    /// `RCA_ik`.
    pub rca: f64,
    /// `m_jk`.
    pub partner_imports: f64,
    /// `x_ijk`.
    pub already: f64,
    /// `m_jk − x_ijk`.
    pub gap: f64,
}

/// Everything the Analysis view draws.
#[derive(Debug, Clone, Default)]
pub struct AnalysisData {
    /// What this was computed for (`None`: nothing yet).
    pub key: Option<AnalysisKey>,
    /// Years in the data.
    pub years: Vec<i32>,
    /// The year shown.
    pub year: Option<i32>,
    /// Names and sources.
    pub names: AnalysisNames,
    /// The data universe, e.g. "world = 225 exporters in the data, 2022; products at HS2".
    pub universe: String,
    /// Why figures are missing, said once above the cards.
    pub message: Option<String>,
    /// What the figures are computed from when not from every row at once (more linked
    /// rows than one trade matrix holds): years still being summed, a year or a focus
    /// whose rows alone are too many.
    pub scope: Option<String>,
    /// Headline figures.
    pub cards: Vec<Card>,
    /// RCA of the focus country by product, top [`RCA_BARS`].
    pub rca_chart: Option<ChartData>,
    /// Products with RCA > 1, and with any RCA.
    pub rca_counts: (usize, usize),
    /// The pair's complementarity over the years.
    pub complementarity_chart: Option<ChartData>,
    /// The focus country's concentration over the years.
    pub concentration_chart: Option<ChartData>,
    /// The largest gaps as bars.
    pub potential_chart: Option<ChartData>,
    /// Every gap, largest first.
    pub potential: Vec<PotentialRow>,
    /// Figures by product code, for the details of a clicked product.
    pub products: HashMap<String, ProductFigures>,
}

fn label(code: &str) -> String {
    match hs::name(code) {
        Some(name) => format!("{code} {name}"),
        None => code.to_owned(),
    }
}

/// Computes the Analysis view's data for `key` from `flows`.
pub fn compute(flows: &Flows, key: &AnalysisKey, names: AnalysisNames) -> AnalysisData {
    let mut data = AnalysisData {
        key: Some(key.clone()),
        years: flows.years.iter().copied().collect(),
        names,
        ..AnalysisData::default()
    };
    let Some(i) = key.focus.as_deref() else {
        data.message = Some("Choose a focus country to see its indicators.".to_owned());
        return data;
    };
    // By default the latest year with trade by direction: a later year given only by a
    // document's total record would show one card and hide the data's full figures.
    let year = key
        .year
        .filter(|y| flows.years.contains(y))
        .or_else(|| flows.directed_years().last().copied())
        .or_else(|| indicators::latest_year(flows));
    let Some(t) = year else {
        data.message = Some(
            "The data holds no trade with a year and a value. The indicators need exports \
             and imports: document records with a value and a year, or a linked UN Comtrade \
             or BACI file (File > Import data…)."
                .to_owned(),
        );
        return data;
    };
    data.year = Some(t);
    let j = key.partner.as_deref();
    let sums = ProductSums::of(flows, t, i, j);
    let figures = indicators::figures_with(flows, i, j, t, &sums);
    data.universe = figures
        .first()
        .map(|f| f.universe.clone())
        .unwrap_or_default();
    data.products = product_figures(&figures, &sums);
    data.rca_counts = (
        data.products
            .values()
            .filter(|p| p.rca.is_some_and(|r| r > 1.0))
            .count(),
        data.products.values().filter(|p| p.rca.is_some()).count(),
    );
    data.cards = cards(flows, &figures, i, j, t, &data.names);
    let exporters = flows.world(t).exporters;
    data.message = missing_message(flows, exporters, i, t, &sums, &data.names.focus);
    if exporters == 0 {
        // Only totals without a direction: the message says what the rest needs, and
        // cards and charts that could only say "not computed" are left out.
        data.cards.retain(|c| c.value.is_ok());
        data.universe = format!("{t}: totals without a direction only");
        return data;
    }
    data.rca_chart = Some(rca_chart(&data, t));
    let yearly = ProductSums::by_year(flows, i, j);
    data.concentration_chart = Some(concentration_chart(flows, &yearly, i, &data.names.focus));
    if j.is_some() {
        data.complementarity_chart = Some(complementarity_chart(&yearly, &data.names));
        data.potential = figures
            .iter()
            .filter(|f| f.indicator == "potential")
            .filter_map(|f| {
                let p = data.products.get(f.product.as_deref()?)?;
                Some(PotentialRow {
                    code: p.code.clone(),
                    label: p.label.clone(),
                    rca: p.rca?,
                    partner_imports: p.partner_imports,
                    already: p.to_partner,
                    gap: *f.value.as_ref().ok()?,
                })
            })
            .collect();
        data.potential_chart = Some(potential_chart(&data, t));
    }
    data
}

/// Says once what the data lacks, when the cards would otherwise be mostly blank.
fn missing_message(
    flows: &Flows,
    directed: usize,
    i: &str,
    t: i32,
    sums: &ProductSums,
    focus: &str,
) -> Option<String> {
    if directed == 0 {
        return Some(format!(
            "The data gives only totals without a direction for {t} (document records of \
             total trade). Shares, intensity, complementarity, RCA and potential need \
             exports and imports by partner and by product: link a UN Comtrade or BACI \
             file (File > Import data…)."
        ));
    }
    if indicators::total_exports(flows, t, i) <= 0.0
        && indicators::total_imports(flows, t, i) <= 0.0
    {
        return Some(format!("The data has no trade of {focus} in {t}."));
    }
    if sums.world.is_empty() {
        return Some(format!(
            "The data gives no trade by product at HS{} in {t}: RCA, complementarity, \
             concentration across products and potential need it (choose another level, or \
             link a file with products).",
            flows.level
        ));
    }
    None
}

fn product_figures(
    figures: &[indicators::Figure],
    sums: &ProductSums,
) -> HashMap<String, ProductFigures> {
    let mut out: HashMap<String, ProductFigures> = HashMap::new();
    let codes = sums
        .exports
        .keys()
        .chain(sums.partner_imports.keys())
        .chain(sums.to_partner.keys());
    for code in codes {
        out.entry(code.clone()).or_insert_with(|| ProductFigures {
            code: code.clone(),
            label: label(code),
            exports: sums.exports.get(code).copied().unwrap_or(0.0),
            world: sums.world.get(code).copied().unwrap_or(0.0),
            rca: None,
            partner_imports: sums.partner_imports.get(code).copied().unwrap_or(0.0),
            to_partner: sums.to_partner.get(code).copied().unwrap_or(0.0),
        });
    }
    for f in figures.iter().filter(|f| f.indicator == "rca") {
        if let (Some(code), Ok(value)) = (&f.product, &f.value)
            && let Some(p) = out.get_mut(code)
        {
            p.rca = Some(*value);
        }
    }
    out
}

fn bar(position: usize, value: f64, label: String, tooltip: Vec<String>, code: &str) -> ChartPoint {
    ChartPoint {
        x: value,
        y: position as f64,
        base: 0.0,
        value,
        label,
        tooltip,
        record: None,
        source: String::new(),
        drill: Some(code.to_owned()),
        code: Some(code.to_owned()),
    }
}

/// Categories and positions for bars listed largest first (the largest on top).
fn bar_rows<T>(items: &[T], label: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().rev().map(label).collect()
}

fn rca_chart(data: &AnalysisData, t: i32) -> ChartData {
    let mut ranked: Vec<&ProductFigures> =
        data.products.values().filter(|p| p.rca.is_some()).collect();
    ranked.sort_by(|a, b| {
        let (ra, rb) = (a.rca.unwrap_or(0.0), b.rca.unwrap_or(0.0));
        rb.total_cmp(&ra).then(a.code.cmp(&b.code))
    });
    ranked.truncate(RCA_BARS);
    let n = ranked.len();
    let focus = &data.names.focus;
    let points = ranked
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let rca = p.rca.unwrap_or(0.0);
            let tooltip = vec![
                p.label.clone(),
                format!("RCA {rca:.3} in {t}"),
                format!("{focus}'s exports of it: {}", format::usd_full(p.exports)),
                format!("World exports of it: {}", format::usd_full(p.world)),
                "Click for details and rows".to_owned(),
            ];
            bar(n - 1 - k, rca, p.label.clone(), tooltip, &p.code)
        })
        .collect();
    let mut series = Vec::new();
    ChartSeries::push_bars(&mut series, "RCA".to_owned(), Hue::Exports, points);
    let (above, all) = data.rca_counts;
    ChartData {
        key: "analysis_rca".to_owned(),
        title: format!(
            "Revealed comparative advantage of {focus}, {t}: top {n} of {all} products; \
             {above} with RCA > 1"
        ),
        x_title: "RCA (above 1: a larger share of its exports than of the world's)".to_owned(),
        y_title: "Product".to_owned(),
        unit: ValueUnit::Index,
        x_is_year: false,
        mirrored_values: false,
        categories: bar_rows(&ranked, |p| p.label.clone()),
        series,
        side_lists: Vec::new(),
        empty_message: format!("No exports of {focus} by product in {t} at this level."),
    }
}

/// A line of yearly values, each with its tooltip.
fn line(name: String, hue: Hue, points: Vec<(i32, f64, Vec<String>)>) -> ChartSeries {
    let points = points
        .into_iter()
        .map(|(year, value, tooltip)| ChartPoint::derived(year, value, tooltip))
        .collect();
    ChartSeries::line(name, hue, false, points)
}

fn year_chart(
    key: &str,
    title: String,
    y_title: &str,
    series: Vec<ChartSeries>,
    empty: String,
) -> ChartData {
    ChartData {
        key: key.to_owned(),
        title,
        x_title: "Year".to_owned(),
        y_title: y_title.to_owned(),
        unit: ValueUnit::Index,
        x_is_year: true,
        mirrored_values: false,
        categories: Vec::new(),
        series: series
            .into_iter()
            .filter(|s| !s.points.is_empty())
            .collect(),
        side_lists: Vec::new(),
        empty_message: empty,
    }
}

fn complementarity_chart(yearly: &BTreeMap<i32, ProductSums>, names: &AnalysisNames) -> ChartData {
    let points = yearly
        .iter()
        .filter_map(|(&y, sums)| {
            let c = indicators::complementarity_of(&sums.exports, &sums.partner_imports)?;
            Some((
                y,
                c,
                vec![format!("Complementarity in {y}"), format!("{c:.2} of 100")],
            ))
        })
        .collect();
    let (a, b) = (&names.focus, &names.partner);
    year_chart(
        "analysis_complementarity",
        format!("How well {a}'s exports match {b}'s imports (complementarity, 0 to 100)"),
        "Complementarity",
        vec![line("Complementarity".to_owned(), Hue::Total, points)],
        format!("No year with products of both {a}'s exports and {b}'s imports."),
    )
}

fn concentration_chart(
    flows: &Flows,
    yearly: &BTreeMap<i32, ProductSums>,
    i: &str,
    focus: &str,
) -> ChartData {
    let mut products = Vec::new();
    let mut markets = Vec::new();
    for (&y, sums) in yearly {
        if let Ok(h) = indicators::hhi(sums.exports.values().copied()) {
            let tip = vec![format!("Across products, {y}"), format!("HHI {h:.4}")];
            products.push((y, h, tip));
        }
    }
    for (y, h) in indicators::hhi_markets_by_year(flows, i) {
        if let Ok(h) = h {
            let tip = vec![format!("Across markets, {y}"), format!("HHI {h:.4}")];
            markets.push((y, h, tip));
        }
    }
    year_chart(
        "analysis_concentration",
        format!(
            "Concentration of {focus}'s exports (normalised HHI: 0 spread evenly, 1 all in one)"
        ),
        "HHI",
        vec![
            line("Across products".to_owned(), Hue::Exports, products),
            line("Across markets".to_owned(), Hue::Other(2), markets),
        ],
        format!("No year in which {focus} exports two or more products or to two or more markets."),
    )
}

fn potential_chart(data: &AnalysisData, t: i32) -> ChartData {
    let (a, b) = (&data.names.focus, &data.names.partner);
    let shown: Vec<&PotentialRow> = data.potential.iter().take(POTENTIAL_BARS).collect();
    let n = shown.len();
    let points = shown
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let tooltip = vec![
                r.label.clone(),
                format!("Gap {} in {t}", format::usd_full(r.gap)),
                format!(
                    "{b}'s imports from the world: {}",
                    format::usd_full(r.partner_imports)
                ),
                format!("Already bought from {a}: {}", format::usd_full(r.already)),
                format!("{a}'s RCA: {:.3}", r.rca),
                "Click for details and rows".to_owned(),
            ];
            bar(n - 1 - k, r.gap, r.label.clone(), tooltip, &r.code)
        })
        .collect();
    let mut series = Vec::new();
    ChartSeries::push_bars(&mut series, "Gap".to_owned(), Hue::Exports, points);
    ChartData {
        key: "analysis_potential".to_owned(),
        title: format!(
            "What {a} could sell {b}, {t}: the largest {n} of {} gaps",
            data.potential.len()
        ),
        x_title: format!("{b}'s world imports less what it buys from {a}"),
        y_title: "Product".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: false,
        categories: bar_rows(&shown, |r| r.label.clone()),
        series,
        side_lists: Vec::new(),
        empty_message: format!(
            "No product in which {a} has RCA > 1 that {b} imports more of than it buys \
             from {a}, in {t} at this level."
        ),
    }
}

impl AnalysisData {
    /// The potential table as CSV, with a header line.
    pub fn potential_csv(&self) -> Result<String, String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "product_code",
            "product",
            "rca",
            "partner_world_imports_usd",
            "already_sold_usd",
            "gap_usd",
        ];
        let rows = self.potential.iter().map(|r| {
            [
                r.code.clone(),
                r.label.clone(),
                r.rca.to_string(),
                r.partner_imports.to_string(),
                r.already.to_string(),
                r.gap.to_string(),
            ]
        });
        w.write_record(header).map_err(|e| e.to_string())?;
        for row in rows {
            w.write_record(&row).map_err(|e| e.to_string())?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }
}
