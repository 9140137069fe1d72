//! The `rankday` command line: parse, dispatch, report errors. All work lives
//! in the library crates; each command module only wires them together.

// The doc comments of `args` are the `--help` text clap prints, not rustdoc:
// a TOML table name in brackets is text for a person, not a link.
#![allow(rustdoc::broken_intra_doc_links)]

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let out = output::Output::new(cli.quiet, cli.json);
    match commands::run(cli.command, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            ExitCode::from(1)
        }
    }
}
