//! Processes killed with SIGKILL: in the middle of saving (200 times, at random moments),
//! and while editing. The child processes are this test binary itself, running one of the
//! `child_*` entry points below (ignored unless asked for by name).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command as Process, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{AutosavePolicy, Command};
use trade_explorer::model::Edit;
use trade_explorer::{Document, TradeApp, bundled_document, load_document, save_document};

const CHILD_ENV: &str = "TRADE_EXPLORER_FAULT_CHILD";

/// Starts this test binary running the ignored test `name`, with `dir` for its files.
fn spawn_child(name: &str, dir: &Path) -> Child {
    Process::new(std::env::current_exe().unwrap())
        .args([
            name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The folder given to a child, or None when the test runs as a normal test.
fn child_dir() -> Option<PathBuf> {
    std::env::var_os(CHILD_ENV).map(PathBuf::from)
}

/// What follows `marker` in `line` (libtest may print its own words before it).
fn after<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    line.find(marker).map(|at| &line[at + marker.len()..])
}

/// Reads lines until one contains `marker`, returning what follows it.
fn read_until(lines: &mut impl Iterator<Item = std::io::Result<String>>, marker: &str) -> String {
    for line in lines {
        let line = line.unwrap();
        if let Some(rest) = after(&line, marker) {
            return rest.to_owned();
        }
    }
    panic!("the child ended before printing {marker:?}");
}

/// The two versions the saving child writes, alternately: different sizes and contents.
fn versions() -> (Document, Document) {
    let mut a = bundled_document();
    a.title = "Version A".to_owned();
    let mut b = common::bundled_with_rows(4000);
    b.title = "Version B".to_owned();
    (a, b)
}

/// Child: saves version B and version A to the target, one after the other, forever.
#[test]
#[ignore = "run by saves_killed_at_random_moments_leave_a_whole_file"]
fn child_saves_forever() {
    let Some(dir) = child_dir() else { return };
    let target = dir.join("work.ron");
    let (a, b) = versions();
    println!("ready");
    loop {
        save_document(&target, &b).unwrap();
        save_document(&target, &a).unwrap();
    }
}

// The benchmarks' seeded generator, so that a failure can be replayed.
#[path = "../benches/support/rng.rs"]
mod rng;

use rng::Rng;

#[test]
fn saves_killed_at_random_moments_leave_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("work.ron");
    let bak = trade_explorer::io::backup_path(&target);
    let (a, b) = versions();
    let text_a = trade_explorer::io::document_to_ron(&a)
        .unwrap()
        .into_bytes();
    let text_b = trade_explorer::io::document_to_ron(&b)
        .unwrap()
        .into_bytes();
    save_document(&target, &a).unwrap();

    // How long one round of the child's two saves takes here, to spread the kills over it.
    let scratch = dir.path().join("scratch.ron");
    let start = Instant::now();
    save_document(&scratch, &b).unwrap();
    save_document(&scratch, &a).unwrap();
    let round = start.elapsed();
    std::fs::remove_file(&scratch).unwrap();
    std::fs::remove_file(trade_explorer::io::backup_path(&scratch)).unwrap();

    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let (mut saw_a, mut saw_b, mut mid_write) = (0, 0, 0);
    for run in 0..200 {
        let mut child = spawn_child("child_saves_forever", dir.path());
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        read_until(&mut lines, "ready");
        let delay = rng.below((round.as_micros() as usize * 2).max(1));
        std::thread::sleep(Duration::from_micros(delay as u64));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let now = std::fs::read(&target).unwrap();
        assert!(
            now == text_a || now == text_b,
            "run {run}: the file is neither version ({} bytes)",
            now.len()
        );
        if now == text_a {
            saw_a += 1;
        } else {
            saw_b += 1;
        }
        assert!(load_document(&target).is_ok(), "run {run}");
        if bak.exists() {
            let backup = std::fs::read(&bak).unwrap();
            assert!(
                backup == text_a || backup == text_b,
                "run {run}: the backup is neither version ({} bytes)",
                backup.len()
            );
        }
        // Temporary files of a killed save are left behind; they never replace anything.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "tmp") {
                mid_write += 1;
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    // The kills fell on both versions and in the middle of writes, or the test proved
    // nothing.
    assert!(saw_a > 0 && saw_b > 0, "A {saw_a} times, B {saw_b} times");
    assert!(mid_write > 0, "no kill landed during a write");
    println!("200 kills: A {saw_a}, B {saw_b}, {mid_write} temporary files left mid-write");
}

/// The document after `n` edits of the editing child (the parent rebuilds it to compare).
fn after_edits(n: u64) -> Document {
    let mut doc = Document::new();
    for i in 1..=n {
        edit_number(i).apply(&mut doc).unwrap();
    }
    doc
}

fn edit_number(i: u64) -> Edit {
    if i % 2 == 1 {
        Edit::SetTitle(format!("Edit number {i}"))
    } else {
        Edit::SetNotes(format!("Notes after edit {i}\n").repeat(i as usize % 7 + 1))
    }
}

const EDIT_POLICY: AutosavePolicy = AutosavePolicy {
    quiet: Duration::from_millis(5),
    interval: Duration::from_millis(50),
};

fn window(recovery: &Path) -> Harness<'static, TradeApp> {
    common::window_with_recovery(recovery, EDIT_POLICY)
}

/// Child: edits forever, printing the number of each edit once its autosave is on disk.
#[test]
#[ignore = "run by an_app_killed_while_editing_restores_its_last_autosave"]
fn child_edits_forever() {
    let Some(dir) = child_dir() else { return };
    let mut harness = window(&dir);
    for i in 1.. {
        harness.state_mut().apply(Command::Edit {
            edit: edit_number(i),
            coalesce: None,
        });
        common::wait_for_autosave(&mut harness);
        println!("autosaved {i}");
    }
}

#[test]
fn an_app_killed_while_editing_restores_its_last_autosave() {
    let mut rng = Rng(0x0dd_ba11);
    for round in 0..5 {
        let recovery = tempfile::tempdir().unwrap();
        let mut child = spawn_child("child_edits_forever", recovery.path());
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let wait_for = 1 + rng.below(8) as u64;
        let mut last = 0;
        while last < wait_for {
            last = read_until(&mut lines, "autosaved ").trim().parse().unwrap();
        }
        // Kill at once, or a moment later in the middle of further edits.
        std::thread::sleep(Duration::from_micros(rng.below(20_000) as u64));
        child.kill().unwrap();
        child.wait().unwrap();
        // Lines printed before the kill are still in the pipe.
        for line in lines {
            if let Some(n) = after(&line.unwrap(), "autosaved ") {
                last = n.trim().parse().unwrap();
            }
        }

        let mut harness = window(recovery.path());
        common::step_until(&mut harness, "the copy was not offered", |app| {
            app.autosave().offer().is_some()
        });
        harness.run();
        harness.get_by_label("Restore").click();
        harness.run();
        let restored = harness.state().document().clone();
        // The copy holds the last autosave reported, or the one after it when the kill
        // fell between writing the copy and printing its number.
        assert!(
            restored == after_edits(last) || restored == after_edits(last + 1),
            "round {round}: restored {:?}, last autosave reported {last}",
            restored.title
        );
        assert!(harness.state().is_dirty());
    }
}
