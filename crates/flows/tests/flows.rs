//! End-to-end flows on small hand-built markets and memberships.

use rankday_core::{
    Action, ActionKind, Change, DailyRow, Date, IndexId, IndexSet, Market, MarketBuilder,
    MemberRow, Membership, Sec, Security,
};
use rankday_flows::{compute_flows, FlowConfig, FlowRow, PassiveModel};

use IndexId::*;

/// `n_days` weekdays from 2026-05-04; `close(sec, day)` and `vol(sec, day)`;
/// a security whose close is NaN on a day has no row that day.
fn market(
    tickers: &[&str],
    n_days: usize,
    close: impl Fn(usize, usize) -> f64,
    vol: impl Fn(usize, usize) -> f64,
) -> Market {
    let mut b = MarketBuilder::new();
    for t in tickers {
        b.add_security(Security::us_common(t, &format!("C{t}"), t))
            .unwrap();
    }
    let mut d = Date::ymd(2026, 5, 4);
    for day in 0..n_days {
        while d.is_weekend() {
            d = d.add_days(1);
        }
        for s in 0..tickers.len() {
            let c = close(s, day);
            if c.is_nan() {
                continue;
            }
            b.push_daily(DailyRow {
                date: d,
                sec: Sec(s as u32),
                close: c,
                volume: vol(s, day),
                shares_outstanding: 1e12,
                float_shares: 1e12,
            });
        }
        d = d.add_days(1);
    }
    b.build().unwrap()
}

fn row(sec: u32, indexes: &[IndexId], shares: f64, total_cap: f64) -> MemberRow {
    MemberRow {
        sec: Sec(sec),
        company: sec,
        rank: sec + 1,
        total_market_cap: total_cap,
        float_market_cap: total_cap,
        cumulative_percentile: 50.0,
        indexes: indexes.iter().copied().collect::<IndexSet>(),
        change: Change::Stay,
        index_shares: shares,
    }
}

fn state(eff: Date, rows: Vec<MemberRow>) -> Membership {
    Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: eff.add_days(-60),
        effective_date: eff,
        rows,
    }
}

