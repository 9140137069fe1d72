use rankday_calc::CalcOutput;
use rankday_core::IndexId;
use rankday_pipeline::{tables, CalcSettings};

use crate::args::CalcArgs;
use crate::output::Output;

pub fn run(a: CalcArgs, out: &Output) -> anyhow::Result<()> {
    let asked = a.index.is_some();
    let indexes = match a.index {
        Some(l) => l.0,
        None => IndexId::ALL.to_vec(),
    };
    let job = super::job(&a.market, Some(&a.membership), out)?.with_calc(CalcSettings {
        indexes,
        from: a.from,
        to: a.to,
        withholding_rate: a.withholding,
        ..CalcSettings::default()
    });
    let mut o = super::stage(&a.out.out, &["levels", "divisors", "halts", "constituents"])?;
    let result = job.levels()?;
    let fmt = a.out.format.into();
    let paths = super::write_tables(&mut o, &tables::calc(job.market(), &result), fmt)?;
    let constituents = match a.constituents_at {
        Some(d) => {
            let t = tables::constituents(job.market(), d, &job.constituents_at(d)?);
            Some((d, o.write_table("constituents", &t, fmt)?))
        }
        None => None,
    };
    o.publish()?;
    if let Some((d, p)) = constituents {
        out.say(format!("constituents at {d} -> {}", p.display()));
    }
    summarize(&result, &job.calc_settings().indexes, out);
    let empty: Vec<IndexId> = match asked {
        true => job
            .calc_settings()
            .indexes
            .iter()
            .copied()
            .filter(|&i| !result.levels.iter().any(|r| r.index == i))
            .collect(),
        false => Vec::new(),
    };
    if !empty.is_empty() {
        let states = job.states()?;
        let held: Vec<&str> = IndexId::ALL
            .iter()
            .filter(|&&i| states.iter().any(|m| m.count(i) > 0))
            .map(|i| i.as_str())
            .collect();
        let names: Vec<&str> = empty.iter().map(|i| i.as_str()).collect();
        out.warn(format!(
            "--index {}: no member in any membership state (they hold {}), so no levels for it",
            names.join(","),
            if held.is_empty() {
                "nothing".to_string()
            } else {
                held.join(",")
            }
        ));
    }
    out.say(format!(
        "levels -> {}\ndivisors -> {}\nhalts -> {}",
        paths[0].display(),
        paths[1].display(),
        paths[2].display()
    ));
    out.json_value(&serde_json::json!({
        "levels": paths[0],
        "divisors": paths[1],
        "halts_table": paths[2],
        "rows": result.levels.len(),
        "divisor_changes": result.divisor_changes.len(),
        "halts": result.halts.len(),
        "indexes_without_members": empty.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
    }));
    Ok(())
}

fn summarize(r: &CalcOutput, indexes: &[IndexId], out: &Output) {
    out.say(format!(
        "{:<8} {:<10} {:<10} {:>12} {:>12} {:>12} {:>7}",
        "index", "from", "to", "price", "total", "net", "names"
    ));
    for &i in indexes {
        let rows: Vec<_> = r.levels.iter().filter(|x| x.index == i).collect();
        if let (Some(f), Some(l)) = (rows.first(), rows.last()) {
            out.say(format!(
                "{:<8} {:<10} {:<10} {:>12.2} {:>12.2} {:>12.2} {:>7}",
                i.as_str(),
                f.date.to_string(),
                l.date.to_string(),
                l.price_return,
                l.total_return,
                l.net_return,
                l.constituents
            ));
        }
    }
    out.say(format!(
        "{} divisor changes, {} halts (member lines without a close, carried at their last price)",
        r.divisor_changes.len(),
        r.halts.len()
    ));
}
