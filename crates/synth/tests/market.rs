//! Properties of generated markets: determinism, thread-count independence,
//! row invariants, action bookkeeping, eligibility coverage, calibration.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rankday_core::{ActionKind, Exchange, Market, Sec, SecurityType};
use rankday_synth::{anchor_date, cap_stats, generate, GenConfig, TARGET_2024};

/// A full-size 3-year market ending 2026-11-20 (contains the 2024 anchor),
/// shared by the tests that only read it.
fn market3() -> &'static Market {
    static M: OnceLock<Market> = OnceLock::new();
    M.get_or_init(|| common::small(7, 3, 5500))
}

/// Bit-exact fingerprint of a whole market.
fn fingerprint(m: &Market) -> (usize, u64, usize, usize) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let (sec, close, vol, shares, float) = m.columns();
    sec.hash(&mut h);
    for col in [close, vol, shares, float] {
        for v in col {
            v.to_bits().hash(&mut h);
        }
    }
    for d in m.dates() {
        d.0.hash(&mut h);
    }
    for s in m.securities() {
        format!("{s:?}").hash(&mut h);
    }
    for a in m.actions() {
        format!("{a:?}").hash(&mut h);
    }
    (m.n_rows(), h.finish(), m.n_securities(), m.actions().len())
}

#[test]
fn same_seed_same_market_different_seed_different() {
    let a = common::small(11, 1, 800);
    let b = common::small(11, 1, 800);
    let c = common::small(12, 1, 800);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_ne!(fingerprint(&a).1, fingerprint(&c).1);
}

#[test]
fn thread_count_does_not_change_the_market() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| fingerprint(&common::small(5, 2, 1000)))
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn invalid_configs_are_rejected() {
    for cfg in [
        GenConfig {
            years: 0,
            ..GenConfig::default()
        },
        GenConfig {
            target_lines: 10,
            ..GenConfig::default()
        },
    ] {
        assert!(generate(&cfg, &|_, _| {}).is_err());
    }
}

#[test]
fn progress_reaches_the_total() {
    let last = std::sync::Mutex::new((0, 0));
    let cfg = GenConfig {
        seed: 3,
        years: 1,
        target_lines: 400,
        ..GenConfig::default()
    };
    generate(&cfg, &|d, t| *last.lock().unwrap() = (d, t)).unwrap();
    let (d, t) = *last.lock().unwrap();
    assert!(t > 0 && d == t, "{d} of {t}");
}

#[test]
fn history_is_on_the_nyse_calendar_and_ends_on_end() {
    let m = market3();
    let cal = rankday_calendar::TradingCalendar::nyse();
    assert_eq!(m.last_date(), Some(GenConfig::default().end));
    assert!(m.dates().iter().all(|&d| cal.is_trading_day(d)));
    let span = m.last_date().unwrap().days_since(m.first_date().unwrap());
    assert!((1090..=1100).contains(&span), "{span}");
}

#[test]
fn rows_respect_the_format() {
    let m = market3();
    let (sec, close, vol, shares, float) = m.columns();
    for i in 0..m.n_rows() {
        let s = m.security(Sec(sec[i]));
        assert!(
            shares[i] > 0.0 && float[i] > 0.0 && float[i] <= shares[i],
            "{s:?}"
        );
        if s.exchange == Exchange::Unlisted {
            assert!(close[i].is_nan() && vol[i].is_nan());
        } else {
            assert!(close[i] > 0.0 && vol[i] >= 0.0, "{} {}", close[i], vol[i]);
        }
    }
    // ~5,500 listed lines a day.
    for day in [0, m.n_days() / 2, m.n_days() - 1] {
        let cs = m.cross_section(day);
        let listed = (0..cs.len())
            .filter(|&i| m.security(Sec(cs.sec[i])).exchange != Exchange::Unlisted)
            .count();
        assert!((5000..=6100).contains(&listed), "{listed}");
    }
}

#[test]
fn ids_are_unique_and_tickers_unique_among_live_lines() {
    let m = market3();
    let ids: HashSet<&str> = m
        .securities()
        .iter()
        .map(|s| s.security_id.as_str())
        .collect();
    assert_eq!(ids.len(), m.n_securities());
    for day in [0, m.n_days() - 1] {
        let cs = m.cross_section(day);
        let mut seen = HashSet::new();
        for &s in cs.sec {
            assert!(seen.insert(m.security(Sec(s)).ticker.clone()));
        }
    }
}

