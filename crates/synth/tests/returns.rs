//! The return statistics of [`rankday_synth::returns`] on the real Russell
//! 2000 price history (^RUT daily closes, `data/real/index_prices/` of the
//! shared folder), so the "real" column of the calibration table comes from
//! the same code as the generated market's figures.

use rankday_core::Date;
use rankday_synth::returns::{IndexStats, Levels};

fn read_closes(path: &std::path::Path) -> (Vec<Date>, Vec<f64>) {
    let text = std::fs::read_to_string(path).expect("read ^RUT");
    let mut dates = Vec::new();
    let mut close = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let mut f = line.split(',');
        let d = f.next().unwrap_or("");
        let c = f.next().unwrap_or("");
        let d = Date::parse(d.trim())
            .unwrap_or_else(|e| panic!("{}: row {}: date {d:?}: {e}", path.display(), i + 1));
        let c: f64 = c
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{}: row {}: close {c:?}: {e}", path.display(), i + 1));
        dates.push(d);
        close.push(c);
    }
    (dates, close)
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn rut_figures_match_the_published_history() {
    let dir = rankday_testkit::shared::real_data();
    let (dates, close) = read_closes(&dir.join("index_prices/RUT_alitalbi.csv"));
    let s = IndexStats::of(&Levels {
        dates: &dates,
        price: &close,
        total: None,
    })
    .expect("enough closes");
    println!("^RUT {} to {}: {s:#?}", s.first, s.last);
    // The figures the issue quotes (and `returns::real` prints).
    assert!((0.065..0.08).contains(&s.price_return_ann), "{s:?}");
    assert!((0.21..0.22).contains(&s.volatility_ann), "{s:?}");
    // 2020-03-16: -14.3% simple, -15.4% in log terms (the figure).
    assert!((-0.145..-0.14).contains(&s.worst_day.1), "{s:?}");
    assert!(((0.85f64).ln()..-0.15).contains(&(1.0 + s.worst_day.1).ln()));
    assert!((0.59..0.61).contains(&s.max_drawdown.depth), "{s:?}");
    assert_eq!(s.max_drawdown.trough.year(), 2009);
    assert!(
        s.bear_markets
            .iter()
            .any(|d| d.trough.year() == 2020 && (0.42..0.44).contains(&d.depth)),
        "{:?}",
        s.bear_markets
    );
    assert_eq!(s.days_beyond_5pct, 74);
    assert!((9.0..10.0).contains(&s.excess_kurtosis), "{s:?}");
    assert!((0.3..0.35).contains(&s.abs_return_autocorr), "{s:?}");
    // Since mid-2015: 23.3% volatility.
    let k = dates.partition_point(|&d| d < Date::ymd(2015, 7, 1));
    let s15 = IndexStats::of(&Levels {
        dates: &dates[k..],
        price: &close[k..],
        total: None,
    })
    .unwrap();
    assert!((0.228..0.238).contains(&s15.volatility_ann), "{s15:?}");
}
