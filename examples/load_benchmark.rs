//! Times what the import targets are about, on one file: load + aggregation (totals per
//! pair and the top products of one pair), reopening from the binary cache, and
//! re-aggregating after the focus country changes. Prints wall times and peak memory.
//!
//! ```sh
//! cargo run --release --example gen_trade_csv -- --layout baci --rows 10000000 --out /tmp/baci.csv
//! cargo run --release --example load_benchmark -- /tmp/baci.csv
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use trade_explorer::io::import::{self, cache};
use trade_explorer::model::dataset::{CountryBlocks, focus_sums, pair_products, pair_totals};

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: load_benchmark FILE");
        std::process::exit(2);
    };
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let outcome = match import::import_file(&path, None, &mut |_| {}, &cancel) {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let table = &outcome.table;
    let pairs = pair_totals(table);
    let (r, p) = (table.reporter[0], table.partner[0]);
    let (a, b) = (
        table.countries[usize::from(r)].code.clone(),
        table.countries[usize::from(p)].code.clone(),
    );
    let year = table.year[0];
    let (exports, _) = pair_products(table, &a, &b, year, 6, None);
    let load = started.elapsed();
    let peak_load = peak_mib();
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) ends the output quietly.
    let _ = writeln!(
        out,
        "load + aggregation: {:.3} s; {} rows, {} pairs, top product of {a}->{b} in {year}: {:?}; peak {:.0} MiB; {:.1} bytes/row in columns",
        load.as_secs_f64(),
        table.len(),
        pairs.len(),
        exports.first().map(|e| &e.0),
        peak_load.unwrap_or(f64::NAN),
        table.row_bytes() as f64 / table.len().max(1) as f64,
    );

    let started = Instant::now();
    let index = CountryBlocks::of(table);
    let _ = writeln!(
        out,
        "country index (built with the load above): {:.3} s",
        started.elapsed().as_secs_f64()
    );
    // A focus change in the app: the focus country's sums by partner and year, then the
    // products of the pair with its first partner in the latest year.
    let mut times = Vec::new();
    let countries: Vec<String> = table.countries.iter().map(|c| c.code.clone()).collect();
    for focus in countries
        .iter()
        .skip(1)
        .step_by(countries.len().max(4) / 4)
        .take(3)
    {
        let started = Instant::now();
        let sums = focus_sums(table, focus);
        let partner = sums.keys().next().cloned().unwrap_or_default();
        let year = index.years.map_or(year, |(_, last)| last);
        let _ = pair_products(table, focus, &partner, year, 2, None);
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let _ = writeln!(
        out,
        "re-aggregation for another focus country (sums + a pair's products): {}",
        times
            .iter()
            .map(|t| format!("{t:.1} ms"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let folder = std::env::temp_dir().join("trade-explorer-bench-cache");
    let cache_file = cache::cache_path(&folder, &path);
    let Ok(fingerprint) = cache::Fingerprint::of(&path) else {
        return;
    };
    let started = Instant::now();
    if let Err(err) = cache::store(&cache_file, &fingerprint, &outcome) {
        eprintln!("cache: {err}");
        return;
    }
    let _ = writeln!(out, "cache write: {:.3} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let fingerprint = cache::Fingerprint::of(&path).ok();
    let reopened = fingerprint.and_then(|f| cache::load(&cache_file, &f).ok().flatten());
    let reopen = started.elapsed();
    let _ = writeln!(
        out,
        "reopen from cache: {:.3} s ({} rows, equal: {})",
        reopen.as_secs_f64(),
        reopened.as_ref().map_or(0, |c| c.table.len()),
        reopened.as_ref().is_some_and(|c| &c.table == table)
    );
    let _ = std::fs::remove_file(&cache_file);
}
