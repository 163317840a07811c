//! Property tests of the command path: any sequence of edits, undone, gives back the
//! original document exactly; redone, gives the edited one; and any document saved and
//! loaded again, or written as a recovery copy and read back, is equal to itself.

use proptest::prelude::*;
use trade_explorer::app::History;
use trade_explorer::model::{
    Document, Edit, Fact, Flow, Quantity, Record, RecordKind, Source, TradeVolume,
};
use trade_explorer::{bundled_document, load_document, save_document};

/// An edit described by numbers, turned into a valid `Edit` against the document of the
/// moment (row selectors are taken modulo the list length).
#[derive(Debug, Clone)]
enum Op {
    Title(String),
    Notes(String),
    ReplaceTrade(usize, TradeVolume),
    InsertTrade(usize, TradeVolume),
    RemoveTrade(Vec<usize>),
    InsertSource(usize, Source),
    RemoveFact(usize),
    ReplaceFact(usize, Fact),
    Batch(Box<Op>, Box<Op>),
}

fn text() -> impl Strategy<Value = String> {
    // Any characters, including quotes, backslashes, newlines and control characters.
    prop_oneof![
        ".{0,12}",
        "[\"'#\\\\\n\r\t a-z]{0,12}",
        Just("r#\"raw\"#".to_owned()),
    ]
}

fn money() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(Some),
        (0u64..10_000_000_000).prop_map(|v| Some(v as f64 / 100.0)),
    ]
}

fn trade() -> impl Strategy<Value = TradeVolume> {
    (
        any::<u32>(),
        proptest::option::of(any::<i32>()),
        ("[A-Z]{3}", "[A-Z]{3}"),
        prop_oneof![Just(Flow::Export), Just(Flow::Import), Just(Flow::Total)],
        proptest::option::of(text()),
        money(),
        proptest::option::of((
            any::<f64>().prop_filter("finite", |v| v.is_finite()),
            text(),
        )),
        proptest::option::of(any::<u32>()),
        text(),
    )
        .prop_map(
            |(id, year, (reporter, partner), flow, category, value_usd, quantity, source, note)| {
                TradeVolume {
                    id,
                    year,
                    reporter,
                    partner,
                    flow,
                    category,
                    value_usd,
                    quantity: quantity.map(|(amount, unit)| Quantity { amount, unit }),
                    source,
                    note,
                }
            },
        )
}

fn source() -> impl Strategy<Value = Source> {
    (any::<u32>(), text(), text(), text()).prop_map(|(id, title, publisher, note)| Source {
        id,
        title,
        publisher,
        url: String::new(),
        date: None,
        note,
    })
}

fn fact() -> impl Strategy<Value = Fact> {
    (
        any::<u32>(),
        proptest::collection::vec("[A-Z]{3}", 0..3),
        text(),
        text(),
    )
        .prop_map(|(id, countries, topic, text)| Fact {
            id,
            countries,
            topic,
            text,
            source: None,
        })
}

fn op() -> impl Strategy<Value = Op> {
    let leaf = prop_oneof![
        text().prop_map(Op::Title),
        text().prop_map(Op::Notes),
        (any::<usize>(), trade()).prop_map(|(i, t)| Op::ReplaceTrade(i, t)),
        (any::<usize>(), trade()).prop_map(|(i, t)| Op::InsertTrade(i, t)),
        proptest::collection::vec(any::<usize>(), 1..4).prop_map(Op::RemoveTrade),
        (any::<usize>(), source()).prop_map(|(i, s)| Op::InsertSource(i, s)),
        any::<usize>().prop_map(Op::RemoveFact),
        (any::<usize>(), fact()).prop_map(|(i, f)| Op::ReplaceFact(i, f)),
    ];
    leaf.prop_recursive(2, 8, 2, |inner| {
        (inner.clone(), inner).prop_map(|(a, b)| Op::Batch(Box::new(a), Box::new(b)))
    })
}

/// The edit `op` stands for against `doc`, or `None` when it cannot apply (an empty list).
fn to_edit(doc: &Document, op: &Op) -> Option<Edit> {
    let pick = |i: usize, len: usize| (len > 0).then(|| i % len);
    Some(match op {
        Op::Title(t) => Edit::SetTitle(t.clone()),
        Op::Notes(t) => Edit::SetNotes(t.clone()),
        Op::ReplaceTrade(i, t) => Edit::Replace {
            index: pick(*i, doc.trade.len())?,
            record: Record::Trade(t.clone()),
        },
        Op::InsertTrade(i, t) => {
            Edit::Insert(vec![(i % (doc.trade.len() + 1), Record::Trade(t.clone()))])
        }
        Op::RemoveTrade(sels) => Edit::Remove {
            kind: RecordKind::Trade,
            indices: sels
                .iter()
                .filter_map(|i| pick(*i, doc.trade.len()))
                .collect(),
        },
        Op::InsertSource(i, s) => Edit::Insert(vec![(
            i % (doc.sources.len() + 1),
            Record::Source(s.clone()),
        )]),
        Op::RemoveFact(i) => Edit::Remove {
            kind: RecordKind::Fact,
            indices: vec![pick(*i, doc.facts.len())?],
        },
        Op::ReplaceFact(i, f) => Edit::Replace {
            index: pick(*i, doc.facts.len())?,
            record: Record::Fact(f.clone()),
        },
        Op::Batch(a, b) => {
            // The second edit is chosen against the document after the first.
            let first = to_edit(doc, a)?;
            let mut after = doc.clone();
            first.clone().apply(&mut after).ok()?;
            let second = to_edit(&after, b)?;
            Edit::Batch(vec![first, second])
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn undo_all_gives_back_the_original_and_redo_all_the_result(ops in proptest::collection::vec(op(), 0..25)) {
        let original = bundled_document();
        let mut doc = original.clone();
        let mut history = History::new_saved();
        let mut applied = 0;
        for op in &ops {
            if let Some(edit) = to_edit(&doc, op)
                && history.apply(&mut doc, edit, None).is_ok()
            {
                applied += 1;
            }
        }
        let edited = doc.clone();
        for _ in 0..applied {
            prop_assert!(history.undo(&mut doc));
        }
        prop_assert!(!history.undo(&mut doc));
        prop_assert_eq!(&doc, &original);
        prop_assert!(!history.is_dirty());
        for _ in 0..applied {
            prop_assert!(history.redo(&mut doc));
        }
        prop_assert_eq!(&doc, &edited);
    }

    #[test]
    fn saving_and_loading_after_any_edits_gives_an_equal_document(ops in proptest::collection::vec(op(), 0..15)) {
        let mut doc = bundled_document();
        for op in &ops {
            if let Some(edit) = to_edit(&doc, op) {
                let _ = edit.apply(&mut doc);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.ron");
        save_document(&path, &doc).unwrap();
        let loaded = load_document(&path).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(loaded, doc);
    }

    #[test]
    fn a_recovery_copy_after_any_edits_restores_an_equal_document(ops in proptest::collection::vec(op(), 0..15)) {
        use trade_explorer::io::recovery::{RecoveryMeta, RecoveryStore, read_recovery};
        let mut doc = bundled_document();
        for op in &ops {
            if let Some(edit) = to_edit(&doc, op) {
                let _ = edit.apply(&mut doc);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let store = RecoveryStore::open(dir.path()).unwrap();
        let meta = RecoveryMeta::now(Some(dir.path().join("x.ron")), false, None);
        store.write(&meta, &doc).unwrap();
        let (read_meta, restored) = read_recovery(&store.copy_path()).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(read_meta, meta);
        prop_assert_eq!(restored, doc);
    }
}
