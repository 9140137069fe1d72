//! Sets `cfg(rankday_shared)` when the shared real data is there
//! (`RANKDAY_SHARED`, else `<repo>/../shared`), so the tests that read it
//! run, and are ignored with their reason, never passed, where it is not.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(rankday_shared)");
    println!("cargo::rerun-if-env-changed=RANKDAY_SHARED");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let candidates = [
        std::env::var_os("RANKDAY_SHARED").map(PathBuf::from),
        Some(manifest.join("../../../shared")),
    ];
    for dir in candidates.into_iter().flatten() {
        let real = dir.join("data/real");
        println!("cargo::rerun-if-changed={}", real.display());
        if real.is_dir() {
            println!("cargo::rustc-cfg=rankday_shared");
            return;
        }
    }
}
