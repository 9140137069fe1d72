"""The full-history job called from Python against the same job in the CLI.

Both run `rankday calc` on one market: load the market directory, rebuild
the index family on every rank day with the IPO rounds between them,
calculate the levels of the nine indexes beside it, and write the levels,
divisors and halts tables as Parquet. The CLI is `rankday calc --market DIR
--out OUT`; Python is `Market.open(DIR).calc()` with the three tables written
by pyarrow. Each run is a fresh process, timed wall-clock from outside, the
two interleaved; the script prints every run, the best and the median of
each, and the Python/CLI ratio.

Build both in release first (the wheel `pip install .` builds is release):

    cargo build --release -p rankday
    pip install .
    python benches/python/full_job.py                # generates the 50-year market, deletes it after
    python benches/python/full_job.py --market DIR   # an existing market
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PY_JOB = """
import sys, time
t0 = time.perf_counter()
import pyarrow.parquet as pq
import rankday
m = rankday.Market.open(sys.argv[1])
out = m.calc()
for name, t in out.items():
    pq.write_table(t.to_pyarrow(), f"{sys.argv[2]}/{name}.parquet")
print(time.perf_counter() - t0)
"""


def timed(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CI": "1"})
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return wall, r.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--market", type=Path, help="an existing market directory")
    ap.add_argument("--years", type=int, default=50, help="years of the generated market")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reps", type=int, default=3, help="runs of each, interleaved")
    ap.add_argument("--cli", type=Path, default=REPO / "target" / "release" / "rankday")
    a = ap.parse_args()
    if not a.cli.exists():
        sys.exit(f"{a.cli} is missing: cargo build --release -p rankday")
    import rankday

    work = Path(tempfile.mkdtemp(prefix="rankday-bench-"))
    try:
        market = a.market
        if market is None:
            market = work / "market"
            print(f"generating the {a.years}-year market (seed {a.seed}) ...", flush=True)
            timed([str(a.cli), "--quiet", "generate", "--years", str(a.years), "--seed", str(a.seed), "--out", str(market)])
        print(f"market: {market}\nCLI: {a.cli}\npackage: {rankday.__file__} (rankday {rankday.__version__})")
        cli_runs, py_runs, py_inner = [], [], []
        for rep in range(a.reps):
            out = work / f"cli{rep}"
            wall, _ = timed([str(a.cli), "--quiet", "calc", "--market", str(market), "--out", str(out)])
            cli_runs.append(wall)
            out = work / f"py{rep}"
            out.mkdir()
            wall, inner = timed([sys.executable, "-c", PY_JOB, str(market), str(out)])
            py_runs.append(wall)
            py_inner.append(float(inner))
            print(f"run {rep + 1}: CLI {cli_runs[-1]:.2f} s, Python {py_runs[-1]:.2f} s (job inside Python {py_inner[-1]:.2f} s)", flush=True)
        for name in ("levels", "divisors", "halts"):
            import pyarrow.parquet as pq
            if not pq.read_table(work / "cli0" / f"{name}.parquet").equals(pq.read_table(work / "py0" / f"{name}.parquet")):
                sys.exit(f"{name} differ between the CLI and Python")
        best = min(py_runs) / min(cli_runs)
        med = statistics.median(py_runs) / statistics.median(cli_runs)
        print(f"CLI best {min(cli_runs):.2f} s, median {statistics.median(cli_runs):.2f} s")
        print(f"Python best {min(py_runs):.2f} s, median {statistics.median(py_runs):.2f} s")
        print(f"Python/CLI ratio: {best:.3f} (best of {a.reps}), {med:.3f} (median); tables equal")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
