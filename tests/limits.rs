//! Hostile and broken files are refused or bounded with a clear message: deep nesting,
//! enormous texts, row counts a file cannot hold, files that grow while read, devices and
//! pipes instead of files.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use trade_explorer::io::import::{self, ImportError, cache};
use trade_explorer::io::{LoadError, ParseError, load_document, parse_document};
use trade_explorer::model::dataset::CountryBlocks;
use trade_explorer::{bundled_document, save_document};

fn import(path: &Path) -> Result<import::ImportOutcome, ImportError> {
    import::import_file(path, None, &mut |_| {}, &AtomicBool::new(false))
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    // Run on a thread with a small stack: a recursion the limit failed to stop would
    // overflow it and abort the test binary.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let shapes = [
                format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
                format!("{}{}", "(".repeat(depth), ")".repeat(depth)),
                format!(
                    "(format_version: 1, trade: {}{})",
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
                format!(
                    "(format_version: 1, title: {}\"x\"{})",
                    "Some(".repeat(depth),
                    ")".repeat(depth)
                ),
            ];
            shapes
                .iter()
                .map(|text| parse_document(text).is_err())
                .collect::<Vec<_>>()
        })
        .unwrap();
    let refused = handle
        .join()
        .expect("parsing deep nesting crashed its thread");
    assert_eq!(refused, vec![true; 4]);
}

#[test]
fn enormous_texts_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = bundled_document();
    doc.notes = "x".repeat(3 * 1024 * 1024);
    let path = dir.path().join("huge-notes.ron");
    save_document(&path, &doc).unwrap();
    let err = load_document(&path).unwrap_err();
    assert!(matches!(err, LoadError::TextTooLong { bytes, .. } if bytes == 3 * 1024 * 1024));
    let message = err.to_string();
    assert!(
        message.contains("texts over 1 MiB are refused"),
        "{message}"
    );
    assert!(message.contains("3.1 MB"), "{message}");

    // Long but reasonable texts load, however big the file is.
    let mut fine = common::bundled_with_rows(20_000);
    fine.notes = "y".repeat(900 * 1024);
    save_document(&path, &fine).unwrap();
    assert_eq!(load_document(&path).unwrap(), fine);

    // Escapes count too: the text is measured as read, not as written.
    let text = format!(
        "(format_version: 1, title: \"{}\")",
        "\\n".repeat(1024 * 1024 + 1)
    );
    assert!(matches!(
        parse_document(&text),
        Err(ParseError::TextTooLong(n)) if n > 1024 * 1024
    ));
}

