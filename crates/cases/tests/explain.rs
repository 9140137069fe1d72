//! `rankday explain` on the GC-05 banding case (`tests/cases/GC-05`): the
//! explanation says why a member stayed (the band kept it) or moved.

use rankday_cases::{cases_root, construction::banding_world, Case};

#[test]
fn explain_names_the_band_that_kept_a_member() {
    let case = Case::read(&cases_root().join("GC-05")).expect("GC-05 case");
    let w = banding_world(&case).expect("GC-05 builds");
    let sec = |name: &str| w.named.iter().find(|n| n.0 == name).expect(name).1;
    let explain = |name| {
        rankday_method::explain(&w.market, &w.banded, Some(&w.previous), sec(name)).to_string()
    };
    let pyk = explain("PYK Shipping");
    assert!(
        pyk.contains(
            "band [87.4868, 92.4868]: inside — existing member kept on its side by the band"
        ),
        "{pyk}"
    );
    assert!(pyk.contains("change stay (R2000 -> R2000)"), "{pyk}");
    let ryt = explain("RYT Inc.");
    assert!(
        ryt.contains(": outside") && ryt.contains("change down (R1000 -> R2000)"),
        "{ryt}"
    );
}
