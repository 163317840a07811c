//! Saving when the disk says no: a read-only folder, a full disk, a folder removed while
//! the document is open, a read-only file, a device instead of a file. In every case the
//! old file stays complete and loadable, the document stays unsaved, and the message names
//! the cause.
//!
//! Read-only folders and full disks are real: a read-only bind mount and a small tmpfs,
//! mounted by the test (root, as on the CI machine); without the right to mount, a
//! read-only folder falls back to permissions and the full-disk test says it is skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::wait_for_jobs;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{AutosavePolicy, Command, Origin};
use trade_explorer::io::recovery::read_recovery;
use trade_explorer::model::Edit;
use trade_explorer::{
    Document, SaveError, TradeApp, bundled_document, load_document, save_document,
};

/// A mount made by a test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn run(args: &[&str]) -> bool {
        Process::new("mount")
            .args(args)
            .output()
            .is_ok_and(|out| out.status.success())
    }

    /// A tmpfs of `bytes` at `at`, or None without the right to mount.
    fn tmpfs(at: &Path, bytes: u64) -> Option<Mount> {
        let size = format!("size={bytes}");
        Self::run(&["-t", "tmpfs", "-o", &size, "tmpfs", at.to_str()?])
            .then(|| Mount(at.to_path_buf()))
    }

    /// `at` made read-only by a bind mount over itself.
    fn read_only(at: &Path) -> Option<Mount> {
        let p = at.to_str()?;
        if !Self::run(&["--bind", p, p]) {
            return None;
        }
        let mount = Mount(at.to_path_buf());
        Self::run(&["-o", "remount,ro,bind", p]).then_some(mount)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg("-l").arg(&self.0).output();
    }
}

/// Makes `folder` read-only: a read-only mount when possible, else permissions (which
/// root ignores, so that case needs the mount).
fn make_read_only(folder: &Path) -> Option<Mount> {
    if let Some(mount) = Mount::read_only(folder) {
        return Some(mount);
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    None
}

fn can_write_in(folder: &Path) -> bool {
    let probe = folder.join(".probe");
    let ok = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

/// A document of about `records` trade rows (several hundred KB at 5,000).
fn big_document(records: usize) -> Document {
    let mut doc = common::bundled_with_rows(records);
    doc.title = format!("Big document, {records} more rows");
    doc
}

fn leftovers(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn window(recovery: &Path) -> Harness<'static, TradeApp> {
    let policy = AutosavePolicy {
        quiet: std::time::Duration::from_millis(20),
        interval: std::time::Duration::from_millis(200),
    };
    common::window_with_recovery(recovery, policy)
}

/// Opens `file`, changes its title, saves with Ctrl+S, and checks that the save failed
/// with a message containing `cause`, the document unsaved and its work in the recovery
/// copy.
fn app_save_fails(file: &Path, cause: &str) {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = window(recovery.path());
    harness
        .state_mut()
        .apply(Command::OpenPath(file.to_path_buf()));
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().origin(), &Origin::File(file.to_path_buf()));
    harness.state_mut().apply(Command::Edit {
        edit: Edit::SetTitle("Unsaved work".to_owned()),
        coalesce: None,
    });
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    harness.get_by_label("Could not save");
    harness.get_by_label_contains(cause);
    harness.get_by_label_contains("The file on disk is unchanged and your changes are still here");
    assert!(harness.state().is_dirty(), "the document stays unsaved");
    assert_eq!(harness.state().document().title, "Unsaved work");
    let copy = common::wait_for_autosave(&mut harness);
    assert_eq!(read_recovery(&copy).unwrap().1.title, "Unsaved work");
}

#[test]
fn saving_into_a_read_only_folder_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("docs");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("work.ron");
    save_document(&file, &bundled_document()).unwrap();
    let before = std::fs::read(&file).unwrap();

    let _mount = make_read_only(&folder);
    assert!(
        !can_write_in(&folder),
        "the folder could not be made read-only"
    );
    let err = save_document(&file, &big_document(100)).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("read-only") || message.contains("permission denied"),
        "{message}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before, "old file untouched");
    assert_eq!(load_document(&file).unwrap(), bundled_document());
    app_save_fails(&file, "could not create a temporary file in the folder");
}

