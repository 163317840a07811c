//! A generated document of trade records with a fixed seed, shared by the benchmarks
//! (benchmark data, not figures).

use trade_explorer::model::{Document, Flow, Source, TradeVolume};

#[path = "rng.rs"]
mod rng;

use rng::Rng;

const COUNTRIES: [&str; 12] = [
    "PAK", "KAZ", "CHN", "JPN", "USA", "DEU", "IND", "TUR", "UZB", "ARE", "GBR", "FRA",
];

/// `rows` trade records between 12 countries, 2000–2024.
pub fn document(rows: usize) -> Document {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut doc = Document::new();
    doc.title = "Benchmark: generated trade records".into();
    doc.sources.push(Source {
        id: 1,
        title: "Generated for the benchmark".into(),
        publisher: String::new(),
        url: String::new(),
        date: None,
        note: String::new(),
    });
    doc.trade = (0..rows)
        .map(|i| {
            let reporter = rng.below(COUNTRIES.len());
            let partner = (reporter + 1 + rng.below(COUNTRIES.len() - 1)) % COUNTRIES.len();
            TradeVolume {
                id: i as u32 + 1,
                year: Some(2000 + rng.below(25) as i32),
                reporter: COUNTRIES[reporter].into(),
                partner: COUNTRIES[partner].into(),
                flow: [Flow::Export, Flow::Import, Flow::Total][rng.below(3)],
                category: None,
                value_usd: Some((rng.next() % 10_000_000_000) as f64 / 100.0),
                quantity: None,
                source: Some(1),
                note: String::new(),
            }
        })
        .collect();
    doc
}
