use std::fmt;
use std::str::FromStr;

/// Generates a string-backed enum with exact, case-sensitive spellings, so
/// every file format and error message uses the one spelling of format 1.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = concat!("`", $text, "` in the files.")] $variant),+ }

        impl $name {
            /// Every value, in declaration order (the order of tables and lists).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The one spelling of format 1.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Every accepted spelling, for error messages.
            pub fn expected() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("unknown {} '{}' (expected one of: {})", $what, s, Self::expected())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// `security_type` of market-format 1; decides the structure screens of
    /// methodology §2 ("Excluded structures", "Excluded share types").
    SecurityType, "security_type" {
    Common => "common",
    Reit => "reit",
    ReitUbti => "reit_ubti",
    Adr => "adr",
    Etf => "etf",
    Cef => "cef",
    Bdc => "bdc",
    Lp => "lp",
    Llc => "llc",
    RoyaltyTrust => "royalty_trust",
    Spac => "spac",
    Preferred => "preferred",
    Warrant => "warrant",
    Right => "right",
    Unit => "unit",
    Tracking => "tracking",
    Other => "other",
});

string_enum!(
    /// `exchange` of market-format 1; methodology §2 "Exchanges".
    Exchange, "exchange" {
    Nyse => "NYSE",
    Nasdaq => "NASDAQ",
    NyseAmerican => "NYSE_AMERICAN",
    NyseArca => "NYSE_ARCA",
    Cboe => "CBOE",
    Otc => "OTC",
    Other => "OTHER",
    Unlisted => "UNLISTED",
});

/// An ISO 3166 alpha-2 country code, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country(pub [u8; 2]);

impl Country {
    /// The United States, the home country of every Russell US member.
    pub const US: Country = Country(*b"US");
    /// The two letters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for Country {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let b = s.as_bytes();
        if b.len() == 2 && b.iter().all(|c| c.is_ascii_uppercase()) {
            Ok(Country([b[0], b[1]]))
        } else {
            Err(format!(
                "'{s}' is not an ISO 3166 alpha-2 country code (two upper-case letters)"
            ))
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One listed (or unlisted) line: a row of the `securities` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Security {
    /// Unique id of the line, the key of every table (stable across ticker changes).
    pub security_id: String,
    /// The issuing company: its lines are ranked together as one company.
    pub company_id: String,
    /// Trading symbol, as of the line's last row (tickers are reused over time).
    pub ticker: String,
    /// Company or line name, when the data has one.
    pub name: Option<String>,
    /// What kind of security: decides the structure and share-type screens.
    pub security_type: SecurityType,
    /// Listing venue: decides the exchange screen.
    pub exchange: Exchange,
    /// Country of incorporation (first home-country indicator).
    pub country_incorporation: Country,
    /// Country of headquarters (second home-country indicator).
    pub country_headquarters: Country,
    /// Country of the most liquid exchange (third home-country indicator).
    pub country_exchange: Country,
    /// Country of most assets, when known: decides nationality when the three indicators disagree.
    pub country_assets: Option<Country>,
    /// Country of most revenue, when known: the next tie-break.
    pub country_revenue: Option<Country>,
    /// Votes carried by one share of this line (default 1).
    pub votes_per_share: f64,
    /// Economic sector, when known (shown, not used by the rules).
    pub sector: Option<String>,
}

impl Security {
    /// A plain US common stock on the NYSE, for tests and builders.
    pub fn us_common(security_id: &str, company_id: &str, ticker: &str) -> Security {
        Security {
            security_id: security_id.into(),
            company_id: company_id.into(),
            ticker: ticker.into(),
            name: None,
            security_type: SecurityType::Common,
            exchange: Exchange::Nyse,
            country_incorporation: Country::US,
            country_headquarters: Country::US,
            country_exchange: Country::US,
            country_assets: None,
            country_revenue: None,
            votes_per_share: 1.0,
            sector: None,
        }
    }
}
