//! Golden cases GC-01, 02, 03, 09, 10, 14, 15, 17 (shared/spec/golden).

use rankday_calc::{
    calculate, constituents_at, tr_step, CalcConfig, DivisorReason, LevelRow, TrConvention,
};
use rankday_core::{ActionKind, Date, IndexId, Market, Membership, Sec};
use rankday_testkit::*;

const R1: &[IndexId] = &[IndexId::R3000, IndexId::R1000];
const R2: &[IndexId] = &[IndexId::R3000, IndexId::R2000];

fn level(out: &[LevelRow], index: IndexId, date: Date) -> LevelRow {
    *out.iter()
        .find(|r| r.index == index && r.date == date)
        .unwrap_or_else(|| panic!("no {index} row on {date}"))
}

/// GC-01/02: A (R1000) acquires B (R2000) for `ratio` A shares + `cash`.
/// Days: 0 start, 1 the effective date (B's last trade), 2 = ex-date.
fn merger(b_close: f64, cash: f64) -> (Market, Vec<Membership>, [Sec; 3]) {
    let dates = weekdays(Date::ymd(2020, 3, 2), 4);
    let mut m = HandMarket::new(dates.clone());
    let (a, b, c) = (m.sec("A"), m.sec("B"), m.sec("C"));
    m.flat(a, 0..2, 10.0);
    m.flat(a, 2..4, 12.0);
    m.flat(b, 0..2, b_close);
    m.flat(c, 0..4, 50.0);
    m.action(
        2,
        b,
        ActionKind::Acquisition,
        Some(0.2),
        Some(cash),
        Some(a),
    );
    let ms = vec![state(
        dates[0],
        &[(a, 1000.0, R1), (b, 1200.0, R2), (c, 100.0, R2)],
    )];
    (m.build(), ms, [a, b, c])
}

fn acquisition_checks(b_close: f64, cash: f64, published: f64) {
    let (m, ms, [a, b, _]) = merger(b_close, cash);
    let out = calculate(&m, &ms, &CalcConfig::default()).unwrap();
    let ex = m.dates()[2];
    // B counts at the synthetic close on the ex-date (effective date + 1).
    let r2 = level(&out.levels, IndexId::R2000, ex);
    let synthetic = (r2.market_value - 100.0 * 50.0) / 1200.0;
    assert!((synthetic - published).abs() <= 0.005, "{synthetic}");
    // ...then is deleted: the R2000 divisor absorbs B's whole value, the
    // R1000 one A's 240 new shares, the R3000 one only the cash part.
    let ch = |ix| {
        out.divisor_changes
            .iter()
            .find(|c| c.index == ix && c.date == ex)
            .copied()
    };
    let (c1, c2) = (ch(IndexId::R1000).unwrap(), ch(IndexId::R2000).unwrap());
    assert_eq!(c2.reason, DivisorReason::Acquisition { sec: b });
    assert!((c2.mv_before - c2.mv_after - 1200.0 * published).abs() < 1e-6);
    assert!((c1.mv_after - c1.mv_before - 240.0 * 12.0).abs() < 1e-9);
    // The R3000 holds both: only the cash part moves its divisor.
    let mut all = vec![c1, c2];
    match ch(IndexId::R3000) {
        Some(c3) => {
            assert!((c3.mv_before - c3.mv_after - 1200.0 * cash).abs() < 1e-6);
            all.push(c3);
        }
        None => assert_eq!(cash, 0.0),
    }
    for c in all {
        let (l0, l1) = c.levels();
        assert!(close_to(l0, l1, 1e-12));
    }
    let held = constituents_at(&m, &ms, IndexId::R1000, ex, &CalcConfig::default()).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].sec, held[0].index_shares), (a, 1240.0));
    let r2_after = constituents_at(&m, &ms, IndexId::R2000, ex, &CalcConfig::default()).unwrap();
    assert!(r2_after.iter().all(|c| c.sec != b));
    // Level continuity into the next day, prices unchanged.
    let next = level(&out.levels, IndexId::R3000, m.dates()[3]);
    let at_ex = level(&out.levels, IndexId::R3000, ex);
    assert!(close_to(next.price_return, at_ex.price_return, 1e-12));
}

#[test]
fn gc01_merger_stock_terms() {
    acquisition_checks(2.0, 0.0, 2.40);
}

