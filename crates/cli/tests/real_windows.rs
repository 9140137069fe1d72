//! Every window of the shared iShares files through the product, as a user
//! runs it: `rankday import ishares` on two consecutive files of a fund
//! (and on all of a fund's files at once), then the `rankday calc` line the
//! import prints, verbatim. Each must succeed and value every file date;
//! each window's level change must equal the carried basket computed from
//! the files alone (to 1e-10); and the test prints the validation table of
//! the README: rankday's figure, the reference (^RUT where it covers the
//! window, else the buy-and-hold basket of the files), and the command
//! (`cargo test -p rankday --test real_windows -- --nocapture`). Skips when
//! the shared folder is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

use rankday_calendar::ReconCalendar;
use rankday_core::Date;
use rankday_import::window::{events_between, WindowEvent};
use rankday_import::{
    basket_return, close_on, link_lines, read_close_series, read_holdings, HoldingsFile,
};

/// The calendar events of a window, short: each one when there are up to
/// three, else how many of each kind.
fn crossed(events: &[WindowEvent]) -> String {
    if events.is_empty() {
        return "-".into();
    }
    if events.len() <= 3 {
        return events
            .iter()
            .map(|e| match e {
                WindowEvent::RankDay { date, .. } => format!("rank day {date}"),
                WindowEvent::Reconstitution { date, recon } => format!("{recon} recon {date}"),
                WindowEvent::IpoRound { date } => format!("IPO round {date}"),
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    let n = |f: fn(&WindowEvent) -> bool| events.iter().filter(|e| f(e)).count();
    format!(
        "{} recons, {} rank days, {} IPO rounds",
        n(|e| matches!(e, WindowEvent::Reconstitution { .. })),
        n(|e| matches!(e, WindowEvent::RankDay { .. })),
        n(|e| matches!(e, WindowEvent::IpoRound { .. }))
    )
}

fn run(args: &[String]) -> (String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_rankday"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("spawning rankday {args:?}: {e}"));
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert!(
        o.status.success(),
        "rankday {args:?} exited {:?}\nstdout:\n{out}\nstderr:\n{err}",
        o.status.code()
    );
    (out, err)
}

/// The `rankday calc ...` line an import printed, as arguments.
fn printed_calc_line(stdout: &str) -> Vec<String> {
    let line = stdout
        .lines()
        .find_map(|l| l.split_once(": rankday calc ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no calc line in:\n{stdout}"));
    std::iter::once("calc".to_string())
        .chain(line.split_whitespace().map(str::to_string))
        .collect()
}

/// (date, price-return level) of `index` in `levels.csv`.
fn levels(out: &Path, index: &str) -> Vec<(Date, f64)> {
    let text = std::fs::read_to_string(out.join("levels.csv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (d, i, p) = (col("date"), col("index"), col("price_return"));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[i] == index)
        .map(|f| (Date::parse(f[d]).unwrap(), f[p].parse().unwrap()))
        .collect()
}

/// The engine's convention from the files alone: every valued line of `a`
/// at its fund shares, valued at `b`'s price when linked (through its
/// split), else at its own last price (a line gone is carried flat).
fn carried(a: &HoldingsFile, b: &HoldingsFile) -> f64 {
    let links = link_lines(a, b);
    let mut at_b: Vec<Option<f64>> = vec![None; a.holdings.len()];
    for l in &links.pairs {
        at_b[l.a] = Some(b.holdings[l.b].price * l.split.as_ref().map_or(1.0, |s| s.ratio));
    }
    let (mut v0, mut v1) = (0.0, 0.0);
    for (h, p1) in a.holdings.iter().zip(&at_b) {
        if h.is_valued() {
            v0 += h.shares * h.price;
            v1 += h.shares * p1.unwrap_or(h.price);
        }
    }
    v1 / v0 - 1.0
}

/// One import + calc through the binary; the levels of the fund's index.
fn through_the_product(paths: &[PathBuf], tmp: &Path) -> (Vec<(Date, f64)>, String, String) {
    let market = tmp.join("m");
    let out = tmp.join("o");
    let _ = std::fs::remove_dir_all(&market);
    let _ = std::fs::remove_dir_all(&out);
    let mut args: Vec<String> = vec!["import".into(), "ishares".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), market.display().to_string()]);
    let (stdout, warnings) = run(&args);
    let mut calc = printed_calc_line(&stdout);
    let index = calc[calc.iter().position(|a| a == "--index").unwrap() + 1].clone();
    calc.extend([
        "--out".into(),
        out.display().to_string(),
        "--format".into(),
        "csv".into(),
        "-q".into(),
    ]);
    run(&calc);
    (levels(&out, &index), index, warnings)
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn every_window_and_every_fund_runs_through_import_and_calc() {
    let real = rankday_testkit::shared::real_data();
    let dir = real.join("ishares_holdings");
    let mut rut = read_close_series(&real.join("index_prices/RUT_alitalbi.csv")).unwrap();
    // PROVENANCE: the last row was downloaded during the trading day.
    rut.pop();
    let rut_last = rut.last().unwrap().0;
    let tmp = tempfile::tempdir().unwrap();
    println!(
        "| fund | window | crosses | rankday | reference | gap (pp) | command |\n|---|---|---|---|---|---|---|"
    );
    for fund in ["IWM", "IWV", "IWB", "IWC"] {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(fund) && n.ends_with(".csv"))
            .collect();
        names.sort();
        let files: Vec<HoldingsFile> = names
            .iter()
            .map(|n| read_holdings(&dir.join(n)).unwrap())
            .collect();
        let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
        for k in 1..files.len() {
            let (a, b) = (&files[k - 1], &files[k]);
            let (lv, index, warnings) = through_the_product(&paths[k - 1..=k], tmp.path());
            assert_eq!(
                lv.iter().map(|l| l.0).collect::<Vec<_>>(),
                [a.as_of, b.as_of],
                "{fund} {} -> {}: levels on both file dates",
                a.as_of,
                b.as_of
            );
            let engine = lv[1].1 / lv[0].1 - 1.0;
            let basket = carried(a, b);
            assert!(
                (engine - basket).abs() < 1e-10,
                "{fund} {} -> {}: engine {engine} against the carried basket {basket}",
                a.as_of,
                b.as_of
            );
            let (reference, what) = if fund == "IWM" && b.as_of <= rut_last {
                let r = close_on(&rut, b.as_of).unwrap() / close_on(&rut, a.as_of).unwrap() - 1.0;
                (r, "^RUT")
            } else {
                (basket_return(a, b, None).ret, "basket")
            };
            let events = events_between(&ReconCalendar::russell(), a.as_of, b.as_of);
            assert_eq!(
                !events.is_empty(),
                warnings.contains(" crosses "),
                "{fund} {} -> {}: the import warns of the calendar events it crosses\n{warnings}",
                a.as_of,
                b.as_of
            );
            let crosses = crossed(&events);
            println!(
                "| {fund} ({index}) | {} → {} | {crosses} | {:+.3}% | {what} {:+.3}% | {:+.3} | `import ishares {} {}` |",
                a.as_of,
                b.as_of,
                100.0 * engine,
                100.0 * reference,
                100.0 * (engine - reference),
                names[k - 1],
                names[k]
            );
        }
        // All of the fund's files at once: levels on every date, each step
        // the carried basket of its window (the divisor resets at every
        // file's membership).
        let (lv, index, _) = through_the_product(&paths, tmp.path());
        assert_eq!(
            lv.iter().map(|l| l.0).collect::<Vec<_>>(),
            files.iter().map(|f| f.as_of).collect::<Vec<_>>(),
            "{fund}: a level on every file date"
        );
        for k in 1..files.len() {
            let step = lv[k].1 / lv[k - 1].1 - 1.0;
            let basket = carried(&files[k - 1], &files[k]);
            assert!(
                (step - basket).abs() < 1e-10,
                "{fund} all files, step {k}: {step} against {basket}"
            );
        }
        let total = lv.last().unwrap().1 / lv[0].1 - 1.0;
        println!(
            "| {fund} ({index}), all {} files | {} → {} | | {:+.3}% | | | `import ishares {fund}_*.csv` |",
            files.len(),
            files[0].as_of,
            files.last().unwrap().as_of,
            100.0 * total
        );
    }
}
