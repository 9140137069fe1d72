//! holdings_to_market: synthetic files for the rules, the shared IWM files
//! for scale and for agreement with basket_return.

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
        ids: Default::default(),
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

/// Renames and ticker changes keep their security (one rule with
/// basket_return: `rankday_import::split::link_lines`); a company whose
/// ticker and name both changed, or whose name is shared, is a deletion
/// plus an addition; a line that skips a file resumes its security.
#[test]
fn renamed_lines_stay_one_security() {
    let d = [
        Date::ymd(2025, 11, 5),
        Date::ymd(2025, 11, 11),
        Date::ymd(2025, 12, 1),
    ];
    let base = |k: f64| {
        vec![
            h("AAA", "ALPHA CORP", 1000.0 * k, 10.0, "NASDAQ"),
            h("BBB", "BETA INC", 2000.0 * k, 20.0, "NASDAQ"),
            h("CCC", "GAMMA INC", 3000.0 * k, 30.0, "NASDAQ"),
        ]
    };
    let with = |k: f64, extra: Vec<Holding>| {
        let mut v = base(k);
        v.extend(extra);
        v
    };
    let files = vec![
        file(
            "IWM",
            d[0],
            with(
                1.0,
                vec![
                    h("NXT", "NEXTRACKER INC CLASS A", 500.0, 100.0, "NASDAQ"),
                    h("KAR", "OPENLANE INC", 800.0, 25.0, "NYSE"),
                    h("COMM", "COMMSCOPE HOLDING INC", 900.0, 15.0, "NASDAQ"),
                    h("FBP", "FIRST BANCORP", 1000.0, 20.0, "NYSE"),
                    h("FBNC", "FIRST BANCORP", 300.0, 40.0, "NASDAQ"),
                    h("GAP", "GAPPY INC", 100.0, 7.0, "NASDAQ"),
                ],
            ),
        ),
        file(
            "IWM",
            d[1],
            with(
                1.01,
                vec![
                    h("NXT", "NEXTPOWER INC CLASS A", 505.0, 90.0, "NASDAQ"),
                    h("OPLN", "OPENLANE INC", 808.0, 26.0, "NYSE"),
                    h("VISN", "VISTANCE NETWORKS INC", 909.0, 16.0, "NASDAQ"),
                    h("FBP", "FIRST BANCORP", 1010.0, 21.0, "NYSE"),
                    h("FBNX", "FIRST BANCORP", 303.0, 41.0, "NASDAQ"),
                ],
            ),
        ),
        file(
            "IWM",
            d[2],
            with(
                1.02,
                vec![
                    h("NXT", "NEXTPOWER INC CLASS A", 510.0, 95.0, "NASDAQ"),
                    h("GAP", "GAPPY INC", 102.0, 7.5, "NASDAQ"),
                ],
            ),
        ),
    ];
    let (m, ms) = holdings_to_market(&files).unwrap();
    let nxt = m.sec_by_id("NXT|NEXTRACKER INC CLASS A").unwrap();
    assert!(m.sec_by_id("NXT|NEXTPOWER INC CLASS A").is_none());
    assert_eq!(
        m.security(nxt).name.as_deref(),
        Some("NEXTPOWER INC CLASS A")
    );
    assert_eq!(m.company_id(m.company_of(nxt)), "NEXTPOWER INC");
    let kar = m.sec_by_id("KAR|OPENLANE INC").unwrap();
    assert_eq!(m.security(kar).ticker, "OPLN");
    assert!(m.sec_by_id("OPLN|OPENLANE INC").is_none());
    // AAA BBB CCC NXT KAR COMM VISN FBP FBNC FBNX GAP.
    assert_eq!(m.n_securities(), 11);
    assert_eq!(m.actions().len(), 0);
    let change = |k: usize, id: &str| {
        let sec = m.sec_by_id(id).unwrap();
        ms[k].rows.iter().find(|r| r.sec == sec).map(|r| r.change)
    };
    for id in [
        "NXT|NEXTRACKER INC CLASS A",
        "KAR|OPENLANE INC",
        "FBP|FIRST BANCORP",
    ] {
        assert_eq!(change(1, id), Some(Change::Stay), "{id}");
    }
    assert_eq!(
        change(1, "COMM|COMMSCOPE HOLDING INC"),
        Some(Change::Delete)
    );
    assert_eq!(change(1, "VISN|VISTANCE NETWORKS INC"), Some(Change::Add));
    assert_eq!(change(1, "FBNC|FIRST BANCORP"), Some(Change::Delete));
    assert_eq!(change(1, "FBNX|FIRST BANCORP"), Some(Change::Add));
    assert_eq!(change(1, "GAP|GAPPY INC"), Some(Change::Delete));
    assert_eq!(change(2, "GAP|GAPPY INC"), Some(Change::Add));
    assert_eq!(m.row_of(nxt, 2).map(|r| m.row(r).close), Some(95.0));
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
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn shared_iwm_files_make_a_market_the_engine_can_value() {
    let real = rankday_testkit::shared::real_data();
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
