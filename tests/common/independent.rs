//! What the independent checks share: a deterministic generator for their files, and the
//! Python interpreter that runs the pandas scripts of `tests/independent/`.

use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift), so that every run checks the same files.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// A value with cents, as files give them.
    pub fn value(&mut self) -> f64 {
        (self.next() % 10_000_000) as f64 / 100.0
    }
}

/// The interpreter of `.venv` (created by `.ci/run`) or `TRADE_EXPLORER_PYTHON`. Without
/// either: `None` with a note that the check was skipped, and a failure under CI (`CI`
/// set), where the check must run.
pub fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TRADE_EXPLORER_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        return Some(venv);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the pandas check: .ci/run creates .venv"
    );
    eprintln!("skipped: no .venv/bin/python and no TRADE_EXPLORER_PYTHON (see .ci/run)");
    None
}
