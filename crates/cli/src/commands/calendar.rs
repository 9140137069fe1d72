use crate::args::CalendarArgs;
use crate::output::Output;

pub fn run(a: CalendarArgs, out: &Output) -> anyhow::Result<()> {
    let cal = rankday_pipeline::recon_calendar(a.calendar.as_deref())?;
    let items = cal.schedule(a.year);
    out.say(format!("Russell US indexes: schedule for {}", a.year));
    out.say(rankday_calendar::format_schedule(&items));
    out.json_value(&serde_json::to_value(&items)?);
    Ok(())
}
