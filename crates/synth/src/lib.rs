//! A synthetic, calibrated US equity market for demos, tests and benchmarks.
