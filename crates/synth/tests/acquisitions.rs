//! Stock acquisitions issue the acquirer's shares at its market price, and
//! the acquirer is the larger company: its holders keep most of the
//! combined company, and its close moves on the settlement day by no more
//! than a trading day's move. The issue is the acquisition's, not an
//! offering.

mod common;

use std::collections::HashSet;

use rankday_core::{ActionKind, Market};

/// (issued / acquirer's shares, acquirer's close on the settlement day /
/// the day before, acquirer) of every stock deal of the market.
fn stock_deals(m: &Market) -> Vec<(f64, f64, String)> {
    let offerings: HashSet<_> = m
        .actions()
        .iter()
        .filter(|a| a.kind == ActionKind::Offering)
        .map(|a| (a.sec, a.ex_date))
        .collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for a in m.actions() {
        let (Some(acq), Some(ratio)) = (a.other, a.ratio) else {
            continue;
        };
        // One deal has an action per common line of the target.
        if a.kind != ActionKind::Acquisition || ratio == 0.0 || !seen.insert((acq, a.ex_date)) {
            continue;
        }
        assert!(
            !offerings.contains(&(acq, a.ex_date)),
            "{a:?}: the acquirer's issue is recorded as an offering too"
        );
        let day = m.day_index(a.ex_date).expect("ex_date is a trading day");
        let h = m.history(acq);
        let i = h.last_on_or_before(day).expect("the acquirer trades");
        assert_eq!(h.day(i), day, "{a:?}: the acquirer trades on the ex_date");
        let (p, r) = (h.row(i - 1), h.row(i));
        out.push((
            (r.shares_outstanding - p.shares_outstanding) / p.shares_outstanding,
            r.close / p.close,
            format!("{} on {}", m.security(acq).security_id, a.ex_date),
        ));
    }
    out
}

/// On four small markets (about 400 stock deals): no acquirer's issue is
/// recorded as an offering, no deal issues more than one and a half times
/// the acquirer's shares (a company bought by one a fraction of its size
/// had issued 34 times), and no acquirer's close moves on the settlement
/// day by more than x1.5 either way (the largest move is about 10%: a
/// day's move of a small company).
#[test]
fn stock_deals_keep_the_acquirers_price() {
    let mut n = 0;
    for seed in [1, 2, 3, 4] {
        let m = common::small(seed, 3, 2000);
        for (issued, mv, what) in stock_deals(&m) {
            n += 1;
            assert!(
                issued <= 1.5,
                "seed {seed}, {what}: issued {issued:.2} times the acquirer's shares"
            );
            assert!(
                (1.0 / 1.5..1.5).contains(&mv),
                "seed {seed}, {what}: the acquirer's close moved x{mv:.3}"
            );
        }
    }
    assert!(n > 100, "only {n} stock deals");
}
