//! The two ways of reading a rank day's snapshot agree bit for bit: the
//! pass over the window's cross-sections (`snapshot::take`, every
//! reconstitution) and the per-security reading (`snapshot::take_for`, the
//! IPO rounds' few candidates); and a history's plan announces exactly the
//! effective dates of the states it then makes (the levels run beside the
//! history on that promise).

use rankday_core::Sec;
use rankday_method::snapshot::{from_history, take, take_for, take_window, LineSnap};
use rankday_method::{HistoryOptions, HistoryPlan, Policy};
use rankday_synth::{generate, GenConfig};

fn bits(l: &LineSnap) -> [u64; 9] {
    [
        l.sec.0 as u64,
        l.on_rank_day as u64,
        l.last_day as u64,
        l.close.to_bits(),
        l.shares.to_bits(),
        l.float.to_bits(),
        l.avg_close.to_bits(),
        l.dollar_volume.to_bits(),
        l.days as u64,
    ]
}

fn market() -> rankday_core::Market {
    let cfg = GenConfig {
        seed: 5,
        years: 2,
        target_lines: 600,
        ..GenConfig::default()
    };
    generate(&cfg, &|_, _| {}).expect("generate")
}

#[test]
fn take_and_take_for_agree_on_every_line() {
    let m = market();
    let policy = Policy::russell();
    let all: Vec<Sec> = (0..m.n_securities() as u32).map(Sec).collect();
    // Early days (a window cut by the start of the history), the middle,
    // the last day.
    for day in [0, 3, 17, 40, m.n_days() / 2, m.n_days() - 1] {
        let whole = take(&m, day, &[], &policy);
        let few = take_for(&m, day, &all, &policy);
        assert!(!whole.lines.is_empty());
        assert_eq!(whole.lines.len(), few.len(), "day {day}");
        for (a, b) in whole.lines.iter().zip(&few) {
            assert_eq!(bits(a), bits(b), "day {day}: {a:?} vs {b:?}");
        }
        // A subset asks for the same lines.
        let odd: Vec<Sec> = all.iter().copied().filter(|s| s.0 % 3 == 1).collect();
        let some = take_for(&m, day, &odd, &policy);
        let expected: Vec<[u64; 9]> = whole
            .lines
            .iter()
            .filter(|l| l.sec.0 % 3 == 1)
            .map(bits)
            .collect();
        assert_eq!(some.iter().map(bits).collect::<Vec<_>>(), expected);
    }
}

/// A history takes a rank day's window before it knows the previous
/// members, then adds them: the lines come out as one pass with them would
/// give, sorted, each security once, the window's lines untouched and each
/// added member read from its last row before rank day.
#[test]
fn members_added_to_a_window_taken_ahead_read_their_last_rows() {
    let m = market();
    let policy = Policy::russell();
    for day in [3, 40, m.n_days() / 2, m.n_days() - 1] {
        let window = take_window(&m, day, &policy);
        // Unsorted, with duplicates, with lines in the window and without,
        // and one beyond the market's securities.
        let mut extra: Vec<Sec> = (0..m.n_securities() as u32)
            .rev()
            .filter(|s| s % 2 == 0)
            .map(Sec)
            .collect();
        extra.extend_from_slice(&extra.clone()[..10]);
        extra.push(Sec(m.n_securities() as u32 + 5));
        let with = window.clone().including(&m, &extra);
        assert!(
            with.lines.windows(2).all(|w| w[0].sec < w[1].sec),
            "day {day}"
        );
        let in_window: Vec<Sec> = window.lines.iter().map(|l| l.sec).collect();
        let mut added = 0;
        for l in &with.lines {
            match in_window.binary_search(&l.sec) {
                Ok(k) => assert_eq!(bits(l), bits(&window.lines[k]), "day {day}"),
                Err(_) => {
                    added += 1;
                    assert!(extra.contains(&l.sec), "day {day}: {l:?} was not asked for");
                    assert_eq!(bits(l), bits(&from_history(&m, l.sec, day)), "day {day}");
                }
            }
        }
        let wanted_outside = (0..m.n_securities() as u32)
            .filter(|s| s % 2 == 0)
            .filter(|s| in_window.binary_search(&Sec(*s)).is_err())
            .count();
        assert_eq!(added, wanted_outside, "day {day}");
        assert!(added > 0, "day {day}: no member outside the window to add");
    }
}

#[test]
fn a_plan_announces_the_dates_of_the_states_it_makes() {
    let m = market();
    let trading = rankday_calendar::TradingCalendar::nyse().with_history(m.dates());
    let cal = rankday_calendar::ReconCalendar::russell_with(trading).unwrap();
    for without_ipos in [false, true] {
        let opts = HistoryOptions {
            without_ipos,
            ..HistoryOptions::default()
        };
        let plan = HistoryPlan::new(&m, &cal, opts).unwrap();
        let cfg = rankday_calc::CalcConfig::for_calendar(&cal, &m);
        let (h, _) = plan.run(&m, &Policy::russell(), &cfg, &|_, _| {}).unwrap();
        let made: Vec<_> = h.states.iter().map(|s| s.effective_date).collect();
        assert!(!made.is_empty());
        assert_eq!(plan.state_dates(), made);
        let plain =
            rankday_method::run_history(&m, &cal, &Policy::russell(), opts, &|_, _| {}).unwrap();
        assert!(plain.states == h.states);
    }
}
