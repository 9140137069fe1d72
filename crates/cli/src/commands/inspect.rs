use rankday_core::money::usd;
use rankday_pipeline::Job;
use rankday_synth::returns::{band_checks, return_checks};

use crate::args::InspectArgs;
use crate::output::Output;

pub fn run(a: InspectArgs, out: &Output) -> anyhow::Result<()> {
    let job = Job::open_checked(&a.dir, &a.checks.checks())?;
    out.warnings(job.warnings());
    let c = job.calibration(a.date)?;
    let (date, cap) = (c.date, &c.r3000);
    out.say(c.summary.to_string());
    out.say(format!(
        "Russell 3000 on {date} (eligible lines: {}):",
        c.eligible_lines
    ));
    out.say(format!("  companies        {:>10}", cap.n));
    out.say(format!(
        "  total cap        {:>10}   (published 2024-04-30: $53.0T)",
        usd(cap.total)
    ));
    out.say(format!(
        "  largest          {:>10}   (published: $2,893.6B)",
        usd(cap.largest)
    ));
    out.say(format!(
        "  cap at rank 1000 {:>10}   (published breakpoint: $4.6B)",
        cap.cap_at_1000.map_or("n/a".into(), usd)
    ));
    out.say(format!(
        "  cap at rank 3000 {:>10}   (published: $150.4M)",
        cap.cap_at_3000.map_or("n/a".into(), usd)
    ));
    out.say(format!(
        "  median           {:>10}   (published: $2.1B)",
        usd(cap.median)
    ));
    let mut json = serde_json::json!({ "date": date, "summary": c.summary, "r3000": cap, "eligible_lines": c.eligible_lines });
    if a.returns {
        let returns = match job.return_stats()? {
            Some(p) => return_checks(&p),
            None => anyhow::bail!(
                "{}: the Russell 2000 and Russell 1000 share fewer than three daily levels",
                a.dir.display()
            ),
        };
        let bands = band_checks(&job.recon_counts()?);
        out.say(format!("\n{returns}\n{bands}"));
        json["returns"] = serde_json::to_value(&returns)?;
        json["bands"] = serde_json::to_value(&bands)?;
    }
    out.json_value(&json);
    Ok(())
}