fn find(rows: &[FlowRow], t: &str) -> FlowRow {
    rows.iter().find(|r| r.ticker == t).unwrap().clone()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// A (10$), B (20$), C (5$); R1000 funds $100, R2000 funds $50.
/// Before: R1000 = {A 10sh, B 5sh}, R2000 = {C 20sh}: $100 each, weights ½ ½ / 1.
/// After: B moves down. R1000 = {A}, R2000 = {B, C}: weights 1 / ½ ½.
fn hand_case() -> (Market, Membership, Membership, PassiveModel) {
    let m = market(
        &["A", "B", "C"],
        25,
        |s, _| [10.0, 20.0, 5.0][s],
        |s, d| match s {
            0 => 1000.0,
            1 if d == 24 => 1e9, // the recon day itself: must not enter ADV
            1 => 100.0 * (d as f64 + 1.0),
            _ => 500.0,
        },
    );
    let eff = m.dates()[24];
    let prev = m.dates()[0];
    let before = state(
        prev,
        vec![
            row(0, &[R3000E, R1000], 10.0, 100.0),
            row(1, &[R3000E, R1000], 5.0, 100.0),
            row(2, &[R3000E, R2000], 20.0, 100.0),
        ],
    );
    let after = state(
        eff,
        vec![
            row(0, &[R3000E, R1000], 10.0, 100.0),
            row(1, &[R3000E, R2000], 5.0, 100.0),
            row(2, &[R3000E, R2000], 20.0, 100.0),
        ],
    );
    let model =
        PassiveModel::from_toml("[index.R1000]\naum_usd = 100\n[index.R2000]\naum_usd = 50\n")
            .unwrap();
    (m, before, after, model)
}

#[test]
fn hand_computed_passive_shares_demand_adv_days_of_volume() {
    let (m, before, after, model) = hand_case();
    let cfg = FlowConfig::default();
    let eff = after.effective_date;
    let (rows, s) = compute_flows(&m, &before, &after, eff, &model, &cfg).unwrap();
    assert_eq!(rows.len(), 3);
    let (a, b, c) = (find(&rows, "A"), find(&rows, "B"), find(&rows, "C"));
    // Passive shares = Σ AUM × w / price.
    assert_eq!(a.weights_before, vec![(R3000E, 1.0 / 3.0), (R1000, 0.5)]);
    assert_eq!(a.passive_shares_before, 5.0); // 100 × ½ / 10
    assert_eq!(a.passive_shares_after, 10.0); // 100 × 1 / 10
    assert_eq!(b.passive_shares_before, 2.5); // 100 × ½ / 20
    assert_eq!(b.passive_shares_after, 1.25); // 50 × ½ / 20
    assert_eq!(c.passive_shares_before, 10.0); // 50 × 1 / 5
    assert_eq!(c.passive_shares_after, 5.0);
    assert_eq!((a.demand_shares, a.demand_usd), (5.0, 50.0));
    assert_eq!((b.demand_shares, b.demand_usd), (-1.25, -25.0));
    assert_eq!((c.demand_shares, c.demand_usd), (-5.0, -25.0));
    assert_eq!(b.change, Change::Down);
    assert_eq!(a.change, Change::Stay);
    // ADV of B: days 4..=23 (20 days before the recon day), volume 100·(d+1).
    assert_eq!(b.adv_shares, 100.0 * (5..=24).sum::<i32>() as f64 / 20.0);
    assert_eq!(b.adv_shares, 1450.0);
    assert_eq!(b.days_of_volume, 1.25 / 1450.0);
    assert_eq!(a.days_of_volume, 5.0 / 1000.0);
    assert!(close(a.auction_multiple, 5.0 / (0.09 * 1000.0)));
    // Flat prices: σ = 0, no impact.
    assert_eq!(a.daily_sigma, 0.0);
    assert_eq!(a.impact_bps, 0.0);
    // Summary.
    let r1 = s.index(R1000).unwrap();
    let r2 = s.index(R2000).unwrap();
    assert_eq!((r1.one_way_turnover, r2.one_way_turnover), (0.5, 0.5));
    assert_eq!((r1.buys_usd, r1.sells_usd), (50.0, 50.0));
    assert_eq!((r2.buys_usd, r2.sells_usd), (25.0, 25.0));
    assert_eq!((s.buys_usd, s.sells_usd, s.net_usd), (50.0, 50.0, 0.0));
    assert_eq!(s.index_one_way_usd, 75.0);
    assert_eq!(s.crossed_usd, 25.0); // B: R1000 funds sell $25 to R2000 funds
    assert_eq!(s.index(R3000E).unwrap().aum_usd, 0.0);
    assert_eq!((s.counts.down, s.counts.stay), (1, 2));
    assert_eq!(s.pricing_date, eff);
    assert_eq!(s.top_by_days_of_volume[0].ticker, "C"); // 5/500 = 0.01 days
    assert_eq!(s.top_by_days_of_volume.len(), 3);
    assert_eq!(s.deciles.iter().map(|d| d.names).sum::<usize>(), 3);
    // Decile 1 holds the smallest caps (what the report's label says).
    let filled: Vec<_> = s.deciles.iter().filter(|d| d.names > 0).collect();
    assert!(filled
        .windows(2)
        .all(|w| w[0].max_total_cap <= w[1].min_total_cap));
    let smallest = rows
        .iter()
        .map(|r| r.total_market_cap)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(filled[0].min_total_cap, smallest);
    assert!(filled[0].decile < filled[filled.len() - 1].decile);
    assert!(close(s.deciles.iter().map(|d| d.net_usd).sum::<f64>(), 0.0));
}

#[test]
fn deletion_sells_the_whole_passive_holding() {
    let (m, before, mut after, model) = hand_case();
    // C leaves: a delete row with no index.
    after.rows[2].indexes = IndexSet::EMPTY;
    after.rows[2].change = Change::Delete;
    let eff = after.effective_date;
    let (rows, s) =
        compute_flows(&m, &before, &after, eff, &model, &FlowConfig::default()).unwrap();
    let c = find(&rows, "C");
    assert_eq!(c.change, Change::Delete);
    assert!(c.weights_after.is_empty());
    assert_eq!(c.passive_shares_after, 0.0);
    assert_eq!(c.demand_shares, -c.passive_shares_before);
    assert_eq!(c.demand_usd, -50.0);
    assert_eq!(s.counts.delete, 1);
    // B alone in the R2000 after: weight 1, so R2000 funds buy 50 × 1 / 20.
    assert_eq!(find(&rows, "B").passive_shares_after, 2.5);
}

#[test]
fn identical_states_have_zero_turnover_even_across_a_split() {
    let (m, before, _, model) = hand_case();
    let eff = m.dates()[24];
    let (rows, s) =
        compute_flows(&m, &before, &before, eff, &model, &FlowConfig::default()).unwrap();
    assert!(rows
        .iter()
        .all(|r| r.demand_shares == 0.0 && r.change == Change::Stay));
    assert!(s.per_index.iter().all(|f| f.one_way_turnover == 0.0));
    assert_eq!((s.buys_usd, s.sells_usd), (0.0, 0.0));

    // B splits 2-for-1 on day 10; the old state holds pre-split shares, the
    // new one post-split shares: same holdings, no flow.
    let mut b = MarketBuilder::new();
    for t in ["A", "B"] {
        b.add_security(Security::us_common(t, t, t)).unwrap();
    }
    let days: Vec<Date> = m.dates()[..20].to_vec();
    for (k, &d) in days.iter().enumerate() {
        for s in 0..2u32 {
            let px = if s == 1 && k >= 10 { 10.0 } else { 20.0 };
            let vol = if s == 1 && k >= 10 { 200.0 } else { 100.0 };
            b.push_daily(DailyRow {
                date: d,
                sec: Sec(s),
                close: px,
                volume: vol,
                shares_outstanding: 1e6,
                float_shares: 1e6,
            });
        }
    }
    b.push_action(Action {
        ex_date: days[10],
        sec: Sec(1),
        kind: ActionKind::Split,
        ratio: Some(2.0),
        amount: None,
        other: None,
        offering: None,
    });
    let m2 = b.build().unwrap();
    let old = state(
        days[2],
        vec![row(0, &[R2000], 5.0, 1.0), row(1, &[R2000], 5.0, 1.0)],
    );
    let new = state(
        days[19],
        vec![row(0, &[R2000], 5.0, 1.0), row(1, &[R2000], 10.0, 1.0)],
    );
    let cfg = FlowConfig::default();
    let (rows, s) = compute_flows(&m2, &old, &new, days[19], &model, &cfg).unwrap();
    assert!(
        rows.iter().all(|r| r.demand_shares.abs() < 1e-12),
        "{rows:?}"
    );
    assert_eq!(s.index(R2000).unwrap().one_way_turnover, 0.0);
    // ADV in post-split shares: 100 pre-split = 200 post-split every day.
    assert_eq!(find(&rows, "B").adv_shares, 200.0);
    // No spurious −69% return at the split.
    assert_eq!(find(&rows, "B").daily_sigma, 0.0);
}

#[test]
fn moving_down_from_r1000_to_r2000_is_a_net_buy_under_the_default_model() {
    // Realistic scale: R1000 ≈ $50T float cap, R2000 ≈ $3T.
    let tickers = ["G1", "G2", "G3", "G4", "G5", "MOVER", "S1", "S2", "S3"];
    let m = market(
        &tickers,
        30,
        |s, _| [1000.0, 50.0, 100.0][(s >= 5) as usize + (s >= 6) as usize],
        |_, _| 1e6,
    );
    let eff = m.dates()[29];
    let top = [R3000E, R3000, R1000, RTop200, RTop500];
    let mid = [R3000E, R3000, R1000, RMidcap];
    let small = [R3000E, R3000, R2000, R2500];
    let mut before = Vec::new();
    let mut after = Vec::new();
    for g in 0..5u32 {
        let set: &[IndexId] = if g < 4 { &top } else { &mid };
        before.push(row(g, set, 1e10, 1e13));
        after.push(row(g, set, 1e10, 1e13));
    }
    before.push(row(5, &mid, 1e8, 5e9));
    after.push(row(5, &small, 1e8, 5e9));
    for s in 6..9u32 {
        before.push(row(s, &small, 1e10, 1e12));
        after.push(row(s, &small, 1e10, 1e12));
    }
    let model = PassiveModel::russell_default();
    let (before, after) = (state(m.dates()[0], before), state(eff, after));
    // Single-state holdings agree with the flow rows.
    let hb = rankday_flows::passive_holdings(&m, &before, eff, &model).unwrap();
    let ha = rankday_flows::passive_holdings(&m, &after, eff, &model).unwrap();
    assert_eq!(hb.len(), 9);
    let (rows, s) =
        compute_flows(&m, &before, &after, eff, &model, &FlowConfig::default()).unwrap();
    let mv = find(&rows, "MOVER");
    assert_eq!(hb[5].passive_shares, mv.passive_shares_before);
    // The default model gives shares of float cap. Flows resolve them on the
    // state before the event (the funds' money is fixed across the recon);
    // holdings of the new state alone resolve them on its own caps, which
    // differ by the mover's weight: close, not equal.
    assert!((ha[5].passive_shares / mv.passive_shares_after - 1.0).abs() < 0.01);
    // The dollars flows report per index are the ones they used: as a fixed
    // dollar model they reproduce the new state's holdings exactly.
    let mut used = PassiveModel::empty("used");
    for f in &s.per_index {
        used.set_aum(f.index, f.aum_usd).unwrap();
    }
    let ha = rankday_flows::passive_holdings(&m, &after, eff, &used).unwrap();
    assert_eq!(ha[5].passive_shares, mv.passive_shares_after);
    assert_eq!(ha[5].share_of_float, mv.passive_shares_after / 1e12);
    assert!(close(ha[5].passive_usd, mv.passive_shares_after * 50.0));
    // R2000 funds hold 10% of the R2000's $3T float cap before the event.
    assert!(close(s.index(R2000).unwrap().aum_usd, 300e9));
    assert_eq!(mv.change, Change::Down);
    let float = 1e8;
    let (share_b, share_a) = (
        mv.passive_shares_before / float,
        mv.passive_shares_after / float,
    );
    // Passive share of float about 3% in the R1000, about 12% in the R2000.
    assert!(share_b > 0.02 && share_b < 0.06, "{share_b}");
    assert!(share_a > 0.10 && share_a < 0.16, "{share_a}");
    assert!(mv.demand_usd > 0.0 && share_a > 2.5 * share_b);
    assert!(
        mv.demand_usd > 4e8 && mv.demand_usd < 5e8,
        "{}",
        mv.demand_usd
    );
    // The complex is closed: the buying is paid for by the other members.
    assert!(s.net_usd.abs() < 1e-6 * s.buys_usd);
    // R2000 funds make room by selling the small names; R1000 and Midcap
    // funds reinvest the mover's weight in the large ones.
    for r in &rows {
        match r.ticker.as_str() {
            "MOVER" => {}
            t if t.starts_with('S') => assert!(r.demand_usd < 0.0, "{t}"),
            t => assert!(r.demand_usd > 0.0, "{t}"),
        }
    }
}

#[test]
fn square_root_impact_from_alternating_returns() {
    // B alternates 20 and 20·e^0.01: returns ±0.01.
    let up = 20.0 * (0.01f64).exp();
    let m = market(
        &["A", "B"],
        12,
        |s, d| if s == 1 && d % 2 == 1 { up } else { 20.0 },
        |_, _| 400.0,
    );
    let eff = m.dates()[11];
    let before = state(m.dates()[0], vec![row(0, &[R2000], 10.0, 1.0)]);
    let after = state(
        eff,
        vec![row(0, &[R2000], 10.0, 1.0), row(1, &[R2000], 10.0, 1.0)],
    );
    let model = PassiveModel::from_toml("[index.R2000]\naum_usd = 4000\n").unwrap();
    let cfg = FlowConfig {
        vol_days: 4,
        ..FlowConfig::default()
    };
    let (rows, _) = compute_flows(&m, &before, &after, eff, &model, &cfg).unwrap();
    let b = find(&rows, "B");
    assert_eq!(b.change, Change::Add);
    // Window ends on day 10: returns of days 7..=10 = +,-,+,- (0.01): sd = 0.01·√(4/3).
    let sigma = 0.01 * (4.0f64 / 3.0).sqrt();
    assert!(close(b.daily_sigma, sigma), "{}", b.daily_sigma);
    // Day 11 close is `up`: weight = up / (20 + up); demand = 4000 · w / up shares.
    let q = 4000.0 / (20.0 + up);
    assert!(close(b.demand_shares, q));
    // At the close: the order over the close's volume, itself plus the
    // closing-auction share of the ADV.
    let want = sigma * (q / (q + cfg.closing_auction_share * 400.0)).sqrt() * 1e4;
    assert!(close(b.impact_bps, want), "{} vs {want}", b.impact_bps);
    // A is sold to make room; its flat price gives no measured impact.
    assert!(find(&rows, "A").demand_shares < 0.0);
    assert_eq!(find(&rows, "A").impact_bps, 0.0);
}

#[test]
fn members_that_stopped_trading_are_already_gone() {
    // C stops trading on day 5 (acquired); the old state still lists it.
    let m = market(
        &["A", "B", "C"],
        10,
        |s, d| if s == 2 && d > 5 { f64::NAN } else { 10.0 },
        |_, _| 1.0,
    );
    let eff = m.dates()[9];
    let old = state(
        m.dates()[0],
        vec![
            row(0, &[R2000], 1.0, 1.0),
            row(1, &[R2000], 1.0, 1.0),
            row(2, &[R2000], 1.0, 1.0),
        ],
    );
    let new = state(
        eff,
        vec![row(0, &[R2000], 1.0, 1.0), row(1, &[R2000], 1.0, 1.0)],
    );
    let model = PassiveModel::from_toml("[index.R2000]\naum_usd = 100\n").unwrap();
    let (rows, s) = compute_flows(&m, &old, &new, eff, &model, &FlowConfig::default()).unwrap();
    assert_eq!(s.dropped_before, 1);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.demand_shares == 0.0));
}

