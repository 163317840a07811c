//! Helpers shared by the suites that drive the app through egui_kittest.

// Each test binary includes this module and uses its own subset of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use trade_explorer::TradeApp;

/// Longest a background job (dialog, load, save, import, sums) may take in a test.
const JOB_LIMIT: Duration = Duration::from_secs(20);

/// Steps frames until `done` holds, failing with `what` after [`JOB_LIMIT`].
pub fn step_until(
    harness: &mut Harness<'_, TradeApp>,
    what: &str,
    mut done: impl FnMut(&TradeApp) -> bool,
) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < JOB_LIMIT, "{what}");
        std::thread::sleep(Duration::from_millis(2));
        harness.step();
    }
}

/// Steps frames until background jobs have reported back, then lets the UI settle.
pub fn wait_for_jobs(harness: &mut Harness<'_, TradeApp>) {
    // Deliver the queued input first: it is what starts the job.
    harness.step();
    step_until(harness, "a background job never finished", |app| {
        app.pending_jobs() == 0
    });
    harness.run();
}

/// Names of the files in `dir`, sorted.
pub fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The texts the last frame put on the clipboard.
pub fn copied_texts(harness: &Harness<'_, TradeApp>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}
