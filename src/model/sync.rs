//! Locks shared between threads of the app's own work (the years of a span summed on two
//! threads, the summing job and the UI thread).

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, also when a thread panicked while holding it: what it guards is replaced
/// whole, never left half-written, and the panic itself is raised where the thread is
/// joined.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
