//! Times what the import targets are about, on one file: load + aggregation (totals per
//! pair and the top products of one pair), reopening from the binary cache, and
//! re-aggregating after the focus country changes. Prints wall times and peak memory.
//!
//! ```sh
//! cargo run --release --example gen_trade_csv -- --layout baci --rows 10000000 --out /tmp/baci.csv
//! cargo run --release --example load_benchmark -- /tmp/baci.csv
//! # then, in a new process as when the app starts again:
//! cargo run --release --example load_benchmark -- --reopen /tmp/baci.csv
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

/// Resident memory of this process now (Linux), in MiB.
fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The cache folder of these runs (the app's own is left alone).
fn bench_cache() -> PathBuf {
    std::env::temp_dir().join("trade-explorer-bench-cache")
}

/// `--reopen FILE`: what the app does when it starts with a dataset cached earlier by a
/// run without `--reopen`: open it from the cache, then the main country's sums.
fn reopen(path: &std::path::Path) {
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let opened = import::open_dataset(path, None, Some(&bench_cache()), &mut |_| {}, &cancel);
    let Ok(opened) = opened else {
        eprintln!("could not open {}", path.display());
        std::process::exit(1);
    };
    let open = started.elapsed();
    let focus = opened.main_country.clone().unwrap_or_default();
    let sums = focus_sums(&opened.outcome.table, &focus);
    println!(
        "reopen: {:.3} s (from the cache: {}); with the sums of {focus} ({} partners): {:.3} s; resident {:.0} MiB, peak {:.0} MiB, {} rows",
        open.as_secs_f64(),
        opened.from_cache,
        sums.len(),
        started.elapsed().as_secs_f64(),
        resident_mib().unwrap_or(f64::NAN),
        peak_mib().unwrap_or(f64::NAN),
        opened.outcome.table.len(),
    );
}

/// `--totals FOLDER`: what linking a Parquet release shows first: each pair's totals per
/// year, read without keeping the rows, then every pair's total.
fn totals(path: &std::path::Path) {
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    // As the app links a release: its fingerprint, the totals, its main country.
    let opened = import::open_totals(path, None, (None, 0), &mut |_| {}, &cancel);
    let outcome = match opened {
        Ok(Some(opened)) => opened.outcome,
        Ok(None) => {
            eprintln!(
                "{} is not a release of Parquet files of six-digit products",
                path.display()
            );
            std::process::exit(1);
        }
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let pairs = pair_totals(&outcome.table);
    let _ = outcome.table.country_blocks();
    println!(
        "totals: {:.3} s; {} rows read, {} rows of totals, {} pairs, total {:.0} USD; peak {:.0} MiB",
        started.elapsed().as_secs_f64(),
        outcome.rows_read,
        outcome.table.len(),
        pairs.len(),
        outcome.table.total_usd(),
        peak_mib().unwrap_or(f64::NAN),
    );
}

/// `--totals FOLDER` or `--reopen FILE`: runs that mode; false for neither.
fn other_mode(args: &mut std::iter::Peekable<impl Iterator<Item = std::ffi::OsString>>) -> bool {
    let mode = match args.peek() {
        Some(a) if a == "--totals" => totals as fn(&std::path::Path),
        Some(a) if a == "--reopen" => reopen,
        _ => return false,
    };
    match args.nth(1) {
        Some(path) => mode(std::path::Path::new(&path)),
        None => eprintln!("usage: load_benchmark [--totals|--reopen] PATH"),
    }
    true
}

fn main() {
    let mut args = std::env::args_os().skip(1).peekable();
    if other_mode(&mut args) {
        return;
    }
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: load_benchmark [--reopen] FILE");
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

    let cache_file = cache::cache_path(&bench_cache(), &path);
    let Ok(fingerprint) = cache::Fingerprint::of(&path) else {
        return;
    };
    let started = Instant::now();
    let main = trade_explorer::model::dataset::main_country(table);
    if let Err(err) = cache::store(&cache_file, &fingerprint, &outcome, main.as_deref()) {
        eprintln!("cache: {err}");
        return;
    }
    let _ = writeln!(out, "cache write: {:.3} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let fingerprint = cache::Fingerprint::of(&path).ok();
    let reopened = fingerprint.and_then(|f| cache::load(&cache_file, &f).ok().flatten());
    let reopen = started.elapsed();
    // What the app shows first: the sums of the main country, read through the stored index.
    let first_view = reopened.as_ref().map(|c| {
        let focus = c.main_country.clone().unwrap_or_default();
        let sums = focus_sums(&c.table, &focus);
        (focus, sums.len())
    });
    let first = started.elapsed();
    let peak_reopen = peak_mib();
    let _ = writeln!(
        out,
        "reopen from cache (memory-mapped): {:.3} s; with the first focus's sums {:?}: {:.3} s; peak {:.0} MiB ({} rows, equal: {})",
        reopen.as_secs_f64(),
        first_view,
        first.as_secs_f64(),
        peak_reopen.unwrap_or(f64::NAN),
        reopened.as_ref().map_or(0, |c| c.table.len()),
        reopened.as_ref().is_some_and(|c| &c.table == table)
    );
    // Kept for `--reopen` (delete the folder when done: it holds a copy of every file).
    let _ = writeln!(out, "cache kept in {}", cache_file.display());
}