#[test]
fn new_members_acquired_before_the_effective_date_are_not_bought() {
    // C was ranked in (rank day before day 5) but is acquired on day 5: the
    // new state still lists it, yet no fund will buy it, and it must not
    // count as an addition (a rank-day list firming up would otherwise
    // "gain" adds as deals close before the effective date).
    let m = market(
        &["A", "B", "C"],
        10,
        |s, d| if s == 2 && d > 5 { f64::NAN } else { 10.0 },
        |_, _| 1.0,
    );
    let eff = m.dates()[9];
    let old = state(
        m.dates()[0],
        vec![row(0, &[R2000], 1.0, 1.0), row(1, &[R2000], 1.0, 1.0)],
    );
    let new = state(
        eff,
        vec![
            row(0, &[R2000], 1.0, 1.0),
            row(1, &[R2000], 1.0, 1.0),
            row(2, &[R2000], 1.0, 1.0),
        ],
    );
    let model = PassiveModel::from_toml("[index.R2000]\naum_usd = 100\n").unwrap();
    let (rows, s) = compute_flows(&m, &old, &new, eff, &model, &FlowConfig::default()).unwrap();
    assert_eq!(s.dropped_after, 1);
    assert_eq!(s.counts.add, 0);
    assert!(rows.iter().all(|r| r.demand_shares == 0.0));
}

