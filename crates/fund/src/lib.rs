//! An index-tracking fund simulation and portfolio benchmarking.
