//! Locating the shared folder beside the clone (`<repo>/../shared`) from the
//! crate directory.
#![allow(dead_code)]

use std::path::PathBuf;

/// `<repo>/../shared/data/real`, or `None` (with a message) when absent, so
/// the real-data tests skip on machines without the shared folder.
pub fn real_data() -> Option<PathBuf> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Canonicalise: the crate may be reached through a symlinked workspace.
    let here = here.canonicalize().unwrap_or(here);
    let p = here.join("../../../shared/data/real");
    if p.join("README.md").exists() {
        Some(p)
    } else {
        eprintln!("SKIPPED: shared real data not found at {}", p.display());
        None
    }
}