#[test]
fn gc02_merger_stock_and_cash() {
    acquisition_checks(4.0, 2.0, 4.40);
}

#[test]
fn gc03_cash_acquisition_removed_at_cash_price() {
    let dates = weekdays(Date::ymd(2020, 3, 2), 4);
    let mut m = HandMarket::new(dates.clone());
    let (z, c) = (m.sec("Z"), m.sec("C"));
    m.flat(z, 0..2, 5.0);
    m.flat(c, 0..4, 50.0);
    m.action(2, z, ActionKind::Acquisition, Some(0.0), Some(5.02), None);
    let ms = vec![state(dates[0], &[(z, 1000.0, R2), (c, 100.0, R2)])];
    let m = m.build();
    let out = calculate(&m, &ms, &CalcConfig::default()).unwrap();
    let r = level(&out.levels, IndexId::R2000, dates[2]);
    let z_close = (r.market_value - 5000.0) / 1000.0;
    assert!((z_close - 5.02).abs() < 1e-12, "{z_close}");
    let ch = out
        .divisor_changes
        .iter()
        .find(|c| c.index == IndexId::R2000)
        .unwrap();
    assert_eq!(ch.reason, DivisorReason::Acquisition { sec: z });
    assert!((ch.mv_before - ch.mv_after - 5020.0).abs() < 1e-9);
    let next = level(&out.levels, IndexId::R2000, dates[3]);
    assert!(close_to(next.price_return, r.price_return, 1e-12));
    assert_eq!(next.constituents, 1);
}

/// Where the shared spec folder is: `RANKDAY_SHARED`, else `shared/`
/// beside the clone (`<repo>/../shared`).
fn shared_dir() -> Option<std::path::PathBuf> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("RANKDAY_SHARED").map(std::path::PathBuf::from),
        Some(manifest.join("../../../shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("spec/golden/solactive-assessment").is_dir())
}

fn dmy(s: &str) -> Date {
    let p: Vec<&str> = s.trim().split('/').collect();
    Date::ymd(
        p[2].parse().unwrap(),
        p[1].parse().unwrap(),
        p[0].parse().unwrap(),
    )
}

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.trim_start_matches('\u{feff}')
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|f| f.trim().to_string()).collect())
        .collect()
}

/// GC-09: Solactive assessment, all 262 published levels to 2 dp.
#[test]
fn gc09_solactive_monthly_top3() {
    let Some(shared) = shared_dir() else {
        eprintln!(
            "GC-09 skipped: shared/spec/golden/solactive-assessment not found (set RANKDAY_SHARED)"
        );
        return;
    };
    let dir = shared.join("spec/golden/solactive-assessment");
    let prices = read_csv(&dir.join("stock_prices.csv"));
    let names = prices[0][1..].to_vec();
    let dates: Vec<Date> = prices[1..].iter().map(|r| dmy(&r[0])).collect();
    let mut m = HandMarket::new(dates.clone());
    let secs: Vec<Sec> = names.iter().map(|n| m.sec(n)).collect();
    let mut close = vec![vec![0.0; secs.len()]; dates.len()];
    for (d, r) in prices[1..].iter().enumerate() {
        for (k, &s) in secs.iter().enumerate() {
            close[d][k] = r[k + 1].parse().unwrap();
            m.px(d, s, close[d][k]);
        }
    }
    let market = m.build();
    // One state per month of 2020: top 3 by price on the last business day
    // of the previous month, 50/25/25 at the close of the first business
    // day, converted to index shares at that close.
    let mut states = Vec::new();
    for d in 1..dates.len() {
        if dates[d].year() != 2020 || dates[d].month() == dates[d - 1].month() {
            continue;
        }
        let sel = d - 1;
        let mut order: Vec<usize> = (0..secs.len()).collect();
        order.sort_by(|&x, &y| close[sel][y].total_cmp(&close[sel][x]));
        let rows: Vec<(Sec, f64, &[IndexId])> = order[..3]
            .iter()
            .zip([0.5, 0.25, 0.25])
            .map(|(&k, w)| (secs[k], w * 1e9 / close[d][k], &[IndexId::R1000][..]))
            .collect();
        states.push(state(dates[d], &rows));
    }
    let cfg = CalcConfig {
        indexes: vec![IndexId::R1000],
        ..CalcConfig::default()
    };
    let out = calculate(&market, &states, &cfg).unwrap();
    let published = read_csv(&dir.join("index_level_results_rounded.csv"));
    assert_eq!(published.len() - 1, 262);
    let mut checked = 0;
    for r in &published[1..] {
        let (d, want): (Date, f64) = (dmy(&r[0]), r[1].parse().unwrap());
        let got = level(&out.levels, IndexId::R1000, d);
        assert!(
            (got.price_return - want).abs() <= 0.005 + 1e-9,
            "{d}: {} vs published {want}",
            got.price_return
        );
        assert!(
            close_to(got.total_return, got.price_return, 1e-12),
            "no dividends: TR = PR"
        );
        checked += 1;
    }
    assert_eq!(checked, 262);
    let last = level(&out.levels, IndexId::R1000, Date::ymd(2020, 12, 31));
    assert!((last.price_return - 94.024966).abs() < 1e-5);
}

