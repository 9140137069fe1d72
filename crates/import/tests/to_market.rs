//! holdings_to_market: synthetic files for the rules, the shared IWM files
//! for scale and for agreement with basket_return.

mod common;

use rankday_core::{ActionKind, Change, Date, Exchange, IndexId, Market, Membership, SecurityType};
use rankday_import::{
    basket_return, holdings_to_market, read_holdings, Holding, HoldingsFile, ImportError, Layout,
};

fn h(ticker: &str, name: &str, shares: f64, price: f64, exch: &str) -> Holding {
    Holding {
        ticker: ticker.into(),
        name: name.into(),
        sector: Some("Industrials".into()),
        asset_class: "Equity".into(),
        market_value: shares * price,
        weight_pct: f64::NAN,
        shares,
        price,
        exchange: Some(exch.into()),
    }
}

fn file(fund: &str, d: Date, holdings: Vec<Holding>) -> HoldingsFile {
    HoldingsFile {
        fund: fund.into(),
        as_of: d,
        holdings,
        layout: Layout::Export,
        non_equity_lines: 0,
        placeholder_tickers: 0,
        merged_duplicates: 0,
    }
}

fn two_files() -> Vec<HoldingsFile> {
    let d0 = Date::ymd(2025, 11, 5);
    let d1 = Date::ymd(2025, 11, 11);
    // Fund grew 1% (creations): every line's shares x1.01. LXP did a
    // 1-for-5 reverse split; BBB had a +30% float update (no split); CCC
    // left; DDD joined; the unlisted vesting line (price 0) is ignored.
    vec![
        // Given out of date order on purpose.
        file(
            "IWM",
            d1,
            vec![
                h("AAA", "ALPHA CORP CLASS A", 1010.0, 11.0, "NASDAQ"),
                h("AAB", "ALPHA CORP CLASS B", 505.0, 10.0, "NASDAQ"),
                h(
                    "LXP",
                    "LXP INDUSTRIAL TRUST",
                    202.0,
                    41.0,
                    "New York Stock Exchange Inc.",
                ),
                h("BBB", "BETA INC", 1313.0, 5.1, "Nyse Mkt Llc"),
                h("DDD", "DELTA WARRANTS", 100.0, 1.0, "Cboe BZX"),
                h(
                    "ZZZ",
                    "ZETA VESTING",
                    10.0,
                    0.0,
                    "NO MARKET (E.G. UNLISTED)",
                ),
            ],
        ),
        file(
            "IWM",
            d0,
            vec![
                h("AAA", "ALPHA CORP CLASS A", 1000.0, 10.0, "NASDAQ"),
                h("AAB", "ALPHA CORP CLASS B", 500.0, 9.0, "NASDAQ"),
                h(
                    "LXP",
                    "LXP INDUSTRIAL TRUST",
                    1000.0,
                    8.0,
                    "New York Stock Exchange Inc.",
                ),
                h("BBB", "BETA INC", 1000.0, 5.0, "Nyse Mkt Llc"),
                h("CCC", "GAMMA INC", 300.0, 3.0, "NASDAQ"),
            ],
        ),
    ]
}

#[test]
fn synthetic_files_give_rows_splits_companies_and_memberships() {
    let (m, ms) = holdings_to_market(&two_files()).unwrap();
    assert_eq!(
        m.dates(),
        &[Date::ymd(2025, 11, 5), Date::ymd(2025, 11, 11)]
    );
    assert_eq!(
        m.n_securities(),
        6,
        "AAA AAB LXP BBB CCC DDD; the 0-priced line is left out"
    );
    assert_eq!(m.n_rows(), 10);
    let lxp = m.sec_by_id("LXP|LXP INDUSTRIAL TRUST").unwrap();
    let acts: Vec<_> = m.actions_of(lxp).collect();
    assert_eq!(acts.len(), 1);
    assert_eq!(
        (acts[0].kind, acts[0].ratio, acts[0].ex_date),
        (ActionKind::Split, Some(0.2), Date::ymd(2025, 11, 11))
    );
    assert_eq!(
        m.actions().len(),
        1,
        "the float update of BBB is not a split"
    );
    let row = m.row(m.row_of(lxp, 1).unwrap());
    assert_eq!(
        (
            row.close,
            row.shares_outstanding,
            row.float_shares,
            row.volume
        ),
        (41.0, 202.0, 202.0, 0.0)
    );
    // Share classes share a company; exchanges and types mapped.
    let (a, b) = (
        m.sec_by_id("AAA|ALPHA CORP CLASS A").unwrap(),
        m.sec_by_id("AAB|ALPHA CORP CLASS B").unwrap(),
    );
    assert_eq!(m.company_of(a), m.company_of(b));
    assert_eq!(m.company_id(m.company_of(a)), "ALPHA CORP");
    let sec = |id: &str| m.security(m.sec_by_id(id).unwrap());
    assert_eq!(sec("AAA|ALPHA CORP CLASS A").exchange, Exchange::Nasdaq);
    assert_eq!(sec("LXP|LXP INDUSTRIAL TRUST").exchange, Exchange::Nyse);
    assert_eq!(sec("BBB|BETA INC").exchange, Exchange::NyseAmerican);
    assert_eq!(sec("DDD|DELTA WARRANTS").exchange, Exchange::Cboe);
    assert_eq!(
        sec("DDD|DELTA WARRANTS").security_type,
        SecurityType::Warrant
    );
    assert_eq!(sec("BBB|BETA INC").security_type, SecurityType::Common);
    assert_eq!(sec("BBB|BETA INC").sector.as_deref(), Some("Industrials"));
    assert_eq!(sec("BBB|BETA INC").country_incorporation.as_str(), "US");

    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].count(IndexId::R2000), 5);
    assert!(ms[0].rows.iter().all(|r| r.change == Change::Stay));
    let m1 = &ms[1];
    assert_eq!(m1.effective_date, Date::ymd(2025, 11, 11));
    assert_eq!(m1.count(IndexId::R2000), 5);
    let change = |id: &str| {
        m1.rows
            .iter()
            .find(|r| r.sec == m.sec_by_id(id).unwrap())
            .unwrap()
    };
    assert_eq!(change("DDD|DELTA WARRANTS").change, Change::Add);
    assert_eq!(change("CCC|GAMMA INC").change, Change::Delete);
    assert!(change("CCC|GAMMA INC").indexes.is_empty());
    assert_eq!(change("LXP|LXP INDUSTRIAL TRUST").index_shares, 202.0);
    // Ranked by fund value, cumulative to 100%.
    let top = m1.rows.iter().find(|r| r.rank == 1).unwrap();
    assert_eq!(top.sec, a);
    let last = m1
        .rows
        .iter()
        .filter(|r| r.rank > 0)
        .max_by_key(|r| r.rank)
        .unwrap();
    assert!((last.cumulative_percentile - 100.0).abs() < 1e-9);
}

