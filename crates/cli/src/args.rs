//! Command-line grammar. Every command that reads a market takes `--market
//! DIR`, every command that writes takes `--out DIR` (market-format spec,
//! "Command conventions").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rankday_core::{Date, IndexId};

/// rankday: build, calculate and trade Russell-style US equity indexes.
///
/// Exit codes: 0 success; 1 the command failed (bad input data, a failed
/// step: the message names the file, row and field); 2 the command line
/// itself was wrong.
#[derive(Parser, Debug)]
#[command(name = "rankday", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print a JSON summary on stdout instead of text (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole job end to end on the built-in demo market.
    Demo(DemoArgs),
    /// Generate a synthetic, calibrated US equity market (format 1).
    Generate(GenerateArgs),
    /// Print a market's calibration statistics.
    Inspect(InspectArgs),
    /// Print a year's reconstitution, IPO and share-update schedule.
    Calendar(CalendarArgs),
    /// Rebuild the index family on one rank day or every rank day of the history.
    Reconstitute(ReconstituteArgs),
    /// Explain every screen and decision for one ticker on one rank day.
    Explain(ExplainArgs),
    /// Calculate daily price, total and net return levels of the family.
    Calc(CalcArgs),
    /// Forecast or measure the passive flows of a reconstitution.
    Flows(FlowsArgs),
    /// Simulate an index-tracking fund (holdings, cash, dividends, costs, tracking).
    Fund(FundArgs),
    /// Measure a portfolio, or one index, against an index.
    Benchmark(BenchmarkArgs),
    /// Write the self-contained HTML report.
    Report(ReportArgs),
    /// Point-in-time exports for backtesters: daily constituents with
    /// weights (Parquet) and benchmark return series (CSV).
    Export(ExportArgs),
    /// Turn third-party files into a market directory.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Clone, Copy, Debug, ValueEnum, Default)]
pub enum Format {
    #[default]
    Parquet,
    Csv,
}

impl From<Format> for rankday_io::FileFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Parquet => rankday_io::FileFormat::Parquet,
            Format::Csv => rankday_io::FileFormat::Csv,
        }
    }
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| e.to_string())
}

/// What every command that reads a market takes: the market, how strictly
/// it is checked, and the construction policy and calendar to apply to it.
#[derive(Args, Debug, Clone)]
pub struct MarketArg {
    /// Market directory (format 1: securities, daily, actions as CSV or Parquet).
    #[arg(long, value_name = "DIR")]
    pub market: PathBuf,
    #[command(flatten)]
    pub checks: CheckArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// How strictly a market is checked on load (see `rankday_io::validate`).
#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Treat the market's warnings (large one-day moves, shares jumps without an action) as errors.
    #[arg(long)]
    pub strict: bool,
    /// A one-day move of a close beyond this factor either way (after the day's splits and dividends) is a warning.
    #[arg(long, value_name = "FACTOR", default_value_t = 5.0, value_parser = parse_factor)]
    pub max_daily_move: f64,
}

impl CheckArgs {
    pub fn checks(&self) -> rankday_io::Checks {
        rankday_io::Checks {
            strict: self.strict,
            max_daily_move: self.max_daily_move,
            ..rankday_io::Checks::default()
        }
    }
}

/// A list of indexes (`--index R2000,R1000`), never empty.
#[derive(Clone, Debug)]
pub struct IndexList(pub Vec<IndexId>);

fn parse_index_list(s: &str) -> Result<IndexList, String> {
    IndexId::parse_list(s).map(IndexList)
}

/// One index, case-insensitive (`r2000` is `R2000`).
fn parse_index(s: &str) -> Result<IndexId, String> {
    s.trim().to_ascii_uppercase().parse()
}

