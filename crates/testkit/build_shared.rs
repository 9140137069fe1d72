//! The build script of every crate with tests on the shared real data (the
//! spec and public data kept beside a clone, never part of it).
//!
//! It sets `cfg(rankday_shared)` and the compile-time variable
//! `RANKDAY_SHARED_DIR` when that folder is found: `RANKDAY_SHARED` if set
//! (only there), else `../shared` beside the workspace. The tests that read the data
//! carry `#[cfg_attr(not(rankday_shared), ignore = "…")]`, so that without
//! it they are ignored with their reason, never passed, and they find the
//! folder through `rankday_testkit::shared`. The product never reads it.
//!
//! It watches `RANKDAY_SHARED` and the found folder's `data/real/README.md`;
//! a folder placed beside the clone later is seen after `cargo clean -p` of
//! the crate (watching a missing path would rebuild the crate every time).

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(rankday_shared)");
    println!("cargo::rerun-if-env-changed=RANKDAY_SHARED");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // A set `RANKDAY_SHARED` is the only place looked at (pointing it at an
    // empty folder builds as a clone without the data would); every crate
    // is `<workspace>/crates/<name>`.
    let dir = match std::env::var_os("RANKDAY_SHARED") {
        Some(d) => PathBuf::from(d),
        None => manifest.join("../../../shared"),
    };
    let readme = dir.join("data/real/README.md");
    if readme.is_file() {
        let dir = dir.canonicalize().unwrap_or(dir);
        println!("cargo::rerun-if-changed={}", readme.display());
        println!("cargo::rustc-cfg=rankday_shared");
        println!("cargo::rustc-env=RANKDAY_SHARED_DIR={}", dir.display());
    }
}
