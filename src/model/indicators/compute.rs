//! The indicators, each a pure function of [`Flows`] with its formula in its doc comment.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use super::flows::{Flows, Reported, undirected_key};

/// `x_ij`: what `i` exports to `j` in year `t` (own report, else mirror).
pub fn exports(f: &Flows, t: i32, i: &str, j: &str) -> Option<f64> {
    f.totals
        .get(&(t, i.to_owned(), j.to_owned()))
        .and_then(|r| r.best())
}

/// `X_i`: what `i` exports to all its partners in `t`.
pub fn total_exports(f: &Flows, t: i32, i: &str) -> f64 {
    f.totals
        .iter()
        .filter(|((y, e, _), _)| *y == t && e == i)
        .filter_map(|(_, r)| r.best())
        .sum()
}

/// `M_j`: what `j` imports from all its partners in `t` (the partners' exports to it).
pub fn total_imports(f: &Flows, t: i32, j: &str) -> f64 {
    f.totals
        .iter()
        .filter(|((y, _, m), _)| *y == t && m == j)
        .filter_map(|(_, r)| r.best())
        .sum()
}

/// `X_w`: all exports in `t` (the world of the data).
pub fn world_exports(f: &Flows, t: i32) -> f64 {
    f.world(t).exports
}

/// Products at the flows' level, summed over the pairs that `keep(exporter, importer)`.
fn product_sums(f: &Flows, t: i32, keep: impl Fn(&str, &str) -> bool) -> HashMap<String, f64> {
    let mut sums: HashMap<String, f64> = HashMap::default();
    for ((y, e, m), products) in f.products.iter() {
        if *y != t || !keep(e, m) {
            continue;
        }
        for (id, r) in products {
            if let Some(v) = r.best() {
                add_to(&mut sums, f.code(*id), v);
            }
        }
    }
    sums
}

/// Adds `v` to `code`'s sum, copying the code only the first time it is met.
fn add_to(sums: &mut HashMap<String, f64>, code: &str, v: f64) {
    match sums.get_mut(code) {
        Some(sum) => *sum += v,
        None => {
            sums.insert(code.to_owned(), v);
        }
    }
}

/// `x_ik` for every product `k`: what `i` exports of each product to the world.
pub fn product_exports(f: &Flows, t: i32, i: &str) -> HashMap<String, f64> {
    product_sums(f, t, |e, _| e == i)
}

/// `m_jk` for every product `k`: what `j` imports of each product from the world.
pub fn product_imports(f: &Flows, t: i32, j: &str) -> HashMap<String, f64> {
    product_sums(f, t, |_, m| m == j)
}

/// `x_ijk` for every product `k`: what `i` exports of each product to `j`.
pub fn pair_product_exports(f: &Flows, t: i32, i: &str, j: &str) -> HashMap<String, f64> {
    product_sums(f, t, |e, m| e == i && m == j)
}

/// `x_wk` for every product: the world's exports of each product.
pub fn world_product_exports(f: &Flows, t: i32) -> HashMap<String, f64> {
    // The sums kept by year: flows built for a few countries ([`super::Span::flows`]) hold
    // the products of those countries' pairs only, and the world's sums beside them.
    f.world(t).products.clone()
}

fn sum(values: &HashMap<String, f64>) -> f64 {
    values.values().sum()
}

/// Balassa's revealed comparative advantage of `i` in each product `k` it exports:
/// `RCA_ik = (x_ik / X_i) / (x_wk / X_w)`, with `X_i` and `X_w` the sums over the
/// products at the level (so that the shares of each side add up to one).
pub fn rca(f: &Flows, t: i32, i: &str) -> BTreeMap<String, f64> {
    rca_of(&product_exports(f, t, i), &world_product_exports(f, t))
}

/// [`rca`] from `i`'s exports by product and the world's.
pub fn rca_of(own: &HashMap<String, f64>, world: &HashMap<String, f64>) -> BTreeMap<String, f64> {
    let (x_i, x_w) = (sum(own), sum(world));
    own.iter()
        .filter_map(|(k, &x_ik)| {
            let x_wk = *world.get(k)?;
            (x_i > 0.0 && x_w > 0.0 && x_wk > 0.0 && x_ik > 0.0)
                .then(|| (k.clone(), (x_ik / x_i) / (x_wk / x_w)))
        })
        .collect()
}

