//! Summary statistics of a market (generated or imported), for
//! `rankday inspect`: what is listed on a date, how the population is made
//! up, and whether activity rates look like the US market.
//!
//! Works on any [`Market`]: nothing here uses generator internals, so the
//! same table describes a CRSP import and a synthetic market side by side.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use rankday_core::{ActionKind, Country, Date, Exchange, Market, Sec, SecurityType};

/// BDI incorporation countries (methodology §2), ISO alpha-2.
const BDI: [&str; 25] = [
    "AI", "AG", "AW", "BS", "BB", "BZ", "BM", "BQ", "VG", "KY", "GG", "JE", "CK", "CW", "FO", "GI",
    "IM", "LR", "MH", "PA", "SX", "TC", "MS", "VC", "KN",
];
const TERRITORIES: [&str; 3] = ["PR", "GU", "VI"];

/// What `rankday inspect` prints about a market at a date, to compare it with the published shape of the US market.
#[derive(Clone, Debug, Serialize)]
pub struct MarketSummary {
    /// The trading day described.
    pub date: Date,
    /// The first date of the history.
    pub first_date: Option<Date>,
    /// The last date of the history.
    pub last_date: Option<Date>,
    /// Daily rows.
    pub n_rows: usize,
    /// Lines.
    pub n_securities: usize,
    /// Companies.
    pub n_companies: usize,
    /// Lines with a row on `date`, listed and unlisted.
    pub listed_lines: usize,
    /// Unlisted classes with a row on `date` (they count toward total shares only).
    pub unlisted_lines: usize,
    /// Companies with a line on `date`.
    pub companies_on_date: usize,
    /// Lines on `date` by security type.
    pub by_type: BTreeMap<String, usize>,
    /// Lines on `date` by exchange.
    pub by_exchange: BTreeMap<String, usize>,
    /// "US", "US territory", "BDI incorporation", "mixed" (HCIs disagree), "foreign".
    pub by_country_group: BTreeMap<String, usize>,
    /// Companies with more than one common class (listed or not).
    pub multi_class_companies: usize,
    /// Companies with two or more listed common classes.
    pub multi_listed_companies: usize,
    /// Share of common/REIT companies paying a cash dividend in the year to
    /// `date`: ranks 1-1,000 by line cap ("large") and the rest ("small").
    pub dividend_payers_large: f64,
    /// Share of the smaller companies (ranks after 1,000) paying a cash dividend.
    pub dividend_payers_small: f64,
    /// Median of each line's mean daily volume/float over the 20 trading
    /// days to `date`: ranks 1-1,000, 1,001-3,000, and below.
    pub median_turnover_large: f64,
    /// Median turnover of ranks 1,001–3,000.
    pub median_turnover_small: f64,
    /// Median turnover below rank 3,000.
    pub median_turnover_micro: f64,
    /// Shares of listed lines by float/shares: < 5%, 5-70%, ≥ 70%.
    pub float_under_5: f64,
    /// Share of listed lines with float 5–70% of shares.
    pub float_5_to_70: f64,
    /// Share of listed lines with float 70% or more.
    pub float_70_to_100: f64,
    /// Action counts per calendar year and kind.
    pub actions_per_year: BTreeMap<i32, BTreeMap<String, usize>>,
    /// New common/REIT/SPAC companies per year (first row after the first
    /// date of the history, spin-off children excluded).
    pub ipos_per_year: BTreeMap<i32, usize>,
    /// Gaps of one or more trading days inside a line's history.
    pub halts: usize,
}

fn country_group(s: &rankday_core::Security) -> &'static str {
    let us = |c: Country| c == Country::US;
    let terr = |c: Country| TERRITORIES.contains(&c.as_str());
    let (i, h, e) = (
        s.country_incorporation,
        s.country_headquarters,
        s.country_exchange,
    );
    if us(i) && us(h) && us(e) {
        "US"
    } else if (us(i) || terr(i)) && (us(h) || terr(h)) && (us(e) || terr(e)) {
        "US territory"
    } else if BDI.contains(&i.as_str()) {
        "BDI incorporation"
    } else if us(i) || us(h) || us(e) {
        "mixed"
    } else {
        "foreign"
    }
}

