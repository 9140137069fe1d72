//! One module per command; each turns parsed arguments into library calls.

mod benchmark;
mod calc;
mod calendar;
mod demo;
mod explain;
mod flows;
mod fund;
mod generate;
mod import;
mod inspect;
mod reconstitute;
mod report;

use crate::args::Command;
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
        Command::Import(a) => import::run(a, out),
    }
}