/// GC-10: NSE total-return example, both reinvestment conventions, through
/// the engine. The index is the R3000E starting on its base date
/// (2005-06-24 = 1,000); one line whose close is the published price index,
/// so the dividend per share equals the indexed dividend.
fn gc10(conv: TrConvention) -> Vec<LevelRow> {
    let pr = [
        1000.0, 988.92, 978.22, 964.01, 953.07, 948.82, 917.26, 902.56, 913.21, 904.08, 898.86,
        892.79,
    ];
    let dates = weekdays(Date::ymd(2005, 6, 24), 12);
    let mut m = HandMarket::new(dates.clone());
    let s = m.sec("NIFTY");
    for (d, &p) in pr.iter().enumerate() {
        m.px(d, s, p);
    }
    m.action(
        6,
        s,
        ActionKind::CashDividend,
        None,
        Some(150e6 * 1000.0 / 1.55e12),
        None,
    );
    m.action(
        9,
        s,
        ActionKind::CashDividend,
        None,
        Some(220e6 * 1000.0 / 1.5725e12),
        None,
    );
    let market = m.build();
    let ms = vec![state(dates[0], &[(s, 1e6, &[IndexId::R3000E])])];
    let cfg = CalcConfig {
        indexes: vec![IndexId::R3000E],
        tr_convention: conv,
        withholding_rate: 0.0,
        ..CalcConfig::default()
    };
    let out = calculate(&market, &ms, &cfg).unwrap();
    for (r, p) in out.levels.iter().zip(pr) {
        assert!(
            (r.price_return - p).abs() < 1e-9,
            "{} {}",
            r.price_return,
            p
        );
        assert_eq!(r.net_return, r.total_return, "zero withholding: NR = TR");
    }
    out.levels
}

#[test]
fn gc10_nse_total_return_both_conventions() {
    let nse = [
        1000.0, 988.92, 978.22, 964.01, 953.07, 948.82, 917.3536, 902.6521, 913.3031, 904.3107,
        899.0894, 893.0178,
    ];
    let rows = gc10(TrConvention::CompoundSameDay);
    assert_eq!(rows.len(), 12);
    for (r, want) in rows.iter().zip(nse) {
        assert!(
            (r.total_return - want).abs() <= 5e-5,
            "{} vs {want}",
            r.total_return
        );
    }
    let provider = gc10(TrConvention::ProviderStyle);
    assert!((provider[11].total_return - 893.0224).abs() <= 5e-5);
    assert!((provider[6].total_return - 917.3568).abs() <= 5e-5);
}

#[test]
fn net_return_withholds_dividends() {
    let dates = weekdays(Date::ymd(2021, 1, 4), 3);
    let mut m = HandMarket::new(dates.clone());
    let s = m.sec("S");
    m.flat(s, 0..3, 100.0);
    m.action(1, s, ActionKind::CashDividend, None, Some(1.0), None);
    let market = m.build();
    let ms = vec![state(dates[0], &[(s, 10.0, R1)])];
    let out = calculate(&market, &ms, &CalcConfig::default()).unwrap();
    let r = level(&out.levels, IndexId::R1000, dates[1]);
    assert!((r.price_return - 100.0).abs() < 1e-12);
    assert!((r.total_return - 101.0).abs() < 1e-12);
    assert!((r.net_return - 100.7).abs() < 1e-12);
}

