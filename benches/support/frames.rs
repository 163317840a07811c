//! Helpers of the frame benchmarks: wait for background work, read percentiles.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use trade_explorer::TradeApp;

/// Steps frames until no background job or analysis runs (at most two minutes).
pub fn wait(harness: &mut Harness<'_, TradeApp>) {
    harness.step();
    let start = Instant::now();
    while (harness.state().pending_jobs() > 0 || harness.state().analysing())
        && start.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(2));
        harness.step();
    }
    harness.step();
}

/// The `p` percentile (0–1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The number in environment variable `name` (such as `ROWS`), else `default`.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}