/// The median of the finite values (NaN when there are none): shared by
/// the calibration summaries and the realism checks so they agree.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Summarises `m` as of `date` (the last trading day on or before it).
pub fn summarize(m: &Market, date: Date) -> MarketSummary {
    let mut s = MarketSummary {
        date,
        first_date: m.first_date(),
        last_date: m.last_date(),
        n_rows: m.n_rows(),
        n_securities: m.n_securities(),
        n_companies: m.n_companies(),
        listed_lines: 0,
        unlisted_lines: 0,
        companies_on_date: 0,
        by_type: BTreeMap::new(),
        by_exchange: BTreeMap::new(),
        by_country_group: BTreeMap::new(),
        multi_class_companies: 0,
        multi_listed_companies: 0,
        dividend_payers_large: f64::NAN,
        dividend_payers_small: f64::NAN,
        median_turnover_large: f64::NAN,
        median_turnover_small: f64::NAN,
        median_turnover_micro: f64::NAN,
        float_under_5: f64::NAN,
        float_5_to_70: f64::NAN,
        float_70_to_100: f64::NAN,
        actions_per_year: BTreeMap::new(),
        ipos_per_year: BTreeMap::new(),
        halts: 0,
    };
    for a in m.actions() {
        *s.actions_per_year
            .entry(a.ex_date.year())
            .or_default()
            .entry(a.kind.to_string())
            .or_default() += 1;
    }
    // IPOs and halts from each line's history.
    let children: HashSet<usize> = m
        .actions()
        .iter()
        .filter(|a| a.kind == ActionKind::SpinOff)
        .filter_map(|a| a.other.map(|c| m.company_of(c)))
        .collect();
    // One sweep over the days: first day of each company, and gaps (halts)
    // between a line's consecutive rows.
    let mut last_day = vec![usize::MAX; m.n_securities()];
    let mut first_of_company: HashMap<usize, (usize, SecurityType)> = HashMap::new();
    for day in 0..m.n_days() {
        for &x in m.cross_section(day).sec {
            let sec = Sec(x);
            let prev = last_day[x as usize];
            if prev == usize::MAX {
                first_of_company
                    .entry(m.company_of(sec))
                    .or_insert((day, m.security(sec).security_type));
            } else if day > prev + 1 {
                s.halts += 1;
            }
            last_day[x as usize] = day;
        }
    }
    for (co, (day, ty)) in first_of_company {
        let new_kind = matches!(
            ty,
            SecurityType::Common | SecurityType::Reit | SecurityType::Spac
        );
        if day > 0 && new_kind && !children.contains(&co) {
            *s.ipos_per_year.entry(m.dates()[day].year()).or_default() += 1;
        }
    }
    let Some(day) = m.day_on_or_before(date) else {
        return s;
    };
    let cs = m.cross_section(day);
    let mut classes: HashMap<usize, (usize, usize)> = HashMap::new();
    let (mut f5, mut f70, mut f100) = (0usize, 0usize, 0usize);
    for i in 0..cs.len() {
        let sec = Sec(cs.sec[i]);
        let sd = m.security(sec);
        if sd.exchange == Exchange::Unlisted {
            s.unlisted_lines += 1;
        } else {
            s.listed_lines += 1;
            let ff = cs.float[i] / cs.shares[i];
            if ff < 0.05 {
                f5 += 1;
            } else if ff < 0.70 {
                f70 += 1;
            } else {
                f100 += 1;
            }
        }
        *s.by_type.entry(sd.security_type.to_string()).or_default() += 1;
        *s.by_exchange.entry(sd.exchange.to_string()).or_default() += 1;
        *s.by_country_group
            .entry(country_group(sd).to_string())
            .or_default() += 1;
        if sd.security_type == SecurityType::Common {
            let c = classes.entry(m.company_of(sec)).or_default();
            c.0 += 1;
            if sd.exchange != Exchange::Unlisted {
                c.1 += 1;
            }
        }
    }
    let n_listed = s.listed_lines.max(1) as f64;
    s.float_under_5 = f5 as f64 / n_listed;
    s.float_5_to_70 = f70 as f64 / n_listed;
    s.float_70_to_100 = f100 as f64 / n_listed;
    s.companies_on_date = cs
        .sec
        .iter()
        .map(|&x| m.company_of(Sec(x)))
        .collect::<HashSet<_>>()
        .len();
    s.multi_class_companies = classes.values().filter(|c| c.0 > 1).count();
    s.multi_listed_companies = classes.values().filter(|c| c.1 > 1).count();

    // Size buckets: listed common/REIT lines ranked by line cap.
    let mut ranked: Vec<(f64, usize)> = (0..cs.len())
        .filter(|&i| {
            let sd = m.security(Sec(cs.sec[i]));
            matches!(sd.security_type, SecurityType::Common | SecurityType::Reit)
                && sd.exchange != Exchange::Unlisted
        })
        .map(|i| (cs.close[i] * cs.shares[i], i))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let year_ago = m.dates()[day].add_days(-365);
    let payers: HashSet<u32> = m
        .actions_between(year_ago.add_days(1), m.dates()[day])
        .iter()
        .filter(|a| a.kind == ActionKind::CashDividend)
        .map(|a| a.sec.0)
        .collect();
    let from = day.saturating_sub(19);
    let turnover = |i: usize| -> f64 {
        let sec = Sec(cs.sec[i]);
        let h = m.history(sec);
        let mut sum = 0.0;
        let mut n = 0;
        if let Some(last) = h.last_on_or_before(day) {
            let mut k = last as isize;
            while k >= 0 && h.day(k as usize) >= from {
                let r = h.row(k as usize);
                sum += r.volume / r.float_shares;
                n += 1;
                k -= 1;
            }
        }
        if n == 0 {
            f64::NAN
        } else {
            sum / n as f64
        }
    };
    let bucket = |lo: usize, hi: usize| -> &[(f64, usize)] {
        &ranked[lo.min(ranked.len())..hi.min(ranked.len())]
    };
    let share_paying = |b: &[(f64, usize)]| -> f64 {
        if b.is_empty() {
            return f64::NAN;
        }
        b.iter()
            .filter(|(_, i)| payers.contains(&cs.sec[*i]))
            .count() as f64
            / b.len() as f64
    };
    s.dividend_payers_large = share_paying(bucket(0, 1000));
    s.dividend_payers_small = share_paying(bucket(1000, usize::MAX));
    let med = |b: &[(f64, usize)]| median(b.iter().map(|&(_, i)| turnover(i)).collect());
    s.median_turnover_large = med(bucket(0, 1000));
    s.median_turnover_small = med(bucket(1000, 3000));
    s.median_turnover_micro = med(bucket(3000, usize::MAX));
    s
}

