//! Full-history levels of the nine indexes on a large synthetic market,
//! against one pass summing the price column in memory.
//!
//! `cargo bench -p rankday-calc --bench levels`; size with
//! `RANKDAY_BENCH_SECS` (default 4000) and `RANKDAY_BENCH_DAYS` (12600).

use std::hint::black_box;
use std::time::Instant;

use rankday_calc::{calculate, CalcConfig, ShareUpdate, UpdateBuffer};
use rankday_core::{
    Action, ActionKind, Change, DailyRow, Date, IndexId, IndexSet, Market, MarketBuilder,
    MemberRow, Membership, Sec, Security,
};
use rankday_testkit::Rng;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Random walks; quarterly dividends for half the lines, rare splits, rare
/// one-day halts; yearly memberships ranked by cap.
fn market(n_secs: usize, n_days: usize) -> (Market, Vec<Membership>, Vec<ShareUpdate>) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut b = MarketBuilder::with_capacity(n_secs * n_days);
    let secs: Vec<Sec> = (0..n_secs)
        .map(|k| {
            let id = format!("S{k:05}");
            b.add_security(Security::us_common(&id, &id, &id)).unwrap()
        })
        .collect();
    let mut dates = Vec::with_capacity(n_days);
    let mut d = Date::ymd(1976, 1, 2);
    while dates.len() < n_days {
        if !d.is_weekend() {
            dates.push(d);
        }
        d = d.add_days(1);
    }
    let mut price: Vec<f64> = (0..n_secs).map(|_| 5.0 + 200.0 * r.unit()).collect();
    let mut shares: Vec<f64> = (0..n_secs)
        .map(|_| 1e6 + 1e9 * r.unit() * r.unit())
        .collect();
    let payer: Vec<bool> = (0..n_secs).map(|_| r.unit() < 0.5).collect();
    let mut memberships = Vec::new();
    let mut updates = Vec::new();
    for (day, &date) in dates.iter().enumerate() {
        for k in 0..n_secs {
            price[k] *= 1.0 + 0.03 * (r.unit() - 0.5);
            if day > 0 && day % 63 == k % 63 && payer[k] {
                b.push_action(Action {
                    ex_date: date,
                    sec: secs[k],
                    kind: ActionKind::CashDividend,
                    ratio: None,
                    amount: Some(0.005 * price[k]),
                    other: None,
                    offering: None,
                });
            }
            if day > 0 && r.unit() < 1.0 / 25_000.0 {
                price[k] /= 2.0;
                shares[k] *= 2.0;
                b.push_action(Action {
                    ex_date: date,
                    sec: secs[k],
                    kind: ActionKind::Split,
                    ratio: Some(2.0),
                    amount: None,
                    other: None,
                    offering: None,
                });
            }
            if day > 0 && r.unit() < 1.0 / 50_000.0 {
                continue; // a one-day halt
            }
            b.push_daily(DailyRow {
                date,
                sec: secs[k],
                close: price[k],
                volume: 1e5,
                shares_outstanding: shares[k],
                float_shares: 0.8 * shares[k],
            });
        }
        if day % 252 == 0 {
            memberships.push(family(date, &secs, &price, &shares));
        } else if day % 63 == 0 {
            updates.push(ShareUpdate {
                cutoff_date: date,
                effective_date: date,
                buffer: UpdateBuffer::SharesAndFloat,
                with_recon: false,
            });
        }
    }
    (b.build().unwrap(), memberships, updates)
}

/// Ranks by cap: R3000E = all, R3000 top 3000, R1000 top 1000, R2000 the
/// next 2000, Top 200, Midcap (201-1000), Top 500, R2500 (501-3000),
/// Microcap (2001-4000); bounds scale with the universe.
fn family(date: Date, secs: &[Sec], price: &[f64], shares: &[f64]) -> Membership {
    let n = secs.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (price[b] * shares[b]).total_cmp(&(price[a] * shares[a])));
    let at = |x: usize| x * n / 4000;
    let rows = order
        .iter()
        .enumerate()
        .map(|(rank, &k)| {
            let mut ix = IndexSet::EMPTY;
            ix.insert(IndexId::R3000E);
            let inr = |lo: usize, hi: usize| rank >= at(lo) && rank < at(hi);
            for (id, lo, hi) in [
                (IndexId::R3000, 0, 3000),
                (IndexId::R1000, 0, 1000),
                (IndexId::R2000, 1000, 3000),
                (IndexId::RTop200, 0, 200),
                (IndexId::RMidcap, 200, 1000),
                (IndexId::RTop500, 0, 500),
                (IndexId::R2500, 500, 3000),
                (IndexId::RMicro, 2000, 4000),
            ] {
                if inr(lo, hi) {
                    ix.insert(id);
                }
            }
            MemberRow {
                sec: secs[k],
                company: k as u32,
                rank: rank as u32 + 1,
                total_market_cap: price[k] * shares[k],
                float_market_cap: 0.8 * price[k] * shares[k],
                cumulative_percentile: 0.0,
                indexes: ix,
                change: Change::Stay,
                index_shares: 0.8 * shares[k],
            }
        })
        .collect();
    Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: date,
        effective_date: date,
        rows,
    }
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(v);
    }
    (best, out.unwrap())
}

