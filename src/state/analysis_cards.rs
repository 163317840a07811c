//! The Analysis view's headline cards: each indicator's value as computed by
//! [`indicators::figures`], with its formula and the inputs the formula took.

use crate::model::format;
use crate::model::indicators::{self, Figure, Flows};

use super::analysis::{AnalysisNames, Card};

/// How a value is written on a card.
#[derive(Clone, Copy)]
enum Shown {
    Money,
    Share,
    Growth,
    Ratio,
    Index,
}

fn show(value: f64, how: Shown) -> String {
    match how {
        Shown::Money => format::usd_short(value),
        Shown::Share => format!("{:.2}%", value * 100.0),
        Shown::Growth => format!("{:+.1}%", value * 100.0),
        Shown::Ratio => format!("{value:.3}"),
        Shown::Index => format!("{value:.1}"),
    }
}

fn money(value: f64) -> String {
    format::usd_full(value)
}

/// What every card is made from.
struct Maker<'a> {
    flows: &'a Flows,
    figures: &'a [Figure],
    t: i32,
    a: &'a str,
    b: &'a str,
}

impl Maker<'_> {
    fn value(&self, name: &str) -> Result<f64, String> {
        self.figures
            .iter()
            .find(|f| f.indicator == name && f.product.is_none())
            .map_or_else(|| Err("not computed".to_owned()), |f| f.value.clone())
    }

    fn card(
        &self,
        indicator: &'static str,
        title: String,
        how: Shown,
        formula: &'static str,
        inputs: Vec<(String, String)>,
        meaning: &'static str,
    ) -> Card {
        Card {
            indicator,
            title,
            value: self.value(indicator).map(|v| show(v, how)),
            formula,
            inputs,
            meaning,
        }
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "no data".to_owned(), money)
}

/// The cards for reporter `i` (and partner `j`) in `t`, from `figures`.
pub(super) fn cards(
    flows: &Flows,
    figures: &[Figure],
    i: &str,
    j: Option<&str>,
    t: i32,
    names: &AnalysisNames,
) -> Vec<Card> {
    let m = Maker {
        flows,
        figures,
        t,
        a: &names.focus,
        b: &names.partner,
    };
    let x_i = indicators::total_exports(flows, t, i);
    let mut out = match j {
        Some(j) => pair_cards(&m, i, j),
        None => own_cards(&m, i),
    };
    out.push(m.card(
        "hhi_products",
        "Concentration across products".to_owned(),
        Shown::Ratio,
        "(sum s_k^2 - 1/N) / (1 - 1/N), s_k the product shares of X_i",
        vec![("X_i".to_owned(), money(x_i))],
        "0: exports spread evenly over products; 1: all in one product.",
    ));
    out.push(m.card(
        "hhi_markets",
        "Concentration across markets".to_owned(),
        Shown::Ratio,
        "(sum s_j^2 - 1/N) / (1 - 1/N), s_j the partner shares of X_i",
        vec![("X_i".to_owned(), money(x_i))],
        "0: exports spread evenly over markets; 1: all to one market.",
    ));
    out
}

/// Without a partner: what the focus country sells and buys in all.
fn own_cards(m: &Maker<'_>, i: &str) -> Vec<Card> {
    let (a, t) = (m.a, m.t);
    let total = |value: f64, indicator, title, formula, meaning| Card {
        indicator,
        title,
        value: Ok(show(value, Shown::Money)),
        formula,
        inputs: Vec::new(),
        meaning,
    };
    vec![
        total(
            indicators::total_exports(m.flows, t, i),
            "exports",
            format!("{a}'s exports, {t}"),
            "X_i = sum_j x_ij",
            "Everything the focus country sells, as far as the data holds it.",
        ),
        total(
            indicators::total_imports(m.flows, t, i),
            "imports",
            format!("{a}'s imports, {t}"),
            "M_i = sum_j x_ji",
            "Everything the focus country buys, as far as the data holds it.",
        ),
    ]
}

