//! Summary statistics of a generated (or any) market.