/// Trade intensity of `i`'s exports to `j`: `(x_ij / X_i) / (x_wj / X_w)`, with `x_wj`
/// the world's exports to `j`. Above 1: `i` sells `j` more than `j`'s weight in world
/// trade would suggest.
pub fn trade_intensity(f: &Flows, t: i32, i: &str, j: &str) -> Option<f64> {
    let x_ij = exports(f, t, i, j)?;
    let (x_i, x_wj, x_w) = (
        total_exports(f, t, i),
        total_imports(f, t, j),
        world_exports(f, t),
    );
    (x_i > 0.0 && x_wj > 0.0 && x_w > 0.0).then(|| (x_ij / x_i) / (x_wj / x_w))
}

/// Complementarity of `i`'s exports with `j`'s imports, 0 to 100:
/// `100 · (1 − Σ_k |m_jk / M_j − x_ik / X_i| / 2)` over the products at the level.
pub fn complementarity(f: &Flows, t: i32, i: &str, j: &str) -> Option<f64> {
    complementarity_of(&product_exports(f, t, i), &product_imports(f, t, j))
}

/// [`complementarity`] from `i`'s exports and `j`'s imports by product.
pub fn complementarity_of(x: &HashMap<String, f64>, m: &HashMap<String, f64>) -> Option<f64> {
    let (x_i, m_j) = (sum(x), sum(m));
    if x_i <= 0.0 || m_j <= 0.0 {
        return None;
    }
    let mut codes: Vec<&String> = x.keys().chain(m.keys()).collect();
    codes.sort();
    codes.dedup();
    let distance: f64 = codes
        .iter()
        .map(|k| {
            let a = m.get(*k).copied().unwrap_or(0.0) / m_j;
            let b = x.get(*k).copied().unwrap_or(0.0) / x_i;
            (a - b).abs()
        })
        .sum();
    Some(100.0 * (1.0 - distance / 2.0))
}

/// Normalised Herfindahl–Hirschman index of positive `values`:
/// `(Σ s² − 1/N) / (1 − 1/N)`, `s` the shares and `N` their number; 0 is spread evenly,
/// 1 all in one. Undefined for one value (the reason is returned).
pub fn hhi(values: impl IntoIterator<Item = f64>) -> Result<f64, String> {
    let mut values: Vec<f64> = values.into_iter().filter(|v| *v > 0.0).collect();
    // Summed in order of size, the same digits whatever order a map gave them in.
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n < 2 {
        return Err(format!(
            "undefined with {n} positive value{}: concentration needs two or more",
            if n == 1 { "" } else { "s" }
        ));
    }
    let total: f64 = values.iter().sum();
    let squares: f64 = values.iter().map(|v| (v / total).powi(2)).sum();
    let inv = 1.0 / n as f64;
    Ok((squares - inv) / (1.0 - inv))
}

/// Concentration of `i`'s exports across products (normalised HHI).
pub fn hhi_products(f: &Flows, t: i32, i: &str) -> Result<f64, String> {
    hhi(product_exports(f, t, i).into_values())
}

/// Concentration of `i`'s exports across markets (normalised HHI).
pub fn hhi_markets(f: &Flows, t: i32, i: &str) -> Result<f64, String> {
    hhi(f
        .totals
        .iter()
        .filter(|((y, e, _), _)| *y == t && e == i)
        .filter_map(|(_, r)| r.best()))
}

/// [`hhi_markets`] of `i` in every year, in one pass over the matrix.
pub fn hhi_markets_by_year(f: &Flows, i: &str) -> BTreeMap<i32, Result<f64, String>> {
    let mut markets: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for ((y, e, _), r) in f.totals.iter() {
        if e == i
            && let Some(v) = r.best()
        {
            markets.entry(*y).or_default().push(v);
        }
    }
    markets.into_iter().map(|(y, v)| (y, hhi(v))).collect()
}

/// What `i` reports exporting to `j` over what `j` reports importing from `i`, when the
/// data holds both reports (BACI holds one reconciled value and has none).
pub fn mirror_ratio(f: &Flows, t: i32, i: &str, j: &str) -> Option<f64> {
    let r = f.totals.get(&(t, i.to_owned(), j.to_owned()))?;
    match (r.own(), r.mirror()) {
        (Some(own), Some(mirror)) if mirror > 0.0 => Some(own / mirror),
        _ => None,
    }
}

