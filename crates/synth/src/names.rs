//! Identifiers, tickers and names, and the `securities` rows of an entity.
//!
//! Security ids ("S000123") and company ids ("C000045") are never reused;
//! tickers are unique among live lines and may be reused after a death, as
//! on real exchanges (the trap that makes tickers useless as keys).

use std::collections::HashSet;

use rand::RngExt;
use rankday_core::{Exchange, Security, SecurityType};

use crate::entity::Entity;
use crate::sim::stream;
use crate::universe::{structure, Kind, LineRole, SECTORS};

const SYL: [&str; 24] = [
    "ar", "bel", "cor", "dan", "el", "fin", "gal", "hal", "ix", "jor", "kel", "lum", "mar", "nor",
    "or", "pen", "quin", "ros", "sol", "tar", "ul", "ver", "wex", "zen",
];
const SUFFIX: [&str; 10] = [
    "Inc",
    "Corp",
    "Holdings",
    "Group",
    "Technologies",
    "Therapeutics",
    "Industries",
    "Bancorp",
    "Systems",
    "Partners",
];

/// Live tickers, so a new listing never takes a ticker in use.
#[derive(Default)]
pub struct Tickers {
    live: HashSet<String>,
}

impl Tickers {
    /// A fresh base ticker for entity `id` (1-4 letters; 4-5 for OTC).
    pub fn take(&mut self, seed: u64, id: u32, kind: Kind) -> String {
        let mut r = stream(seed ^ 0x7171, id as u64);
        for attempt in 0.. {
            let len = match kind {
                Kind::Otc => 5,
                _ if attempt > 50 => 5,
                _ => {
                    let u: f64 = r.random();
                    if u < 0.03 {
                        1
                    } else if u < 0.25 {
                        2
                    } else if u < 0.65 {
                        3
                    } else {
                        4
                    }
                }
            };
            let t: String = (0..len)
                .map(|_| (b'A' + r.random_range(0..26u8)) as char)
                .collect();
            if !self.live.contains(&t) {
                self.live.insert(t.clone());
                return t;
            }
        }
        unreachable!()
    }
    pub fn release(&mut self, base: &str) {
        self.live.remove(base);
    }
}

fn company_name(seed: u64, id: u32, kind: Kind) -> String {
    let mut r = stream(seed ^ 0x4e4e, id as u64);
    let n = r.random_range(2..4);
    let mut s: String = (0..n).map(|_| SYL[r.random_range(0..SYL.len())]).collect();
    s[..1].make_ascii_uppercase();
    let suffix = match kind {
        Kind::UsReit | Kind::ReitUbti => "Realty Trust",
        Kind::Etf => "Index ETF",
        Kind::Cef => "Income Fund",
        Kind::Bdc => "Capital Corp",
        Kind::Lp => "Partners LP",
        Kind::Llc => "Holdings LLC",
        Kind::RoyaltyTrust => "Royalty Trust",
        Kind::Spac => "Acquisition Corp",
        Kind::Adr => "plc ADR",
        Kind::Tracking => "Group Tracking Stock",
        _ => SUFFIX[r.random_range(0..SUFFIX.len())],
    };
    format!("{s} {suffix}")
}

pub fn security_id(sec: u32) -> String {
    format!("S{:06}", sec + 1)
}
pub fn company_id(entity: u32) -> String {
    format!("C{:06}", entity + 1)
}

/// The securities rows of a newly born entity, in line (= `Sec`) order.
pub fn securities_of(seed: u64, e: &Entity, base: &str) -> Vec<Security> {
    let mut r = stream(seed ^ 0x5353, e.id as u64);
    let st = structure(e.kind, r.random(), r.random());
    let name = company_name(seed, e.id, e.kind);
    e.lines
        .iter()
        .map(|l| {
            let (ticker, sec_type, exchange, votes, suffix) = match l.role {
                LineRole::Primary => {
                    let votes = 1.0;
                    let t = match e.kind {
                        Kind::MultiUnlisted | Kind::LowVote | Kind::MultiListed => {
                            format!("{base}.A")
                        }
                        _ => base.to_string(),
                    };
                    (t, st.sec_type, st.exchange, votes, "")
                }
                LineRole::SecondClass => (
                    format!("{base}.C"),
                    SecurityType::Common,
                    st.exchange,
                    0.0,
                    " Class C",
                ),
                LineRole::Unlisted => (
                    format!("{base}.B"),
                    SecurityType::Common,
                    Exchange::Unlisted,
                    10.0,
                    " Class B",
                ),
                LineRole::Preferred => (
                    format!("{base}-PA"),
                    SecurityType::Preferred,
                    st.exchange,
                    0.0,
                    " Preferred Series A",
                ),
                LineRole::SpacUnit => (
                    format!("{base}.U"),
                    SecurityType::Unit,
                    st.exchange,
                    0.0,
                    " Units",
                ),
                LineRole::Warrant => (
                    format!("{base}.WS"),
                    SecurityType::Warrant,
                    st.exchange,
                    0.0,
                    " Warrants",
                ),
            };
            Security {
                security_id: security_id(l.sec),
                company_id: company_id(e.id),
                ticker,
                name: Some(format!("{name}{suffix}")),
                security_type: sec_type,
                exchange,
                country_incorporation: st.inc,
                country_headquarters: st.hq,
                country_exchange: st.exch_country,
                country_assets: st.assets,
                country_revenue: st.revenue,
                votes_per_share: votes,
                sector: Some(SECTORS[e.sector as usize].to_string()),
            }
        })
        .collect()
}
