//! Times the Analysis view's work on more linked rows than one trade matrix holds (a
//! whole BACI release): the span of the data (every pair's totals and the world's product
//! sums of every year, at the three HS levels), then, for several focus countries with a
//! partner, their own flows and the figures, as after a change of focus. Prints wall
//! times, the rows each focus reads and peak memory.
//!
//! ```sh
//! cargo run --release --example span_benchmark -- /tmp/rel29 PAK:KAZ USA:CHN DEU:FRA
//! ```
//!
//! The dataset is opened through the benchmarks' cache (`load_benchmark`'s), so a second
//! run reads it in seconds.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use trade_explorer::io::import;
use trade_explorer::model::indicators::{self, MATRIX_MAX_ROWS, Span};

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kib.map_or(f64::NAN, |k| k / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: span_benchmark FILE|FOLDER [FOCUS:PARTNER ...]");
        std::process::exit(2);
    };
    let pairs: Vec<String> = args.collect();
    let cache = std::env::temp_dir().join("trade-explorer-bench-cache");
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let opened = match import::open_dataset(&path, None, Some(&cache), &mut |_| {}, &cancel) {
        Ok(opened) => opened,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let table = &opened.outcome.table;
    println!(
        "opened {} rows in {:.1} s (from the cache: {}); peak {:.0} MiB",
        table.len(),
        started.elapsed().as_secs_f64(),
        opened.from_cache,
        peak_mib()
    );
    let tables = [table];
    let by_year = indicators::rows_by_year(tables);
    let latest = by_year.keys().next_back().copied();
    let started = Instant::now();
    let mut first = None;
    let span = Span::of(
        std::iter::empty(),
        &tables,
        by_year,
        latest,
        MATRIX_MAX_ROWS,
        &[2, 4, 6],
        |partial| {
            if first.is_none() && latest.is_some_and(|t| partial.summed().contains(&t)) {
                first = Some(started.elapsed());
            }
            ControlFlow::Continue(None)
        },
    );
    let Some(span) = span else { return };
    println!(
        "span of {} years at HS2/4/6: the latest year summed after {:.1} s, every year after {:.1} s; peak {:.0} MiB",
        span.all().len(),
        first.unwrap_or_default().as_secs_f64(),
        started.elapsed().as_secs_f64(),
        peak_mib()
    );
    for pair in &pairs {
        let countries: Vec<&str> = pair.split(':').collect();
        let started = Instant::now();
        let rows: usize = indicators::rows_touching(tables, &countries).values().sum();
        let mut built = Vec::new();
        let years = indicators::ALL_YEARS;
        indicators::focused_levels(
            std::iter::empty(),
            &tables,
            &countries,
            &years,
            &[2, 4, 6],
            |f| {
                built.push(f);
                ControlFlow::Continue(())
            },
        );
        let focused = started.elapsed();
        let flows = span.flows(&built[0]);
        let figures = indicators::figures(
            &flows,
            countries[0],
            countries.get(1).copied(),
            latest.unwrap_or(0),
        );
        let total = figures
            .iter()
            .find(|f| f.indicator == "total")
            .map(|f| f.value.clone());
        println!(
            "{pair}: {rows} rows of theirs; flows at three levels {:.2} s, with the figures {:.2} s; total {:?}; peak {:.0} MiB",
            focused.as_secs_f64(),
            started.elapsed().as_secs_f64(),
            total,
            peak_mib()
        );
    }
}
