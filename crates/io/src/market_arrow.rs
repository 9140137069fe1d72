//! [`market_from_arrow`]: a market handed over in memory as Arrow tables
//! (from Python's pyarrow, polars or pandas), validated exactly as the
//! files are.
//!
//! Why the same path: a researcher who builds `daily` in a data frame must
//! get the same market, and the same error for the same bad cell, as one
//! who writes it to Parquet first. The tables go through the readers'
//! column views, row checks and semantic checks; errors name the table
//! (`daily`, `securities`, `actions`) where the file readers name the file,
//! and the 1-based row as Parquet positions do: `daily:row 17:3 (close):
//! must be > 0, got -1.5`.

use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use rankday_core::Observations;
use rayon::prelude::*;

use crate::daily_parquet::decode_batch;
use crate::error::Site;
use crate::market_read::{assemble, Source};
use crate::raw::Raw;
use crate::table::table_from_batches;
use crate::validate::Checks;
use crate::{IoError, Loaded};

/// One table in memory: its schema and its record batches, in row order.
#[derive(Clone, Debug)]
pub struct ArrowTable {
    /// The columns' names and types (an empty table still has them).
    pub schema: SchemaRef,
    /// The rows, batch after batch.
    pub batches: Vec<RecordBatch>,
}

impl ArrowTable {
    /// Rows over every batch.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// The site of an in-memory table: named like the file it stands for,
/// positioned by row.
fn site(name: &str) -> Site {
    Site::new(Path::new(name), false)
}

fn raw(name: &str, t: &ArrowTable) -> Result<Raw, IoError> {
    let s = site(name);
    let table = table_from_batches(&s, &t.schema, t.batches.iter().cloned().map(Ok))?;
    Ok(Raw::from_table(s, table))
}

/// Builds and validates a market from its three tables in memory, with the
/// columns and rules of market format 1 (see the crate docs) and the
/// semantic checks of `checks`: the same checks as [`crate::load_market`],
/// in the same order, so the first error is the one a file of the same rows
/// would give.
pub fn market_from_arrow(
    securities: &ArrowTable,
    daily: &ArrowTable,
    actions: Option<&ArrowTable>,
    observations: Observations,
    checks: &Checks,
) -> Result<Loaded, IoError> {
    checks.check()?;
    let src = Source {
        securities: raw("securities", securities)?,
        securities_path: Path::new("securities"),
        daily_path: Path::new("daily"),
        daily_csv: false,
        observations,
    };
    let daily_site = site("daily").with_columns(daily.schema.fields().iter().map(|f| f.name()));
    assemble(
        src,
        |interner, b| {
            let mut rest = b.append_daily(daily.num_rows());
            if daily.batches.is_empty() {
                // The schema alone must still have the columns.
                let empty = RecordBatch::new_empty(daily.schema.clone());
                return decode_batch(&daily_site, &empty, 0, interner, &mut rest, 0);
            }
            // Each batch owns its own run of the store's columns, so they
            // decode side by side; the first error in row order wins.
            let mut parts = Vec::with_capacity(daily.batches.len());
            let mut row0 = 0u64;
            for batch in &daily.batches {
                let (part, tail) = rest.split_at(batch.num_rows());
                parts.push((batch, row0, part));
                rest = tail;
                row0 += batch.num_rows() as u64;
            }
            let results: Vec<Result<(), IoError>> = parts
                .into_par_iter()
                .map(|(batch, row0, mut part)| {
                    decode_batch(&daily_site, batch, row0, interner, &mut part, 0)
                })
                .collect();
            results.into_iter().collect()
        },
        || actions.map(|a| raw("actions", a)).transpose(),
        checks,
    )
}