/// GC-14: cap weights and base divisor: 225m of market cap at 1,000 gives a
/// divisor of 225,000 (the R3000E starts at 1,000 on its base date).
#[test]
fn gc14_cap_weights_and_base_divisor() {
    let dates = weekdays(Date::ymd(2005, 6, 24), 2);
    let mut m = HandMarket::new(dates.clone());
    let caps = [
        ("Z", 50e6, 5e6),
        ("Y", 30e6, 1e6),
        ("X", 20e6, 0.5e6),
        ("W", 25e6, 1e6),
        ("V", 100e6, 5e6),
    ];
    let mut rows = Vec::new();
    for (name, cap, shares) in caps {
        let s = m.sec(name);
        m.flat(s, 0..2, cap / shares);
        rows.push((s, shares, &[IndexId::R3000E][..]));
    }
    let market = m.build();
    let ms = vec![state(dates[0], &rows)];
    let cfg = CalcConfig::default();
    let out = calculate(&market, &ms, &cfg).unwrap();
    let r = level(&out.levels, IndexId::R3000E, dates[0]);
    assert!((r.price_return - 1000.0).abs() < 1e-9);
    assert!((r.divisor - 225_000.0).abs() < 1e-6);
    assert!((r.market_value - 225e6).abs() < 1e-3);
    let cons = constituents_at(&market, &ms, IndexId::R3000E, dates[0], &cfg).unwrap();
    let pct: Vec<f64> = cons.iter().map(|c| c.weight * 100.0).collect();
    for (got, want) in pct.iter().zip([22.22, 13.33, 8.89, 11.11, 44.44]) {
        assert!((got - want).abs() <= 0.005, "{got} vs {want}");
    }
    assert!((pct[2] - 8.9).abs() <= 0.05);
}

/// GC-15: replacing a $10 stock by a $20 one moves the divisor from 1.00 to
/// 1.10 and leaves the level at 100.
#[test]
fn gc15_divisor_on_replacement() {
    let dates = weekdays(Date::ymd(2021, 1, 4), 3);
    let mut m = HandMarket::new(dates.clone());
    let secs: Vec<Sec> = (0..11).map(|k| m.sec(&format!("S{k}"))).collect();
    for &s in &secs[..10] {
        m.flat(s, 0..3, 10.0);
    }
    m.flat(secs[10], 0..3, 20.0);
    let market = m.build();
    let first: Vec<_> = secs[..10].iter().map(|&s| (s, 1.0, R1)).collect();
    let second: Vec<_> = secs[1..].iter().map(|&s| (s, 1.0, R1)).collect();
    let ms = vec![state(dates[0], &first), state(dates[1], &second)];
    let cfg = CalcConfig {
        indexes: vec![IndexId::R1000],
        ..CalcConfig::default()
    };
    let out = calculate(&market, &ms, &cfg).unwrap();
    let r0 = level(&out.levels, IndexId::R1000, dates[0]);
    assert_eq!((r0.price_return, r0.divisor), (100.0, 1.0));
    let c = out.divisor_changes[0];
    assert_eq!(c.reason, DivisorReason::Reconstitution);
    assert_eq!((c.old, c.mv_before, c.mv_after), (1.0, 100.0, 110.0));
    assert!((c.new - 1.1).abs() < 1e-12);
    assert!(
        (c.mv_after / c.old - 110.0).abs() < 1e-12,
        "unadjusted level"
    );
    let r2 = level(&out.levels, IndexId::R1000, dates[2]);
    assert!((r2.price_return - 100.0).abs() < 1e-12);
}

/// GC-17: period total-return identity; income 45.5 + 12 points reinvested
/// on the last day, end price level 1,000, total return −3.5% → V0 ≈ 1,096.
#[test]
fn gc17_period_total_return_identity() {
    let (v1, income, tr): (f64, f64, f64) = (1000.0, 45.5 + 12.0, -0.035);
    let v0 = (v1 + income) / (1.0 + tr);
    assert!((v0 - 1096.0).abs() <= 0.5, "{v0}");
    let grown = tr_step(TrConvention::ProviderStyle, 1.0, v0, v1, income);
    assert!((grown - (1.0 + tr)).abs() < 1e-12);
}
