//! CPU time of Map view frames with every country drawn and the pointer moving over the
//! map (target 4 ms per frame), and of the frames that rebuild the map's mesh (a new
//! measure or zoom). Run with `cargo bench --bench map_frame`; `ROWS=` sets the size of
//! the generated dataset (default 1,000,000 rows: 200 countries, each a partner of the
//! focus country, so that 200 of the 241 shapes are coloured).

use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use trade_explorer::TradeApp;
use trade_explorer::app::{Command, View};
use trade_explorer::model::Document;
use trade_explorer::model::geo::choropleth::Measure;

#[path = "support/frames.rs"]
mod frames;
#[path = "support/generated.rs"]
mod generated;
#[path = "support/rng.rs"]
mod rng;

use frames::{env_or, percentile, wait};

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name}\t{:.2}\t{:.2}\t{:.2}\t{}",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        times.len()
    );
}

fn main() {
    let rows: usize = env_or("ROWS", 1_000_000);
    let frames: usize = env_or("FRAMES", 600);
    let table = Arc::new(generated::table(rows));
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, Document::new()));
    harness
        .state_mut()
        .link_dataset(generated::link(table.len()), table);
    wait(&mut harness);
    harness.state_mut().apply(Command::ShowView(View::Map));
    wait(&mut harness);
    let coloured = harness.state().explore().map.values.len();
    eprintln!("{coloured} countries coloured");

    println!("frames\tmedian_ms\tp99_ms\tmax_ms\tframes");
    let mut moving = Vec::with_capacity(frames);
    for i in 0..frames {
        // Sweep the map area (left of the list) row by row.
        let x = 300.0 + (i % 50) as f32 * 16.0;
        let y = 160.0 + (i / 50 % 25) as f32 * 20.0;
        harness.hover_at(egui::pos2(x, y));
        let t = Instant::now();
        harness.step();
        moving.push(t.elapsed());
    }
    report("pointer moving", moving);

    let mut rebuilt = Vec::new();
    for i in 0..60 {
        let measure = Measure::ALL[i % Measure::ALL.len()];
        harness.state_mut().ui_state_mut().map.choice.measure = measure;
        harness.hover_at(egui::pos2(600.0, 300.0 + (i % 2) as f32));
        let t = Instant::now();
        harness.step();
        rebuilt.push(t.elapsed());
    }
    report("new measure (figures and mesh rebuilt)", rebuilt);

    let mut zoomed = Vec::new();
    for i in 0..60 {
        harness.state_mut().ui_state_mut().map.zoom = 1.0 + (i % 10) as f32 * 0.3;
        let t = Instant::now();
        harness.step();
        zoomed.push(t.elapsed());
    }
    report("zoom (mesh rebuilt)", zoomed);
}
