//! `rankday import crsp` on exports written from a generated market, in
//! both CRSP layouts. CRSP data cannot be shipped, so the writer here
//! writes what a WRDS export of the market would hold, column by column as
//! CRSP documents it (`docs/crsp.md`), and the test checks that the import
//! gives back the same market and the same index levels (to 1e-12
//! relative).
//!
//! The market is first reduced to what CRSP carries: CRSP has no float
//! (float = shares outstanding), counts shares in thousands, lists listed
//! lines only (no unlisted share classes), knows incorporation only as US or
//! not, and classifies securities coarser than format 1 (common, REIT, ADR,
//! ETF, closed-end fund, other). The reduced market is what the round trip
//! must reproduce.
//!
//! The default suite runs a 2-year market; the 5-year check the issue asks
//! for is `cargo test -p rankday-import --release --test crsp_roundtrip --
//! --ignored` (about a minute in a debug build, seconds in release).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use rankday_core::{
    Action, ActionKind, Country, DailyRow, Date, Exchange, Market, MarketBuilder, Sec, Security,
    SecurityType,
};
use rankday_import::{read_crsp, CrspFiles, CrspLayout};

fn permno(s: Sec) -> i64 {
    10_000 + s.0 as i64
}

/// The generated market reduced to what CRSP carries (module notes), with
/// PERMNO and PERMCO ids.
fn reduce(m: &Market) -> Market {
    let mut b = MarketBuilder::new();
    let keep: Vec<bool> = m
        .securities()
        .iter()
        .map(|s| s.exchange != Exchange::Unlisted)
        .collect();
    let mut new_sec: HashMap<Sec, Sec> = HashMap::new();
    for (k, s) in m.securities().iter().enumerate() {
        if !keep[k] {
            continue;
        }
        let old = Sec(k as u32);
        let security_type = match s.security_type {
            t @ (SecurityType::Common
            | SecurityType::Reit
            | SecurityType::Adr
            | SecurityType::Etf
            | SecurityType::Cef) => t,
            _ => SecurityType::Other,
        };
        let us = match security_type {
            SecurityType::Common | SecurityType::Cef => s.country_incorporation == Country::US,
            SecurityType::Adr => false,
            _ => true,
        };
        let mut r = Security::us_common(
            &permno(old).to_string(),
            &(50_000 + m.company_of(old) as i64).to_string(),
            &s.ticker,
        );
        r.name = s.name.clone();
        r.security_type = security_type;
        r.exchange = match s.exchange {
            e @ (Exchange::Nyse
            | Exchange::NyseAmerican
            | Exchange::Nasdaq
            | Exchange::NyseArca) => e,
            _ => Exchange::Other,
        };
        if !us {
            r.country_incorporation = Country(*b"XX");
        }
        new_sec.insert(old, b.add_security(r).unwrap());
    }
    for day in 0..m.n_days() {
        let cs = m.cross_section(day);
        for i in 0..cs.len() {
            let Some(&sec) = new_sec.get(&Sec(cs.sec[i])) else {
                continue;
            };
            let shares = ((cs.shares[i] / 1000.0).round() * 1000.0).max(1000.0);
            b.push_daily(DailyRow {
                date: cs.date,
                sec,
                close: cs.close[i],
                volume: cs.volume[i],
                shares_outstanding: shares,
                float_shares: shares,
            });
        }
    }
    for a in m.actions() {
        // CRSP records no offering event: the new shares show in SHROUT.
        if a.kind == ActionKind::Offering {
            continue;
        }
        let (Some(&sec), other) = (new_sec.get(&a.sec), a.other.map(|o| new_sec.get(&o))) else {
            continue;
        };
        if other == Some(None) {
            continue;
        }
        b.push_action(Action {
            sec,
            other: other.flatten().copied(),
            ..a.clone()
        });
    }
    b.build().unwrap()
}

/// The close of `sec` on `date` (the actions that distribute another
/// security's shares record their value at that close).
fn close(m: &Market, sec: Sec, date: Date) -> f64 {
    let day = m.day_index(date).unwrap();
    m.row(
        m.row_of(sec, day)
            .unwrap_or_else(|| panic!("{sec:?} has no row on {date}")),
    )
    .close
}

