//! Properties that hold for any pair of states: money is conserved inside
//! every fully invested index, turnover is a fraction, and the convergence
//! table judges the final forecast perfect.

use proptest::prelude::*;
use rankday_core::{
    Change, DailyRow, Date, IndexId, IndexSet, Market, MarketBuilder, MemberRow, Membership, Sec,
    Security,
};
use rankday_flows::{compute_flows, convergence, FlowConfig, PassiveModel};

const DAYS: usize = 5;

fn market(prices: &[f64]) -> Market {
    let mut b = MarketBuilder::new();
    for s in 0..prices.len() {
        let id = format!("S{s}");
        b.add_security(Security::us_common(&id, &id, &id)).unwrap();
    }
    let mut d = Date::ymd(2026, 6, 22);
    for day in 0..DAYS {
        for (s, &p) in prices.iter().enumerate() {
            b.push_daily(DailyRow {
                date: d,
                sec: Sec(s as u32),
                // A little movement so σ and impact are exercised.
                close: p * (1.0 + 0.01 * ((s + day) % 3) as f64),
                volume: 1000.0 + (s * day) as f64,
                shares_outstanding: 1e9,
                float_shares: 1e9,
            });
        }
        d = d.add_days(1);
    }
    b.build().unwrap()
}

/// (index mask, shares) per security; mask 0 = not a member.
fn members(spec: &[(u16, f64)], eff: Date) -> Membership {
    Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: eff.add_days(-50),
        effective_date: eff,
        rows: spec
            .iter()
            .enumerate()
            .filter(|(_, (mask, _))| *mask != 0)
            .map(|(s, &(mask, shares))| MemberRow {
                sec: Sec(s as u32),
                company: s as u32,
                rank: s as u32 + 1,
                total_market_cap: 1e6 * (s as f64 + 1.0),
                float_market_cap: 1e6,
                cumulative_percentile: 50.0,
                indexes: IndexSet(mask),
                change: Change::Stay,
                index_shares: shares,
            })
            .collect(),
    }
}

fn state_strategy(n: usize) -> impl Strategy<Value = Vec<(u16, f64)>> {
    let all = (1u16 << IndexId::ALL.len()) - 1;
    prop::collection::vec((0..=all, 1.0f64..1e6), n)
}

/// (prices, before, after, AUM per index).
type Case = (Vec<f64>, Vec<(u16, f64)>, Vec<(u16, f64)>, Vec<f64>);

fn case() -> impl Strategy<Value = Case> {
    (2usize..14).prop_flat_map(|n| {
        (
            prop::collection::vec(1.0f64..1000.0, n),
            state_strategy(n),
            state_strategy(n),
            prop::collection::vec(0.0f64..1e9, IndexId::ALL.len()),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn money_is_conserved_and_turnover_is_a_fraction((prices, b, a, aums) in case()) {
        let m = market(&prices);
        let eff = m.dates()[DAYS - 1];
        let before = members(&b, m.dates()[0]);
        let after = members(&a, eff);
        // Fund an index only if it holds something in both states; every
        // other index gives a share of its float cap instead of dollars
        // (resolved once per event, so the same conservation must hold).
        let mut model = PassiveModel::empty("prop");
        for (k, &i) in IndexId::ALL.iter().enumerate() {
            if before.count(i) > 0 && after.count(i) > 0 {
                if k % 2 == 0 {
                    model.set_aum(i, aums[k]).unwrap();
                } else {
                    model.set_share_of_float_cap(i, aums[k] / 1e9).unwrap();
                }
            }
        }
        let (rows, s) = compute_flows(&m, &before, &after, eff, &model, &FlowConfig::default()).unwrap();
        let scale = s.per_index.iter().map(|f| f.aum_usd).sum::<f64>().max(1.0);
        let net: f64 = rows.iter().map(|r| r.demand_usd).sum();
        prop_assert!(net.abs() <= 1e-9 * scale, "net {net} of {scale}");
        prop_assert!((s.buys_usd - s.sells_usd).abs() <= 1e-9 * scale);
        prop_assert!(s.buys_usd <= s.index_one_way_usd * (1.0 + 1e-12) + 1e-9 * scale);
        for f in &s.per_index {
            prop_assert!((0.0..=1.0 + 1e-12).contains(&f.one_way_turnover), "{f:?}");
            prop_assert!((f.buys_usd - f.sells_usd).abs() <= 1e-9 * scale, "{f:?}");
            prop_assert!((f.buys_usd - f.aum_usd * f.one_way_turnover).abs() <= 1e-9 * scale);
            prop_assert_eq!(f.members_before, before.count(f.index));
            prop_assert_eq!(f.members_after, after.count(f.index));
        }
        // Weights of every index sum to one in each state.
        for &i in IndexId::ALL {
            for (side, n) in [(0, before.count(i)), (1, after.count(i))] {
                let sum: f64 = rows.iter().flat_map(|r| if side == 0 { &r.weights_before } else { &r.weights_after })
                    .filter(|(j, _)| *j == i).map(|(_, w)| w).sum();
                prop_assert!(n == 0 || (sum - 1.0).abs() < 1e-9, "{i} side {side}: {sum}");
            }
        }
        // Rows are sorted by security, and identical states move nothing.
        prop_assert!(rows.windows(2).all(|w| w[0].sec < w[1].sec));
        let (same, s0) = compute_flows(&m, &after, &after, eff, &model, &FlowConfig::default()).unwrap();
        prop_assert!(same.iter().all(|r| r.demand_shares == 0.0));
        prop_assert!(s0.per_index.iter().all(|f| f.one_way_turnover == 0.0));
        // The final forecast agrees with itself.
        let table = convergence(&[(m.dates()[1], same, s0.clone()), (eff, rows, s)]);
        prop_assert_eq!(table.len(), 2);
        let last = &table[1];
        prop_assert_eq!((last.add_jaccard, last.delete_jaccard, last.up_jaccard, last.down_jaccard), (1.0, 1.0, 1.0, 1.0));
        prop_assert_eq!(table[0].adds, 0);
    }
}
