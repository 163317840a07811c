//! What autosave costs with a document of 1,000,000 trade records: the snapshot taken on
//! the UI thread (a clone of the document), and the write of the recovery copy that runs
//! on a background thread. Run with `cargo bench --bench autosave`.

use criterion::{Criterion, criterion_group, criterion_main};
use trade_explorer::io::recovery::{RecoveryMeta, RecoveryStore};

#[path = "support/trade_doc.rs"]
mod trade_doc;

fn autosave(c: &mut Criterion) {
    let mut group = c.benchmark_group("autosave");
    group.sample_size(10);
    for rows in [1_000, 1_000_000] {
        let doc = trade_doc::document(rows);
        group.bench_function(format!("snapshot_on_ui_thread_{rows}_records"), |b| {
            b.iter(|| std::hint::black_box(doc.clone()))
        });
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = RecoveryStore::open(dir.path()).expect("a recovery store");
        let meta = RecoveryMeta::now(None, false, None);
        group.bench_function(format!("write_in_background_{rows}_records"), |b| {
            b.iter(|| store.write(&meta, &doc).expect("the copy is written"))
        });
    }
    group.finish();
}

criterion_group!(benches, autosave);
criterion_main!(benches);
