//! How fast can a daily walk over a market go? Floors for the levels loop
//! (issue 4's "within 3× of one pass over the price column"), on a market
//! directory, with made-up index shares and masks (the figures are about
//! memory traffic, not index values):
//!
//! * `row loop`: the calculation's own row loop (`rankday_calc`'s walk:
//!   each close into its line, close × shares into the lane of the line's
//!   mask group, vectorised where the CPU allows), without any of the
//!   calculation's events, on the family's masks
//!   (`rankday_bench::floor_holdings`);
//! * `gather`: an earlier design — per row, look up the line by
//!   security, store the close, add close × shares into the accumulator of
//!   the line's mask group in memory;
//! * `row-aligned`: shares and groups kept aligned with the day's rows,
//!   patched by copying equal runs when the day's securities change (no
//!   per-row lookup), with and without storing the close per security;
//! * `pass`: the sum of the finite closes, as the peers bench defines it
//!   (`rankday_bench::sum_closes`);
//! * `in cache`: the row loop and the peers bench's pass over one day's rows,
//!   repeated: with memory out of the picture, the compute floor of the row
//!   loop, which is what bounds the levels on a machine whose memory keeps
//!   up with the pass.
//!
//! It also counts the unusable closes (NaN, zero, negative) and the days
//! that have one.
//!
//! ```text
//! cargo run --release -p rankday-bench --example walk_floor -- MARKET_DIR
//! ```

use std::time::Instant;

#[derive(Clone, Copy)]
struct Line {
    n: f64,
    price: f64,
    mask: u16,
}

const GROUPS: usize = 16;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: walk_floor MARKET_DIR"))?;
    let m = rankday_io::read_market(std::path::Path::new(&dir))?;
    let n = m.n_securities();
    let mut lines: Vec<Line> = (0..n)
        .map(|i| Line {
            n: (i % 7) as f64 + 1.0,
            price: 0.0,
            mask: (i % 13) as u16,
        })
        .collect();
    let gid: Vec<u8> = (0..1024).map(|i| (i % 14) as u8).collect();
    // How often the row loop meets a close it must not use (NaN, zero,
    // negative): it keeps the carried price for those rows.
    let (mut bad_rows, mut bad_days) = (0usize, 0usize);
    for d in 0..m.n_days() {
        let bad = m
            .cross_section(d)
            .close
            .iter()
            .filter(|p| !(**p > 0.0 && **p < f64::INFINITY))
            .count();
        bad_rows += bad;
        bad_days += usize::from(bad > 0);
    }
    println!(
        "market: {} rows, {} days, {n} securities; unusable closes: {bad_rows} rows on {bad_days} days",
        m.n_rows(),
        m.n_days()
    );
    let (shares, masks) = rankday_bench::floor_holdings();
    for _ in 0..3 {
        let t = Instant::now();
        let check_r = rankday_calc::bench_row_loop(&m, &shares, &masks);
        let t_row = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut check_a = 0.0;
        for d in 0..m.n_days() {
            let cs = m.cross_section(d);
            let mut acc = [[0.0f64; 8]; GROUPS];
            for (k, (&s, &p)) in cs.sec.iter().zip(cs.close).enumerate() {
                let l = &mut lines[s as usize];
                if (p > 0.0) & (p < f64::INFINITY) {
                    l.price = p;
                }
                let g = usize::from(gid[usize::from(l.mask)]) % GROUPS;
                acc[g][k % 8] += l.price * l.n;
            }
            check_a += acc.iter().flatten().sum::<f64>();
        }
        let t_gather = t.elapsed().as_secs_f64();
        let (t_store, t_patch, patched) = row_aligned(&m, &mut lines, &gid, true);
        let (t_nostore, _, _) = row_aligned(&m, &mut lines, &gid, false);
        let t = Instant::now();
        let sum = rankday_bench::sum_closes(m.columns().1);
        let t_pass = t.elapsed().as_secs_f64();
        println!(
            "pass {t_pass:.3} s | row loop {t_row:.3} s ({:.1}x) [{:.3e}]",
            t_row / t_pass,
            check_r[0]
        );
        println!(
            "pass {t_pass:.3} s | gather walk {t_gather:.3} s ({:.1}x) | row-aligned {t_store:.3} s ({:.1}x; patching {t_patch:.3} s on {patched} days) | row-aligned without the price store {t_nostore:.3} s ({:.1}x)  [{check_a:.3e} {sum:.3e}]",
            t_gather / t_pass,
            t_store / t_pass,
            t_nostore / t_pass
        );
    }
    // In cache: the last day's rows over and over, so memory is out of the
    // picture and what is left is compute, against the peers bench's pass
    // (`sum_closes`) over the same closes.
    let day = m.n_days() - 1;
    let cs = m.cross_section(day);
    let (closes, rows) = (cs.close, cs.close.len());
    let reps = (50_000_000 / rows.max(1)).max(1);
    for _ in 0..3 {
        let t = Instant::now();
        let check_r = rankday_calc::bench_row_loop_day(&m, day, &shares, &masks, reps);
        let t_row = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut sum = 0.0;
        for _ in 0..reps {
            sum += rankday_bench::sum_closes(std::hint::black_box(closes));
        }
        let t_pass = t.elapsed().as_secs_f64();
        let per_row = |t: f64| t / (reps * rows) as f64 * 1e9;
        println!(
            "in cache (day {}, {rows} rows, {reps} times): pass {:.3} ns/row | row loop {:.3} ns/row ({:.1}x) [{:.3e} {sum:.3e}]",
            cs.date,
            per_row(t_pass),
            per_row(t_row),
            t_row / t_pass,
            check_r[0]
        );
    }
    Ok(())
}