/// The pair's cards: size, balance, shares, growth, intensity, complementarity, mirror.
fn pair_cards(m: &Maker<'_>, i: &str, j: &str) -> Vec<Card> {
    let (flows, t, a, b) = (m.flows, m.t, m.a, m.b);
    let x_ij = indicators::exports(flows, t, i, j);
    let m_ij = indicators::exports(flows, t, j, i);
    let xij = (format!("x_ij: {a}'s exports to {b}"), opt(x_ij));
    let mij = (format!("m_ij: {a}'s imports from {b}"), opt(m_ij));
    let xi = (
        format!("X_i: {a}'s exports to all partners"),
        money(indicators::total_exports(flows, t, i)),
    );
    let mi = (
        format!("M_i: {a}'s imports from all partners"),
        money(indicators::total_imports(flows, t, i)),
    );
    let mut out = vec![
        m.card(
            "total",
            format!("Trade with {b}, {t}"),
            Shown::Money,
            "x_ij + m_ij (or the total the data gives without a direction)",
            vec![xij.clone(), mij.clone()],
            "The size of the relationship.",
        ),
        m.card(
            "balance",
            format!("Balance with {b}"),
            Shown::Money,
            "x_ij - m_ij",
            vec![xij.clone(), mij.clone()],
            "Positive: the focus country sells the partner more than it buys from it.",
        ),
        m.card(
            "partner_share_exports",
            format!("{b}'s share of {a}'s exports"),
            Shown::Share,
            "x_ij / X_i",
            vec![xij.clone(), xi.clone()],
            "How much the focus country's exports depend on this market.",
        ),
        m.card(
            "partner_share_imports",
            format!("{b}'s share of {a}'s imports"),
            Shown::Share,
            "m_ij / M_i",
            vec![mij, mi],
            "How much the focus country's imports depend on this supplier.",
        ),
    ];
    out.extend(growth_cards(m, i, j));
    out.push(m.card(
        "trade_intensity",
        format!("Intensity of {a}'s exports to {b}"),
        Shown::Ratio,
        "(x_ij / X_i) / (x_wj / X_w)",
        vec![
            xij,
            xi,
            (
                format!("x_wj: the world's exports to {b}"),
                money(indicators::total_imports(flows, t, j)),
            ),
            (
                "X_w: the world's exports".to_owned(),
                money(indicators::world_exports(flows, t)),
            ),
        ],
        "Above 1: the focus country sells the partner more than the partner's weight \
         in world trade suggests.",
    ));
    out.push(m.card(
        "complementarity",
        format!("Complementarity of {a}'s exports with {b}'s imports"),
        Shown::Index,
        "100 * (1 - sum_k |m_jk / M_j - x_ik / X_i| / 2)",
        vec![(
            "Products compared".to_owned(),
            format!("HS{} products of {t}", flows.level),
        )],
        "0 to 100: how well what one side sells matches what the other buys.",
    ));
    out.push(m.card(
        "mirror_ratio",
        "Mirror ratio".to_owned(),
        Shown::Ratio,
        "i's report of exports to j / j's report of imports from i",
        Vec::new(),
        "Far from 1: the two customs offices disagree (timing, valuation CIF/FOB, \
         re-exports).",
    ));
    out
}

fn growth_cards(m: &Maker<'_>, i: &str, j: &str) -> [Card; 2] {
    let (flows, t) = (m.flows, m.t);
    [
        m.card(
            "growth_yoy",
            format!("Growth on {}", t - 1),
            Shown::Growth,
            "T_t / T_(t-1) - 1, T the pair's total trade",
            vec![
                (
                    format!("T_{t}"),
                    opt(indicators::pair_total(flows, t, i, j)),
                ),
                (
                    format!("T_{}", t - 1),
                    opt(indicators::pair_total(flows, t - 1, i, j)),
                ),
            ],
            "Whether the relationship grew in the last year.",
        ),
        m.card(
            "cagr",
            // The years in the title: a document's record of a later year, or a dataset
            // of earlier years, moves them, and the rate with them.
            match pair_total_span(flows, i, j) {
                Some(((first, _), (last, _))) => format!("Annual growth {first}–{last}"),
                None => "Annual growth over the years".to_owned(),
            },
            Shown::Growth,
            "(T_last / T_first)^(1 / (last - first)) - 1",
            cagr_inputs(flows, i, j),
            "The compound yearly rate between the first and the last year with data.",
        ),
    ]
}

/// The pair's total trade in the first and the last year with one, when they differ: what
/// the annual growth is computed from.
fn pair_total_span(flows: &Flows, i: &str, j: &str) -> Option<((i32, f64), (i32, f64))> {
    let mut totals = flows
        .years
        .iter()
        .filter_map(|&y| Some((y, indicators::pair_total(flows, y, i, j)?)));
    let first = totals.next()?;
    let last = totals.last()?;
    Some((first, last))
}

fn cagr_inputs(flows: &Flows, i: &str, j: &str) -> Vec<(String, String)> {
    match pair_total_span(flows, i, j) {
        Some(((first, a), (last, b))) => vec![
            (format!("T_first ({first})"), money(a)),
            (format!("T_last ({last})"), money(b)),
        ],
        None => Vec::new(),
    }
}