fn main() {
    let (n_secs, n_days) = (
        env("RANKDAY_BENCH_SECS", 4000),
        env("RANKDAY_BENCH_DAYS", 12_600),
    );
    let t = Instant::now();
    let (m, ms, updates) = market(n_secs, n_days);
    println!(
        "market: {n_secs} secs x {n_days} days = {} rows, {} actions, {} memberships, built in {:.1}s",
        m.n_rows(),
        m.actions().len(),
        ms.len(),
        t.elapsed().as_secs_f64()
    );
    let close = m.columns().1;
    let naive = || black_box(black_box(close).iter().sum::<f64>());
    let lanes = || {
        let mut acc = [0.0f64; 8];
        let chunks = black_box(close).chunks_exact(8);
        let rest: f64 = chunks.remainder().iter().sum();
        for c in chunks {
            for i in 0..8 {
                acc[i] += c[i];
            }
        }
        black_box(acc.iter().sum::<f64>() + rest)
    };
    // The floor of any engine that looks up each row's index shares by
    // security: one pass over (sec, close) gathering a per-security weight.
    let weights: Vec<f64> = (0..m.n_securities())
        .map(|k| 1.0 + (k % 7) as f64)
        .collect();
    let gather = || {
        let mut acc = [0.0f64; 8];
        for day in 0..m.n_days() {
            let cs = m.cross_section(day);
            for (k, (&s, &p)) in cs.sec.iter().zip(cs.close).enumerate() {
                acc[k & 7] += p * weights[s as usize];
            }
        }
        black_box(acc.iter().sum::<f64>())
    };
    let cfg = CalcConfig {
        share_updates: updates,
        ..CalcConfig::default()
    };
    let one = CalcConfig {
        indexes: vec![IndexId::R2000],
        ..cfg.clone()
    };
    // Interleaved, best of `reps` each: the build machines are shared.
    let reps = env("RANKDAY_BENCH_REPS", 5);
    let (mut t_naive, mut t_pass, mut t_calc, mut t_one) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    let mut t_gather = f64::MAX;
    let mut out = None;
    for _ in 0..reps {
        t_naive = t_naive.min(best_of(1, naive).0);
        t_pass = t_pass.min(best_of(1, lanes).0);
        t_gather = t_gather.min(best_of(1, gather).0);
        let (t, o) = best_of(1, || calculate(&m, &ms, &cfg).unwrap());
        t_calc = t_calc.min(t);
        out = Some(o);
        t_one = t_one.min(best_of(1, || calculate(&m, &ms, &one).unwrap()).0);
    }
    let out = out.unwrap();
    println!(
        "one pass over close: {:.1} ms (8-lane sum), {:.1} ms (sequential sum)",
        t_pass * 1e3,
        t_naive * 1e3
    );
    println!(
        "gather floor (sum of close x weight[sec], no calculation): {:.1} ms = {:.2}x the 8-lane pass",
        t_gather * 1e3,
        t_gather / t_pass
    );
    println!(
        "calculate 9 indexes: {:.1} ms ({} level rows, {} divisor changes, {} halts) = {:.2}x the 8-lane pass, {:.2}x the sequential sum",
        t_calc * 1e3,
        out.levels.len(),
        out.divisor_changes.len(),
        out.halts.len(),
        t_calc / t_pass,
        t_calc / t_naive
    );
    println!(
        "calculate R2000 only: {:.1} ms = {:.2}x the 8-lane pass",
        t_one * 1e3,
        t_one / t_pass
    );
    println!(
        "throughput: {:.0} M rows/s",
        m.n_rows() as f64 / t_calc / 1e6
    );
}
