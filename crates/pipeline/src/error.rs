//! The job's one error type: each variant says which step failed and keeps
//! the underlying error as its source, so a front end can print the whole
//! chain without knowing the crates below. A market that fails to load is
//! the exception: the reader's message already names the file, line and
//! column, so it is the whole message (`market/daily.csv:11:3 (close): must
//! be > 0, got -1`), with no step name before it.

use std::path::PathBuf;

use rankday_core::Date;

/// Why a step of the job failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// There is no market directory where one was named.
    #[error("{}: no market directory there (`rankday generate --out {}` makes one)", dir.display(), dir.display())]
    NoMarket {
        /// The path given.
        dir: PathBuf,
    },
    /// The market directory could not be read: the reader's message (file,
    /// line, column, what was wrong) is the whole message, cause first.
    #[error("{error}")]
    LoadMarket {
        /// The market directory.
        dir: PathBuf,
        /// What the reader found (boxed: an I/O error is large, and every
        /// result of the job carries this type).
        error: Box<rankday_io::IoError>,
    },
    /// A calendar policy file could not be read or is not a valid
    /// calendar: the calendar's message names the file and the field.
    #[error("{error}")]
    CalendarPolicy {
        /// The calendar policy file.
        path: PathBuf,
        /// What is wrong in it.
        error: rankday_calendar::CalendarError,
    },
    /// The shipped calendar could not be built over the market's dates.
    #[error(transparent)]
    Calendar(#[from] rankday_calendar::CalendarError),
    /// A construction policy file is not valid (the message names it).
    #[error("{error}")]
    Policy {
        /// The construction policy file.
        path: PathBuf,
        /// What is wrong in it.
        error: rankday_method::MethodError,
    },
    /// A passive-ownership model file is not valid (the message names it).
    #[error("{error}")]
    PassiveModel {
        /// The passive model file.
        path: PathBuf,
        /// What is wrong in it.
        error: rankday_flows::FlowError,
    },
    /// A membership table given in place of the history could not be read
    /// (the reader's message names the file, line and column).
    #[error("{error}")]
    ReadMembership {
        /// The membership table.
        path: PathBuf,
        /// What the reader found.
        error: Box<rankday_io::IoError>,
    },
    /// A portfolio's return file could not be read: the reader's message
    /// (file, line, column, what was wrong) is the whole message.
    #[error("{error}")]
    ReadPortfolio {
        /// The portfolio's returns file.
        path: PathBuf,
        /// What the reader found.
        error: rankday_io::IoError,
    },
    /// The synthetic market could not be generated.
    #[error("generating the synthetic market")]
    Generate(#[source] rankday_synth::SynthError),
    /// A reconstitution (or the history of them) failed.
    #[error(transparent)]
    Method(#[from] rankday_method::MethodError),
    /// The index levels could not be calculated.
    #[error("calculating index levels")]
    Levels(#[source] rankday_calc::CalcError),
    /// The holdings of the family at a date could not be valued.
    #[error("valuing the index holdings")]
    Holdings(#[source] rankday_calc::CalcError),
    /// Another calculation (e.g. the constituents at a date) failed.
    #[error(transparent)]
    Calc(#[from] rankday_calc::CalcError),
    /// The flows of a reconstitution could not be computed.
    #[error(transparent)]
    Flows(#[from] rankday_flows::FlowError),
    /// The fund simulation failed.
    #[error("simulating the fund")]
    Fund(#[source] rankday_fund::FundError),
    /// A benchmark comparison failed.
    #[error(transparent)]
    Benchmark(#[from] rankday_fund::FundError),
    /// Reading or writing a table failed.
    #[error(transparent)]
    Io(Box<rankday_io::IoError>),
    /// The market has no trading day.
    #[error("empty market")]
    EmptyMarket,
    /// A date asked for lies before the market's first day.
    #[error("{date} is before the history starts ({first})")]
    BeforeStart {
        /// The date asked for.
        date: Date,
        /// The market's first day.
        first: Date,
    },
    /// A date asked for lies outside the market's data.
    #[error("the {what} {date} lies outside the data, which runs from {first} to {last}")]
    OutsideData {
        /// Which date, e.g. "as-of date".
        what: &'static str,
        /// The date asked for.
        date: Date,
        /// The market's first day.
        first: Date,
        /// The market's last day.
        last: Date,
    },
    /// A date range asked for holds no trading day of the data.
    #[error("{}", empty_range(*from, *to, *first, *last))]
    EmptyRange {
        /// Its start, if given.
        from: Option<Date>,
        /// Its end, if given.
        to: Option<Date>,
        /// The market's first day.
        first: Date,
        /// The market's last day.
        last: Date,
    },
    /// A date lies before the market's first day.
    #[error("{what} before the history")]
    BeforeHistory {
        /// Which date, e.g. "as-of date".
        what: &'static str,
    },
    /// A rank day was asked for that the history does not have.
    #[error(
        "{date} is not a rank day of this history; rank days are: {}",
        list(rank_days)
    )]
    NotARankDay {
        /// The date asked for.
        date: Date,
        /// Every rank day of the history.
        rank_days: Vec<Date>,
    },
    /// A rank day was asked for that the history does not have; the
    /// nearest ones before and after are named.
    #[error(
        "{date} is not a rank day of this history (see `rankday calendar`){}",
        near_rank_days(nearest)
    )]
    NotARankDayNear {
        /// The date asked for.
        date: Date,
        /// The rank days just before and just after it, if any.
        nearest: Vec<Date>,
    },
    /// No reconstitution takes effect on the date asked for.
    #[error(
        "no reconstitution effective {date}; effective dates are: {}",
        list(effective_dates)
    )]
    NoReconEffective {
        /// The date asked for.
        date: Date,
        /// Every effective date of the history.
        effective_dates: Vec<Date>,
    },
    /// The flows of the first reconstitution have no holdings to trade from.
    #[error("no membership before this reconstitution: it is the first of the history")]
    FirstRecon,
    /// A forecast needs the membership in force at its as-of date.
    #[error("no membership in force at the as-of date: the history starts too late")]
    NoStateAt,
    /// No security has the ticker or security id asked for.
    #[error("no security with ticker or security_id '{ticker}' in {market}{hint}")]
    UnknownSecurity {
        /// What was asked for.
        ticker: String,
        /// The market, as the user named it.
        market: String,
        /// Tickers that look like it ("; tickers trading on …"), or empty.
        hint: String,
    },
}

fn empty_range(from: Option<Date>, to: Option<Date>, first: Date, last: Date) -> String {
    let show = |d: Option<Date>| d.map_or("-".to_string(), |d| d.to_string());
    match (from, to) {
        (Some(f), Some(t)) if f > t => {
            format!("the start date {f} is after the end date {t}: the range selects nothing")
        }
        _ => format!(
            "the range {} to {} selects no trading day of the data, which runs from {first} to {last}",
            show(from),
            show(to)
        ),
    }
}

impl From<rankday_io::IoError> for PipelineError {
    fn from(e: rankday_io::IoError) -> Self {
        PipelineError::Io(Box::new(e))
    }
}

fn list(dates: &[Date]) -> String {
    let days: Vec<String> = dates.iter().map(Date::to_string).collect();
    days.join(", ")
}

fn near_rank_days(dates: &[Date]) -> String {
    if dates.is_empty() {
        String::new()
    } else {
        format!("; nearest rank days: {}", list(dates))
    }
}

/// The job's results or why it failed.
pub type Result<T, E = PipelineError> = std::result::Result<T, E>;
