use crate::args::ReportArgs;
use crate::output::Output;

pub fn run(a: ReportArgs, out: &Output) -> anyhow::Result<()> {
    let job = super::job(&a.market, None, out)?;
    let mut o = super::stage(&a.out, &[])?;
    let html = rankday_report::render(&job.report()?)?;
    let path = o.write_bytes("report.html", html.as_bytes())?;
    o.publish()?;
    out.say(format!("report -> {}", path.display()));
    out.json_value(&serde_json::json!({ "report": path }));
    Ok(())
}