fn ymd(d: Date) -> String {
    d.to_string().replace('-', "")
}

/// Writes the reduced market as a CRSP export of `layout` into `dir`.
fn write_export(m: &Market, layout: CrspLayout, dir: &Path) -> CrspFiles {
    let permno = |s: Sec| -> i64 { m.security(s).security_id.parse().unwrap() };
    let legacy = layout == CrspLayout::Legacy;
    let (mut daily, mut names, mut dist, mut delist) =
        (String::new(), String::new(), String::new(), String::new());
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    if legacy {
        daily.push_str("PERMNO,DATE,PRC,VOL,SHROUT,CFACPR,CFACSHR\n");
        names.push_str("PERMNO,NAMEDT,NAMEENDT,SHRCD,EXCHCD,TICKER,COMNAM,PERMCO\n");
        dist.push_str("PERMNO,DISTCD,DIVAMT,FACPR,FACSHR,DCLRDT,EXDT,RCRDDT,PAYDT,ACPERM\n");
        delist.push_str("PERMNO,DLSTDT,DLSTCD,NWPERM,DLPRC,DLRET\n");
    } else {
        daily.push_str("PERMNO,DlyCalDt,DlyPrc,DlyPrcFlg,DlyVol,ShrOut,DlyFacPrc\n");
        names.push_str("PERMNO,SecInfoStartDt,SecInfoEndDt,PERMCO,Ticker,IssuerNm,PrimaryExch,ShareType,SecurityType,SecuritySubType,USIncFlg,IssuerType\n");
        dist.push_str("PERMNO,DisExDt,DisSeqNbr,DisOrdinaryFlg,DisType,DisDivAmt,DisFacPr,DisFacShr,DisPERMNO\n");
        delist.push_str("PERMNO,DelistingDt,DelPERMNO,DelNextPrc,DelRet\n");
    }
    let date = |d: Date| if legacy { ymd(d) } else { d.to_string() };
    for row in m.rows_in_input_order() {
        let p = permno(row.sec);
        if legacy {
            // Every tenth row as the bid/ask average, as CRSP marks it.
            let prc = if p % 10 == 3 { -row.close } else { row.close };
            writeln!(
                daily,
                "{p},{},{prc},{},{},1,1",
                date(row.date),
                row.volume,
                row.shares_outstanding / 1000.0
            )
            .unwrap();
        } else {
            writeln!(
                daily,
                "{p},{},{},TR,{},{},1",
                date(row.date),
                row.close,
                row.volume,
                row.shares_outstanding / 1000.0
            )
            .unwrap();
        }
    }
    for (k, s) in m.securities().iter().enumerate() {
        let sec = Sec(k as u32);
        let h = m.history(sec);
        let (first, last) = (h.row(0).date, h.row(h.len() - 1).date);
        let us = s.country_incorporation == Country::US;
        if legacy {
            let shrcd = match s.security_type {
                SecurityType::Common if us => 11,
                SecurityType::Common => 12,
                SecurityType::Cef if us => 14,
                SecurityType::Cef => 15,
                SecurityType::Reit => 18,
                SecurityType::Adr => 31,
                SecurityType::Etf => 73,
                _ => 99,
            };
            let exchcd = match s.exchange {
                Exchange::Nyse => 1,
                Exchange::NyseAmerican => 2,
                Exchange::Nasdaq => 3,
                Exchange::NyseArca => 4,
                _ => 0,
            };
            writeln!(
                names,
                "{},{},{},{shrcd},{exchcd},{},{},{}",
                s.security_id,
                date(first),
                date(last),
                q(&s.ticker),
                q(s.name.as_deref().unwrap_or("")),
                s.company_id
            )
            .unwrap();
        } else {
            let (share_type, sub, issuer) = match s.security_type {
                SecurityType::Adr => ("AD", "COM", "CORP"),
                SecurityType::Etf => ("NS", "ETF", "FUND"),
                SecurityType::Cef => ("NS", "CEF", "FUND"),
                SecurityType::Reit => ("NS", "COM", "REIT"),
                SecurityType::Common => ("NS", "COM", "CORP"),
                _ => ("NS", "OTH", "CORP"),
            };
            let exch = match s.exchange {
                Exchange::Nyse => "N",
                Exchange::NyseAmerican => "A",
                Exchange::Nasdaq => "Q",
                Exchange::NyseArca => "R",
                _ => "X",
            };
            writeln!(
                names,
                "{},{},{},{},{},{},{exch},{share_type},EQTY,{sub},{},{issuer}",
                s.security_id,
                date(first),
                date(last),
                s.company_id,
                q(&s.ticker),
                q(s.name.as_deref().unwrap_or("")),
                if us { "Y" } else { "N" }
            )
            .unwrap();
        }
    }
    for a in m.actions() {
        let p = permno(a.sec);
        let ex = date(a.ex_date);
        let amount = a.amount.unwrap_or(0.0);
        let mut d = |code: &str, amt: f64, facpr: f64, facshr: f64, other: i64| {
            if legacy {
                writeln!(dist, "{p},{code},{amt},{facpr},{facshr},,{ex},,,{other}").unwrap();
            } else {
                let (ty, ord) = match code {
                    "1232" => ("CD", "Y"),
                    "1272" => ("CD", "N"),
                    "5523" => ("FRS", "N"),
                    _ => ("SP", "N"),
                };
                let other = if other == 0 {
                    String::new()
                } else {
                    other.to_string()
                };
                writeln!(dist, "{p},{ex},1,{ord},{ty},{amt},{facpr},{facshr},{other}").unwrap();
            }
        };
        match a.kind {
            ActionKind::CashDividend => d("1232", amount, 0.0, 0.0, 0),
            ActionKind::SpecialDividend => d("1272", amount, 0.0, 0.0, 0),
            ActionKind::Split => {
                let f = a.ratio.unwrap() - 1.0;
                d("5523", 0.0, f, f, 0)
            }
            ActionKind::SpinOff => {
                let child = a.other.unwrap();
                let value = a.ratio.unwrap() * close(m, child, a.ex_date);
                d(
                    "3763",
                    value,
                    value / close(m, a.sec, a.ex_date),
                    0.0,
                    permno(child),
                )
            }
            ActionKind::ShareChange if legacy => d("6001", 0.0, 0.0, 0.0, 0),
            ActionKind::ShareChange => {}
            ActionKind::Offering => unreachable!("reduce drops offerings"),
            ActionKind::Acquisition => {
                let last = {
                    let h = m.history(a.sec);
                    h.row(h.len() - 1).date
                };
                d("3232", amount, -1.0, -1.0, 0);
                let acq = a.other.map_or(0, permno);
                if let (Some(o), Some(r)) = (a.other, a.ratio.filter(|&r| r > 0.0)) {
                    d("3732", r * close(m, o, a.ex_date), -1.0, -1.0, acq);
                }
                if legacy {
                    writeln!(delist, "{p},{},231,{acq},,", date(last)).unwrap();
                } else {
                    let acq = if acq == 0 {
                        String::new()
                    } else {
                        acq.to_string()
                    };
                    writeln!(delist, "{p},{},{acq},,", date(last)).unwrap();
                }
            }
            ActionKind::Delisting => {
                let prc = a.amount.map_or(String::new(), |v| v.to_string());
                if legacy {
                    writeln!(delist, "{p},{ex},560,0,{prc},").unwrap();
                } else {
                    writeln!(delist, "{p},{ex},,{prc},").unwrap();
                }
            }
        }
    }
    let put = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    CrspFiles {
        daily: put("dsf.csv", &daily),
        names: put("names.csv", &names),
        dist: put("dist.csv", &dist),
        delist: Some(put("delist.csv", &delist)),
        shares: None,
    }
}