/// Every case of methodology §2 is present on the 2024 rank day.
#[test]
fn every_eligibility_case_is_present() {
    let m = market3();
    let day = m.day_index(anchor_date()).unwrap();
    let cs = m.cross_section(day);
    let secs: Vec<&rankday_core::Security> = cs.sec.iter().map(|&s| m.security(Sec(s))).collect();
    let count = |f: &dyn Fn(usize) -> bool| (0..cs.len()).filter(|&i| f(i)).count();
    let ty = |t: SecurityType| count(&|i| secs[i].security_type == t);
    for t in [
        SecurityType::Adr,
        SecurityType::Etf,
        SecurityType::Cef,
        SecurityType::Bdc,
        SecurityType::Lp,
        SecurityType::Llc,
        SecurityType::Spac,
        SecurityType::RoyaltyTrust,
        SecurityType::Preferred,
        SecurityType::Reit,
        SecurityType::ReitUbti,
        SecurityType::Warrant,
        SecurityType::Unit,
        SecurityType::Tracking,
    ] {
        assert!(ty(t) > 0, "no {t}");
    }
    let us_common = count(&|i| secs[i].security_type == SecurityType::Common);
    assert!(us_common > 3500, "{us_common}");
    let otc = count(&|i| secs[i].exchange == Exchange::Otc);
    let unlisted = count(&|i| secs[i].exchange == Exchange::Unlisted);
    let sub1 = count(&|i| cs.close[i] < 1.0);
    let low_float = count(&|i| cs.float[i] / cs.shares[i] < 0.05);
    let foreign =
        count(&|i| !common::home_is_us(secs[i]) && secs[i].security_type == SecurityType::Common);
    let bdi_us = count(&|i| {
        ["BM", "KY", "VG", "PA", "MH", "JE", "GG", "LR", "BS"]
            .contains(&secs[i].country_incorporation.as_str())
            && common::home_is_us(secs[i])
    });
    let by_assets = count(&|i| secs[i].country_assets.is_some());
    let by_revenue =
        count(&|i| secs[i].country_assets.is_none() && secs[i].country_revenue.is_some());
    for (what, n) in [
        ("OTC", otc),
        ("unlisted classes", unlisted),
        ("sub-$1", sub1),
        ("float < 5%", low_float),
        ("foreign commons", foreign),
        ("BDI incorporated, US home", bdi_us),
        ("decided by assets", by_assets),
        ("decided by revenue", by_revenue),
    ] {
        assert!(n >= 3, "{what}: {n}");
    }
    // Caps under $30M among US commons.
    let tiny = count(&|i| {
        secs[i].security_type == SecurityType::Common && cs.close[i] * cs.shares[i] < 30e6
    });
    assert!(tiny > 20, "{tiny}");
    // Multi-class: companies with an unlisted class, some with ≤ 5% of votes
    // in public hands, and some with two listed classes.
    let mut by_co: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..cs.len() {
        by_co
            .entry(m.company_of(Sec(cs.sec[i])))
            .or_default()
            .push(i);
    }
    let (mut low_votes, mut ok_votes, mut two_listed) = (0, 0, 0);
    for rows in by_co.values() {
        let common: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| secs[i].security_type == SecurityType::Common)
            .collect();
        let listed: Vec<usize> = common
            .iter()
            .copied()
            .filter(|&i| !cs.close[i].is_nan())
            .collect();
        if listed.len() == 2 {
            two_listed += 1;
        }
        if common.len() > listed.len() && listed.len() == 1 {
            let l = listed[0];
            let votes: f64 = common
                .iter()
                .map(|&i| cs.shares[i] * secs[i].votes_per_share)
                .sum();
            let public = cs.float[l] * secs[l].votes_per_share / votes;
            if public <= 0.05 {
                low_votes += 1;
            } else {
                ok_votes += 1;
            }
        }
    }
    assert!(
        low_votes >= 3 && ok_votes >= 30 && two_listed >= 3,
        "{low_votes} {ok_votes} {two_listed}"
    );
}

/// Approximate screen (test-only, see `common`): the 2024 figures within ±15%.
#[test]
fn calibration_smoke_test_on_a_short_history() {
    let m = market3();
    let caps: Vec<f64> = common::approx_eligible_caps(m, anchor_date())
        .into_iter()
        .map(|x| x.1)
        .collect();
    let s = cap_stats(&caps);
    assert!(s.worst_deviation(&TARGET_2024) < 0.15, "{s:?}");
    assert!((3300..=4300).contains(&s.n), "{}", s.n);
}

