//! How long the Analysis view takes to show new figures on a 10,000,000-row dataset
//! (target: 300 ms after a change of focus, partner, year or level once the trade matrix
//! of the level is built), and the one-off time to build that matrix. Run with
//! `cargo bench --bench analysis`; `ROWS=1000000` for a quicker run. Frame times of the
//! view are in `dataset_frame`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use trade_explorer::TradeApp;
use trade_explorer::app::{Command, View};
use trade_explorer::model::Document;

#[path = "support/generated.rs"]
mod generated;
#[path = "support/rng.rs"]
mod rng;

/// Steps frames until the figures for the current choice are in; the time it took.
fn until_computed(harness: &mut Harness<'_, TradeApp>) -> Duration {
    let start = Instant::now();
    harness.step();
    while (harness.state().analysing() || harness.state().pending_jobs() > 0)
        && start.elapsed() < Duration::from_secs(300)
    {
        std::thread::sleep(Duration::from_millis(1));
        harness.step();
    }
    start.elapsed()
}

fn main() {
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000_000);
    let table = Arc::new(generated::table(rows));
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, Document::new()));
    harness
        .state_mut()
        .link_dataset(generated::link(table.len()), table);
    until_computed(&mut harness);
    let partners: Vec<String> = harness
        .state()
        .explore()
        .partners
        .iter()
        .take(3)
        .map(|p| p.code.clone())
        .collect();
    let focus = harness
        .state()
        .navigation()
        .page
        .focus
        .clone()
        .unwrap_or_default();
    harness.state_mut().apply(Command::ShowView(View::Analysis));
    println!("step\tms\tfigures shown for");
    let start = Instant::now();
    while harness.state().analysis().key.is_none() && start.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(Duration::from_millis(1));
        harness.step();
    }
    let first = start.elapsed();
    println!(
        "open the view: first figures (HS2 matrix of {rows} rows)\t{:.0}",
        first.as_secs_f64() * 1e3
    );
    until_computed(&mut harness);
    println!(
        "open the view: HS4 and HS6 matrices built too\t{:.0}",
        start.elapsed().as_secs_f64() * 1e3
    );
    type Change = Box<dyn FnOnce(&mut TradeApp)>;
    let mut changes: Vec<(String, Change)> = Vec::new();
    for partner in partners.clone() {
        changes.push((
            format!("partner {partner}"),
            Box::new(move |app| app.apply(Command::OpenPartner(partner))),
        ));
    }
    for level in [4, 6, 2] {
        changes.push((
            format!("level HS{level}"),
            Box::new(move |app| app.ui_state_mut().analysis.level = level),
        ));
    }
    for year in [Some(2019), None] {
        changes.push((
            format!("year {year:?}"),
            Box::new(move |app| app.ui_state_mut().analysis.year = year),
        ));
    }
    if let Some(other) = partners.first().cloned() {
        changes.push((
            format!("focus {other}"),
            Box::new(move |app| app.apply(Command::SetFocus(other))),
        ));
        changes.push((
            format!("focus {focus}"),
            Box::new(move |app| app.apply(Command::SetFocus(focus))),
        ));
    }
    let mut worst = Duration::ZERO;
    for (what, change) in changes {
        change(harness.state_mut());
        let took = until_computed(&mut harness);
        worst = worst.max(took);
        let key = harness.state().analysis().key.clone();
        let shown =
            key.map(|k| format!("{:?} {:?} {:?} HS{}", k.focus, k.partner, k.year, k.level));
        println!(
            "{what}\t{:.0}\t{}",
            took.as_secs_f64() * 1e3,
            shown.unwrap_or_default()
        );
    }
    println!(
        "worst change with the matrix built: {:.0} ms (target 300)",
        worst.as_secs_f64() * 1e3
    );
}
