//! The `membership` table (market-format "Outputs"): one row per (state,
//! security), as `rankday reconstitute` and `rankday import ishares` write
//! it, and read back so that levels can be calculated from memberships made
//! elsewhere (an imported basket, a rebuild from CRSP-style data, an
//! earlier run) instead of the reconstitution engine's.
//!
//! Reading is lenient where the spec leaves room and strict where the
//! calculation would go wrong: `effective_date`, `security_id` and
//! `index_shares` are required, and at least one index column; the other
//! columns default (`rank_date` to the effective date, `state_kind` to
//! `reconstitution`, `change` to `stay`, an absent index column to false,
//! caps and percentile to unknown, which is also how an empty field or
//! `NaN` reads). Errors name the file, the row and the column, as the
//! market's own tables do.

use std::path::Path;

use rankday_core::{Change, IndexId, IndexSet, Market, MemberRow, Membership, StateKind};

use crate::raw::{Raw, RowRef};
use crate::{Column, FileFormat, IoError, Table};

/// The `membership` table of the format spec, one row per (state,
/// security), plus the columns that make it a complete state again:
/// `state_kind` and `index_shares`.
pub fn membership_table(market: &Market, states: &[Membership]) -> Table {
    let n: usize = states.iter().map(|s| s.rows.len()).sum();
    let mut rank_date = Vec::with_capacity(n);
    let mut effective = Vec::with_capacity(n);
    let mut kind = Vec::with_capacity(n);
    let mut sid = Vec::with_capacity(n);
    let mut cid = Vec::with_capacity(n);
    let mut ticker = Vec::with_capacity(n);
    let mut rank = Vec::with_capacity(n);
    let mut tcap = Vec::with_capacity(n);
    let mut fcap = Vec::with_capacity(n);
    let mut pct = Vec::with_capacity(n);
    let mut shares = Vec::with_capacity(n);
    let mut change = Vec::with_capacity(n);
    let mut flags: Vec<Vec<bool>> = vec![Vec::with_capacity(n); IndexId::ALL.len()];
    for s in states {
        for r in &s.rows {
            let sec = market.security(r.sec);
            rank_date.push(s.rank_date);
            effective.push(s.effective_date);
            kind.push(s.kind.as_str().to_string());
            sid.push(sec.security_id.clone());
            cid.push(sec.company_id.clone());
            ticker.push(sec.ticker.clone());
            rank.push(r.rank as i64);
            tcap.push(r.total_market_cap);
            fcap.push(r.float_market_cap);
            pct.push(r.cumulative_percentile);
            shares.push(r.index_shares);
            change.push(r.change.as_str().to_string());
            for (k, i) in IndexId::ALL.iter().enumerate() {
                flags[k].push(r.indexes.contains(*i));
            }
        }
    }
    let mut columns = vec![
        ("rank_date".to_string(), Column::Date(rank_date)),
        ("effective_date".into(), Column::Date(effective)),
        ("state_kind".into(), Column::Str(kind)),
        ("security_id".into(), Column::Str(sid)),
        ("company_id".into(), Column::Str(cid)),
        ("ticker".into(), Column::Str(ticker)),
        ("rank".into(), Column::I64(rank)),
        ("total_market_cap".into(), Column::F64(tcap)),
        ("float_market_cap".into(), Column::F64(fcap)),
        ("cumulative_percentile".into(), Column::F64(pct)),
        ("index_shares".into(), Column::F64(shares)),
    ];
    for (k, i) in IndexId::ALL.iter().enumerate() {
        columns.push((
            i.column().to_string(),
            Column::Bool(std::mem::take(&mut flags[k])),
        ));
    }
    columns.push(("change".into(), Column::Str(change)));
    Table { columns }
}