fn close_to(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

fn action_key(a: &Action) -> (Date, Sec, String) {
    (a.ex_date, a.sec, a.kind.to_string())
}

fn same_market(want: &Market, got: &Market, layout: CrspLayout) {
    assert_eq!(want.securities(), got.securities(), "{layout:?}");
    assert_eq!(want.dates(), got.dates());
    let (a, b) = (want.columns(), got.columns());
    assert_eq!(a.0, b.0);
    for (x, y) in [(a.1, b.1), (a.2, b.2), (a.3, b.3), (a.4, b.4)] {
        assert!(
            x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()),
            "{layout:?}: a column differs"
        );
    }
    // CIZ has no code for a notation of issuance (informational only).
    let keep = |a: &&Action| layout == CrspLayout::Legacy || a.kind != ActionKind::ShareChange;
    let mut wa: Vec<&Action> = want.actions().iter().filter(keep).collect();
    let mut ga: Vec<&Action> = got.actions().iter().collect();
    wa.sort_by_key(|a| action_key(a));
    ga.sort_by_key(|a| action_key(a));
    assert_eq!(wa.len(), ga.len(), "{layout:?}: action count");
    for (x, y) in wa.iter().zip(&ga) {
        let num = |p: Option<f64>, q: Option<f64>| match (p, q) {
            (Some(p), Some(q)) => close_to(p, q),
            (p, q) => p == q,
        };
        assert!(
            action_key(x) == action_key(y)
                && x.other == y.other
                && num(x.ratio, y.ratio)
                && num(x.amount, y.amount),
            "{layout:?}: {x:?} read back as {y:?}"
        );
    }
}

