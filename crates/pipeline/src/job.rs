//! [`Job`]: a loaded market with everything that decides what is computed
//! from it, and the steps every front end runs. The reconstitution history
//! is made once per job and shared by the steps that need it (levels,
//! flows, fund, report), so a front end that asks for several results pays
//! for the history once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rankday_calc::{CalcConfig, CalcOutput};
use rankday_calendar::{ReconCalendar, TradingCalendar};
use rankday_core::{Date, IndexId, Market, Membership};
use rankday_flows::{FlowConfig, PassiveModel};
use rankday_fund::{CostModel, FundConfig, Rebalance};
use rankday_io::{Checks, Loaded, Warning};
use rankday_method::{History, HistoryOptions, HistoryPlan, Policy};

use crate::progress::{Progress, Silent, Step};
use crate::{PipelineError, Result};

/// What the levels are calculated for and how.
#[derive(Clone, Debug, PartialEq)]
pub struct CalcSettings {
    /// Indexes calculated (the whole family by default).
    pub indexes: Vec<IndexId>,
    /// First date reported; the calculation always starts at the market's
    /// first day, so levels from this date are those of the full history.
    pub from: Option<Date>,
    /// Last date calculated (default: the market's last day).
    pub to: Option<Date>,
    /// Withholding rate on dividends for the net-return series.
    pub withholding_rate: f64,
    /// Apply the calendar's quarterly share/float updates (methodology §6).
    /// Off only to compare with peers that do not model them.
    pub share_updates: bool,
}

impl Default for CalcSettings {
    fn default() -> Self {
        CalcSettings {
            indexes: IndexId::ALL.to_vec(),
            from: None,
            to: None,
            withholding_rate: CalcConfig::default().withholding_rate,
            share_updates: true,
        }
    }
}

/// How reconstitution flows are estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowSettings {
    /// Passive assets tracking each index.
    pub model: PassiveModel,
    /// Liquidity and impact parameters.
    pub config: FlowConfig,
}

impl Default for FlowSettings {
    fn default() -> Self {
        FlowSettings {
            model: PassiveModel::russell_default(),
            config: FlowConfig::default(),
        }
    }
}

/// Trading costs of a fund relative to its index. Full replication trades in
/// the closing auction at the very close the index uses, so price impact is
/// already in the index and is not a cost relative to it; only the
/// half-spread (fees, auction imbalance) remains. A spread rebalance trades
/// away from the index's close and pays square-root impact too.
pub fn costs_for(rebalance: &Rebalance, costs_on: bool) -> CostModel {
    match (costs_on, rebalance) {
        (false, _) => CostModel::zero(),
        (true, Rebalance::FullReplication) => {
            CostModel::half_spread_only(CostModel::default().half_spread_bps)
        }
        (true, Rebalance::Spread { .. }) => CostModel::default(),
    }
}

/// The fund of the demo and the report: IWM-like ($75B, 0.19%, dividends
/// paid 20 trading days after the ex-date), full replication at the close,
/// paying the half-spread.
pub fn demo_fund() -> FundConfig {
    FundConfig {
        costs: costs_for(&Rebalance::FullReplication, true),
        ..FundConfig::iwm_like()
    }
}

/// Reads a market directory (format 1) with the default semantic checks,
/// dropping their warnings (see [`load_market_checked`]).
pub fn load_market(dir: &Path) -> Result<Market> {
    Ok(load_market_checked(dir, &Checks::default())?.market)
}

/// Reads a market directory (format 1): every row checked, then the
/// semantic checks of `rankday_io::validate` with `checks`; the warnings
/// come back with the market (under `checks.strict` the first one is the
/// error).
pub fn load_market_checked(dir: &Path, checks: &Checks) -> Result<Loaded> {
    if !dir.is_dir() {
        return Err(PipelineError::NoMarket {
            dir: dir.to_path_buf(),
        });
    }
    rankday_io::load_market(dir, checks).map_err(|error| PipelineError::LoadMarket {
        dir: dir.to_path_buf(),
        error: Box::new(error),
    })
}

/// The reconstitution calendar: the policy TOML at `path`, or the shipped
/// Russell schedule, on the policy's NYSE trading calendar. A market's dates
/// never decide which days trade (market format, calendar paragraph): a
/// sparse market holds a few observation dates, and a full one is checked
/// against the calendar.
pub fn recon_calendar(path: Option<&Path>) -> Result<ReconCalendar> {
    let trading = TradingCalendar::nyse();
    match path {
        Some(path) => {
            ReconCalendar::from_file(path, trading).map_err(|error| PipelineError::CalendarPolicy {
                path: path.to_path_buf(),
                error,
            })
        }
        None => Ok(ReconCalendar::russell_with(trading)?),
    }
}

