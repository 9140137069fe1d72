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
        ImportCommand::Crsp {
            dsf,
            names,
            dist,
            shares,
            delist,
            out: dir,
            format,
        } => {
            let files = rankday_import::CrspFiles {
                daily: dsf,
                names,
                dist,
                shares,
                delist,
            };
            let i = rankday_import::import_crsp(&files, &dir, format.into())
                .with_context(|| format!("importing a CRSP export into {}", dir.display()))?;
            let r = &i.report;
            let ignored: Vec<String> = r.ignored.iter().map(|(c, n)| format!("{c} x{n}")).collect();
            out.say(format!(
                "imported a CRSP export ({:?} layout): {} securities, {} rows on {} dates, {} actions -> {}\n\
                 {} prices were the bid/ask average (negative PRC), {} records without a price left out{}",
                r.layout.expect("set on reading"),
                i.market.n_securities(),
                r.rows,
                i.market.n_days(),
                i.market.actions().len(),
                dir.display(),
                r.bid_ask_prices,
                r.no_price,
                if ignored.is_empty() {
                    String::new()
                } else {
                    format!("; distributions without an action: {}", ignored.join(", "))
                }
            ));
            out.json_value(&serde_json::json!({
                "layout": format!("{:?}", r.layout), "securities": i.market.n_securities(),
                "rows": r.rows, "dates": i.market.n_days(), "actions": i.market.actions().len(),
                "bid_ask_prices": r.bid_ask_prices, "no_price": r.no_price, "out": dir,
            }));
            Ok(())
        }
        ImportCommand::Table {
            map,
            out: dir,
            format,
        } => {
            let m = rankday_import::import_table(&map, &dir, format.into())
                .with_context(|| format!("importing through the map {}", map.display()))?;
            out.say(format!(
                "imported {} securities, {} rows on {} dates, {} actions -> {}",
                m.n_securities(),
                m.n_rows(),
                m.n_days(),
                m.actions().len(),
                dir.display()
            ));
            out.json_value(&serde_json::json!({
                "securities": m.n_securities(), "rows": m.n_rows(), "dates": m.n_days(),
                "actions": m.actions().len(), "out": dir,
            }));
            Ok(())
        }
    }
}