/// Returns (total seconds, seconds patching, days patched).
fn row_aligned(
    m: &rankday_core::Market,
    lines: &mut [Line],
    gid: &[u8],
    store: bool,
) -> (f64, f64, usize) {
    let t = Instant::now();
    let (mut w, mut g, mut w2, mut g2): (Vec<f64>, Vec<u8>, Vec<f64>, Vec<u8>) = Default::default();
    let mut prev: &[u32] = &[];
    let (mut patched, mut t_patch) = (0usize, 0.0);
    let mut check = 0.0;
    for d in 0..m.n_days() {
        let cs = m.cross_section(d);
        if cs.sec != prev {
            let t0 = Instant::now();
            patched += 1;
            w2.clear();
            g2.clear();
            let (a, b) = (prev, cs.sec);
            let (mut i, mut j) = (0usize, 0usize);
            while j < b.len() {
                while i + 16 <= a.len() && j + 16 <= b.len() && a[i..i + 16] == b[j..j + 16] {
                    w2.extend_from_slice(&w[i..i + 16]);
                    g2.extend_from_slice(&g[i..i + 16]);
                    i += 16;
                    j += 16;
                }
                if j >= b.len() {
                    break;
                }
                if i < a.len() && a[i] == b[j] {
                    w2.push(w[i]);
                    g2.push(g[i]);
                    i += 1;
                    j += 1;
                } else if i < a.len() && a[i] < b[j] {
                    i += 1;
                } else {
                    let l = lines[b[j] as usize];
                    w2.push(l.n);
                    g2.push(gid[usize::from(l.mask)] % GROUPS as u8);
                    j += 1;
                }
            }
            std::mem::swap(&mut w, &mut w2);
            std::mem::swap(&mut g, &mut g2);
            prev = cs.sec;
            t_patch += t0.elapsed().as_secs_f64();
        }
        let mut acc = [[0.0f64; 8]; GROUPS];
        let rows = cs.sec.chunks_exact(8).zip(cs.close.chunks_exact(8));
        for ((s8, p8), (w8, g8)) in rows.zip(w.chunks_exact(8).zip(g.chunks_exact(8))) {
            for k in 0..8 {
                if store {
                    lines[s8[k] as usize].price = p8[k];
                }
                acc[usize::from(g8[k]) % GROUPS][k] += p8[k] * w8[k];
            }
        }
        check += acc.iter().flatten().sum::<f64>();
    }
    std::hint::black_box(check);
    (t.elapsed().as_secs_f64(), t_patch, patched)
}
