//! Every indicator for a reporter (and a partner) in a year, as named figures with the
//! universe they use: what the CLI prints and the Analysis view will show.

use super::compute::*;
use super::flows::Flows;

/// One computed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The indicator's name (`exports`, `rca`, `complementarity`, …).
    pub indicator: &'static str,
    /// The reporter `i`.
    pub reporter: String,
    /// The partner `j`, for figures about the pair.
    pub partner: Option<String>,
    /// The product code, for figures about one product.
    pub product: Option<String>,
    /// The year.
    pub year: i32,
    /// The value, or why there is none.
    pub value: Result<f64, String>,
    /// The data universe the figure uses.
    pub universe: String,
}

/// The latest year with data, or `None` for empty flows.
pub fn latest_year(f: &Flows) -> Option<i32> {
    f.years.last().copied()
}

/// Every indicator of `i` (and of the pair with `j`) in year `t`.
pub fn figures(f: &Flows, i: &str, j: Option<&str>, t: i32) -> Vec<Figure> {
    figures_with(f, i, j, t, &ProductSums::of(f, t, i, j))
}

/// [`figures`] from the product sums of `i` (and `j`) in `t`, for a caller that needs
/// them too.
pub fn figures_with(
    f: &Flows,
    i: &str,
    j: Option<&str>,
    t: i32,
    products: &ProductSums,
) -> Vec<Figure> {
    let universe = format!(
        "world = {} exporters in the data, {t}; products at HS{}",
        f.world(t).exporters,
        f.level
    );
    let mut out = Vec::new();
    let mut push = |indicator, partner: Option<&str>, product: Option<&str>, value| {
        out.push(Figure {
            indicator,
            reporter: i.to_owned(),
            partner: partner.map(str::to_owned),
            product: product.map(str::to_owned),
            year: t,
            value,
            universe: universe.clone(),
        });
    };
    let none = |what: &str| format!("no {what} in the data for {t}");
    let rca = rca_of(&products.exports, &products.world);
    if let Some(j) = j {
        let x_ij = exports(f, t, i, j);
        let m_ij = exports(f, t, j, i);
        push(
            "exports",
            Some(j),
            None,
            x_ij.ok_or_else(|| none("exports")),
        );
        push(
            "imports",
            Some(j),
            None,
            m_ij.ok_or_else(|| none("imports")),
        );
        let total = pair_total(f, t, i, j);
        push("total", Some(j), None, total.ok_or_else(|| none("trade")));
        let balance = x_ij.zip(m_ij).map(|(x, m)| x - m);
        push(
            "balance",
            Some(j),
            None,
            balance.ok_or_else(|| none("exports and imports both")),
        );
        let (x_i, m_i) = (total_exports(f, t, i), total_imports(f, t, i));
        let share_x = x_ij.filter(|_| x_i > 0.0).map(|x| x / x_i);
        push(
            "partner_share_exports",
            Some(j),
            None,
            share_x.ok_or_else(|| none("exports")),
        );
        let share_m = m_ij.filter(|_| m_i > 0.0).map(|m| m / m_i);
        push(
            "partner_share_imports",
            Some(j),
            None,
            share_m.ok_or_else(|| none("imports")),
        );
        let growth = growth_yoy(f, t, i, j);
        push(
            "growth_yoy",
            Some(j),
            None,
            growth.ok_or_else(|| none("trade in the year before")),
        );
        let cagr = cagr(f, i, j);
        push(
            "cagr",
            Some(j),
            None,
            cagr.ok_or_else(|| none("two years of trade")),
        );
        let intensity = trade_intensity(f, t, i, j);
        push(
            "trade_intensity",
            Some(j),
            None,
            intensity.ok_or_else(|| none("exports")),
        );
        let compl = complementarity_of(&products.exports, &products.partner_imports);
        push(
            "complementarity",
            Some(j),
            None,
            compl.ok_or_else(|| none("products")),
        );
        let mirror = mirror_ratio(f, t, i, j);
        push(
            "mirror_ratio",
            Some(j),
            None,
            mirror.ok_or_else(|| none("pair of reports (BACI has one reconciled value)")),
        );
        for (k, gap) in potential_of(&rca, &products.partner_imports, &products.to_partner) {
            push("potential", Some(j), Some(&k), Ok(gap));
        }
    }
    for (k, value) in &rca {
        push("rca", None, Some(k), Ok(*value));
    }
    push(
        "hhi_products",
        None,
        None,
        hhi(products.exports.values().copied()),
    );
    push("hhi_markets", None, None, hhi_markets(f, t, i));
    out
}
