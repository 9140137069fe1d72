use rankday_core::IndexId;

use crate::args::ImportCommand;
use crate::output::Output;

pub fn run(cmd: ImportCommand, out: &Output) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Ishares {
            files,
            out: dir,
            format,
        } => {
            let mut parsed = Vec::new();
            for f in &files {
                // The importer's message names the file, line and column.
                parsed.push(rankday_import::read_holdings(f)?);
            }
            let (market, memberships) = rankday_import::holdings_to_market(&parsed)?;
            let mut o = super::stage(&dir, &["membership"])?;
            o.write_market(None, &market, format.into())?;
            let table = rankday_io::membership_table(&market, &memberships);
            let states = o.write_table("membership", &table, format.into())?;
            o.publish()?;
            let indexes: Vec<&str> = IndexId::ALL
                .iter()
                .filter(|&&i| memberships.iter().any(|m| m.count(i) > 0))
                .map(|i| i.as_str())
                .collect();
            out.say(format!(
                "imported {} files: {} securities, {} dates, {} actions -> {}\n\
                 value the baskets: rankday calc --market {} --membership {} --index {}",
                parsed.len(),
                market.n_securities(),
                market.n_days(),
                market.actions().len(),
                dir.display(),
                dir.display(),
                states.display(),
                indexes.join(","),
            ));
            out.json_value(&serde_json::json!({
                "files": files.len(), "securities": market.n_securities(), "dates": market.n_days(), "out": dir,
                "membership": states, "indexes": indexes,
            }));
            Ok(())
        }
    }
}
