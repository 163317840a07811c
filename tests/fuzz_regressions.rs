//! Every input kept under `fuzz/seeds/TARGET/` and `fuzz/regressions/TARGET/` runs through
//! the same entry point as the fuzz target `TARGET` (see `trade_explorer::fuzzing`), so
//! that a crash found once by fuzzing stays fixed in `cargo test`.

use std::path::{Path, PathBuf};

use trade_explorer::fuzzing;

fn inputs(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

#[test]
fn every_fuzz_target_has_an_entry_point_and_seeds() {
    let mut on_disk: Vec<String> = inputs(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let mut known: Vec<String> = fuzzing::TARGETS.iter().map(|s| s.to_string()).collect();
    known.sort();
    assert_eq!(
        on_disk, known,
        "fuzz/fuzz_targets and fuzzing::TARGETS differ"
    );
    for target in fuzzing::TARGETS {
        assert!(
            !inputs(&fuzz_dir().join("seeds").join(target)).is_empty(),
            "no seeds for {target}"
        );
    }
    assert!(!fuzzing::run("no-such-target", b""));
}

#[test]
fn seeds_and_past_crashes_run_cleanly() {
    let mut ran = 0;
    for target in fuzzing::TARGETS {
        for kind in ["seeds", "regressions"] {
            for file in inputs(&fuzz_dir().join(kind).join(target)) {
                let data = std::fs::read(&file).unwrap();
                // A panic here names the file through the test's output.
                eprintln!("{}", file.display());
                assert!(fuzzing::run(target, &data));
                ran += 1;
            }
        }
    }
    assert!(ran >= fuzzing::TARGETS.len());
}
