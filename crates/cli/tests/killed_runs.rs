//! Run-level atomicity under SIGKILL: `calc` and `demo` are killed at
//! spread-out points of a run on a small market, and `--out` must then hold
//! exactly the previous run's complete set of files or exactly the new
//! run's, byte for byte — never a mixture, never a partial file.
//!
//! Bounded for CI: a 2-year market, five kills of `calc` and three of a
//! 1-year `demo` (about a minute on two busy cores).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn rankday() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rankday"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn ok(args: &[&str]) {
    let o = rankday().args(args).output().expect("spawn rankday");
    assert!(
        o.status.success(),
        "rankday {args:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file under `dir` (hidden ones too: a stray temporary file is a
/// failure), by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut m = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut m);
    }
    m
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (p, q) = (e.path(), to.join(e.file_name()));
        if p.is_dir() {
            copy_tree(&p, &q);
        } else {
            std::fs::copy(&p, &q).unwrap();
        }
    }
}

/// What differs between two snapshots, for the failure message.
fn diff(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let mut v = Vec::new();
    for (k, x) in a {
        match b.get(k) {
            None => v.push(format!("only in the first: {}", k.display())),
            Some(y) if x != y => v.push(format!("differs: {}", k.display())),
            _ => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        v.push(format!("only in the second: {}", k.display()));
    }
    v.join("\n")
}

/// Staging directories of runs on `out` left beside it.
fn stages_beside(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with(&format!(".{name}.rankday-")))
        .collect()
}

/// Runs `prev` then `next` into fresh directories for the two reference
/// sets, then `next` again on copies of the previous set, killing it after
/// each fraction of its run time; checks every killed run's `--out`.
fn kill_at_points(work: &Path, prev: &[&str], next: &[&str], fractions: &[f64]) {
    let with_out = |args: &[&str], out: &Path| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|x| x.to_string()).collect();
        v.extend(["--out".into(), s(out).into(), "-q".into()]);
        v
    };
    let base = work.join("prev");
    ok(&with_out(prev, &base)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let before = snapshot(&base);
    assert!(!before.is_empty());
    let full = work.join("full");
    copy_tree(&base, &full);
    let t0 = Instant::now();
    ok(&with_out(next, &full)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let run_time = t0.elapsed();
    let after = snapshot(&full);
    assert_ne!(before, after, "the two runs must write different sets");

    let (mut old, mut new) = (0, 0);
    for (k, f) in fractions.iter().enumerate() {
        let out = work.join(format!("killed{k}"));
        copy_tree(&base, &out);
        let mut child = rankday()
            .args(with_out(next, &out))
            .spawn()
            .expect("spawn rankday");
        std::thread::sleep(run_time.mul_f64(*f));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let got = snapshot(&out);
        if got == before {
            old += 1;
        } else if got == after {
            new += 1;
        } else {
            panic!(
                "killed after {:.0}% of a run, --out holds neither set:\nagainst the previous set:\n{}\nagainst the new set:\n{}",
                100.0 * f,
                diff(&before, &got),
                diff(&after, &got)
            );
        }
    }
    eprintln!(
        "{next:?}: {} kills, {old} left the previous set, {new} the new one (run {:.1}s)",
        fractions.len(),
        run_time.as_secs_f64()
    );
    // The next run on a killed directory removes what the killed one left
    // beside it, and publishes as usual.
    let last = work.join(format!("killed{}", fractions.len() - 1));
    ok(&with_out(next, &last)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(snapshot(&last), after);
    assert!(
        stages_beside(&last).is_empty(),
        "abandoned staging left: {:?}",
        stages_beside(&last)
    );
}

#[test]
fn a_killed_calc_leaves_the_previous_or_the_new_set() {
    let work = tempfile::tempdir().unwrap();
    let m = work.path().join("market");
    ok(&[
        "generate",
        "--years",
        "2",
        "--seed",
        "3",
        "--out",
        s(&m),
        "-q",
    ]);
    let prev = [
        "calc",
        "--market",
        s(&m),
        "--format",
        "csv",
        "--index",
        "R2000",
        "--constituents-at",
        "2026-06-30",
    ];
    let next = ["calc", "--market", s(&m), "--format", "parquet"];
    kill_at_points(work.path(), &prev, &next, &[0.05, 0.3, 0.55, 0.8, 0.95]);
}

#[test]
fn a_killed_demo_leaves_the_previous_or_the_new_set() {
    let work = tempfile::tempdir().unwrap();
    let prev = ["demo", "--years", "1", "--seed", "3"];
    let next = ["demo", "--years", "1", "--seed", "4", "--regenerate"];
    kill_at_points(work.path(), &prev, &next, &[0.2, 0.6, 0.9]);
}
