"""Read one Parquet file with polars or pyarrow, the way a user would.

Usage: python3 read_parquet.py polars|pyarrow FILE

The peer of rankday's load in the speed bench (crates/bench/benches/speed.rs):
`polars.read_parquet(FILE)` or `pyarrow.parquet.read_table(FILE)`, every
column, the library's default threads. Prints one line
    READ peer=<name> seconds=<read time> rows=<rows> rss_kb=<peak RSS>
The time excludes the interpreter's start and the import; the peak RSS is
the whole process's (interpreter and library included).
"""

import resource
import sys
import time


def main():
    peer, path = sys.argv[1], sys.argv[2]
    if peer == "polars":
        import polars as pl

        t = time.perf_counter()
        df = pl.read_parquet(path)
        seconds = time.perf_counter() - t
        rows = df.height
    elif peer == "pyarrow":
        import pyarrow.parquet as pq

        t = time.perf_counter()
        table = pq.read_table(path)
        seconds = time.perf_counter() - t
        rows = table.num_rows
    else:
        sys.exit(f"unknown peer {peer!r} (polars or pyarrow)")
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"READ peer={peer} seconds={seconds:.4f} rows={rows} rss_kb={rss_kb}", flush=True)


if __name__ == "__main__":
    main()