/// A rate from 0 to 1 (0.3 = 30%).
fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("must be a rate from 0 to 1 (0.3 = 30%), got {v}")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// A share of volume above 0 and at most 1.
fn parse_cap(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        Ok(v) => Err(format!(
            "must be above 0 and at most 1 (0.2 = 20% of ADV), got {v}"
        )),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// A finite amount above 0.
fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(v) => Err(format!("must be a finite amount above 0, got {v}")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// A factor above 1 (5 = a fivefold move either way).
fn parse_factor(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 1.0 => Ok(v),
        Ok(v) => Err(format!(
            "must be a factor above 1 (5 = a fivefold move either way), got {v}"
        )),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

#[derive(Args, Debug, Clone)]
pub struct MembershipArg {
    /// Use these membership states (a `membership` table, CSV or Parquet, as
    /// `rankday reconstitute` or `rankday import ishares` writes it) instead
    /// of reconstituting the market's history. The states carry the
    /// construction, so `--policy` is refused with it; the calendar still
    /// dates the quarterly share/float updates.
    #[arg(long, value_name = "FILE", conflicts_with = "policy")]
    pub membership: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct OutArgs {
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR", default_value = "rankday-out")]
    pub out: PathBuf,
    /// Table format of the outputs.
    #[arg(long, value_enum, default_value_t = Format::Parquet)]
    pub format: Format,
}

#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    /// Construction policy TOML overriding the shipped Russell defaults.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Reconstitution calendar TOML overriding the shipped schedule.
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where the demo market and all outputs go.
    #[arg(long, value_name = "DIR", default_value = "demo-out")]
    pub out: PathBuf,
    /// Years of history of the demo market (default 12; for a new market: with `--regenerate` when one is there).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub years: Option<u32>,
    /// Generator seed of the demo market (default 7; same seed, same market, byte for byte).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Regenerate the market even if one is already there.
    #[arg(long)]
    pub regenerate: bool,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Years of daily history, ending at `--end`.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub years: u32,
    /// Generator seed (same seed and years, same market, byte for byte).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Last date of the history (default: a fixed recent date, so the default market is reproducible).
    #[arg(long, value_parser = parse_date)]
    pub end: Option<Date>,
    /// Output market directory.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Table format of the market's files.
    #[arg(long, value_enum, default_value_t = Format::Parquet)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Market directory.
    pub dir: PathBuf,
    #[command(flatten)]
    pub checks: CheckArgs,
    /// Date of the statistics (default: 2024-04-30 if in the history, else the last rank day).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<Date>,
    /// Also print the return and band calibration tables: Russell 2000 against Russell 1000 volatility, correlation, tracking error, return gap, drawdowns, fat tails, and the line counts and migrations of every June reconstitution, each with its target, PASS/FAIL and the real (^RUT) figure.
    #[arg(long)]
    pub returns: bool,
}

#[derive(Args, Debug)]
pub struct CalendarArgs {
    /// Year whose schedule to print: reconstitutions, IPO additions and share/float updates, each step dated.
    #[arg(value_parser = clap::value_parser!(i32).range(1900..=2100))]
    pub year: i32,
    /// Reconstitution calendar TOML overriding the shipped schedule.
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReconstituteArgs {
    #[command(flatten)]
    pub market: MarketArg,
    /// Rank day to reconstitute on (default: every rank day of the history).
    #[arg(long, value_parser = parse_date)]
    pub rank_date: Option<Date>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub market: MarketArg,
    /// Rank day whose decisions to explain, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub rank_date: Date,
    /// Ticker (as of the security's last row) or security_id.
    #[arg(long)]
    pub ticker: String,
}

#[derive(Args, Debug)]
pub struct CalcArgs {
    #[command(flatten)]
    pub market: MarketArg,
    /// First date written, YYYY-MM-DD (the calculation always starts at the market's first day, so levels and divisors from this date are those of the full history).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<Date>,
    /// Last date calculated and written, YYYY-MM-DD (default: the market's last day).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<Date>,
    #[command(flatten)]
    pub membership: MembershipArg,
    /// Indexes to calculate, e.g. R2000,R1000 (default: the whole family).
    #[arg(long, value_parser = parse_index_list)]
    pub index: Option<IndexList>,
    /// Withholding rate on dividends for the net-return series (0 to 1).
    #[arg(long, default_value_t = 0.30, value_parser = parse_rate)]
    pub withholding: f64,
    /// Also write the constituents (weights, index shares) at this date.
    #[arg(long, value_parser = parse_date)]
    pub constituents_at: Option<Date>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Args, Debug)]
pub struct FlowsArgs {
    #[command(flatten)]
    pub market: MarketArg,
    /// Effective date of the reconstitution to measure (after the fact).
    #[arg(long, value_parser = parse_date)]
    pub recon: Option<Date>,
    /// Forecast the next reconstitution with only the data known at this date (not with `--recon`).
    #[arg(long, value_parser = parse_date, conflicts_with = "recon")]
    pub as_of: Option<Date>,
    /// Passive-ownership model TOML overriding the shipped defaults.
    #[arg(long, value_name = "FILE")]
    pub passive: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum, Default, PartialEq)]
pub enum RebalanceMode {
    /// Trade everything at the close of each effective date.
    #[default]
    Full,
    /// Spread each rebalance over `--spread-days` under a participation cap.
    Spread,
}

#[derive(Args, Debug)]
pub struct FundArgs {
    #[command(flatten)]
    pub market: MarketArg,
    #[command(flatten)]
    pub membership: MembershipArg,
    /// Index the fund tracks.
    #[arg(long, default_value = "R2000", value_parser = parse_index)]
    pub index: IndexId,
    /// Launch date, YYYY-MM-DD: the fund starts at the index's close on the first trading day on or after it (default: the index's first level).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<Date>,
    /// Last day simulated, YYYY-MM-DD (default: the market's last day).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<Date>,
    /// Starting assets in USD (IWM: about $75bn).
    #[arg(long, default_value_t = 75e9, value_parser = parse_positive)]
    pub assets: f64,
    /// Annual expense ratio (IWM: 0.19%), 0 to 1.
    #[arg(long, default_value_t = 0.0019, value_parser = parse_rate)]
    pub expense_ratio: f64,
    /// Trading days from a dividend's ex-date to its payment.
    #[arg(long, default_value_t = 20)]
    pub dividend_lag: u32,
    /// How the fund trades to the index's new holdings.
    #[arg(long, value_enum, default_value_t = RebalanceMode::Full)]
    pub rebalance: RebalanceMode,
    /// Days over which a spread rebalance trades (default 5; only with `--rebalance spread`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub spread_days: Option<u32>,
    /// Maximum share of a name's 20-day ADV traded per day in a spread rebalance (default 0.2; only with `--rebalance spread`).
    #[arg(long, value_parser = parse_cap)]
    pub participation_cap: Option<f64>,
    /// Switch trading costs off. Otherwise full replication pays the half-spread by cap
    /// bucket (impact is in the closing price the index uses); a spread rebalance
    /// also pays square-root impact.
    #[arg(long)]
    pub no_costs: bool,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Args, Debug)]
pub struct BenchmarkArgs {
    #[command(flatten)]
    pub market: MarketArg,
    #[command(flatten)]
    pub membership: MembershipArg,
    /// Benchmark index.
    #[arg(long, default_value = "R2000", value_parser = parse_index)]
    pub index: IndexId,
    /// Compare this index against the benchmark (e.g. R1000).
    #[arg(long, value_parser = parse_index)]
    pub against_index: Option<IndexId>,
    /// A portfolio's daily returns: CSV or Parquet with columns `date,return` (0.01 = 1%).
    #[arg(long, value_name = "FILE", conflicts_with = "against_index")]
    pub portfolio: Option<PathBuf>,
    /// First date of the comparison window, YYYY-MM-DD (default: the first date of the series).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<Date>,
    /// Last date of the comparison window, YYYY-MM-DD (default: the last date of the series).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<Date>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub market: MarketArg,
    /// Output directory for report.html.
    #[arg(long, value_name = "DIR", default_value = "rankday-out")]
    pub out: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// iShares holdings files (any of the three known layouts) -> market directory.
    Ishares {
        /// Holdings files, one per date (the as-of date comes from the file's preamble or its name).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output market directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Table format of the market's files.
        #[arg(long, value_enum, default_value_t = Format::Parquet)]
        format: Format,
    },
    /// A CRSP export (CSV with CRSP's column names, legacy or CIZ layout, detected from the headers) -> market directory; the mapping is docs/crsp.md.
    Crsp {
        /// Daily stock file: legacy DSF (PERMNO, DATE, PRC, VOL, SHROUT) or CIZ StkDlySecurityData (PERMNO, DlyCalDt, DlyPrc, DlyVol, ShrOut).
        #[arg(long, value_name = "FILE")]
        dsf: PathBuf,
        /// Name history: legacy DSENAMES/MSENAMES or CIZ StkSecurityInfoHist.
        #[arg(long, value_name = "FILE")]
        names: PathBuf,
        /// Distributions: legacy DSEDIST (DISTCD, DIVAMT, FACPR, FACSHR, EXDT, ACPERM) or CIZ StkDistributions.
        #[arg(long, value_name = "FILE")]
        dist: PathBuf,
        /// Share history (legacy SHROUT/SHRSDT/SHRENDDT or CIZ StkShares); overrides the daily file's shares.
        #[arg(long, value_name = "FILE")]
        shares: Option<PathBuf>,
        /// Delistings: legacy DSEDELIST (DLSTDT, DLSTCD, NWPERM, DLPRC) or CIZ StkDelists.
        #[arg(long, value_name = "FILE")]
        delist: Option<PathBuf>,
        /// Output market directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Table format of the market's files.
        #[arg(long, value_enum, default_value_t = Format::Parquet)]
        format: Format,
    },
    /// Any vendor's CSV export whose columns differ from market format 1 only by name, unit and code, described by a short TOML map (see `rankday_import::table_map`).
    Table {
        /// The column map (TOML): [daily], optional [securities] and [actions].
        #[arg(long, value_name = "FILE.toml")]
        map: PathBuf,
        /// Output market directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Table format of the market's files.
        #[arg(long, value_enum, default_value_t = Format::Parquet)]
        format: Format,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap's own consistency checks of the definitions (conflicts,
    /// defaults, value names), which otherwise fire only when a user hits
    /// the broken argument.
    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// Every option and positional of every command says in `--help` what
    /// it does: a user should not have to read the source to learn what
    /// `--from` means for `calc` rather than for `fund`.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" || arg.is_hide_set() {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path}: {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(
            missing.is_empty(),
            "arguments without help:\n{}",
            missing.join("\n")
        );
    }
}

/// `rankday export`: what backtesters need from the index history.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub market: MarketArg,
    #[command(flatten)]
    pub membership: MembershipArg,
    /// Indexes to export, comma-separated (e.g. R2000,R1000).
    #[arg(long, default_value = "R2000")]
    pub index: String,
    /// First day exported (default: the market's first day).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<Date>,
    /// Last day exported (default: the market's last day).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<Date>,
    /// Output directory (created if missing): `weights.parquet` and one
    /// `benchmark_<index>_<total|price>.csv` per index and series.
    #[arg(long, value_name = "DIR", default_value = "rankday-out")]
    pub out: PathBuf,
}