#[test]
fn a_cache_claiming_more_rows_than_it_holds_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("baci.csv");
    std::fs::write(&data, "t,i,j,k,v,q\n2022,586,398,080510,1.5,2\n").unwrap();
    let outcome = import(&data).unwrap();
    let fingerprint = cache::Fingerprint::of(&data).unwrap();
    let cache_file = dir.path().join("data.cache");
    cache::store(&cache_file, &fingerprint, &outcome, None).unwrap();
    assert!(cache::load(&cache_file, &fingerprint).unwrap().is_some());

    let bytes = std::fs::read(&cache_file).unwrap();
    let meta_len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
    let meta = std::str::from_utf8(&bytes[16..16 + meta_len]).unwrap();
    assert!(meta.contains("\"rows\":1,"), "{meta}");
    for claim in ["1000000000", "802032351030850070", "18446744073709551615"] {
        let forged_meta = meta.replace("\"rows\":1,", &format!("\"rows\":{claim},"));
        let mut forged = bytes[..8].to_vec();
        forged.extend_from_slice(&(forged_meta.len() as u64).to_le_bytes());
        forged.extend_from_slice(forged_meta.as_bytes());
        forged.extend_from_slice(&bytes[16 + meta_len..]);
        std::fs::write(&cache_file, &forged).unwrap();
        let started = Instant::now();
        let loaded = cache::load(&cache_file, &fingerprint).unwrap();
        assert!(loaded.is_none(), "a claim of {claim} rows was believed");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

/// A cache cut short, of another format version, with an index past its dictionaries, or
/// not a cache at all, is never trusted: `load` says there is none, so it is rebuilt.
#[test]
fn truncated_foreign_and_damaged_caches_are_rebuilt_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("baci.csv");
    std::fs::write(
        &data,
        "t,i,j,k,v,q\n2022,586,398,080510,1.5,2\n2022,398,586,100199,2.5,1\n",
    )
    .unwrap();
    let outcome = import(&data).unwrap();
    let fingerprint = cache::Fingerprint::of(&data).unwrap();
    let cache_file = dir.path().join("data.cache");
    cache::store(&cache_file, &fingerprint, &outcome, None).unwrap();
    let good = std::fs::read(&cache_file).unwrap();
    let loaded = cache::load(&cache_file, &fingerprint).unwrap().unwrap();
    assert_eq!(loaded.table, outcome.table);
    // Mapped, not read: the columns are views of the file until changed.
    assert!(loaded.table.value.is_shared() && loaded.table.reporter.is_shared());
    assert_eq!(
        loaded.table.country_blocks(),
        &CountryBlocks::of(&outcome.table)
    );

    let mut other_version = good.clone();
    other_version[7] = b'9'; // TXCACHE9: a format this build does not read
    let mut bad_country = good.clone();
    // The columns start at the first multiple of 8 after the header and its metadata;
    // value, product, quantity and year come before the reporters.
    let meta_len = u64::from_le_bytes(good[8..16].try_into().unwrap()) as usize;
    let reporters = (16 + meta_len).next_multiple_of(8) + 2 * (8 + 4 + 4 + 2);
    bad_country[reporters] = 0xff; // reporter index 255 of a 2-country dictionary
    bad_country[reporters + 1] = 0x00;
    let cases: [(&str, Vec<u8>); 5] = [
        ("cut in the columns", good[..good.len() - 3].to_vec()),
        ("cut in the header", good[..20].to_vec()),
        ("another version", other_version),
        ("an index past the dictionary", bad_country),
        ("not a cache", b"t,i,j,k,v,q\n".to_vec()),
    ];
    for (what, bytes) in cases {
        std::fs::write(&cache_file, &bytes).unwrap();
        let loaded = cache::load(&cache_file, &fingerprint);
        assert!(
            matches!(loaded, Ok(None) | Err(_)),
            "{what}: a damaged cache was believed"
        );
    }
    // Written again, it is good again.
    cache::store(&cache_file, &fingerprint, &outcome, None).unwrap();
    assert!(cache::load(&cache_file, &fingerprint).unwrap().is_some());
}

#[test]
fn a_file_growing_while_it_is_imported_is_bounded_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.csv");
    let mut text = String::from("t,i,j,k,v,q\n");
    for i in 0..400_000 {
        text.push_str(&format!("2022,586,398,{:06},1.5,2\n", i % 1000));
    }
    std::fs::write(&path, &text).unwrap();

    // Another program keeps appending, for as long as the import runs and longer.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let path = path.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
            while !stop.load(Ordering::Relaxed) {
                file.write_all(b"2023,586,398,080510,1.5,2\n").unwrap();
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(5));
    let result = import(&path);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    match result {
        Err(err @ ImportError::ChangedWhileReading { .. }) => {
            assert!(err.to_string().contains("changed while it was being read"));
        }
        other => panic!("expected a refusal, got {:?}", other.map(|o| o.rows_read)),
    }
}

#[test]
fn devices_and_pipes_are_not_imported_or_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut paths = vec![Path::new("/dev/zero").to_path_buf()];
    if made {
        paths.push(fifo);
    }
    for path in paths {
        let started = Instant::now();
        assert!(
            matches!(import(&path), Err(ImportError::NotAFile { .. })),
            "{}",
            path.display()
        );
        assert!(
            matches!(load_document(&path), Err(LoadError::NotAFile { .. })),
            "{}",
            path.display()
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no waiting on it"
        );
    }
}

#[test]
fn an_import_never_reserves_more_than_the_row_limit() {
    // A file of nothing but line ends: the first block's density suggests a huge number of
    // rows. The import must finish, bounded, with nothing imported.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newlines.csv");
    let mut bytes = b"t,i,j,k,v,q\n".to_vec();
    bytes.resize(40 * 1024 * 1024, b'\n');
    std::fs::write(&path, &bytes).unwrap();
    let outcome = import(&path).unwrap();
    assert_eq!(outcome.table.len(), 0);
    assert!(outcome.table.year.capacity() <= import::MAX_ROWS);
}
