//! Output conventions shared by every command: human text on stdout unless
//! `--json`, progress bars on stderr only for a person at a terminal, errors on
//! stderr with their whole cause chain and a hint of what to do next.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressStyle};
use rankday_fund::TrackingStats;
use rankday_io::{Warning, WarningKind};
use rankday_pipeline::Progress;

/// "1 warning", "3 warnings".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub struct Output {
    pub quiet: bool,
    pub json: bool,
    /// The loaded market's warnings, for the `--json` summary.
    warnings: Mutex<Option<serde_json::Value>>,
}

/// Warnings printed per kind before the rest are counted.
const WARNINGS_SHOWN: usize = 5;

impl Output {
    pub fn new(quiet: bool, json: bool) -> Self {
        Output {
            quiet,
            json,
            warnings: Mutex::new(None),
        }
    }

    /// The market's warnings: on stderr (a few of each kind, then a count;
    /// not under `--quiet` or `--json`), and every one of them in the
    /// `--json` summary under `warnings`.
    pub fn warnings(&self, ws: &[Warning]) {
        *self.warnings.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(serde_json::to_value(ws).expect("serialisable"));
        if self.quiet || self.json {
            return;
        }
        let mut shown: BTreeMap<WarningKind, usize> = BTreeMap::new();
        for w in ws {
            let n = shown.entry(w.kind).or_default();
            *n += 1;
            if *n <= WARNINGS_SHOWN {
                eprintln!("warning: {w}");
            }
        }
        for (kind, n) in shown {
            if n > WARNINGS_SHOWN {
                eprintln!(
                    "warning: {} more [{kind}] warnings (`--json` lists them all)",
                    n - WARNINGS_SHOWN
                );
            }
        }
        if !ws.is_empty() {
            eprintln!(
                "warning: {} in all; `--strict` makes them errors",
                count(ws.len(), "warning")
            );
        }
    }

    /// Where the job's long steps show their progress: a bar on stderr,
    /// hidden under `--quiet`, `--json`, in CI (`CI` set) and when stderr
    /// is not a terminal, so logs and pipes stay clean.
    pub fn progress(&self) -> Arc<dyn Progress> {
        let hidden = self.quiet
            || self.json
            || std::env::var_os("CI").is_some()
            || !std::io::stderr().is_terminal();
        Arc::new(Bars {
            hidden,
            bar: Mutex::new(None),
        })
    }

    /// A line of human-readable text (suppressed by `--quiet` and `--json`).
    pub fn say(&self, text: impl AsRef<str>) {
        if !self.quiet && !self.json {
            emit(text.as_ref());
        }
    }

    /// A warning on stderr (suppressed by `--quiet`; under `--json` the
    /// command also lists its warnings in the summary).
    pub fn warn(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", text.as_ref());
        }
    }

    /// The machine-readable summary of a command under `--json`.
    pub fn json_value(&self, v: &serde_json::Value) {
        if self.json {
            let mut v = v.clone();
            let warnings = self.warnings.lock().unwrap_or_else(|e| e.into_inner());
            if let (Some(obj), Some(w)) = (v.as_object_mut(), warnings.as_ref()) {
                obj.insert("warnings".into(), w.clone());
            }
            emit(&serde_json::to_string_pretty(&v).expect("serialisable"));
        }
    }

    /// Tracking statistics, one named line each.
    pub fn stats(&self, s: &TrackingStats) {
        for (k, v) in rankday_pipeline::stats_rows(s) {
            self.say(format!("  {k:<58} {v:>14}"));
        }
    }

    /// The error, cause first as the libraries word it, then any cause it
    /// does not already say (a message that embeds its source is not
    /// followed by the source again); no `(os error N)` numbers.
    pub fn error(&self, err: &anyhow::Error) {
        let mut said = plain(&err.to_string());
        eprintln!("error: {said}");
        for cause in err.chain().skip(1) {
            let c = plain(&cause.to_string());
            if !said.contains(&c) {
                eprintln!("  caused by: {c}");
                said.push_str(&c);
            }
        }
    }
}

/// The progress bar of the step running, if a person watches.
struct Bars {
    hidden: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn bar(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        // A bar is only drawing state: a panic elsewhere must not stop the job.
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn start(&self, what: &str) {
        if self.hidden {
            return;
        }
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} ({eta})")
                .expect("static template")
                .progress_chars("=> "),
        );
        pb.set_message(what.to_string());
        *self.bar() = Some(pb);
    }

    fn update(&self, done: usize, total: usize) {
        if let Some(pb) = self.bar().as_ref() {
            pb.set_length(total as u64);
            pb.set_position(done as u64);
        }
    }

    fn finish(&self) {
        if let Some(pb) = self.bar().take() {
            pb.finish_and_clear();
        }
    }
}

/// A message without the `(os error N)` the standard library appends.
fn plain(msg: &str) -> String {
    let mut s = msg.to_string();
    while let Some(i) = s.find(" (os error ") {
        match s[i..].find(')') {
            Some(j) => s.replace_range(i..i + j + 1, ""),
            None => break,
        }
    }
    s
}

/// Writes a line to stdout. A closed pipe (`rankday ... | head`) ends the
/// process quietly with success, as Unix tools do, instead of panicking.
fn emit(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(1);
    }
}

/// Tracking statistics for `--json`.
pub fn stats_json(s: &TrackingStats) -> serde_json::Value {
    serde_json::json!({
        "days": s.days, "fund_return": s.fund_return, "index_return": s.index_return,
        "fund_return_annualised": s.fund_return_annualised, "index_return_annualised": s.index_return_annualised,
        "tracking_difference": s.tracking_difference, "tracking_difference_annualised": s.tracking_difference_annualised,
        "mean_active_daily": s.mean_active_daily,
        "tracking_error_std_annualised": s.te_std, "tracking_error_rms_annualised": s.te_rms,
        "information_ratio": s.information_ratio, "beta": s.beta,
        "up_capture": s.up_capture, "down_capture": s.down_capture,
    })
}
