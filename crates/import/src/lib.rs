//! Adapters that turn third-party files (iShares holdings) into market-format 1.