#[test]
#[ignore = "slow: 50-year market (run with --release -- --ignored)"]
fn fifty_years_seed_7_timing_and_calibration() {
    let t0 = std::time::Instant::now();
    let m = common::small(7, 50, 5500);
    let secs = t0.elapsed().as_secs_f64();
    let caps: Vec<f64> = common::approx_eligible_caps(&m, anchor_date())
        .into_iter()
        .map(|x| x.1)
        .collect();
    let s = cap_stats(&caps);
    eprintln!(
        "50y seed 7: {secs:.1}s, {} rows, {} securities, {s:?}",
        m.n_rows(),
        m.n_securities()
    );
    assert!(s.worst_deviation(&TARGET_2024) < 0.15, "{s:?}");
    assert!(m.n_days() > 12_500);
}

#[test]
fn actions_run_at_realistic_rates() {
    let m = market3();
    let years = m.n_days() as f64 / 252.0;
    let mut n: HashMap<ActionKind, usize> = HashMap::new();
    for a in m.actions() {
        *n.entry(a.kind).or_default() += 1;
    }
    let per_year = |k| n.get(&k).copied().unwrap_or(0) as f64 / years;
    // ~5,500 lines: splits 1-2%, acquisitions 3-5%, delistings 1-2% a year.
    assert!(
        (20.0..200.0).contains(&per_year(ActionKind::Split)),
        "{n:?}"
    );
    assert!(
        (120.0..320.0).contains(&per_year(ActionKind::Acquisition)),
        "{n:?}"
    );
    assert!(
        (40.0..200.0).contains(&per_year(ActionKind::Delisting)),
        "{n:?}"
    );
    assert!(per_year(ActionKind::SpinOff) >= 3.0, "{n:?}");
    assert!(per_year(ActionKind::CashDividend) > 5000.0, "{n:?}");
    assert!(
        n.get(&ActionKind::SpecialDividend).copied().unwrap_or(0) > 0,
        "{n:?}"
    );
    assert!(per_year(ActionKind::ShareChange) > 100.0, "{n:?}");
}

#[test]
fn summary_matches_the_market_profile() {
    let m = market3();
    let s = rankday_synth::stats::summarize(m, m.last_date().unwrap());
    assert!((5000..=6100).contains(&s.listed_lines), "{s}");
    assert!(
        s.unlisted_lines > 50 && s.multi_class_companies > 50 && s.multi_listed_companies >= 3,
        "{s}"
    );
    assert!((0.6..0.9).contains(&s.dividend_payers_large), "{s}");
    assert!((0.25..0.55).contains(&s.dividend_payers_small), "{s}");
    assert!((0.002..0.007).contains(&s.median_turnover_large), "{s}");
    assert!((0.004..0.012).contains(&s.median_turnover_small), "{s}");
    assert!(s.float_under_5 > 0.0 && s.float_70_to_100 > 0.6, "{s}");
    let ipos: Vec<usize> = s.ipos_per_year.values().copied().collect();
    let mean = ipos.iter().sum::<usize>() as f64 / ipos.len() as f64;
    assert!((100.0..400.0).contains(&mean), "{ipos:?}");
    assert!(
        s.by_country_group.contains_key("BDI incorporation")
            && s.by_country_group.contains_key("foreign")
    );
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"listed_lines\""));
    let text = s.to_string();
    assert!(text.contains("by security type") && text.contains("cash_dividend"));
}

/// The calibration does not depend on where the history ends (approximate screen).
#[test]
fn calibration_holds_for_another_end_date() {
    let m = generate(
        &GenConfig {
            seed: 99,
            years: 2,
            end: rankday_core::Date::ymd(2025, 2, 14),
            target_lines: 5500,
        },
        &|_, _| {},
    )
    .unwrap();
    let caps: Vec<f64> = common::approx_eligible_caps(&m, anchor_date())
        .into_iter()
        .map(|x| x.1)
        .collect();
    let s = cap_stats(&caps);
    assert!(s.worst_deviation(&TARGET_2024) < 0.15, "{s:?}");
}

/// A history that ends before 2024 sits on the growth line: smaller caps.
#[test]
fn earlier_histories_are_smaller() {
    let m = generate(
        &GenConfig {
            seed: 4,
            years: 1,
            end: rankday_core::Date::ymd(2004, 4, 30),
            target_lines: 5500,
        },
        &|_, _| {},
    )
    .unwrap();
    let last = m.n_days() - 1;
    let caps: Vec<f64> = common::approx_eligible_caps(&m, m.dates()[last])
        .into_iter()
        .map(|x| x.1)
        .collect();
    // 20 years at 7.5%/yr: the 1,000th company is ~e^-1.5 (22%) of 2024's.
    let r = caps[999] / TARGET_2024.cap_at_1000;
    assert!((0.1..0.45).contains(&r), "{r}");
}
