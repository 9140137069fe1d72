//! The levels do not depend on which reader decoded `daily`: the same
//! market through the parallel page decoder (rankday's own file, and the
//! same rows rewritten in many small row groups so every thread takes
//! some), through the Arrow record-batch path (the tables handed over in
//! memory, in small batches, as Python does), and through the CSV reader,
//! on one thread and on two, gives the same levels bit for bit.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use rankday_core::{IndexId, Market, Observations};
use rankday_io::{market_from_arrow, read_market, write_market, ArrowTable, Checks, FileFormat};
use rankday_pipeline::Job;
use rankday_synth::{generate, GenConfig};

/// A Parquet file as Arrow record batches of `batch` rows.
fn arrow(path: &Path, batch: usize) -> ArrowTable {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = b.schema().clone();
    let batches = b
        .with_batch_size(batch)
        .build()
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    ArrowTable { schema, batches }
}

/// The levels of a market's full job, as bits.
fn levels(m: Market) -> Vec<(u64, u64)> {
    let out = Job::new(Arc::new(m)).unwrap().levels().unwrap();
    // Every index of the family holds lines, so each reader's rows count.
    let r2000 = out.levels.iter().filter(|l| l.index == IndexId::R2000);
    let n = r2000.clone().count();
    assert!(n > 200, "{n} R2000 levels");
    assert!(
        r2000.clone().all(|l| l.constituents > 200),
        "R2000 holds lines"
    );
    out.levels
        .iter()
        .map(|l| (l.price_return.to_bits(), l.total_return.to_bits()))
        .collect()
}

#[test]
fn every_reader_gives_the_same_levels_at_any_thread_count() {
    let cfg = GenConfig {
        seed: 5,
        years: 2,
        target_lines: 2500,
        ..GenConfig::default()
    };
    let market = generate(&cfg, &|_, _| {}).expect("generate");
    let tmp = tempfile::tempdir().unwrap();
    let pq = tmp.path().join("pq");
    let csv = tmp.path().join("csv");
    write_market(&market, &pq, FileFormat::Parquet).unwrap();
    write_market(&market, &csv, FileFormat::Csv).unwrap();

    // The same rows in row groups of 4,096 rows (the page decoder's layout:
    // dictionary ids, PLAIN doubles), so the parallel reader splits them.
    let small = tmp.path().join("small");
    std::fs::create_dir(&small).unwrap();
    for f in ["securities.parquet", "actions.parquet", "format.toml"] {
        if pq.join(f).exists() {
            std::fs::copy(pq.join(f), small.join(f)).unwrap();
        }
    }
    let daily = arrow(&pq.join("daily.parquet"), 1000);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4096))
        .build();
    let mut w = ArrowWriter::try_new(
        File::create(small.join("daily.parquet")).unwrap(),
        daily.schema.clone(),
        Some(props),
    )
    .unwrap();
    for b in &daily.batches {
        w.write(b).unwrap();
    }
    let groups = w.close().unwrap().num_row_groups();
    assert!(groups >= 8, "{groups} row groups");

    let reference = levels(market);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let actions = pq.join("actions.parquet");
            let memory = market_from_arrow(
                &arrow(&pq.join("securities.parquet"), 1000),
                &arrow(&pq.join("daily.parquet"), 777),
                actions.exists().then(|| arrow(&actions, 100)).as_ref(),
                Observations::Full,
                &Checks::default(),
            )
            .unwrap()
            .market;
            for (name, m) in [
                ("rankday's Parquet", read_market(&pq).unwrap()),
                ("small row groups", read_market(&small).unwrap()),
                ("Arrow batches", memory),
                ("CSV", read_market(&csv).unwrap()),
            ] {
                assert!(
                    levels(m) == reference,
                    "{name} on {threads} threads: levels differ"
                );
            }
        });
    }
}
