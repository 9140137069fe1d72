//! Prints the Russell schedule of a year: `cargo run -p rankday-calendar --example schedule 2026`.
fn main() {
    let year: i32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2026);
    let cal = rankday_calendar::ReconCalendar::russell();
    print!("{}", rankday_calendar::format_schedule(&cal.schedule(year)));
}