#[test]
fn files_that_cannot_form_one_market_are_rejected() {
    let mut f = two_files();
    f[1].fund = "IWV".into();
    assert!(
        matches!(holdings_to_market(&f), Err(ImportError::Combine(m)) if m.contains("two funds"))
    );
    let mut f = two_files();
    f[1].as_of = f[0].as_of;
    assert!(
        matches!(holdings_to_market(&f), Err(ImportError::Combine(m)) if m.contains("two IWM files dated 2025-11-11"))
    );
    let mut f = two_files();
    for x in &mut f {
        x.fund = "IWN".into();
    }
    assert!(matches!(holdings_to_market(&f), Err(ImportError::Combine(m)) if m.contains("IWN")));
    assert!(holdings_to_market(&[]).is_err());
}

/// Value a membership's index shares at a later date through the market:
/// closes of that date, shares adjusted by the split actions in between.
/// What the calc engine does between reconstitutions, in ten lines.
fn value_through_market(m: &Market, ms: &Membership, to: Date) -> f64 {
    let (d0, d1) = (
        m.day_index(ms.effective_date).unwrap(),
        m.day_index(to).unwrap(),
    );
    let (mut v0, mut v1) = (0.0, 0.0);
    for r in ms.members(IndexId::R2000) {
        let Some(row1) = m.row_of(r.sec, d1) else {
            continue;
        };
        let p0 = m.row(m.row_of(r.sec, d0).unwrap()).close;
        let ratio: f64 = m
            .actions_of(r.sec)
            .filter(|a| {
                a.kind == ActionKind::Split && a.ex_date > ms.effective_date && a.ex_date <= to
            })
            .map(|a| a.ratio.unwrap())
            .product();
        v0 += r.index_shares * p0;
        v1 += r.index_shares * ratio * m.row(row1).close;
    }
    v1 / v0 - 1.0
}

#[test]
fn shared_iwm_files_make_a_market_the_engine_can_value() {
    let Some(real) = common::real_data() else {
        return;
    };
    let dir = real.join("ishares_holdings");
    let names = [
        "IWM_2025-11-05.csv",
        "IWM_2025-11-11_inferred.csv",
        "IWM_2026-01-21.csv",
    ];
    let files: Vec<HoldingsFile> = names
        .iter()
        .map(|n| read_holdings(&dir.join(n)).unwrap())
        .collect();
    let (m, ms) = holdings_to_market(&files).unwrap();
    println!(
        "market: {} securities, {} rows, {} actions",
        m.n_securities(),
        m.n_rows(),
        m.actions().len()
    );
    assert_eq!(m.n_days(), 3);
    assert!((1950..2100).contains(&m.n_securities()));
    let lxp = m
        .securities()
        .iter()
        .position(|s| s.ticker == "LXP")
        .unwrap();
    let acts: Vec<_> = m.actions_of(rankday_core::Sec(lxp as u32)).collect();
    assert_eq!(acts.len(), 1);
    assert_eq!(
        (acts[0].ratio, acts[0].ex_date),
        (Some(0.2), Date::ymd(2025, 11, 11)),
        "LXP's reverse split lands on the first file after it"
    );
    for (f, mship) in files.iter().zip(&ms) {
        let valued = f.holdings.iter().filter(|h| h.is_valued()).count();
        assert_eq!(mship.count(IndexId::R2000), valued);
    }
    // The market reproduces the file-based basket return to within a basis point.
    let via_market = value_through_market(&m, &ms[0], Date::ymd(2026, 1, 21));
    let direct = basket_return(&files[0], &files[2], None).ret;
    println!(
        "11-05 -> 01-21 through the market {:+.4}%, direct {:+.4}%",
        100.0 * via_market,
        100.0 * direct
    );
    assert!((via_market - direct).abs() < 1e-4);
}
