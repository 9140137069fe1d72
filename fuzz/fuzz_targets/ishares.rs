#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rankday_fuzz_targets::ishares(data);
});
