//! The fuzz targets on stable: each target's seed corpus, then a fixed
//! number of deterministic mutations of each seed (byte flips, insertions,
//! deletions, truncations, duplicated lines), so CI runs every target
//! without a nightly toolchain. The coverage-guided runs and their figures
//! are in `docs/fuzzing.md`.

use rankday_fuzz_targets::{seeds, TARGETS};

/// Mutations per seed.
const MUTATIONS: usize = 150;

/// xorshift64*: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes a mutation inserts: structure characters of CSV and TOML, digits,
/// signs and the letters of NaN and inf.
const INTERESTING: &[u8] = b",\n\r\"'=[]{}.-+eE0123456789NaNinf \x1e\x00\xff";

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < v.len() => {
                let n = (1 + rng.below(8)).min(v.len() - at);
                v.drain(at..at + n);
            }
            3 => v.truncate(at),
            4 => {
                // Duplicate the line around `at`.
                let s = v[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let e = v[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(v.len(), |i| at + i + 1);
                let line = v[s..e].to_vec();
                v.splice(e..e, line);
            }
            _ => {
                let i = at.min(v.len().saturating_sub(1));
                if i < v.len() {
                    v[i] = INTERESTING[rng.below(INTERESTING.len())];
                }
            }
        }
    }
    v
}

#[test]
fn every_target_survives_its_seeds_and_their_mutations() {
    for (name, run) in TARGETS {
        let seeds = seeds(name);
        assert!(!seeds.is_empty(), "{name} has no seeds");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
        let mut execs = 0;
        for s in &seeds {
            run(s);
            execs += 1;
            for _ in 0..MUTATIONS {
                run(&mutate(s, &mut rng));
                execs += 1;
            }
        }
        eprintln!("{name}: {execs} inputs");
    }
    rankday_fuzz_targets::remove_scratch();
}

/// A seed its own reader refuses would fuzz only the error path.
#[test]
fn every_seed_is_an_accepted_input() {
    for (name, run) in TARGETS {
        for (i, s) in seeds(name).iter().enumerate() {
            assert!(run(s), "{name}: seed {i} is refused by its reader");
        }
    }
    rankday_fuzz_targets::remove_scratch();
}

/// The oracle tells an echoed value from leaked `Debug` text: a country
/// field mutated to `USome(` is refused with the value quoted, which is
/// what the message should say (a coverage-guided run found this input).
#[test]
fn a_value_that_looks_like_debug_text_is_quoted_not_flagged() {
    let seed = &seeds("market_csv")[0];
    let text = String::from_utf8(seed.clone()).expect("the CSV seed is UTF-8");
    let first_us = text.find(",US,").expect("the seed has a US company");
    let mutated = format!("{},USome(,{}", &text[..first_us], &text[first_us + 4..]);
    assert!(!rankday_fuzz_targets::market_csv(mutated.as_bytes()));
    rankday_fuzz_targets::remove_scratch();
}

#[test]
#[should_panic(expected = "Debug text")]
fn the_oracle_flags_debug_text_the_input_does_not_hold() {
    rankday_fuzz_targets::check_message("between None and None", b"a,b\n");
}
