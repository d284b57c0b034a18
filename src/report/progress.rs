//! Progress display for long work (loading a tenant inventory): an indicatif bar or spinner
//! on stderr, only when stderr is a terminal; otherwise nothing at all.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A bar (known length) or spinner (unknown length); inert when stderr is not a terminal.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// No display (for work too short to need one).
    pub fn hidden() -> Progress {
        Progress(None)
    }

    fn enabled() -> bool {
        std::io::stderr().is_terminal()
    }

    /// A spinner counting items: "reading assignments.json  350,000 role assignments".
    pub fn counter(message: &str, unit: &'static str) -> Progress {
        if !Progress::enabled() {
            return Progress(None);
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(&format!(
            "{{spinner}} {{msg}}  {{human_pos}} {unit}  [{{elapsed}}]"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
        pb.set_style(style);
        pb.set_message(message.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(pb))
    }

    /// A bar of known length: "expanding roles [=====>    ] 1,200/5,928".
    pub fn bar(message: &str, len: u64) -> Progress {
        if !Progress::enabled() {
            return Progress(None);
        }
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        pb.set_style(style);
        pb.set_message(message.to_string());
        Progress(Some(pb))
    }

    pub fn set(&self, pos: u64) {
        if let Some(pb) = &self.0 {
            pb.set_position(pos);
        }
    }

    pub fn set_length(&self, len: u64) {
        if let Some(pb) = &self.0 {
            pb.set_length(len);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
