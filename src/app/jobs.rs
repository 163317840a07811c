//! The one way the app runs work off the UI thread: a typed channel per kind of work, a
//! named thread per job, and a reply that wakes the UI (`request_repaint`) when it sends a
//! result, so that `App::logic` takes it in at once, even while the window is hidden;
//! progress is posted without waking it (see [`Reply::post`]).

use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui;

/// Where the results of one kind of background work arrive.
pub struct Jobs<T> {
    tx: Sender<T>,
    rx: Receiver<T>,
}

impl<T> Default for Jobs<T> {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self { tx, rx }
    }
}

/// How often a job reports its progress at most. Reports are posted without asking for a
/// frame ([`Reply::post`]): what shows them redraws on its own, slower clock.
pub const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Lets a report through at most once per interval, the first at once.
#[derive(Debug)]
pub struct Every {
    every: std::time::Duration,
    last: Option<std::time::Instant>,
}

impl Every {
    /// At most once per `every`.
    pub fn new(every: std::time::Duration) -> Self {
        Self { every, last: None }
    }

    /// Whether a report is due now (and, if so, counts it as made).
    pub fn due(&mut self) -> bool {
        let now = std::time::Instant::now();
        let due = self
            .last
            .is_none_or(|last| now.duration_since(last) >= self.every);
        if due {
            self.last = Some(now);
        }
        due
    }
}

/// `report` called at most once per [`PROGRESS_EVERY`] (the first call at once): what a
/// job hands to an import as its progress callback.
pub fn throttled<P>(mut report: impl FnMut(&P)) -> impl FnMut(&P) {
    let mut every = Every::new(PROGRESS_EVERY);
    move |p| {
        if every.due() {
            report(p);
        }
    }
}

/// The sending side given to a job: a message sent wakes the UI, a message posted waits
/// for its next frame.
pub struct Reply<T> {
    tx: Sender<T>,
    ctx: egui::Context,
}

impl<T> Clone for Reply<T> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
        }
    }
}

impl<T> Reply<T> {
    /// Delivers `message` and asks for a frame (or a logic pass, when hidden) to take it in.
    pub fn send(&self, message: T) {
        // The receiver only goes away with the app: then there is nobody to tell.
        let _ = self.tx.send(message);
        self.ctx.request_repaint();
    }

    /// Delivers `message` without asking for a frame: for reports that only change what is
    /// drawn (progress), whose display keeps its own clock and takes them in with the next
    /// frame it draws. Every frame costs, and under software rendering (virtual machines,
    /// remote desktops) a frame of this window took ~85 ms of CPU: waking at each report
    /// drew four to five frames a second during an import and made it a fifth slower.
    pub fn post(&self, message: T) {
        // As in `send`: without a receiver there is nobody to tell.
        let _ = self.tx.send(message);
    }
}

impl<T: Send + 'static> Reply<T> {
    /// Runs `work` on a new thread named `name`, reporting through this reply (for work
    /// started where only the reply is at hand, e.g. a screenshot callback).
    pub fn spawn(
        self,
        name: &str,
        work: impl FnOnce(Reply<T>) + Send + 'static,
    ) -> Result<(), String> {
        std::thread::Builder::new()
            .name(format!("trade-explorer-{name}"))
            .spawn(move || work(self))
            .map(|_| ())
            .map_err(|e| format!("could not start a background task: {e}"))
    }
}

impl<T: Send + 'static> Jobs<T> {
    /// A reply handle for work started elsewhere (a callback, a watcher).
    pub fn reply(&self, ctx: &egui::Context) -> Reply<T> {
        Reply {
            tx: self.tx.clone(),
            ctx: ctx.clone(),
        }
    }

    /// Runs `work` on a new thread named `name`; it reports through the reply it is given.
    /// Err says why the thread could not start.
    pub fn spawn(
        &self,
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce(Reply<T>) + Send + 'static,
    ) -> Result<(), String> {
        self.reply(ctx).spawn(name, work)
    }

    /// The results delivered so far, without waiting.
    pub fn drain(&self) -> impl Iterator<Item = T> + '_ {
        self.rx.try_iter()
    }

    /// Waits up to `timeout` for the next result.
    pub fn wait(&self, timeout: std::time::Duration) -> Option<T> {
        self.rx.recv_timeout(timeout).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_let_through_once_per_interval() {
        let mut every = Every::new(std::time::Duration::from_secs(3600));
        assert!(every.due(), "the first report at once");
        assert!(!every.due());
        assert!(!every.due());
        let mut always = Every::new(std::time::Duration::ZERO);
        assert!(always.due() && always.due());
    }

    #[test]
    fn results_arrive_in_order_and_wake_the_ui() {
        let ctx = egui::Context::default();
        let jobs: Jobs<u32> = Jobs::default();
        jobs.spawn("test", &ctx, |reply| {
            reply.send(1);
            reply.send(2);
        })
        .unwrap();
        let first = jobs.wait(std::time::Duration::from_secs(5));
        let second = jobs.wait(std::time::Duration::from_secs(5));
        assert_eq!((first, second), (Some(1), Some(2)));
        assert_eq!(jobs.drain().count(), 0);
    }

    #[test]
    fn progress_posted_waits_for_a_frame_and_results_sent_ask_for_one() {
        let ctx = egui::Context::default();
        let jobs: Jobs<u32> = Jobs::default();
        let reply = jobs.reply(&ctx);
        // A new context asks for its first frames; draw them so that it asks for none.
        for _ in 0..3 {
            let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
            output.textures_delta.clear();
        }
        assert!(!ctx.has_requested_repaint());
        reply.post(1);
        assert!(
            !ctx.has_requested_repaint(),
            "a posted report asks for no frame"
        );
        reply.send(2);
        assert!(ctx.has_requested_repaint(), "a sent result wakes the UI");
        assert_eq!(jobs.drain().collect::<Vec<_>>(), vec![1, 2]);
    }
}
