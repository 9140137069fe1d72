//! `rankday import crsp` and `rankday import table` through the binary, on
//! small hand-written exports.

use std::path::Path;
use std::process::Command;

fn rankday(args: &[&str]) -> (bool, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_rankday"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn import_crsp_reads_a_legacy_export() {
    let tmp = tempfile::tempdir().unwrap();
    let w = |n: &str, t: &str| {
        let p = tmp.path().join(n);
        std::fs::write(&p, t).unwrap();
        p
    };
    // Two lines; 10002 splits 2-for-1 on 2024-01-04; one bid/ask price.
    let dsf = w(
        "dsf.csv",
        "PERMNO,DATE,PRC,VOL,SHROUT\n10001,20240102,50.5,1000,2000\n10002,20240102,-20.25,500,300\n\
         10001,20240103,51,900,2000\n10002,20240103,20.5,400,300\n10001,20240104,52,800,2000\n10002,20240104,10.4,700,600\n",
    );
    let names = w(
        "names.csv",
        "PERMNO,NAMEDT,NAMEENDT,SHRCD,EXCHCD,TICKER,COMNAM,PERMCO\n10001,20200101,20241231,11,1,AAA,ALPHA INC,501\n10002,20200101,20241231,11,3,BBB,BETA CORP,502\n",
    );
    let dist = w(
        "dist.csv",
        "PERMNO,DISTCD,DIVAMT,FACPR,FACSHR,EXDT,ACPERM\n10002,5523,0,1,1,20240104,\n10001,1232,0.25,0,0,20240103,\n",
    );
    let out = tmp.path().join("m");
    let (ok, stdout, stderr) = rankday(&[
        "import",
        "crsp",
        "--dsf",
        s(&dsf),
        "--names",
        s(&names),
        "--dist",
        s(&dist),
        "--out",
        s(&out),
        "--format",
        "csv",
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Legacy layout") && stdout.contains("2 securities"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 prices were the bid/ask average"),
        "{stdout}"
    );
    let actions = std::fs::read_to_string(out.join("actions.csv")).unwrap();
    assert!(actions.contains("2024-01-04,10002,split,2"), "{actions}");
    // A file of the other layout in the same import is refused, named.
    let ciz = w(
        "names_ciz.csv",
        "PERMNO,SecInfoStartDt,SecInfoEndDt,PERMCO,Ticker\n",
    );
    let (ok, _, stderr) = rankday(&[
        "import",
        "crsp",
        "--dsf",
        s(&dsf),
        "--names",
        s(&ciz),
        "--dist",
        s(&dist),
        "--out",
        s(&tmp.path().join("x")),
    ]);
    assert!(
        !ok && stderr.contains("names_ciz.csv") && stderr.contains("Ciz column names"),
        "{stderr}"
    );
}

#[test]
fn import_table_reads_through_a_map() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("px.csv"),
        "Day,Id,Px,Shs\n2024-01-02,A,10,100\n2024-01-03,A,11,100\n",
    )
    .unwrap();
    let map = tmp.path().join("map.toml");
    std::fs::write(
        &map,
        "[daily]\nfile = \"px.csv\"\ndate = \"Day\"\nsecurity_id = \"Id\"\nclose = \"Px\"\nshares_outstanding = \"Shs\"\n[securities]\nexchange = { value = \"NYSE\" }\n",
    )
    .unwrap();
    let out = tmp.path().join("m");
    let (ok, stdout, stderr) = rankday(&["import", "table", "--map", s(&map), "--out", s(&out)]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("imported 1 securities, 2 rows on 2 dates"),
        "{stdout}"
    );
    assert!(out.join("daily.parquet").exists());
}