/// The pair's total trade in `t`: `x_ij + x_ji`, as far as either is known; else the
/// total the data gives without a direction (a document record of total trade).
pub fn pair_total(f: &Flows, t: i32, i: &str, j: &str) -> Option<f64> {
    match (exports(f, t, i, j), exports(f, t, j, i)) {
        (None, None) => f.undirected.get(&undirected_key(t, i, j)).copied(),
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

/// Growth of the pair's total trade against the year before: `T_t / T_(t−1) − 1`.
pub fn growth_yoy(f: &Flows, t: i32, i: &str, j: &str) -> Option<f64> {
    let (now, before) = (pair_total(f, t, i, j)?, pair_total(f, t - 1, i, j)?);
    (before > 0.0).then(|| now / before - 1.0)
}

/// Compound annual growth of the pair's total trade between the first and the last year
/// both present: `(T_last / T_first)^(1 / (last − first)) − 1`.
pub fn cagr(f: &Flows, i: &str, j: &str) -> Option<f64> {
    let totals: Vec<(i32, f64)> = f
        .years
        .iter()
        .filter_map(|&t| Some((t, pair_total(f, t, i, j)?)))
        .collect();
    let (&(first, a), &(last, b)) = (totals.first()?, totals.last()?);
    (last > first && a > 0.0 && b >= 0.0).then(|| (b / a).powf(1.0 / f64::from(last - first)) - 1.0)
}

/// Where `i` could sell `j` more: products with `RCA_ik > 1` that `j` imports from the
/// world, valued `m_jk − x_ijk` (what `j` buys of `k` less what it already buys from `i`),
/// positive gaps only, largest first.
pub fn potential(f: &Flows, t: i32, i: &str, j: &str) -> Vec<(String, f64)> {
    potential_of(
        &rca(f, t, i),
        &product_imports(f, t, j),
        &pair_product_exports(f, t, i, j),
    )
}

/// [`potential`] from `i`'s RCA, `j`'s imports and `i`'s exports to `j`, by product.
pub fn potential_of(
    rca: &BTreeMap<String, f64>,
    m: &HashMap<String, f64>,
    already: &HashMap<String, f64>,
) -> Vec<(String, f64)> {
    let mut gaps: Vec<(String, f64)> = rca
        .iter()
        .filter(|(_, r)| **r > 1.0)
        .filter_map(|(k, _)| {
            let gap = m.get(k)? - already.get(k).copied().unwrap_or(0.0);
            (gap > 0.0).then(|| (k.clone(), gap))
        })
        .collect();
    gaps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    gaps
}

/// The product sums the indicators of one reporter `i` (and partner `j`) in one year
/// need, gathered in one pass over the matrix instead of one pass per indicator.
#[derive(Debug, Default)]
pub struct ProductSums {
    /// `x_ik`: `i`'s exports by product.
    pub exports: HashMap<String, f64>,
    /// `x_wk`: the world's exports by product.
    pub world: HashMap<String, f64>,
    /// `m_jk`: `j`'s imports by product (empty without a partner).
    pub partner_imports: HashMap<String, f64>,
    /// `x_ijk`: `i`'s exports to `j` by product (empty without a partner).
    pub to_partner: HashMap<String, f64>,
}

impl ProductSums {
    /// The sums for `i` (and `j`) in year `t`.
    pub fn of(f: &Flows, t: i32, i: &str, j: Option<&str>) -> ProductSums {
        let mut sums = ProductSums::gather(f, t, i, j);
        sums.world = f.world(t).products.clone();
        sums
    }

    /// [`ProductSums::of`] without the world's sums (left empty) for every year, in one
    /// pass over the matrix: what complementarity and concentration over the years need.
    pub fn by_year(f: &Flows, i: &str, j: Option<&str>) -> BTreeMap<i32, ProductSums> {
        let mut out: BTreeMap<i32, ProductSums> = BTreeMap::new();
        for ((y, e, m), products) in f.products.iter() {
            let (of_i, to_j) = (e == i, Some(m.as_str()) == j);
            if of_i || to_j {
                out.entry(*y).or_default().add(f, products, of_i, to_j);
            }
        }
        out
    }

    fn add(&mut self, f: &Flows, products: &[(u32, Reported)], of_i: bool, to_j: bool) {
        for (id, r) in products {
            let Some(v) = r.best() else { continue };
            let code = f.code(*id);
            if of_i {
                add_to(&mut self.exports, code, v);
            }
            if to_j {
                add_to(&mut self.partner_imports, code, v);
                if of_i {
                    add_to(&mut self.to_partner, code, v);
                }
            }
        }
    }

    fn gather(f: &Flows, t: i32, i: &str, j: Option<&str>) -> ProductSums {
        let mut sums = ProductSums::default();
        for ((y, e, m), products) in f.products.iter() {
            let (of_i, to_j) = (e == i, Some(m.as_str()) == j);
            if *y != t || !(of_i || to_j) {
                continue;
            }
            sums.add(f, products, of_i, to_j);
        }
        sums
    }
}
