//! Writes a realistic, seeded test file of trade rows for benchmarks and manual tests.
//!
//! ```sh
//! cargo run --release --example gen_trade_csv -- --layout baci --rows 10000000 --out /tmp/baci.csv
//! cargo run --release --example gen_trade_csv -- --layout comtradr --rows 10000000 --out /tmp/ct.csv
//! cargo run --release --example gen_trade_csv -- --layout comtrade --rows 100000 --out /tmp/full.csv
//! ```
//!
//! The figures are random (log-normal values); only the shapes of the files are real.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Layout {
    /// CEPII BACI: t,i,j,k,v,q (numeric country codes, value in thousands).
    Baci,
    /// comtradr's snake_case columns, with product descriptions.
    Comtradr,
    /// UN Comtrade's 47-column CSV.
    Comtrade,
}

#[derive(Parser, Debug)]
#[command(about = "Generate a seeded trade data file")]
struct Args {
    /// File layout.
    #[arg(long, value_enum, default_value = "baci")]
    layout: Layout,
    /// Number of data rows.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of countries (at most the ISO list's).
    #[arg(long, default_value_t = 200)]
    countries: usize,
    /// Number of HS6 products.
    #[arg(long, default_value_t = 5000)]
    products: usize,
    /// First year.
    #[arg(long, default_value_t = 2018)]
    first_year: u16,
    /// Number of years.
    #[arg(long, default_value_t = 6)]
    years: u16,
    /// Rows in the order of CEPII's files (year, exporter, importer, product) instead of
    /// random order: a real release's order, which the country index relies on.
    #[arg(long)]
    sorted: bool,
}

/// One generated row: year, reporter and partner (indices), product, value, export or
/// import, quantity missing.
type Row = (u16, usize, usize, usize, f64, bool, bool);

#[path = "../benches/support/rng.rs"]
mod rng;

use rng::Rng;

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut rng = Rng(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let countries: Vec<_> = rust_iso3166::ALL
        .iter()
        .take(args.countries.max(2))
        .collect();
    let products: Vec<(String, String)> = (0..args.products.max(1))
        .map(|i| {
            let chapter = 1 + (i * 7) % 96;
            let chapter = if chapter >= 77 { chapter + 1 } else { chapter };
            let code = format!("{chapter:02}{:02}{:02}", 1 + (i / 96) % 90, 10 + i % 80);
            let name = format!("Generated product {i}, chapter {chapter:02}");
            (code, name)
        })
        .collect();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
    match args.layout {
        Layout::Baci => writeln!(out, "t,i,j,k,v,q")?,
        Layout::Comtradr => writeln!(
            out,
            "ref_year,reporter_iso,reporter_desc,flow_code,partner_iso,partner_desc,cmd_code,cmd_desc,primary_value"
        )?,
        Layout::Comtrade => writeln!(
            out,
            "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate"
        )?,
    }
    let mut next_row = || -> Row {
        let year = args.first_year + rng.below(usize::from(args.years.max(1))) as u16;
        let r = rng.below(countries.len());
        let p = (r + 1 + rng.below(countries.len() - 1)) % countries.len();
        let product = rng.below(products.len());
        let value = (rng.log_normal(10.0, 2.5) * 100.0).round() / 100.0;
        let export = rng.below(2) == 0;
        // Drawn for BACI only, so other layouts get the rows they always had for a seed.
        let no_quantity = matches!(args.layout, Layout::Baci) && rng.below(10) == 0;
        (year, r, p, product, value, export, no_quantity)
    };
    let rows: Box<dyn Iterator<Item = Row>> = if args.sorted {
        let mut all: Vec<Row> = (0..args.rows).map(|_| next_row()).collect();
        all.sort_by_key(|r| (r.0, countries[r.1].numeric, countries[r.2].numeric, r.3));
        Box::new(all.into_iter())
    } else {
        Box::new((0..args.rows).map(move |_| next_row()))
    };
    for (year, r, p, product, value, export, no_quantity) in rows {
        let (reporter, partner) = (countries[r], countries[p]);
        let (code, name) = &products[product];
        match args.layout {
            Layout::Baci => {
                let q = if no_quantity {
                    String::new()
                } else {
                    format!("{:.3}", value / 1500.0)
                };
                writeln!(
                    out,
                    "{year},{},{},{code},{:.3},{q}",
                    reporter.numeric,
                    partner.numeric,
                    value / 1000.0
                )?;
            }
            Layout::Comtradr => writeln!(
                out,
                "{year},{},\"{}\",{},{},\"{}\",{code},\"{name}\",{value}",
                reporter.alpha3,
                reporter.name,
                if export { "X" } else { "M" },
                partner.alpha3,
                partner.name,
            )?,
            Layout::Comtrade => {
                let (flow, flow_desc) = if export {
                    ("X", "Export")
                } else {
                    ("M", "Import")
                };
                let kg = (value / 3.0).round();
                writeln!(
                    out,
                    "C,A,{year}0101,{year},52,{year},{},{},\"{}\",{flow},{flow_desc},{},{},\"{}\",0,W00,World,H6,HS,True,{code},\"{name}\",6,True,C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,{kg},False,-1,N/A,0,False,{kg},False,0,False,{value},{value},{value},0,True,False",
                    reporter.numeric,
                    reporter.alpha3,
                    reporter.name,
                    partner.numeric,
                    partner.alpha3,
                    partner.name,
                )?;
            }
        }
    }
    out.flush()
}
