//! A BACI-shaped table generated with a fixed seed (exporter to importer, HS6 products,
//! 200 countries, 5,000 products, 6 years): benchmark data, not figures.

use trade_explorer::model::dataset::{
    DatasetCountry, DatasetLink, DatasetProduct, Layout, RowFlow, TradeTable,
};

use crate::rng::Rng;

/// Roughly log-normal: exp of a sum of uniforms.
fn value(rng: &mut Rng) -> f64 {
    let s: f64 = (0..4)
        .map(|_| (rng.next() % 10_000) as f64 / 10_000.0)
        .sum();
    (8.0 + 3.0 * s).exp()
}

/// `rows` generated rows.
pub fn table(rows: usize) -> TradeTable {
    let codes: Vec<&str> = rust_iso3166::ALL
        .iter()
        .map(|c| c.alpha3)
        .take(200)
        .collect();
    let mut t = TradeTable {
        countries: codes
            .iter()
            .map(|c| DatasetCountry {
                code: (*c).to_owned(),
                name: String::new(),
                world: false,
                unknown: false,
            })
            .collect(),
        products: (0..5000)
            .map(|i| DatasetProduct {
                code: format!("{:02}{:04}", 1 + i % 97, i),
                name: format!("Product {i}"),
            })
            .collect(),
        reconciled: true,
        ..TradeTable::default()
    };
    let mut rng = Rng(0x5eed_0010_0000_0001);
    let n = codes.len();
    t.year.reserve_exact(rows);
    t.reporter.reserve_exact(rows);
    t.partner.reserve_exact(rows);
    t.flow.reserve_exact(rows);
    t.product.reserve_exact(rows);
    t.value.reserve_exact(rows);
    t.quantity.reserve_exact(rows);
    for _ in 0..rows {
        // Skewed towards the first countries, as real trade is.
        let a = rng.below(n).min(rng.below(n));
        let b = (a + 1 + rng.below(n - 1)) % n;
        t.year.push(2018 + rng.below(6) as u16);
        t.reporter.push(a as u16);
        t.partner.push(b as u16);
        t.flow.push(RowFlow::Export as u8);
        t.product.push(rng.below(5000) as u32);
        t.value.push(value(&mut rng));
        t.quantity.push(f32::NAN);
    }
    t.compute_flags();
    t
}

/// A link for the generated table.
pub fn link(rows: usize) -> DatasetLink {
    DatasetLink {
        id: 1,
        name: "generated.csv".into(),
        path: "/nonexistent/generated.csv".into(),
        layout: Layout::Baci,
        mapping: None,
        rows: rows as u64,
        size: 0,
        modified_ns: 0,
        fingerprint: String::new(),
        note: String::new(),
    }
}
