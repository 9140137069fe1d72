//! Every case of `tests/cases/` against its expected files (see the crate
//! doc and `tests/cases/README.md`). `BLESS=1` rewrites the `derived.csv`
//! values after a reviewed change; published figures are never blessed.

use rankday_cases::{case_dirs, cases_root, run_case};

/// The golden cases of the published material that rankday can express
/// (GC-07 and GC-11 to GC-13 wait for capped variants): each must be here.
const PUBLISHED: &[&str] = &[
    "GC-01", "GC-02", "GC-03", "GC-04", "GC-05", "GC-06", "GC-08", "GC-09", "GC-10", "GC-14",
    "GC-15", "GC-16", "GC-17",
];

#[test]
fn every_case_matches_its_expected_files() {
    let root = cases_root();
    let bless = std::env::var("BLESS").is_ok_and(|v| v == "1");
    let dirs = case_dirs(&root).unwrap_or_else(|e| panic!("{e:#}"));
    let names: Vec<String> = dirs
        .iter()
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect();
    for id in PUBLISHED {
        assert!(
            names.iter().any(|n| n == id),
            "{id} is missing from {}",
            root.display()
        );
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for d in &dirs {
        match run_case(d, bless) {
            Ok(o) => {
                println!("{}: {} values checked", o.id, o.checked);
                checked += o.checked;
                failures.extend(o.failures);
            }
            Err(e) => failures.push(format!("{}: {e:#}", d.display())),
        }
    }
    println!("{} cases, {checked} values checked", dirs.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
