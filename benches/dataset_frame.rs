//! CPU time of one frame of every view with a 10,000,000-row dataset linked, measured frame
//! by frame so that the median and the 99th percentile can be reported (the targets are
//! 4 ms and 8 ms). Run with `cargo bench --bench dataset_frame`; `ROWS=1000000` for a
//! quicker run; `DATASET=FILE_OR_FOLDER` to link a real file, folder or zip instead (read
//! through the binary cache in the temporary folder, so a second run reopens it mapped).
//!
//! The rows are generated here with a fixed seed, in BACI's shape (exporter → importer,
//! HS6 products, 200 countries, 5,000 products, 6 years): benchmark data, not figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use trade_explorer::TradeApp;
use trade_explorer::app::{Command, View};
use trade_explorer::model::Document;
use trade_explorer::model::dataset::RowFilter;

#[path = "support/frames.rs"]
mod frames;
#[path = "support/generated.rs"]
mod generated;
#[path = "support/rng.rs"]
mod rng;

use frames::{env_or, percentile, wait};
use generated::{link, table};

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we do not need.
    let rows: usize = env_or("ROWS", 10_000_000);
    let frames: usize = env_or("FRAMES", 300);
    let started = Instant::now();
    let table = Arc::new(match std::env::var_os("DATASET") {
        Some(path) => open(std::path::Path::new(&path)),
        None => table(rows),
    });
    eprintln!(
        "{} rows ({} MB of columns) ready in {:.1} s",
        table.len(),
        table.row_bytes() / 1_000_000,
        started.elapsed().as_secs_f64()
    );
    let link = link(table.len());
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, Document::new()));
    harness.state_mut().link_dataset(link, table);
    wait(&mut harness);
    let focus = harness.state().navigation().page.focus.clone();
    let partner = harness
        .state()
        .explore()
        .partners
        .first()
        .map(|p| p.code.clone());
    if let Some(partner) = partner {
        harness.state_mut().apply(Command::OpenPartner(partner));
    }
    wait(&mut harness);
    eprintln!(
        "focus {focus:?}, {} partners",
        harness.state().explore().partners.len()
    );

    println!("view\tmedian_ms\tp99_ms\tmax_ms\tframes");
    let mut worst = (Duration::ZERO, Duration::ZERO);
    // Every view, then the rows table of the dataset itself (all ten million rows).
    let pages = View::ALL.into_iter().map(Some).chain([None]);
    for page in pages {
        let name = match page {
            Some(view) => {
                harness.state_mut().apply(Command::ShowView(view));
                format!("{view:?}")
            }
            None => {
                harness
                    .state_mut()
                    .apply(Command::ShowDatasetRows(0, RowFilter::default()));
                "Dataset rows".to_owned()
            }
        };
        wait(&mut harness);
        let mut times = Vec::with_capacity(frames);
        for i in 0..frames {
            // Move the pointer across the central area: hover tooltips and highlights are
            // part of ordinary frames.
            let x = 400.0 + (i % 40) as f32 * 22.0;
            let y = 150.0 + (i % 25) as f32 * 26.0;
            harness.hover_at(egui::pos2(x, y));
            let t = Instant::now();
            harness.step();
            times.push(t.elapsed());
        }
        times.sort();
        let (median, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
        worst = (worst.0.max(median), worst.1.max(p99));
        println!(
            "{name}\t{:.2}\t{:.2}\t{:.2}\t{frames}",
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
        );
    }
    println!(
        "worst view: median {:.2} ms (target 4), p99 {:.2} ms (target 8)",
        worst.0.as_secs_f64() * 1e3,
        worst.1.as_secs_f64() * 1e3
    );
}

/// A data file, folder or zip, opened as the app opens it (from the cache when it has one).
fn open(path: &std::path::Path) -> trade_explorer::model::dataset::TradeTable {
    let cache = std::env::temp_dir().join("trade-explorer-bench-cache");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    match trade_explorer::io::import::open_dataset(path, None, Some(&cache), &mut |_| {}, &cancel) {
        Ok(opened) => {
            eprintln!("from the cache: {}", opened.from_cache);
            opened.outcome.table
        }
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    }
}
