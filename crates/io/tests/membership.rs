//! The `membership` table: states written by `membership_table` read back
//! identical from CSV and Parquet, and bad files named by file, row and
//! column.

mod common;

use std::path::Path;

use rankday_core::{Change, IndexId, IndexSet, MemberRow, Membership, Sec, StateKind};
use rankday_io::{membership_table, read_membership, write_table, FileFormat};

fn row(sec: u32, company: u32, rank: u32, indexes: &[IndexId], shares: f64) -> MemberRow {
    MemberRow {
        sec: Sec(sec),
        company,
        rank,
        total_market_cap: 1.5e9 / f64::from(rank.max(1)),
        float_market_cap: 1.0e9 / 3.0,
        cumulative_percentile: 12.345678901234567,
        indexes: indexes.iter().copied().collect::<IndexSet>(),
        change: if indexes.is_empty() {
            Change::Delete
        } else {
            Change::Add
        },
        index_shares: shares,
    }
}

/// Three states over the sample market's first three lines: two
/// reconstitutions (the second deletes a line) and an IPO round sharing the
/// second one's effective date, which must stay a state of its own.
fn states() -> Vec<Membership> {
    let m = common::sample_market();
    let company = |s: u32| m.company_of(Sec(s)) as u32;
    vec![
        Membership {
            rank_date: common::d("2024-01-02"),
            effective_date: common::d("2024-01-03"),
            kind: StateKind::Reconstitution,
            rows: vec![
                row(
                    2,
                    company(2),
                    1,
                    &[IndexId::R3000E, IndexId::R3000, IndexId::R1000],
                    1e6 / 7.0,
                ),
                row(
                    0,
                    company(0),
                    2,
                    &[IndexId::R3000E, IndexId::R3000, IndexId::R2000],
                    2.5e5,
                ),
            ],
        },
        Membership {
            rank_date: common::d("2024-01-03"),
            effective_date: common::d("2024-01-04"),
            kind: StateKind::Reconstitution,
            rows: vec![
                row(
                    0,
                    company(0),
                    1,
                    &[IndexId::R3000E, IndexId::R3000, IndexId::R2000],
                    3e5,
                ),
                row(2, company(2), 0, &[], 0.0),
            ],
        },
        Membership {
            rank_date: common::d("2024-01-02"),
            effective_date: common::d("2024-01-04"),
            kind: StateKind::Additions,
            rows: vec![row(1, company(1), 5, &[IndexId::RMicro], 42.0)],
        },
    ]
}

fn written(dir: &Path, format: FileFormat) -> std::path::PathBuf {
    let m = common::sample_market();
    write_table(dir, "membership", &membership_table(&m, &states()), format).unwrap()
}

#[test]
fn states_round_trip_through_csv_and_parquet() {
    let m = common::sample_market();
    for format in [FileFormat::Csv, FileFormat::Parquet] {
        let tmp = tempfile::tempdir().unwrap();
        let got = read_membership(&written(tmp.path(), format), &m).unwrap();
        assert_eq!(got, states(), "{format:?}");
        // Unknown caps, as in states made from holdings, come back unknown.
        let mut unknown = states();
        unknown.truncate(1);
        unknown[0].rows[0].total_market_cap = f64::NAN;
        unknown[0].rows[0].cumulative_percentile = f64::NAN;
        let table = membership_table(&m, &unknown);
        let p = write_table(tmp.path(), "unknown", &table, format).unwrap();
        let got = read_membership(&p, &m).unwrap();
        assert!(got[0].rows[0].total_market_cap.is_nan(), "{format:?}");
        assert!(got[0].rows[0].cumulative_percentile.is_nan(), "{format:?}");
        assert_eq!(got[0].rows[1], unknown[0].rows[1], "{format:?}");
    }
}

/// A hand-made file: only the required columns and one index column, flags
/// as 1/0, states out of date order; the rest takes its defaults and the
/// states come back sorted by effective date.
#[test]
fn minimal_hand_made_file() {
    let m = common::sample_market();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("mine.csv");
    std::fs::write(
        &p,
        "effective_date,security_id,index_shares,r2000,total_market_cap\n\
         2024-01-04,C,10,1,5e9\n\
         2024-01-03,\"A,1\",20,1,NaN\n\
         2024-01-04,A-B,30,0,\n",
    )
    .unwrap();
    let got = read_membership(&p, &m).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].effective_date, common::d("2024-01-03"));
    assert_eq!(got[0].rank_date, common::d("2024-01-03"));
    assert_eq!(got[0].kind, StateKind::Reconstitution);
    assert_eq!(got[0].rows.len(), 1);
    assert_eq!(got[0].rows[0].sec, m.sec_by_id("A,1").unwrap());
    assert_eq!(got[1].rows.len(), 2);
    let r = &got[1].rows[1];
    assert_eq!(r.sec, m.sec_by_id("A-B").unwrap());
    assert!(r.indexes.is_empty());
    assert_eq!(r.index_shares, 30.0);
    assert_eq!((r.rank, r.change), (0, Change::Stay));
    assert!(r.total_market_cap.is_nan() && r.cumulative_percentile.is_nan());
    assert!(got[1].rows[0].indexes.contains(IndexId::R2000));
    assert_eq!(got[1].rows[0].total_market_cap, 5e9);
    // Unknown caps (as states made from holdings have them) read as NaN.
    assert!(got[0].rows[0].total_market_cap.is_nan());
}

#[test]
fn bad_files_name_file_row_and_column() {
    let m = common::sample_market();
    let head = "effective_date,security_id,index_shares,r2000";
    let cases: &[(&str, &str)] = &[
        (
            "2024-01-03,NOPE,1,true",
            "mine.csv:3:2 (security_id): 'NOPE' is not in the market's securities",
        ),
        (
            "2024-01-03,C,-1,true",
            "mine.csv:3:3 (index_shares): must be >= 0, got -1",
        ),
        (
            "2024-01-03,C,,true",
            "mine.csv:3:3 (index_shares): required, got an empty field",
        ),
        (
            "2024-01-03,C,1,yes",
            "mine.csv:3:4 (r2000): 'yes' is not a flag (true, false, 1 or 0)",
        ),
        ("2024-13-03,C,1,true", "mine.csv:3:1 (effective_date)"),
    ];
    for (line, want) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("mine.csv");
        // A good row first: the bad one is on physical line 3.
        std::fs::write(&p, format!("{head}\n2024-01-03,C,1,true\n{line}\n")).unwrap();
        let err = read_membership(&p, &m).unwrap_err().to_string();
        assert!(err.contains(want), "{line}: got {err}, want {want}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("mine.csv");
    std::fs::write(&p, "effective_date,security_id,r2000\n2024-01-03,C,true\n").unwrap();
    let err = read_membership(&p, &m).unwrap_err().to_string();
    assert!(
        err.contains("mine.csv:1 (index_shares): required column is missing"),
        "{err}"
    );
    std::fs::write(
        &p,
        "effective_date,security_id,index_shares\n2024-01-03,C,1\n",
    )
    .unwrap();
    let err = read_membership(&p, &m).unwrap_err().to_string();
    assert!(err.contains("no index column"), "{err}");
}
