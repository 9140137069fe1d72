//! The job's output tables, built once here so that every front end (the
//! CLI writing files, the Python package handing out data frames) gives the
//! same columns in the same order. Each function names its table's columns;
//! the market format spec documents them.

use rankday_calc::{CalcOutput, Constituent, DivisorChange, LevelRow};
use rankday_core::{Date, IndexId, Market, Membership};
use rankday_flows::FlowRow;
use rankday_fund::{FundDay, FundResult};
use rankday_io::{Column, Table};

/// A table with the name its file takes (`levels` → `levels.parquet`).
pub type NamedTable = (&'static str, Table);

/// The calculation's tables: `levels`, `divisors` and `halts`.
pub fn calc(market: &Market, r: &CalcOutput) -> Vec<NamedTable> {
    vec![
        ("levels", levels(r)),
        ("divisors", divisors(market, r)),
        ("halts", halts(market, r)),
    ]
}

/// One row per (date, index): the three return series, the divisor, the
/// market value and the number of constituents.
pub fn levels(r: &CalcOutput) -> Table {
    let l = &r.levels;
    let cols: [NumberColumn<LevelRow>; 5] = [
        ("price_return", |x| x.price_return),
        ("total_return", |x| x.total_return),
        ("net_return", |x| x.net_return),
        ("divisor", |x| x.divisor),
        ("market_value", |x| x.market_value),
    ];
    with_f64s(
        by_date_and_index(l.iter().map(|x| (x.date, x.index))),
        l,
        &cols,
    )
    .with(
        "constituents",
        Column::I64(l.iter().map(|x| i64::from(x.constituents)).collect()),
    )
}

/// One row per divisor change, with the market values either side and its
/// reason (the line it is about named by its `security_id`).
pub fn divisors(market: &Market, r: &CalcOutput) -> Table {
    let d = &r.divisor_changes;
    let cols: [NumberColumn<DivisorChange>; 4] = [
        ("old_divisor", |x| x.old),
        ("new_divisor", |x| x.new),
        ("mv_before", |x| x.mv_before),
        ("mv_after", |x| x.mv_after),
    ];
    with_f64s(
        by_date_and_index(d.iter().map(|x| (x.date, x.index))),
        d,
        &cols,
    )
    .with(
        "reason",
        Column::Str(d.iter().map(|x| x.reason.describe(market)).collect()),
    )
}

/// The `date` and `index` columns that key the calculation's tables.
fn by_date_and_index(keys: impl Iterator<Item = (Date, IndexId)>) -> Table {
    let (dates, indexes): (Vec<Date>, Vec<IndexId>) = keys.unzip();
    Table::new()
        .with("date", Column::Date(dates))
        .with("index", index_names(indexes.into_iter()))
}

/// A number column of a table of `T`s: its name and the field it shows.
type NumberColumn<T> = (&'static str, fn(&T) -> f64);

/// `t` with one number column per `(name, field)` of `rows`.
fn with_f64s<T>(mut t: Table, rows: &[T], cols: &[NumberColumn<T>]) -> Table {
    for (name, field) in cols {
        t.push(name, Column::F64(rows.iter().map(field).collect()));
    }
    t
}

/// Every member line that had no close on trading days it was held (market
/// format: "its last close carries forward and the gap is reported"), so a
/// user can see which prices the levels carried and for how long.
pub fn halts(market: &Market, r: &CalcOutput) -> Table {
    let h = &r.halts;
    let day = |d| market.day_index(d).expect("a halt is dated on market days");
    Table::new()
        .with("security_id", security_ids(market, h.iter().map(|x| x.sec)))
        .with("ticker", tickers(market, h.iter().map(|x| x.sec)))
        .with("from", Column::Date(h.iter().map(|x| x.from).collect()))
        .with("to", Column::Date(h.iter().map(|x| x.to).collect()))
        .with(
            "trading_days",
            Column::I64(
                h.iter()
                    .map(|x| (day(x.to) - day(x.from) + 1) as i64)
                    .collect(),
            ),
        )
}

/// The holdings of each index at the close of `date` (as
/// [`Job::constituents_at`](crate::Job::constituents_at) gives them).
pub fn constituents(
    market: &Market,
    date: Date,
    holdings: &[(IndexId, Vec<Constituent>)],
) -> Table {
    let rows = || {
        holdings
            .iter()
            .flat_map(|(i, cs)| cs.iter().map(|c| (*i, c)))
    };
    let n = rows().count();
    let f = |g: fn(&Constituent) -> f64| Column::F64(rows().map(|(_, c)| g(c)).collect());
    Table::new()
        .with("date", Column::Date(vec![date; n]))
        .with("index", index_names(rows().map(|(i, _)| i)))
        .with(
            "security_id",
            security_ids(market, rows().map(|(_, c)| c.sec)),
        )
        .with("ticker", tickers(market, rows().map(|(_, c)| c.sec)))
        .with("index_shares", f(|c| c.index_shares))
        .with("price", f(|c| c.price))
        .with("market_value", f(|c| c.market_value))
        .with("weight", f(|c| c.weight))
}

/// One row per (state, line) of the membership states (market format,
/// "membership").
pub fn membership(market: &Market, states: &[Membership]) -> Table {
    rankday_io::membership_table(market, states)
}

/// One row per line that trades in a reconstitution: its change, its
/// weights before and after in every index that moves, and the passive
/// demand with its liquidity and impact.
pub fn flows(market: &Market, rows: &[FlowRow]) -> Table {
    let w = |v: &Vec<(IndexId, f64)>, i: IndexId| v.iter().find(|x| x.0 == i).map_or(0.0, |x| x.1);
    let moving: Vec<IndexId> = IndexId::ALL
        .iter()
        .copied()
        .filter(|&i| {
            rows.iter()
                .any(|r| w(&r.weights_before, i) != 0.0 || w(&r.weights_after, i) != 0.0)
        })
        .collect();
    let mut t = Table::new()
        .with(
            "effective_date",
            Column::Date(rows.iter().map(|r| r.effective_date).collect()),
        )
        .with(
            "security_id",
            security_ids(market, rows.iter().map(|r| r.sec)),
        )
        .with(
            "ticker",
            Column::Str(rows.iter().map(|r| r.ticker.clone()).collect()),
        )
        .with(
            "change",
            Column::Str(rows.iter().map(|r| r.change.as_str().to_string()).collect()),
        );
    for &i in &moving {
        t.push(
            &format!("weight_before_{}", i.column()),
            Column::F64(rows.iter().map(|r| w(&r.weights_before, i)).collect()),
        );
        t.push(
            &format!("weight_after_{}", i.column()),
            Column::F64(rows.iter().map(|r| w(&r.weights_after, i)).collect()),
        );
    }
    let f = |g: fn(&FlowRow) -> f64| Column::F64(rows.iter().map(g).collect());
    // Liquidity figures are empty, not NaN or infinite, where they are not
    // defined: no volume in the ADV window (a new or halted line), no
    // returns for σ.
    let opt = |g: fn(&FlowRow) -> f64| {
        Column::OptF64(
            rows.iter()
                .map(|r| Some(g(r)).filter(|x| x.is_finite()))
                .collect(),
        )
    };
    t.with("passive_shares_before", f(|r| r.passive_shares_before))
        .with("passive_shares_after", f(|r| r.passive_shares_after))
        .with("demand_shares", f(|r| r.demand_shares))
        .with("demand_usd", f(|r| r.demand_usd))
        .with("adv_shares", opt(|r| r.adv_shares))
        .with("days_of_volume", opt(|r| r.days_of_volume))
        .with("auction_multiple", opt(|r| r.auction_multiple))
        .with("impact_bps", opt(|r| r.impact_bps))
}

/// The fund's tables: `fund_nav` and `fund_trades`.
pub fn fund(market: &Market, r: &FundResult) -> Vec<NamedTable> {
    vec![
        ("fund_nav", fund_nav(r)),
        ("fund_trades", fund_trades(market, r)),
    ]
}

/// One row per day of the fund: NAV, cash, receivables, flows, returns
/// beside the index's, costs and fees.
pub fn fund_nav(r: &FundResult) -> Table {
    let d = &r.days;
    let f = |g: fn(&FundDay) -> f64| Column::F64(d.iter().map(g).collect());
    Table::new()
        .with("date", Column::Date(d.iter().map(|x| x.date).collect()))
        .with("nav", f(|x| x.nav))
        .with("cash", f(|x| x.cash))
        .with("receivables", f(|x| x.receivables))
        .with("flow", f(|x| x.flow))
        .with("index_total_return", f(|x| x.index_tr))
        .with("fund_return", f(|x| x.fund_return))
        .with("index_return", f(|x| x.index_return))
        .with("costs", f(|x| x.costs))
        .with("fees", f(|x| x.fees))
}

/// One row per trade of the fund.
pub fn fund_trades(market: &Market, r: &FundResult) -> Table {
    let t = &r.trades;
    Table::new()
        .with("date", Column::Date(t.iter().map(|x| x.date).collect()))
        .with("security_id", security_ids(market, t.iter().map(|x| x.sec)))
        .with("ticker", tickers(market, t.iter().map(|x| x.sec)))
        .with("shares", Column::F64(t.iter().map(|x| x.shares).collect()))
        .with("price", Column::F64(t.iter().map(|x| x.price).collect()))
        .with("cost", Column::F64(t.iter().map(|x| x.cost).collect()))
}

/// A relative-performance series (rebased to 100).
pub fn relative(rel: &[(Date, f64)]) -> Table {
    Table::new()
        .with("date", Column::Date(rel.iter().map(|x| x.0).collect()))
        .with(
            "relative_performance",
            Column::F64(rel.iter().map(|x| x.1).collect()),
        )
}

fn index_names(ids: impl Iterator<Item = IndexId>) -> Column {
    Column::Str(ids.map(|i| i.as_str().to_string()).collect())
}

fn security_ids(market: &Market, secs: impl Iterator<Item = rankday_core::Sec>) -> Column {
    Column::Str(
        secs.map(|s| market.security(s).security_id.clone())
            .collect(),
    )
}

fn tickers(market: &Market, secs: impl Iterator<Item = rankday_core::Sec>) -> Column {
    Column::Str(secs.map(|s| market.security(s).ticker.clone()).collect())
}

/// Point-in-time constituents: one row per (date, index, line) with the
/// index's shares, the close, the market value and the weight after that
/// close, and the effective and announcement dates of the change that put
/// the line in the index (see [`crate::HeldLine`]).
pub fn weights(market: &Market, rows: &[crate::HeldLine]) -> Table {
    let f = |g: fn(&crate::HeldLine) -> f64| Column::F64(rows.iter().map(g).collect());
    Table::new()
        .with("date", Column::Date(rows.iter().map(|r| r.date).collect()))
        .with("index", index_names(rows.iter().map(|r| r.index)))
        .with(
            "security_id",
            security_ids(market, rows.iter().map(|r| r.sec)),
        )
        .with("ticker", tickers(market, rows.iter().map(|r| r.sec)))
        .with("index_shares", f(|r| r.index_shares))
        .with("price", f(|r| r.price))
        .with("market_value", f(|r| r.market_value))
        .with("weight", f(|r| r.weight))
        .with(
            "effective_date",
            Column::OptDate(rows.iter().map(|r| r.effective_date).collect()),
        )
        .with(
            "announcement_date",
            Column::OptDate(rows.iter().map(|r| r.announcement_date).collect()),
        )
}

/// A benchmark series as backtesters read it: `date` (YYYY-MM-DD in CSV),
/// `return` (the day's simple return, 0.01 = 1%) and `level`. zipline's
/// `--benchmark-file` reads `date` and `return` and ignores `level`.
pub fn benchmark_returns(days: &[crate::BenchmarkDay]) -> Table {
    Table::new()
        .with("date", Column::Date(days.iter().map(|d| d.date).collect()))
        .with("return", Column::F64(days.iter().map(|d| d.ret).collect()))
        .with("level", Column::F64(days.iter().map(|d| d.level).collect()))
}
