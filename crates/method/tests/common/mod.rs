//! Small deterministic test universes built directly with `MarketBuilder`.
#![allow(dead_code)]

use rankday_core::{
    Country, DailyRow, Date, Exchange, Market, MarketBuilder, Sec, Security, SecurityType,
};

pub use rankday_testkit::weekdays;

/// A tiny xorshift generator: deterministic, no dependency.
#[derive(Clone)]
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.f().max(1e-12), self.f());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Builds a market over fixed trading days; each line gets a row on every
/// day of its range.
pub struct Universe {
    pub b: MarketBuilder,
    pub days: Vec<Date>,
}

impl Universe {
    pub fn new(start: Date, n_days: usize) -> Universe {
        Universe {
            b: MarketBuilder::new(),
            days: weekdays(start, n_days),
        }
    }
    pub fn last_day(&self) -> Date {
        *self.days.last().unwrap()
    }
    /// A line with constant close, shares, float and volume on every day.
    pub fn flat(&mut self, s: Security, close: f64, shares: f64, float: f64, volume: f64) -> Sec {
        let n = self.days.len();
        self.line(s, 0..n, |_| (close, volume, shares, float))
    }
    /// A line with rows on days `range`, values from `f(day index)` = (close, volume, shares, float).
    pub fn line(
        &mut self,
        s: Security,
        range: std::ops::Range<usize>,
        mut f: impl FnMut(usize) -> (f64, f64, f64, f64),
    ) -> Sec {
        let sec = self.b.add_security(s).unwrap();
        for d in range {
            let (close, volume, shares, float) = f(d);
            self.b.push_daily(DailyRow {
                date: self.days[d],
                sec,
                close,
                volume,
                shares_outstanding: shares,
                float_shares: float,
            });
        }
        sec
    }
    pub fn build(self) -> Market {
        self.b.build().unwrap()
    }
}

pub fn common(id: &str, company: &str) -> Security {
    Security::us_common(id, company, id)
}

pub fn with(mut s: Security, f: impl FnOnce(&mut Security)) -> Security {
    f(&mut s);
    s
}

pub fn country(c: &str) -> Country {
    c.parse().unwrap()
}

/// Parameters of a random universe.
#[derive(Clone, Debug)]
pub struct RandomSpec {
    pub seed: u64,
    pub companies: usize,
    pub days: usize,
    /// Daily log-return volatility of each line.
    pub vol: f64,
    /// Share of companies that also carry an unlisted or second listed class.
    pub multi_class: f64,
    /// Share of lines that fail a structural screen (type, exchange, country).
    pub junk: f64,
}

impl Default for RandomSpec {
    fn default() -> Self {
        RandomSpec {
            seed: 1,
            companies: 600,
            days: 80,
            vol: 0.02,
            multi_class: 0.05,
            junk: 0.05,
        }
    }
}