/// The construction policy TOML at `path`, or the shipped Russell rules.
pub fn policy(path: Option<&Path>) -> Result<Policy> {
    match path {
        Some(path) => Policy::from_file(path).map_err(|error| PipelineError::Policy {
            path: path.to_path_buf(),
            error,
        }),
        None => Ok(Policy::russell()),
    }
}

/// The passive-ownership model TOML at `path`, or the shipped defaults.
pub fn passive_model(path: Option<&Path>) -> Result<PassiveModel> {
    match path {
        Some(path) => PassiveModel::from_file(path).map_err(|error| PipelineError::PassiveModel {
            path: path.to_path_buf(),
            error,
        }),
        None => Ok(PassiveModel::russell_default()),
    }
}

/// Generates the synthetic market of `cfg` (the demo's and the tests'
/// stand-in for real data), reporting progress as "generating".
pub fn generate(cfg: &rankday_synth::GenConfig, progress: &dyn Progress) -> Result<Market> {
    let step = Step::start(progress, "generating");
    rankday_synth::generate(cfg, &|done, total| step.update(done, total))
        .map_err(PipelineError::Generate)
}

/// One market and every setting the job's results depend on.
///
/// Build it with [`Job::open`] or [`Job::new`] (the shipped Russell policy
/// and calendar, the whole family, the default passive model, an IWM-like
/// fund), change what differs with the `with_*` methods, then ask for
/// results. Results that need the reconstitution history share one run of
/// it, made on first use.
pub struct Job {
    market: Arc<Market>,
    origin: Option<PathBuf>,
    calendar: ReconCalendar,
    policy: Policy,
    membership: Option<Vec<Membership>>,
    ipo_rounds: bool,
    calc: CalcSettings,
    flows: FlowSettings,
    fund: FundConfig,
    progress: Arc<dyn Progress>,
    history: OnceLock<History>,
    warnings: Vec<Warning>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("origin", &self.origin)
            .field("securities", &self.market.n_securities())
            .field("days", &self.market.n_days())
            .field("membership_given", &self.membership.is_some())
            .field("ipo_rounds", &self.ipo_rounds)
            .field("calc", &self.calc)
            .field("fund", &self.fund)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// A job on `market` with the shipped Russell policy and calendar and
    /// default settings.
    pub fn new(market: impl Into<Arc<Market>>) -> Result<Job> {
        let market = market.into();
        let calendar = recon_calendar(None)?;
        Ok(Job {
            market,
            origin: None,
            calendar,
            policy: Policy::russell(),
            membership: None,
            ipo_rounds: true,
            calc: CalcSettings::default(),
            flows: FlowSettings::default(),
            fund: demo_fund(),
            progress: Arc::new(Silent),
            history: OnceLock::new(),
            warnings: Vec::new(),
        })
    }

    /// A job on the market directory `dir` (see [`Job::new`]), loaded with
    /// the default semantic checks.
    pub fn open(dir: &Path) -> Result<Job> {
        Job::open_checked(dir, &Checks::default())
    }

    /// A job on the market directory `dir`, loaded with `checks`; their
    /// warnings are kept ([`Job::warnings`]).
    pub fn open_checked(dir: &Path, checks: &Checks) -> Result<Job> {
        let loaded = load_market_checked(dir, checks)?;
        let mut job = Job::new(loaded.market)?;
        job.origin = Some(dir.to_path_buf());
        job.warnings = loaded.warnings;
        Ok(job)
    }

    /// The warnings of the market's semantic checks (empty for a market
    /// handed to [`Job::new`]).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The calendar policy TOML at `path` instead of the shipped schedule
    /// (`None` keeps the current calendar).
    pub fn with_calendar_file(self, path: Option<&Path>) -> Result<Job> {
        match path {
            Some(p) => {
                let cal = recon_calendar(Some(p))?;
                Ok(self.with_calendar(cal))
            }
            None => Ok(self),
        }
    }

    /// Another reconstitution calendar.
    pub fn with_calendar(mut self, calendar: ReconCalendar) -> Job {
        self.calendar = calendar;
        self.history = OnceLock::new();
        self
    }

    /// The construction policy TOML at `path` instead of the shipped rules
    /// (`None` keeps the current policy).
    pub fn with_policy_file(self, path: Option<&Path>) -> Result<Job> {
        match path {
            Some(_) => Ok(self.with_policy(policy(path)?)),
            None => Ok(self),
        }
    }

    /// Another construction policy.
    pub fn with_policy(mut self, policy: Policy) -> Job {
        self.policy = policy;
        self.history = OnceLock::new();
        self
    }

