use crate::args::ReportArgs;
use crate::output::Output;

pub fn run(a: ReportArgs, out: &Output) -> anyhow::Result<()> {
    let job = super::job(&a.market, &a.policy, None, out)?;
    let data = job.report()?;
    let path = a.out.join("report.html");
    std::fs::create_dir_all(&a.out)?;
    rankday_report::write_report(&path, &data)?;
    out.say(format!("report -> {}", path.display()));
    out.json_value(&serde_json::json!({ "report": path }));
    Ok(())
}
