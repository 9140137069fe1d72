//! Output conventions shared by every command: human text on stdout unless
//! `--json`, progress bars on stderr only for a person at a terminal, errors on
//! stderr with their whole cause chain and a hint of what to do next.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Output {
    pub quiet: bool,
    pub json: bool,
}

impl Output {
    pub fn new(quiet: bool, json: bool) -> Self {
        Output { quiet, json }
    }

    /// Progress bars are hidden under `--quiet`, `--json`, in CI (`CI` set) and
    /// when stderr is not a terminal, so logs and pipes stay clean.
    pub fn progress(&self, len: u64, what: &str) -> ProgressBar {
        let hidden = self.quiet
            || self.json
            || std::env::var_os("CI").is_some()
            || !std::io::stderr().is_terminal();
        if hidden {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new(len);
        pb.set_style(
            ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} ({eta})")
                .expect("static template")
                .progress_chars("=> "),
        );
        pb.set_message(what.to_string());
        pb
    }

    /// A line of human-readable text (suppressed by `--quiet` and `--json`).
    pub fn say(&self, text: impl AsRef<str>) {
        if !self.quiet && !self.json {
            emit(text.as_ref());
        }
    }

    /// The machine-readable summary of a command under `--json`.
    pub fn json_value(&self, v: &serde_json::Value) {
        if self.json {
            emit(&serde_json::to_string_pretty(v).expect("serialisable"));
        }
    }

    pub fn error(&self, err: &anyhow::Error) {
        eprintln!("error: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
    }
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

/// `$4.6B`-style money, for summaries.
pub fn usd(x: f64) -> String {
    let a = x.abs();
    let (v, s) = if a >= 1e12 {
        (x / 1e12, "T")
    } else if a >= 1e9 {
        (x / 1e9, "B")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e3 {
        (x / 1e3, "K")
    } else {
        (x, "")
    };
    if a >= 1e3 {
        format!("${v:.2}{s}")
    } else {
        format!("${v:.2}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn usd_formats_scales() {
        assert_eq!(super::usd(4.6e9), "$4.60B");
        assert_eq!(super::usd(53.0e12), "$53.00T");
        assert_eq!(super::usd(-150e6), "$-150.00M");
        assert_eq!(super::usd(12.5), "$12.50");
    }
}
