use anyhow::Context;

use crate::args::ImportCommand;
use crate::output::Output;

pub fn run(cmd: ImportCommand, out: &Output) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Ishares {
            files,
            out: dir,
            format,
        } => {
            let s = rankday_import::import_holdings(
                &files,
                &rankday_import::ReadOptions::default(),
                &dir,
                format.into(),
            )
            .with_context(|| format!("importing into {}", dir.display()))?;
            let indexes: Vec<&str> = s.indexes().iter().map(|i| i.as_str()).collect();
            let (splits, renames) = s.report.windows.iter().fold((0, 0), |(a, b), w| {
                (a + w.splits.len(), b + w.renames.len())
            });
            out.say(format!(
                "imported {} files: {} securities, {} dates, {} splits, {} lines linked across a rename -> {}\n\
                 report (splits with their evidence, renames, calendar events): {}\n\
                 value the baskets: rankday calc --market {} --membership {} --index {}",
                files.len(),
                s.market.n_securities(),
                s.market.n_days(),
                splits,
                renames,
                dir.display(),
                s.report_path.display(),
                dir.display(),
                s.membership_path.display(),
                indexes.join(","),
            ));
            let warnings = s.report.warnings();
            for w in &warnings {
                out.warn(w);
            }
            out.json_value(&serde_json::json!({
                "files": files.len(), "securities": s.market.n_securities(), "dates": s.market.n_days(), "out": dir,
                "membership": s.membership_path, "report": s.report_path, "indexes": indexes,
                "splits": splits, "renames": renames, "warnings": warnings,
            }));
            Ok(())
        }
    }
}
