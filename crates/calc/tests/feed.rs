//! A calculation fed its states while they are made
//! (`rankday_calc::calculate_alongside`) never waits for ever: a producer
//! that stops early, makes a state off its date or too many, or panics,
//! ends the calculation with an error (or the panic) on one thread and on
//! two.

use rankday_calc::{calculate, calculate_alongside, CalcConfig, CalcError, StateFeed};
use rankday_core::{Date, IndexId, Market, Membership};
use rankday_testkit::*;

/// Two lines over ten days, with states on days 0, 3 and 6.
fn setup() -> (Market, Vec<Membership>) {
    let dates = weekdays(Date::ymd(2020, 1, 6), 10);
    let mut m = HandMarket::new(dates.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    for d in 0..10 {
        m.px(d, a, 10.0 + d as f64);
        m.px(d, b, 20.0 - d as f64);
    }
    let r2 = &[IndexId::R2000, IndexId::R3000][..];
    let states = vec![
        state(dates[0], &[(a, 100.0, r2)]),
        state(dates[3], &[(a, 100.0, r2), (b, 50.0, r2)]),
        state(dates[6], &[(b, 70.0, r2)]),
    ];
    (m.build(), states)
}

fn on_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn dates_of(states: &[Membership]) -> Vec<Date> {
    states.iter().map(|s| s.effective_date).collect()
}

#[test]
fn fed_states_give_the_levels_of_the_states_given_up_front() {
    let (market, states) = setup();
    let cfg = CalcConfig::default();
    let after = calculate(&market, &states, &cfg).unwrap();
    for threads in [1, 2] {
        let ((), out) = on_threads(threads, || {
            calculate_alongside(&market, dates_of(&states), &cfg, |feed: &StateFeed| {
                for s in &states {
                    feed.push(s.clone());
                }
            })
        });
        assert_eq!(out.unwrap(), after, "{threads} threads");
    }
}

#[test]
fn a_producer_that_stops_early_ends_the_calculation_with_an_error() {
    let (market, states) = setup();
    for threads in [1, 2] {
        let (r, out) = on_threads(threads, || {
            calculate_alongside(&market, dates_of(&states), &CalcConfig::default(), |feed| {
                feed.push(states[0].clone());
                Err::<(), &str>("rank day 2 failed")
            })
        });
        assert_eq!(r, Err("rank day 2 failed"));
        assert_eq!(
            out.unwrap_err(),
            CalcError::StateNotMade {
                effective: states[1].effective_date
            },
            "{threads} threads"
        );
    }
}

#[test]
fn a_state_off_its_date_or_one_too_many_is_an_error() {
    let (market, states) = setup();
    for threads in [1, 2] {
        let ((), out) = on_threads(threads, || {
            calculate_alongside(&market, dates_of(&states), &CalcConfig::default(), |feed| {
                feed.push(states[0].clone());
                feed.push(states[2].clone());
            })
        });
        assert_eq!(
            out.unwrap_err(),
            CalcError::StateOffSchedule {
                scheduled: states[1].effective_date,
                made: states[2].effective_date
            }
        );
        let ((), out) = on_threads(threads, || {
            calculate_alongside(&market, dates_of(&states), &CalcConfig::default(), |feed| {
                for s in states.iter().chain(&states[2..]) {
                    feed.push(s.clone());
                }
            })
        });
        assert_eq!(
            out.unwrap_err(),
            CalcError::StateCount {
                scheduled: 3,
                made: 4
            }
        );
    }
}

#[test]
fn a_producer_panic_reaches_the_caller_and_nothing_hangs() {
    let (market, states) = setup();
    for threads in [1, 2] {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            on_threads(threads, || {
                calculate_alongside(&market, dates_of(&states), &CalcConfig::default(), |feed| {
                    feed.push(states[0].clone());
                    panic!("producer bug");
                })
            })
        }));
        assert!(caught.is_err(), "{threads} threads");
    }
}

/// A producer with parallel tasks of its own, slower than the
/// calculation: the waiting calculation may run some of those tasks
/// (`StateFeed` helps instead of idling), never the producer itself, and
/// the levels are those of the states given up front.
#[test]
fn a_waiting_calculation_helps_the_producer_and_never_runs_it() {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (market, states) = setup();
    let cfg = CalcConfig::default();
    let after = calculate(&market, &states, &cfg).unwrap();
    let helped = AtomicUsize::new(0);
    let out = on_threads(2, || {
        let calc_thread = rayon::current_thread_index();
        let ((), out) = calculate_alongside(&market, dates_of(&states), &cfg, |feed| {
            assert_ne!(rayon::current_thread_index(), calc_thread);
            for s in &states {
                (0..64).into_par_iter().for_each(|_| {
                    std::thread::sleep(std::time::Duration::from_micros(300));
                    if rayon::current_thread_index() == calc_thread {
                        helped.fetch_add(1, Ordering::Relaxed);
                    }
                });
                feed.push(s.clone());
            }
        });
        out
    });
    assert_eq!(out.unwrap(), after);
    // The calculation waits for the first state from its first day, while
    // 64 tasks of 0.3 ms queue up on the producer's worker.
    let helped = helped.load(Ordering::Relaxed);
    println!("tasks run by the waiting calculation: {helped} of 192");
    assert!(helped > 0);
}
