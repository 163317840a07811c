//! What one edit of a document of 1,000,000 trade records costs on the UI thread: the
//! command applied through the history (a cell typed in the Tables view, or an edit made
//! elsewhere), and the logic pass that follows it, which for a document this large starts
//! preparing the views off the UI thread. Each measured edit starts when the previous
//! preparation has finished, so every one pays for starting a new one (the worst case).
//! Run with `cargo bench --bench edit_large`.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use trade_explorer::TradeApp;
use trade_explorer::app::Command;
use trade_explorer::model::{Edit, Record, RecordKind};
use trade_explorer::state::CellMove;

#[path = "support/trade_doc.rs"]
mod trade_doc;

/// Lets the background work of the last edit finish (not measured).
fn settle(harness: &mut Harness<'_, TradeApp>) {
    for _ in 0..1000 {
        harness.state_mut().logic_pass();
        if harness.state().pending_jobs() == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn timed(
    harness: &mut Harness<'_, TradeApp>,
    iters: u64,
    command: impl Fn(u64) -> Command,
) -> Duration {
    let mut total = Duration::ZERO;
    for i in 0..iters {
        settle(harness);
        let app = harness.state_mut();
        let started = Instant::now();
        app.apply(command(i));
        app.logic_pass();
        total += started.elapsed();
    }
    total
}

fn edit_large(c: &mut Criterion) {
    let mut group = c.benchmark_group("edit_large");
    group.sample_size(10);
    for rows in [1_000, 1_000_000] {
        let doc = trade_doc::document(rows);
        let template = doc.trade[rows / 2].clone();
        let mut harness = Harness::builder()
            .with_size([1200.0, 800.0])
            .build_eframe(move |cc| TradeApp::with_document(cc, doc));
        harness.run();
        group.bench_function(format!("edit_on_ui_thread_{rows}_records"), |b| {
            b.iter_custom(|iters| {
                timed(&mut harness, iters, |i| {
                    let mut record = template.clone();
                    record.value_usd = Some(i as f64);
                    Command::Edit {
                        edit: Edit::Replace {
                            index: rows / 2,
                            record: Record::Trade(record),
                        },
                        coalesce: None,
                    }
                })
            })
        });
        // Field 6 of a trade record is its value in US dollars.
        group.bench_function(format!("cell_edit_on_ui_thread_{rows}_records"), |b| {
            b.iter_custom(|iters| {
                timed(&mut harness, iters, |i| Command::EditCell {
                    kind: RecordKind::Trade,
                    index: rows / 3,
                    field: 6,
                    text: format!("{}M", i % 1000 + 1),
                    then: CellMove::Stay,
                })
            })
        });
        settle(&mut harness);
    }
    group.finish();
}

criterion_group!(benches, edit_large);
criterion_main!(benches);