/// A random market: log-normal company sizes, a random walk per line,
/// some multi-class companies and some junk lines.
pub fn random_market(spec: &RandomSpec) -> Market {
    let mut rng = Rng(spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut u = Universe::new(Date::ymd(2020, 1, 2), spec.days);
    let n_days = spec.days;
    for c in 0..spec.companies {
        let company = format!("C{c}");
        let cap = (rng.normal() * 2.0 + 20.0).exp(); // median ~ $485M
        let price = (rng.normal() * 1.0 + 3.0).exp().max(0.2);
        let shares = cap / price;
        let float_pct = if rng.f() < 0.03 {
            0.03
        } else {
            0.3 + 0.7 * rng.f()
        };
        let mut s = common(&format!("S{c}"), &company);
        if rng.f() < spec.junk {
            match rng.below(4) {
                0 => s.security_type = SecurityType::Etf,
                1 => s.exchange = Exchange::Otc,
                2 => {
                    s.country_incorporation = country("GB");
                    s.country_headquarters = country("GB");
                }
                _ => s.security_type = SecurityType::Bdc,
            }
        }
        // Listing may start late (an IPO) for a few.
        let start = if rng.f() < 0.03 {
            rng.below(n_days as u64 / 2) as usize + n_days / 2
        } else {
            0
        };
        let mut p = price;
        let mut walk = Rng(rng.next_u64() | 1);
        let vol = spec.vol;
        u.line(s, start..n_days, |_| {
            p *= (walk.normal() * vol).exp();
            (p, shares * 0.004, shares, shares * float_pct)
        });
        if rng.f() < spec.multi_class {
            if rng.f() < 0.5 {
                let ub = with(common(&format!("S{c}U"), &company), |s| {
                    s.exchange = Exchange::Unlisted;
                    s.votes_per_share = 10.0;
                });
                let ushares = shares * 0.3;
                u.line(ub, 0..n_days, |_| {
                    (f64::NAN, f64::NAN, ushares, ushares * 0.01)
                });
            } else {
                let b2 = common(&format!("S{c}B"), &company);
                let mut q = price * 0.9;
                let mut w2 = Rng(rng.next_u64() | 1);
                let s2 = shares * 0.5;
                u.line(b2, 0..n_days, |_| {
                    q *= (w2.normal() * vol).exp();
                    (q, s2 * 0.002, s2, s2 * 0.9)
                });
            }
        }
    }
    u.build()
}

/// A long day-major history: `lines` listed lines alive at a time with
/// turnover (a line dies with probability 1/2,500 a day and is replaced by a
/// new company), log-normal sizes, a random walk per line, and 3% of
/// companies with an unlisted second class. Rows are pushed in (date,
/// security) order, so the builder needs no sort.
pub fn history_market(seed: u64, years: u32, lines: usize) -> Market {
    let n_days = years as usize * 252;
    let days = weekdays(Date::ymd(2026 - years as i32, 1, 2), n_days);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut b = MarketBuilder::with_capacity(n_days * lines * 103 / 100);
    struct Live {
        sec: Sec,
        unlisted: Option<(Sec, f64)>,
        price: f64,
        shares: f64,
        float: f64,
    }
    let mut next_company = 0usize;
    let mut new_line = |b: &mut MarketBuilder, rng: &mut Rng| -> Live {
        let c = next_company;
        next_company += 1;
        let cap = (rng.normal() * 2.0 + 20.0).exp();
        let price = (rng.normal() + 3.0).exp().max(0.5);
        let shares = cap / price;
        let float = shares * (0.2 + 0.8 * rng.f());
        let id = format!("L{c}");
        let sec = b.add_security(common(&id, &format!("C{c}"))).unwrap();
        let unlisted = (rng.f() < 0.03).then(|| {
            let s = with(common(&format!("L{c}U"), &format!("C{c}")), |s| {
                s.exchange = Exchange::Unlisted
            });
            (b.add_security(s).unwrap(), shares * 0.5)
        });
        Live {
            sec,
            unlisted,
            price,
            shares,
            float,
        }
    };
    let mut live: Vec<Live> = (0..lines).map(|_| new_line(&mut b, &mut rng)).collect();
    let mut rows: Vec<(Sec, f64, f64, f64, f64)> = Vec::with_capacity(lines * 2);
    for &date in &days {
        rows.clear();
        for l in live.iter_mut() {
            l.price *= (rng.normal() * 0.02).exp();
            let vol = l.shares * 0.004 * (0.5 + rng.f());
            rows.push((l.sec, l.price, vol, l.shares, l.float));
            if let Some((u, us)) = l.unlisted {
                rows.push((u, f64::NAN, f64::NAN, us, us * 0.01));
            }
        }
        rows.sort_unstable_by_key(|r| r.0);
        for &(sec, close, volume, shares, float) in &rows {
            b.push_daily(DailyRow {
                date,
                sec,
                close,
                volume,
                shares_outstanding: shares,
                float_shares: float,
            });
        }
        for l in live.iter_mut() {
            if rng.below(2_500) == 0 {
                *l = new_line(&mut b, &mut rng);
            }
        }
    }
    b.build().unwrap()
}
