//! The shared folder of spec and real public data beside a clone, for the
//! tests that validate against it. Its crate's build script
//! (`crates/testkit/build_shared.rs`) finds it at build time; a test that
//! calls these carries `#[cfg_attr(not(rankday_shared), ignore = "…")]`, so
//! it runs only where the folder is and is otherwise ignored with its
//! reason.

use std::path::{Path, PathBuf};

/// The shared folder. Panics, naming the fix, in a build without it: the
/// calling test should have been ignored there.
pub fn shared_dir() -> PathBuf {
    match option_env!("RANKDAY_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => panic!(
            "this build found no shared data (set RANKDAY_SHARED to its folder, or place it at \
             ../shared beside the clone); a test reading it must carry \
             #[cfg_attr(not(rankday_shared), ignore = \"…\")]"
        ),
    }
}

/// `data/real` of the shared folder.
pub fn real_data() -> PathBuf {
    shared_dir().join("data/real")
}

/// The text of a file under `data/real`; panics naming the file when it
/// cannot be read (the folder is there, so a missing file is a failure).
pub fn read_real(rel: impl AsRef<Path>) -> String {
    let p = real_data().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