/// Reads a `membership` table (CSV or Parquet) into states sorted by
/// effective date (stable: states of one date keep the file's order), each
/// state being the rows of one (effective date, rank date, state kind), in
/// the file's order.
pub fn read_membership(path: &Path, market: &Market) -> Result<Vec<Membership>, IoError> {
    let raw = Raw::read(path, FileFormat::of_path(path)? == FileFormat::Csv)?;
    let effective = raw.req("effective_date")?;
    let sid = raw.req("security_id")?;
    let shares = raw.req("index_shares")?;
    let rank_date = raw.col("rank_date");
    let kind = raw.col("state_kind");
    let rank = raw.col("rank");
    let tcap = raw.col("total_market_cap");
    let fcap = raw.col("float_market_cap");
    let pct = raw.col("cumulative_percentile");
    let change = raw.col("change");
    let flags: Vec<(IndexId, usize)> = IndexId::ALL
        .iter()
        .filter_map(|&i| raw.col(i.column()).map(|c| (i, c)))
        .collect();
    if flags.is_empty() {
        let names: Vec<&str> = IndexId::ALL.iter().map(|i| i.column()).collect();
        return Err(raw.site.schema(
            names[0],
            format!(
                "no index column: give one at least ({}), true where the line is a member",
                names.join(", ")
            ),
        ));
    }
    let mut states: Vec<Membership> = Vec::new();
    for row in raw.rows() {
        let eff = row.date(effective, "effective_date")?;
        let rd = match rank_date {
            Some(c) if row.opt(Some(c)).is_some() => row.date(c, "rank_date")?,
            _ => eff,
        };
        let k: StateKind = row.opt_parse(kind, "state_kind")?.unwrap_or_default();
        let id = row.req(sid, "security_id")?;
        let sec = market.sec_by_id(&id).ok_or_else(|| {
            row.err(
                "security_id",
                format!("'{id}' is not in the market's securities"),
            )
        })?;
        let n = row
            .opt_f64(Some(shares), "index_shares")?
            .ok_or_else(|| row.err("index_shares", "required, got an empty field"))?;
        if n < 0.0 {
            return Err(row.err("index_shares", format!("must be >= 0, got {n}")));
        }
        let mut indexes = IndexSet::EMPTY;
        for &(i, c) in &flags {
            if flag(&row, c, i.column())? {
                indexes.insert(i);
            }
        }
        let rank = match row.opt(rank) {
            None => 0,
            Some(s) => s.parse::<u32>().map_err(|_| {
                row.err("rank", format!("'{s}' is not a rank (a whole number >= 0)"))
            })?,
        };
        let r = MemberRow {
            sec,
            company: market.company_of(sec) as u32,
            rank,
            total_market_cap: unknown_or(&row, tcap, "total_market_cap")?,
            float_market_cap: unknown_or(&row, fcap, "float_market_cap")?,
            cumulative_percentile: unknown_or(&row, pct, "cumulative_percentile")?,
            indexes,
            change: row.opt_parse(change, "change")?.unwrap_or(Change::Stay),
            index_shares: n,
        };
        let at = states
            .iter()
            .rposition(|s| s.effective_date == eff && s.rank_date == rd && s.kind == k);
        match at {
            Some(j) => states[j].rows.push(r),
            None => states.push(Membership {
                rank_date: rd,
                effective_date: eff,
                kind: k,
                rows: vec![r],
            }),
        }
    }
    states.sort_by_key(|s| s.effective_date);
    Ok(states)
}

/// An informative number (caps, percentile): empty or `NaN` is unknown,
/// which is how [`membership_table`] writes one (states made from holdings
/// have no total cap).
fn unknown_or(row: &RowRef<'_>, c: Option<usize>, name: &str) -> Result<f64, IoError> {
    match row.opt(c).as_deref() {
        None | Some("NaN") => Ok(f64::NAN),
        Some(_) => Ok(row.opt_f64(c, name)?.unwrap_or(f64::NAN)),
    }
}

/// An index flag: `true`/`false` as written, `1`/`0` as hand-made files
/// often have them; empty is false.
fn flag(row: &RowRef<'_>, c: usize, name: &str) -> Result<bool, IoError> {
    match row.opt(Some(c)).as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(s) => Err(row.err(name, format!("'{s}' is not a flag (true, false, 1 or 0)"))),
    }
}