    /// Use the membership table at `path` (as `rankday reconstitute` or an
    /// import writes it) instead of reconstituting the market's history
    /// (`None` keeps the history).
    pub fn with_membership_file(self, path: Option<&Path>) -> Result<Job> {
        match path {
            Some(p) => {
                let states = rankday_io::read_membership(p, &self.market).map_err(|error| {
                    PipelineError::ReadMembership {
                        path: p.to_path_buf(),
                        error: Box::new(error),
                    }
                })?;
                Ok(self.with_membership(states))
            }
            None => Ok(self),
        }
    }

    /// These membership states for the levels, the fund and the benchmark
    /// instead of the reconstitution history. The states carry the
    /// construction; the calendar still dates the quarterly updates.
    pub fn with_membership(mut self, states: Vec<Membership>) -> Job {
        self.membership = Some(states);
        self
    }

    /// With `false`, the history leaves out the quarterly IPO additions
    /// (only to compare with peers that do not model them).
    pub fn with_ipo_rounds(mut self, ipo_rounds: bool) -> Job {
        self.ipo_rounds = ipo_rounds;
        self.history = OnceLock::new();
        self
    }

    /// What the levels are calculated for.
    pub fn with_calc(mut self, calc: CalcSettings) -> Job {
        self.calc = calc;
        self
    }

    /// How flows are estimated.
    pub fn with_flows(mut self, flows: FlowSettings) -> Job {
        self.flows = flows;
        self
    }

    /// The fund simulated by [`Job::fund`] (and shown in the report).
    pub fn with_fund(mut self, fund: FundConfig) -> Job {
        self.fund = fund;
        self
    }