fn levels(m: Market) -> Vec<rankday_calc::LevelRow> {
    let job = rankday_pipeline::Job::new(m).unwrap();
    job.history_and_levels().unwrap().1.levels
}

fn round_trip(years: u32, lines: usize) {
    let cfg = rankday_synth::GenConfig {
        seed: 11,
        years,
        target_lines: lines,
        ..rankday_synth::GenConfig::default()
    };
    let market = reduce(&rankday_synth::generate(&cfg, &|_, _| {}).unwrap());
    let counts = |k: ActionKind| market.actions().iter().filter(|a| a.kind == k).count();
    println!(
        "{years}-year market: {} lines, {} rows; splits {}, dividends {}, special {}, spin-offs {}, acquisitions {}, delistings {}",
        market.n_securities(),
        market.n_rows(),
        counts(ActionKind::Split),
        counts(ActionKind::CashDividend),
        counts(ActionKind::SpecialDividend),
        counts(ActionKind::SpinOff),
        counts(ActionKind::Acquisition),
        counts(ActionKind::Delisting)
    );
    let want = levels(market.clone());
    for layout in [CrspLayout::Legacy, CrspLayout::Ciz] {
        let tmp = tempfile::tempdir().unwrap();
        let files = write_export(&market, layout, tmp.path());
        let got = read_crsp(&files).unwrap_or_else(|e| panic!("{layout:?}: {e}"));
        assert_eq!(got.report.layout, Some(layout));
        assert_eq!(got.report.rows, market.n_rows());
        if layout == CrspLayout::Legacy {
            assert!(got.report.bid_ask_prices > 0);
        }
        same_market(&market, &got.market, layout);
        let lv = levels(got.market);
        assert_eq!(lv.len(), want.len());
        let worst = want
            .iter()
            .zip(&lv)
            .map(|(a, b)| {
                assert_eq!((a.date, a.index), (b.date, b.index));
                ((a.total_return - b.total_return) / a.total_return)
                    .abs()
                    .max(((a.price_return - b.price_return) / a.price_return).abs())
            })
            .fold(0.0, f64::max);
        println!(
            "{layout:?}: {} level rows, largest relative difference {worst:.1e}",
            lv.len()
        );
        assert!(worst <= 1e-12, "{layout:?}: levels differ by {worst:e}");
    }
}

#[test]
fn a_crsp_export_of_a_generated_market_reads_back_the_same_market_and_levels() {
    round_trip(2, 600);
}

#[test]
#[ignore = "5-year market: run with --release -- --ignored"]
fn five_year_round_trip() {
    round_trip(5, 5500);
}
