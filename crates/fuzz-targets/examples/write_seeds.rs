//! Writes every target's seed corpus as files, for cargo-fuzz:
//! `cargo run -p rankday-fuzz-targets --example write_seeds -- fuzz/corpus`
//! makes `fuzz/corpus/<target>/seed-<n>`.

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus".into());
    for (name, _) in rankday_fuzz_targets::TARGETS {
        let dir = std::path::Path::new(&root).join(name);
        std::fs::create_dir_all(&dir).expect("corpus directory");
        for (i, s) in rankday_fuzz_targets::seeds(name).iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i}")), s).expect("seed file");
        }
        println!(
            "{}: {} seeds",
            dir.display(),
            rankday_fuzz_targets::seeds(name).len()
        );
    }
    rankday_fuzz_targets::remove_scratch();
}
