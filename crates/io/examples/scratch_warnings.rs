fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    match rankday_io::load_market(std::path::Path::new(&dir), &rankday_io::Checks::default()) {
        Ok(l) => {
            println!(
                "ok in {:.2}s, {} rows, {} warnings",
                t.elapsed().as_secs_f64(),
                l.market.n_rows(),
                l.warnings.len()
            );
            for w in l.warnings.iter().take(20) {
                println!("{w}");
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
