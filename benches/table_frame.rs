//! CPU time of one frame of the Tables view showing a trade-volume table of 1,000,000 rows,
//! standing still and while scrolling. Run with `cargo bench --bench table_frame`.
//!
//! The document is generated here with a fixed seed: it is benchmark data, not figures.

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use egui_kittest::Harness;
use trade_explorer::TradeApp;

const ROWS: usize = 1_000_000;
#[path = "support/trade_doc.rs"]
mod trade_doc;

use trade_doc::document;

fn table_frame(c: &mut Criterion) {
    let doc = document(ROWS);
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num7);
    harness.run_steps(4);
    assert_eq!(harness.state().table_rows().len(), ROWS);
    let over_table = egui::pos2(800.0, 500.0);
    harness.hover_at(over_table);
    harness.run_steps(2);

    let mut group = c.benchmark_group("tables_view_1m_rows");
    group.sample_size(50);
    group.bench_function("frame", |b| b.iter(|| harness.step()));
    group.bench_function("frame_while_scrolling", |b| {
        let mut down = true;
        let mut frames = 0;
        b.iter(|| {
            frames += 1;
            // Scroll down for a while, then back up, so that the table keeps moving.
            if frames % 200 == 0 {
                down = !down;
            }
            let delta = if down { -3.0 } else { 3.0 };
            harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Line,
                delta: egui::vec2(0.0, delta),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: egui::Modifiers::NONE,
            });
            harness.step();
        });
    });
    group.finish();
}

criterion_group!(benches, table_frame);
criterion_main!(benches);