    /// Where the long steps report their progress.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Job {
        self.progress = progress;
        self
    }

    /// The market.
    pub fn market(&self) -> &Market {
        &self.market
    }

    /// The market, shared.
    pub fn market_arc(&self) -> &Arc<Market> {
        &self.market
    }

    /// The market's directory as the user named it, when opened from one.
    pub fn origin(&self) -> Option<&Path> {
        self.origin.as_deref()
    }

    /// The reconstitution calendar.
    pub fn calendar(&self) -> &ReconCalendar {
        &self.calendar
    }

    /// The construction policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The calculation settings.
    pub fn calc_settings(&self) -> &CalcSettings {
        &self.calc
    }

    /// The flow settings.
    pub fn flow_settings(&self) -> &FlowSettings {
        &self.flows
    }

    /// The fund simulated by [`Job::fund`].
    pub fn fund_config(&self) -> &FundConfig {
        &self.fund
    }

    /// Whether the states are the user's ([`Job::with_membership`]) rather
    /// than the history's.
    pub(crate) fn membership_given(&self) -> bool {
        self.membership.is_some()
    }

    /// The market's first and last days.
    fn span(&self) -> Result<(Date, Date)> {
        match (self.market.first_date(), self.market.last_date()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(PipelineError::EmptyMarket),
        }
    }

    /// `date` lies within the market's data (a point in time asked for:
    /// constituents, an as-of date); the error names the data's first and
    /// last days.
    pub fn check_date(&self, what: &'static str, date: Date) -> Result<()> {
        let (first, last) = self.span()?;
        if date < first || date > last {
            return Err(PipelineError::OutsideData {
                what,
                date,
                first,
                last,
            });
        }
        Ok(())
    }

    /// The range `[from, to]` (either end open) holds at least one trading
    /// day of the data: a range that selects nothing would give empty
    /// tables and a success.
    pub fn check_range(&self, from: Option<Date>, to: Option<Date>) -> Result<()> {
        let (first, last) = self.span()?;
        let m = &self.market;
        let a = m.day_on_or_after(from.unwrap_or(first));
        let b = m.day_on_or_before(to.unwrap_or(last));
        match (a, b) {
            (Some(a), Some(b)) if a <= b => Ok(()),
            _ => Err(PipelineError::EmptyRange {
                from,
                to,
                first,
                last,
            }),
        }
    }

    pub(crate) fn progress(&self) -> &dyn Progress {
        &*self.progress
    }

    /// The calculation of the settings' indexes and dates, with the
    /// calendar's quarterly share/float updates over the market's history.
    pub fn calc_config(&self) -> CalcConfig {
        CalcConfig {
            from: self.calc.from,
            to: self.calc.to,
            ..self.calc_config_of(self.calc.indexes.clone())
        }
    }

    /// [`Job::calc_config`] of other indexes, over the whole history.
    pub(crate) fn calc_config_of(&self, indexes: Vec<IndexId>) -> CalcConfig {
        let base = CalcConfig::for_calendar(&self.calendar, &self.market);
        CalcConfig {
            indexes,
            withholding_rate: self.calc.withholding_rate,
            share_updates: if self.calc.share_updates {
                base.share_updates
            } else {
                Vec::new()
            },
            ..base
        }
    }

    fn history_options(&self, until: Option<Date>) -> HistoryOptions {
        HistoryOptions {
            until_rank_date: until,
            without_ipos: !self.ipo_rounds,
        }
    }

    /// Every reconstitution of the market's history with the quarterly IPO
    /// additions in between, each starting from what the index held after
    /// the close of its rank day (`rankday_method::run_history_with_levels`).
    /// Made once per job.
    pub fn history(&self) -> Result<&History> {
        if let Some(h) = self.history.get() {
            return Ok(h);
        }
        let h = self.run_history(None)?;
        Ok(self.history.get_or_init(|| h))
    }

    /// The history up to the rank day `until` (inclusive; the IPO rounds and
    /// updates before it included, so its reconstitution is the full
    /// history's): what one reconstitution needs, and no more.
    pub(crate) fn run_history(&self, until: Option<Date>) -> Result<History> {
        let step = Step::start(self.progress(), "reconstituting");
        // What the index holds does not depend on which levels are
        // calculated: one index keeps the levels' work small.
        let cfg = self.calc_config_of(vec![IndexId::R3000E]);
        let plan = HistoryPlan::new(&self.market, &self.calendar, self.history_options(until))?;
        let (h, _) = plan.run(&self.market, &self.policy, &cfg, &|done, total| {
            step.update(done, total)
        })?;
        Ok(h)
    }

    /// The membership states in force over time: the ones given with
    /// [`Job::with_membership`], else those of the history.
    pub fn states(&self) -> Result<&[Membership]> {
        match &self.membership {
            Some(s) => Ok(s),
            None => Ok(&self.history()?.states),
        }
    }

    /// The history and the levels of its states from one run: the history
    /// runs the calculation alongside, each reconstitution starting from
    /// what it holds (the same bits as [`Job::history`] then the
    /// calculation over its states).
    pub fn history_and_levels(&self) -> Result<(&History, CalcOutput)> {
        let cfg = self.calc_config();
        // A calculation cut short (`to`) cannot hold what later rank days
        // start from: the full history first, then the levels.
        if self.history.get().is_some() || cfg.to.is_some() {
            let h = self.history()?;
            let levels = self.calculate(&h.states, &cfg)?;
            return Ok((h, levels));
        }
        let plan = HistoryPlan::new(&self.market, &self.calendar, self.history_options(None))?;
        let step = Step::start(self.progress(), "reconstituting and calculating");
        let progress = |done: usize, total: usize| step.update(done, total);
        let (history, levels) = plan.run(&self.market, &self.policy, &cfg, &progress)?;
        drop(step);
        Ok((self.history.get_or_init(|| history), levels))
    }

    /// The levels, divisor changes and halts of the settings' indexes: of
    /// the given membership states, or of the history (computed beside it).
    pub fn levels(&self) -> Result<CalcOutput> {
        self.check_range(self.calc.from, self.calc.to)?;
        match &self.membership {
            Some(states) => self.calculate(states, &self.calc_config()),
            None => Ok(self.history_and_levels()?.1),
        }
    }

    pub(crate) fn calculate(&self, states: &[Membership], cfg: &CalcConfig) -> Result<CalcOutput> {
        let _step = Step::start(self.progress(), "calculating");
        rankday_calc::calculate(&self.market, states, cfg).map_err(PipelineError::Levels)
    }

    /// The holdings of each of the settings' indexes at the close of `date`.
    pub fn constituents_at(
        &self,
        date: Date,
    ) -> Result<Vec<(IndexId, Vec<rankday_calc::Constituent>)>> {
        self.check_date("constituents date", date)?;
        let cfg = self.calc_config();
        let states = self.states()?;
        let mut out = Vec::with_capacity(cfg.indexes.len());
        for &i in &cfg.indexes {
            out.push((
                i,
                rankday_calc::constituents_at(&self.market, states, i, date, &cfg)?,
            ));
        }
        Ok(out)
    }

    /// The fund of [`Job::with_fund`] (an IWM-like fund by default) over the
    /// membership states.
    pub fn fund(&self) -> Result<rankday_fund::FundResult> {
        self.check_range(self.fund.from, self.fund.to)?;
        let states = self.states()?;
        let calc = self.calc_config_of(vec![self.fund.index]);
        let _step = Step::start(self.progress(), "fund");
        rankday_fund::simulate(&self.market, states, &calc, &self.fund).map_err(PipelineError::Fund)
    }
}