#[test]
fn errors_name_what_is_wrong() {
    let (m, before, mut after, model) = hand_case();
    let e = compute_flows(
        &m,
        &before,
        &after,
        Date::ymd(2000, 1, 1),
        &model,
        &FlowConfig::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("2000-01-01"), "{e}");
    let bad = FlowConfig {
        closing_auction_share: 0.0,
        ..FlowConfig::default()
    };
    assert!(compute_flows(&m, &before, &after, after.effective_date, &model, &bad).is_err());
    after.rows.push(after.rows[0].clone());
    let e = compute_flows(
        &m,
        &before,
        &after,
        after.effective_date,
        &model,
        &FlowConfig::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("A appears twice in the after"),
        "{e}"
    );
}

#[test]
fn convergence_table_scores_forecasts_against_the_last_one() {
    let (m, before, after, model) = hand_case();
    let cfg = FlowConfig::default();
    let eff = after.effective_date;
    // Early forecast: B down only. Final: B down and C deleted.
    let early = compute_flows(&m, &before, &after, m.dates()[10], &model, &cfg).unwrap();
    let mut fin_state = after.clone();
    fin_state.rows[2].indexes = IndexSet::EMPTY;
    let fin = compute_flows(&m, &before, &fin_state, eff, &model, &cfg).unwrap();
    let table =
        rankday_flows::convergence(&[(eff, fin.0, fin.1), (m.dates()[10], early.0, early.1)]);
    assert_eq!(table[0].as_of, m.dates()[10]);
    assert_eq!((table[0].downs, table[0].deletes), (1, 0));
    assert_eq!(table[0].down_jaccard, 1.0);
    assert_eq!(table[0].delete_jaccard, 0.0);
    assert_eq!(table[0].add_jaccard, 1.0);
    assert_eq!(table[1].deletes, 1);
    assert_eq!(table[1].delete_jaccard, 1.0);
    // B: $50 of R1000 money out, $50 of R2000 money in (alone there): nets to 0.
    assert_eq!(table[1].sells_usd, 50.0); // C −50
}
