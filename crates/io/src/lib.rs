//! Market-format 1 on disk: CSV and Parquet readers and writers with row-level validation, atomic output.
