//! Helpers shared by the unit tests.

/// A xorshift64 generator from `seed` (must not be 0): small random test
/// markets without a dependency, the same sequence on every platform.
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}
