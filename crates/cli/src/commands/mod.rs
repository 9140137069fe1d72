//! One module per command; each parses its arguments into a
//! [`rankday_pipeline::Job`], makes one call of the job library and prints
//! or writes what came back. No command calls another.

mod benchmark;
mod calc;
mod calendar;
mod demo;
mod explain;
mod export;
mod flows;
mod fund;
mod generate;
mod import;
mod inspect;
mod reconstitute;
mod report;

use std::path::{Path, PathBuf};

use rankday_io::{FileFormat, OutputDir, Table};
use rankday_pipeline::Job;

use crate::args::{Command, MarketArg, MembershipArg};
use crate::output::Output;

pub fn run(command: Command, out: &Output) -> anyhow::Result<()> {
    match command {
        Command::Demo(a) => demo::run(a, out),
        Command::Generate(a) => generate::run(a, out),
        Command::Inspect(a) => inspect::run(a, out),
        Command::Calendar(a) => calendar::run(a, out),
        Command::Reconstitute(a) => reconstitute::run(a, out),
        Command::Explain(a) => explain::run(a, out),
        Command::Calc(a) => calc::run(a, out),
        Command::Flows(a) => flows::run(a, out),
        Command::Fund(a) => fund::run(a, out),
        Command::Benchmark(a) => benchmark::run(a, out),
        Command::Report(a) => report::run(a, out),
        Command::Export(a) => export::run(a, out),
        Command::Import(a) => import::run(a, out),
    }
}

/// The job of a command that reads `--market DIR` with `--policy`,
/// `--calendar` and, where the command takes it, `--membership`.
fn job(
    market: &MarketArg,
    membership: Option<&MembershipArg>,
    out: &Output,
) -> anyhow::Result<Job> {
    let job = Job::open_checked(&market.market, &market.checks.checks())?;
    out.warnings(job.warnings());
    Ok(job
        .with_calendar_file(market.policy.calendar.as_deref())?
        .with_policy_file(market.policy.policy.as_deref())?
        .with_membership_file(membership.and_then(|m| m.membership.as_deref()))?
        .with_progress(out.progress()))
}

/// Starts staging a command's outputs beside `dir` (`rankday_io::OutputDir`):
/// they appear in `dir` together when the command publishes them, and a
/// command that fails leaves `dir` as it was. `owned` are the tables the
/// command may write: one it does not write this time is dropped from
/// `dir`, so the directory never mixes two runs' tables.
fn stage(dir: &Path, owned: &[&str]) -> anyhow::Result<OutputDir> {
    let mut o = OutputDir::stage(dir)?;
    for t in owned {
        o.supersede_table(t);
    }
    Ok(o)
}

/// Writes named tables into the staged outputs, returning their published
/// paths in order.
fn write_tables(
    o: &mut OutputDir,
    tables: &[(&str, Table)],
    format: FileFormat,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(tables.len());
    for (name, t) in tables {
        paths.push(o.write_table(name, t, format)?);
    }
    Ok(paths)
}