#[test]
fn saving_onto_a_full_disk_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let Some(_mount) = Mount::tmpfs(&disk, 512 * 1024) else {
        eprintln!("SKIPPED: no right to mount a tmpfs here (run as root, as CI does)");
        return;
    };
    let file = disk.join("work.ron");
    let old = bundled_document();
    save_document(&file, &old).unwrap();
    let before = std::fs::read(&file).unwrap();
    let new = big_document(2000);
    let new_len = trade_explorer::io::document_to_ron(&new).unwrap().len();
    assert!(
        (300 * 1024..450 * 1024).contains(&new_len),
        "the new version must not fit a full disk but fit an empty one: {new_len}"
    );

    // Fill the disk to different levels, so that the save fails at different steps:
    // writing the new version, copying the backup, or creating the temporary file.
    let filler = disk.join("filler");
    let mut failures = 0;
    for free_kib in [0u64, 4, 8, 16, 32, 64, 128, 256] {
        let _ = std::fs::remove_file(&filler);
        let total = 512 * 1024u64;
        let used = 4096 * before.len().div_ceil(4096) as u64;
        let fill = total.saturating_sub(used + free_kib * 1024);
        if std::fs::write(&filler, vec![0u8; fill as usize]).is_err() {
            // Writing the filler may itself fill the disk a little early; what is written
            // stays, which is what is wanted.
        }
        match save_document(&file, &new) {
            Err(err) => {
                failures += 1;
                let message = err.to_string();
                assert!(
                    message.contains("the disk is full"),
                    "{free_kib} KiB free: {message}"
                );
            }
            Ok(()) => panic!("{free_kib} KiB free: a {new_len}-byte save cannot succeed"),
        }
        assert_eq!(std::fs::read(&file).unwrap(), before, "{free_kib} KiB free");
        assert_eq!(load_document(&file).unwrap(), old);
        let bak = trade_explorer::io::backup_path(&file);
        if bak.exists() {
            assert_eq!(load_document(&bak).unwrap(), old, "the .bak is whole");
        }
        assert!(
            leftovers(&disk).is_empty(),
            "temporary files left: {:?}",
            leftovers(&disk)
        );
    }
    assert_eq!(failures, 8);
    std::fs::remove_file(&filler).unwrap();

    // With room again, the same save works.
    save_document(&file, &new).unwrap();
    assert_eq!(load_document(&file).unwrap(), new);

    // Through the app: full again, the message says so and the work is kept.
    std::fs::write(&file, &before).unwrap();
    let free = {
        let out = Process::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&disk)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .unwrap()
    };
    let _ = std::fs::write(&filler, vec![0u8; free as usize]);
    app_save_fails(&file, "the disk is full");
}

#[test]
fn saving_into_a_folder_removed_while_open_keeps_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("project");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("work.ron");
    save_document(&file, &bundled_document()).unwrap();

    let recovery = tempfile::tempdir().unwrap();
    let mut harness = window(recovery.path());
    harness.state_mut().apply(Command::OpenPath(file.clone()));
    wait_for_jobs(&mut harness);
    harness.state_mut().apply(Command::Edit {
        edit: Edit::SetTitle("Typed after the folder went".to_owned()),
        coalesce: None,
    });
    std::fs::remove_dir_all(&folder).unwrap();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    harness.get_by_label("Could not save");
    harness.get_by_label_contains("does not exist (was it moved or deleted?)");
    assert!(harness.state().is_dirty());
    assert!(!folder.exists(), "the save did not recreate the folder");
    assert_eq!(
        harness.state().document().title,
        "Typed after the folder went"
    );
}

#[test]
fn saving_over_a_read_only_file_keeps_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("locked.ron");
    save_document(&file, &bundled_document()).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = save_document(&file, &Document::new()).unwrap_err();
    assert!(matches!(err, SaveError::ReadOnly { .. }), "{err:?}");
    assert_eq!(load_document(&file).unwrap(), bundled_document());
    app_save_fails(&file, "the file is read-only");
}

#[test]
fn saving_onto_a_device_is_refused_without_touching_it() {
    for device in ["/dev/full", "/dev/null"] {
        let err = save_document(Path::new(device), &bundled_document()).unwrap_err();
        assert!(
            err.to_string().contains("not a regular file"),
            "{device}: {err}"
        );
    }
    assert!(
        !std::fs::read_dir("/dev").unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")),
        "no temporary file was made in /dev"
    );
}
