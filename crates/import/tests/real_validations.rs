//! The validations of `shared/data/real/README.md` (tests 1, 2, 4, 5, 6),
//! rebuilt on this crate's readers. Each prints its measured figures (see
//! `cargo test -p rankday-import -- --nocapture`). Skips when the shared
//! folder is absent.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rankday_core::Date;
use rankday_import::{
    basket_return, close_on, float_weight_gap, link_lines, membership_changes, one_way_turnover,
    read_close_series, read_holdings, read_weight_snapshot, HoldingsFile, WeightSnapshot,
};

fn holdings(real: &Path, name: &str) -> HoldingsFile {
    read_holdings(&real.join("ishares_holdings").join(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn snapshot(real: &Path, name: &str) -> WeightSnapshot {
    read_weight_snapshot(&real.join("iwm_daily_2025_2026/files").join(name))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn rut(real: &Path) -> Vec<(Date, f64)> {
    read_close_series(&real.join("index_prices/RUT_alitalbi.csv")).unwrap()
}

enum Universe {
    All,
    Holdings(&'static str),
    Snapshot(&'static str),
}

struct Window {
    from: &'static str,
    to: &'static str,
    universe: Universe,
    crosses_recon: bool,
    /// A gap measured and explained elsewhere, pinned to ±0.01 pp instead
    /// of the 0.1 pp bound.
    known_gap_pp: Option<f64>,
}

fn gap_pp(real: &Path, rut: &[(Date, f64)], w: &Window) -> (f64, f64, usize, Vec<String>) {
    let (a, b) = (holdings(real, w.from), holdings(real, w.to));
    let uni: Option<HashSet<String>> = match w.universe {
        Universe::All => None,
        Universe::Holdings(f) => Some(
            holdings(real, f)
                .holdings
                .into_iter()
                .map(|h| h.ticker)
                .collect(),
        ),
        Universe::Snapshot(f) => Some(snapshot(real, f).tickers().into_iter().collect()),
    };
    let r = basket_return(&a, &b, uni.as_ref());
    let idx = close_on(rut, b.as_of).unwrap() / close_on(rut, a.as_of).unwrap() - 1.0;
    let splits = r
        .splits_detected
        .iter()
        .map(|s| format!("{}x{:.3}", s.ticker, s.ratio))
        .collect();
    (100.0 * r.ret, 100.0 * (r.ret - idx), r.n, splits)
}

/// Test 2: hold the first file's shares, value at both files' prices, and
/// compare with ^RUT. Windows without a reconstitution must agree within
/// 0.1 pp; windows across a June reconstitution must not (the divisor
/// absorbs membership changes a buy-and-hold basket cannot).
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test2_holdings_implied_return_tracks_rut_between_reconstitutions() {
    let real = rankday_testkit::shared::real_data();
    let rut = rut(&real);
    let windows = [
        Window {
            from: "IWV_2025-05-02.csv",
            to: "IWV_2025-05-21.csv",
            universe: Universe::Holdings("IWM_2025-05-13.csv"),
            crosses_recon: false,
            known_gap_pp: None,
        },
        // IWM(07-15): the list downloaded 2025-07-16 20:20 UTC.
        Window {
            from: "IWV_2025-06-30.csv",
            to: "IWV_2025-08-29.csv",
            universe: Universe::Snapshot("iwm_2025-07-16T202016Z.csv"),
            crosses_recon: false,
            known_gap_pp: None,
        },
        // IWM(08-29): downloaded Saturday 2025-08-30.
        Window {
            from: "IWV_2025-08-29.csv",
            to: "IWV_2025-09-16.csv",
            universe: Universe::Snapshot("iwm_2025-08-30T080636Z.csv"),
            crosses_recon: false,
            known_gap_pp: None,
        },
        // No reconstitution, but 32 deletions (mostly cash takeovers) and
        // the December IPO additions that two files cannot value: −0.113 pp,
        // see test2_full_iwm_window_and_its_splits.
        Window {
            from: "IWM_2025-11-05.csv",
            to: "IWM_2026-01-21.csv",
            universe: Universe::All,
            crosses_recon: false,
            known_gap_pp: Some(FULL_IWM_GAP_PP),
        },
        // Four months, past the 2-month target: the March IPO round and
        // share update, takeovers without exit prices, and SEZL's 6:1 read
        // as 5:1 (the files cannot tell them apart: shares x5.91, price
        // x0.22). AUB and ALKT (shares x1.44 in a merger and a float
        // increase, prices down) are no longer taken for 3:2 splits; as
        // splits they had flattered this window by about +0.15 pp.
        Window {
            from: "IWV_2024-12-31.csv",
            to: "IWV_2025-05-02.csv",
            universe: Universe::Holdings("IWM_2025-05-13.csv"),
            crosses_recon: false,
            known_gap_pp: Some(-0.172),
        },
        Window {
            from: "IWV_2025-05-21.csv",
            to: "IWV_2025-06-30.csv",
            universe: Universe::Holdings("IWM_2025-05-13.csv"),
            crosses_recon: true,
            known_gap_pp: None,
        },
        Window {
            from: "IWM_2024-09-27.csv",
            to: "IWM_2025-05-13.csv",
            universe: Universe::All,
            crosses_recon: true,
            known_gap_pp: None,
        },
        Window {
            from: "IWM_2025-05-13.csv",
            to: "IWM_2025-11-05.csv",
            universe: Universe::All,
            crosses_recon: true,
            known_gap_pp: None,
        },
    ];
    for w in &windows {
        let (ret, gap, n, splits) = gap_pp(&real, &rut, w);
        println!(
            "{} -> {}: n={n} basket {ret:+.3}% gap {gap:+.3} pp splits {splits:?}",
            w.from, w.to
        );
        if let Some(known) = w.known_gap_pp {
            assert!(
                (gap - known).abs() < 0.01,
                "{} -> {}: gap {gap:+.3} pp, measured {known:+.3}",
                w.from,
                w.to
            );
        } else if w.crosses_recon {
            assert!(
                gap.abs() > 0.1,
                "{} -> {}: a buy-and-hold basket should miss a reconstitution ({gap:+.3} pp)",
                w.from,
                w.to
            );
        } else {
            assert!(gap.abs() < 0.1, "{} -> {}: gap {gap:+.3} pp", w.from, w.to);
        }
        assert!(n > 1500, "{n} lines");
    }
}

/// Gap of the full-IWM window 2025-11-05 -> 2026-01-21 against ^RUT, pp.
const FULL_IWM_GAP_PP: f64 = -0.089;
/// The same window chained through the 2025-11-11 file, pp.
const CHAINED_IWM_GAP_PP: f64 = -0.068;

/// The full-IWM window and the split it must see: LXP's 1-for-5 reverse
/// split of November 2025. Issue #4 asks for 0.01 pp against ^RUT; this
/// data cannot honestly give it, and the test pins the honest figure as a
/// regression guard: n = 1,915 lines, gap −0.113 pp (±0.01).
///
/// Decomposition (measured 2026-11, pandas and here):
/// - The shared README's n = 1,913, −0.007 pp is a name-only join: it
///   misses the 8 same-ticker renames (NXT Nextracker→Nextpower, IRTC, CWK,
///   DRH, EYPT, MITT, JRVR, LEGH), links the 2 same-name ticker changes
///   (KAR→OPLN, ABL→ABX), and pairs 6 lines of different companies sharing
///   a name (INDEPENDENT BANK CORP INDB/IBCP, FIRST BANCORP FBP/FBNC,
///   Atlanta Braves BATRA/BATRK), worth −0.037 pp. An artifact.
/// - A (ticker, name) join (this crate until 2026-11) drops all 10 renamed
///   lines: n = 1,905, +0.016 pp, close to ^RUT partly by luck.
/// - `split::link_lines` links those 10 one-to-one with consistent share
///   counts (ratios 0.94-1.04 after the fund median, EYPT 1.28): n = 1,915,
///   −0.113 pp. NXT alone is −0.116 pp (0.587% of the basket, −10.3%
///   against +9.4%).
/// - 8 more lines changed ticker *and* name (COMM→VISN, MODG→CALY,
///   ATUS→OPTU, OMI→ACH, GCI→TDAY, AMBC→OSG, AMRK→GOLD, MFH→CD). The
///   scored match (`rankday_import::rename`) links 5 of them on sector,
///   exchange, share count and weight together, each its side's best
///   candidate by 10x (an unrelated pair with one matching share count,
///   DRH→VISN at 1.0001, is not); ATUS→OPTU, OMI→ACH and GCI→TDAY stay
///   unlinked. With them: n = 1,920, −0.089 pp.
/// - The rest, about −0.1 pp, is what two holdings files cannot value: 32
///   names deleted in between (1.28% of the basket, mostly cash takeovers:
///   ALE, MTSR, AKRO, CDTX, ...) whose exit prices are not in the data, and
///   the December IPO additions.
/// - Rebalancing the basket to the fund's holdings at the undated
///   2025-11-11 file (two chained buy-and-hold windows, as the index resets
///   its divisor at a change) narrows the gap to −0.074 pp: the names
///   deleted before 11-11 are then valued. What is left falls in
///   11-11 -> 01-21 (−0.079 pp), with the same unvalued deletions and IPOs.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test2_full_iwm_window_and_its_splits() {
    let real = rankday_testkit::shared::real_data();
    let rut = rut(&real);
    let (a, b) = (
        holdings(&real, "IWM_2025-11-05.csv"),
        holdings(&real, "IWM_2026-01-21.csv"),
    );
    let r = basket_return(&a, &b, None);
    let idx = close_on(&rut, b.as_of).unwrap() / close_on(&rut, a.as_of).unwrap() - 1.0;
    let gap = 100.0 * (r.ret - idx);
    println!("full IWM 2025-11-05 -> 2026-01-21: n={} {:+.3}% vs ^RUT {:+.3}%, gap {gap:+.4} pp, fund ratio {:.4}", r.n, 100.0 * r.ret, 100.0 * idx, r.fund_share_ratio);
    assert_eq!(r.n, 1920);
    assert!(
        (gap - FULL_IWM_GAP_PP).abs() < 0.01,
        "gap {gap:+.4} pp, measured {FULL_IWM_GAP_PP} pp"
    );
    // Chained through the undated file, dated 11-11 by its fit to ^RUT.
    let m = holdings(&real, "IWM_2025-11-11_inferred.csv");
    let (r1, r2) = (basket_return(&a, &m, None), basket_return(&m, &b, None));
    let chained = (1.0 + r1.ret) * (1.0 + r2.ret) - 1.0;
    let chained_gap = 100.0 * (chained - idx);
    println!(
        "chained at 2025-11-11: n={}/{} {:+.3}%, gap {chained_gap:+.4} pp",
        r1.n,
        r2.n,
        100.0 * chained
    );
    assert!(
        (chained_gap - CHAINED_IWM_GAP_PP).abs() < 0.01,
        "chained gap {chained_gap:+.4} pp, measured {CHAINED_IWM_GAP_PP} pp"
    );
    // The renamed lines linked, and only those.
    let links = link_lines(&a, &b);
    let mut renamed: Vec<String> = links
        .renamed()
        .map(|l| {
            format!(
                "{}->{} {:?}",
                a.holdings[l.a].ticker, b.holdings[l.b].ticker, l.kind
            )
        })
        .collect();
    renamed.sort();
    println!("renames linked: {renamed:?}");
    assert_eq!(
        renamed,
        [
            "ABL->ABX Name",
            "AMBC->OSG Scored",
            "AMRK->GOLD Scored",
            "COMM->VISN Scored",
            "CWK->CWK Ticker",
            "DRH->DRH Ticker",
            "EYPT->EYPT Ticker",
            "IRTC->IRTC Ticker",
            "JRVR->JRVR Ticker",
            "KAR->OPLN Name",
            "LEGH->LEGH Ticker",
            "MFH->CD Scored",
            "MITT->MITT Ticker",
            "MODG->CALY Scored",
            "NXT->NXT Ticker",
        ]
    );
    let lxp = r
        .splits_detected
        .iter()
        .find(|s| s.ticker == "LXP")
        .expect("LXP split found");
    assert_eq!(lxp.ratio, 0.2);
    // Without split handling the basket would be far off: LXP alone is ~0.1% of IWM.
    assert!(r.splits_detected.len() <= 6, "{:?}", r.splits_detected);
}

/// The undated IWM file: its return from 2025-11-05 fits ^RUT best on
/// 2025-11-11 (README: gap 0.004 pp, against 0.11 pp for 11-10).
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test2_dating_the_undated_file() {
    let real = rankday_testkit::shared::real_data();
    let rut = rut(&real);
    let a = holdings(&real, "IWM_2025-11-05.csv");
    let b = holdings(&real, "IWM_2025-11-11_inferred.csv");
    let r = basket_return(&a, &b, None);
    let fit = |d: Date| {
        (100.0 * (r.ret - (close_on(&rut, d).unwrap() / close_on(&rut, a.as_of).unwrap() - 1.0)))
            .abs()
    };
    let days = [
        Date::ymd(2025, 11, 10),
        Date::ymd(2025, 11, 11),
        Date::ymd(2025, 11, 12),
    ];
    let gaps: Vec<f64> = days.iter().map(|&d| fit(d)).collect();
    println!(
        "undated IWM file: gaps vs ^RUT on 11-10/11/12 = {gaps:?} pp; fund ratio {:.4}",
        r.fund_share_ratio
    );
    assert!(gaps[1] < 0.03 && gaps[1] < gaps[0] && gaps[1] < gaps[2]);
    assert!(
        (r.fund_share_ratio - 1.0103).abs() < 0.001,
        "README: x1.0103"
    );
}

fn iwm_snapshot_dir(real: &Path) -> PathBuf {
    real.join("iwm_daily_2025_2026/files")
}

/// Test 5: one-way turnover of IWM at the 2025 reconstitution, 7.45%,
/// about $4.8bn on a $64bn fund.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test5_iwm_turnover_at_2025_reconstitution() {
    let real = rankday_testkit::shared::real_data();
    let pre = snapshot(&real, "iwm_2025-06-27T132210Z.csv");
    let post = snapshot(&real, "iwm_2025-06-28T191713Z.csv");
    let post30 = snapshot(&real, "iwm_2025-07-01T132329Z.csv");
    assert_eq!(
        (pre.as_of, post.as_of, post30.as_of),
        (
            Date::ymd(2025, 6, 26),
            Date::ymd(2025, 6, 27),
            Date::ymd(2025, 6, 30)
        )
    );
    let (wpre, wpost, w30) = (
        pre.weight_pairs().unwrap(),
        post.weight_pairs().unwrap(),
        post30.weight_pairs().unwrap(),
    );
    let t = one_way_turnover(&wpre, &wpost);
    let t30 = one_way_turnover(&wpre, &w30);
    let aum = holdings(&real, "IWM_2025-05-13.csv").equity_value();
    let usd = t / 100.0 * aum;
    println!(
        "IWM one-way turnover 06-26 -> 06-27: {t:.3}% (06-30: {t30:.3}%), ${:.2}bn of ${:.1}bn",
        usd / 1e9,
        aum / 1e9
    );
    assert!((t - 7.45).abs() < 0.1, "{t}");
    assert!((t30 - 7.61).abs() < 0.1, "{t30}");
    assert!((usd / 1e9 - 4.8).abs() < 0.15, "{usd}");
    assert!(iwm_snapshot_dir(&real).exists());
}

/// Test 4 line counts: 1,931 -> 2,123 lines; 235 names in. Out: 43 by
/// 06-27 and 46 by 06-30 (the README's "46 out" is the 06-30 count).
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test4_iwm_line_counts_at_2025_reconstitution() {
    let real = rankday_testkit::shared::real_data();
    let pre = snapshot(&real, "iwm_2025-06-27T132210Z.csv").tickers();
    let post = snapshot(&real, "iwm_2025-06-28T191713Z.csv").tickers();
    let post30 = snapshot(&real, "iwm_2025-07-01T132329Z.csv").tickers();
    assert_eq!((pre.len(), post.len(), post30.len()), (1931, 2123, 2121));
    let (added, removed) = membership_changes(&pre, &post);
    println!(
        "2025: {} -> {}: {} in, {} out (06-30: out {})",
        pre.len(),
        post.len(),
        added.len(),
        removed.len(),
        membership_changes(&pre, &post30).1.len()
    );
    assert_eq!((added.len(), removed.len()), (235, 43));
    assert_eq!(membership_changes(&pre, &post30).0.len(), 235);
    assert_eq!(membership_changes(&pre, &post30).1.len(), 46);
    // Upward migrants named in the README leave IWM.
    for t in [
        "INSM", "HALO", "AIT", "MLI", "RKLB", "DRS", "SSB", "AUR", "PRMB",
    ] {
        assert!(removed.iter().any(|r| r == t), "{t}");
    }
}

/// Test 6: 2026 reconstitution, 1,905 -> 2,022 lines, 241 in, 124 out.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test6_iwm_line_counts_at_2026_reconstitution() {
    let real = rankday_testkit::shared::real_data();
    let pre = snapshot(&real, "iwm_2026-06-27T085838Z.txt");
    let post = snapshot(&real, "iwm_2026-06-29T093938Z.txt");
    assert_eq!(
        (pre.as_of, post.as_of),
        (Date::ymd(2026, 6, 26), Date::ymd(2026, 6, 26))
    );
    let (pre, post) = (pre.tickers(), post.tickers());
    let (added, removed) = membership_changes(&pre, &post);
    println!(
        "2026: {} -> {} lines: {} in, {} out",
        pre.len(),
        post.len(),
        added.len(),
        removed.len()
    );
    assert_eq!((pre.len(), post.len()), (1905, 2022));
    assert_eq!((added.len(), removed.len()), (241, 124));
    // 41 of the leavers are in IWB on 2026-07-17 (moved up to the R1000).
    let iwb: HashSet<String> = holdings(&real, "IWB_2026-07-17.csv")
        .holdings
        .into_iter()
        .map(|h| h.ticker)
        .collect();
    let up = removed.iter().filter(|t| iwb.contains(*t)).count();
    println!("2026 leavers in IWB 2026-07-17: {up}");
    assert_eq!(up, 41);
}

/// Test 1: IWV restricted to IWM's names and rescaled matches IWM's
/// published weights (README: 0.0072 and 0.0057 pp mean absolute gap).
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test1_weights_are_float_cap_weights() {
    let real = rankday_testkit::shared::real_data();
    for (iwv, iwm, n_readme) in [
        ("IWV_2025-06-30.csv", "iwm_2025-07-01T132329Z.csv", 1661),
        ("IWV_2025-08-29.csv", "iwm_2025-08-30T080636Z.csv", 1583),
    ] {
        let wide = holdings(&real, iwv);
        let s = snapshot(&real, iwm);
        assert_eq!(s.as_of, wide.as_of, "{iwm} describes the IWV file's day");
        let g = float_weight_gap(&wide, &s.weight_pairs().unwrap());
        println!(
            "{iwv} vs {iwm}: n={} mean |gap| {:.4} pp, max {:.3} pp",
            g.n, g.mean_abs_gap_pp, g.max_abs_gap_pp
        );
        assert!(g.mean_abs_gap_pp < 0.01, "{}", g.mean_abs_gap_pp);
        assert!((g.n as i64 - n_readme).abs() <= 5, "{} names", g.n);
    }
}

/// Test 3: rank IWV by fund market value; the "R1000 proxy" is IWV names
/// not in IWM that day. About 87% of the top-N (N = proxy count) are
/// proxies: float-cap ranking misses low-float R1000 members, which Russell
/// ranks by total cap.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test3_float_cap_ranking_recovers_87_percent_of_r1000() {
    let real = rankday_testkit::shared::real_data();
    for (iwv, iwm, share_readme) in [
        ("IWV_2025-06-30.csv", "iwm_2025-07-01T132329Z.csv", 0.872),
        ("IWV_2025-08-29.csv", "iwm_2025-08-30T080636Z.csv", 0.872),
    ] {
        let wide = holdings(&real, iwv);
        let small: HashSet<String> = snapshot(&real, iwm).tickers().into_iter().collect();
        let mut lines: Vec<_> = wide
            .holdings
            .iter()
            .filter(|h| h.market_value > 0.0)
            .collect();
        lines.sort_by(|a, b| b.market_value.total_cmp(&a.market_value));
        let is_proxy = |t: &str| !small.contains(t);
        let n_proxy = lines.iter().filter(|h| is_proxy(&h.ticker)).count();
        let hits = lines[..n_proxy]
            .iter()
            .filter(|h| is_proxy(&h.ticker))
            .count();
        let share = hits as f64 / n_proxy as f64;
        println!(
            "{iwv}: {hits}/{n_proxy} = {:.1}% of the top {n_proxy} by float MV are R1000 proxies",
            100.0 * share
        );
        assert!((share - share_readme).abs() < 0.01, "{share}");
    }
}

/// Test 9: quarterly IPO additions show as IWM line-count steps after the
/// third Friday of September and December 2025.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn test9_quarterly_ipo_steps_in_line_counts() {
    let real = rankday_testkit::shared::real_data();
    let n = |f: &str| snapshot(&real, f).weights.len();
    let steps = [
        (
            "iwm_2025-09-20T080702Z.csv",
            "iwm_2025-09-27T080644Z.csv",
            1965,
            1980,
        ),
        (
            "iwm_2025-12-20T080746Z.txt",
            "iwm_2025-12-27T080804Z.txt",
            1947,
            1963,
        ),
    ];
    for (a, b, na, nb) in steps {
        assert_eq!((n(a), n(b)), (na, nb), "{a} -> {b}");
    }
}