impl fmt::Display for MarketSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |d: Option<Date>| d.map_or("-".to_string(), |d| d.to_string());
        writeln!(f, "Market summary as of {}", self.date)?;
        writeln!(
            f,
            "  history            {} .. {}",
            opt(self.first_date),
            opt(self.last_date)
        )?;
        writeln!(f, "  rows               {:>12}", self.n_rows)?;
        writeln!(f, "  securities ever    {:>12}", self.n_securities)?;
        writeln!(f, "  companies ever     {:>12}", self.n_companies)?;
        writeln!(f, "  listed lines       {:>12}", self.listed_lines)?;
        writeln!(f, "  unlisted lines     {:>12}", self.unlisted_lines)?;
        writeln!(f, "  companies on date  {:>12}", self.companies_on_date)?;
        writeln!(
            f,
            "  multi-class cos    {:>12}   (two listed classes: {})",
            self.multi_class_companies, self.multi_listed_companies
        )?;
        let table =
            |f: &mut fmt::Formatter<'_>, title: &str, m: &BTreeMap<String, usize>| -> fmt::Result {
                writeln!(f, "  {title}")?;
                for (k, v) in m {
                    writeln!(f, "    {k:<20} {v:>8}")?;
                }
                Ok(())
            };
        table(f, "by security type", &self.by_type)?;
        table(f, "by exchange", &self.by_exchange)?;
        table(f, "by country group", &self.by_country_group)?;
        let pct = |x: f64| {
            if x.is_nan() {
                "    -".to_string()
            } else {
                format!("{:>5.1}%", 100.0 * x)
            }
        };
        writeln!(
            f,
            "  dividend payers    large {}  small {}",
            pct(self.dividend_payers_large),
            pct(self.dividend_payers_small)
        )?;
        let bp = |x: f64| {
            if x.is_nan() {
                "    -".to_string()
            } else {
                format!("{:>5.2}%", 100.0 * x)
            }
        };
        writeln!(
            f,
            "  median turnover    1-1000 {}  1001-3000 {}  3001+ {}  (of float a day)",
            bp(self.median_turnover_large),
            bp(self.median_turnover_small),
            bp(self.median_turnover_micro)
        )?;
        writeln!(
            f,
            "  float factor       <5% {}  5-70% {}  70-100% {}",
            pct(self.float_under_5),
            pct(self.float_5_to_70),
            pct(self.float_70_to_100)
        )?;
        writeln!(f, "  halts              {:>12}", self.halts)?;
        let kinds: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
        write!(f, "  {:<6}{:>6}", "year", "ipos")?;
        for k in &kinds {
            write!(f, " {:>16}", k)?;
        }
        writeln!(f)?;
        let years: std::collections::BTreeSet<i32> = self
            .actions_per_year
            .keys()
            .chain(self.ipos_per_year.keys())
            .copied()
            .collect();
        for y in years {
            write!(
                f,
                "  {:<6}{:>6}",
                y,
                self.ipos_per_year.get(&y).copied().unwrap_or(0)
            )?;
            let row = self.actions_per_year.get(&y);
            for k in &kinds {
                let v = row.and_then(|r| r.get(*k)).copied().unwrap_or(0);
                write!(f, " {v:>16}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
