//! The `parquet` crate panics on some damaged files instead of answering an error: a
//! footer whose metadata leaves out a value it then unwraps, a column chunk of negative
//! length it asserts against, a page length it slices the file with unchecked (found by
//! mutating the test fixtures a few bytes at a time). A file the user opens must never
//! stop the app, so every call into that crate on a file's bytes runs inside [`guarded`],
//! which turns such a panic into an error saying the file is damaged.
//!
//! The panic's message becomes the error's; it is kept off standard error (where the
//! default hook would print it, as if the program had crashed) by a hook that stays
//! silent on a thread while it is inside [`guarded`] and otherwise hands every panic to
//! the hook that was there before, so that a panic anywhere else is reported as always.

use std::any::Any;
use std::cell::Cell;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`guarded`] calls this thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `read`; a panic inside it comes back as an [`io::ErrorKind::InvalidData`] error
/// saying the file is damaged, with the panic's message.
pub(super) fn guarded<T>(read: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    // Nothing `read` leaves half-done outlives it: the caller drops what it was building
    // when an error comes back, so observing it after an unwind is not possible.
    let result = panic::catch_unwind(AssertUnwindSafe(read));
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    result.unwrap_or_else(|payload| {
        Err(super::parquet::invalid(format!(
            "the file looks damaged: the Parquet reader could not decode it ({})",
            message(payload.as_ref())
        )))
    })
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let before = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                before(info);
            }
        }));
    });
}

/// The text a panic was raised with.
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_an_error_naming_it() {
        let err = guarded::<()>(|| panic!("index 7 out of range")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let text = err.to_string();
        assert!(text.contains("the file looks damaged"), "{text}");
        assert!(text.contains("index 7 out of range"), "{text}");
        assert_eq!(guarded(|| Ok(5)).ok(), Some(5));
        // Outside a guard a panic still unwinds to its own catcher, as before.
        let outside = panic::catch_unwind(|| panic!("elsewhere"));
        assert!(outside.is_err());
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
