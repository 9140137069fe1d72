"""The package and the command line run the same job library: on the same
market directory their results are equal, table for table."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import rankday
from conftest import same_table


def read(path: Path) -> pa.Table:
    return pq.read_table(path)


def test_calc(opened: rankday.Market, market_dir: Path, cli, tmp_path: Path):
    start = opened.first_date.replace(year=opened.first_date.year + 1)
    cli("calc", "--market", market_dir, "--index", "R2000,R1000", "--from", start, "--out", tmp_path)
    py = opened.calc(["R2000", "R1000"], start=start)
    for name in ("levels", "divisors", "halts"):
        assert pa.table(py[name]).equals(read(tmp_path / f"{name}.parquet")), name


def test_reconstitute_and_explain(opened: rankday.Market, market_dir: Path, cli, tmp_path: Path):
    cli("reconstitute", "--market", market_dir, "--out", tmp_path)
    assert same_table(opened.history(), read(tmp_path / "membership.parquet"))
    h = pa.table(opened.history())
    h = h.filter(pc.equal(h.column("state_kind"), "reconstitution"))
    rank_day, ticker = h.column("rank_date")[-1].as_py(), h.column("ticker")[-1].as_py()
    one = tmp_path / "one"
    cli("reconstitute", "--market", market_dir, "--rank-date", rank_day, "--out", one)
    assert same_table(opened.reconstitute(rank_day), read(one / "membership.parquet"))
    out = cli("explain", "--json", "--market", market_dir, "--rank-date", rank_day, "--ticker", ticker)
    assert json.loads(out)["explanation"] == opened.explain(rank_day, ticker)


def test_flows(opened: rankday.Market, market_dir: Path, cli, tmp_path: Path):
    h = pa.table(opened.history())
    h = h.filter(pc.equal(h.column("state_kind"), "reconstitution"))
    eff = sorted(d for d in set(h.column("effective_date").to_pylist()) if d <= opened.last_date)[-1]
    cli("flows", "--market", market_dir, "--recon", eff, "--out", tmp_path / "r")
    assert pa.table(opened.flows(eff)).equals(read(tmp_path / "r" / "flows.parquet"))
    cli("flows", "--market", market_dir, "--as-of", opened.last_date, "--out", tmp_path / "f")
    assert pa.table(opened.flows(as_of=opened.last_date)).equals(read(tmp_path / "f" / "flows.parquet"))


def test_fund(opened: rankday.Market, market_dir: Path, cli, tmp_path: Path):
    cli("fund", "--market", market_dir, "--index", "R2000", "--out", tmp_path)
    r = opened.fund("R2000")
    assert pa.table(r.nav).equals(read(tmp_path / "fund_nav.parquet"))
    assert pa.table(r.trades).equals(read(tmp_path / "fund_trades.parquet"))


def test_export(opened: rankday.Market, market_dir: Path, cli, tmp_path: Path):
    start = opened.last_date.replace(month=1, day=1)
    cli("export", "--market", market_dir, "--index", "R2000,R1000", "--from", start, "--out", tmp_path / "cli")
    paths = opened.export(tmp_path / "py", ["R2000", "R1000"], start=start)
    for p in map(Path, paths):
        other = tmp_path / "cli" / p.name
        assert p.read_bytes() == other.read_bytes() or (
            p.suffix == ".parquet" and read(p).equals(read(other))
        ), p.name
    w = pa.table(opened.weights(["R2000", "R1000"], start=start))
    assert w.equals(read(tmp_path / "cli" / "weights.parquet"))
    b = pa.table(opened.benchmark_returns("R1000", "price", start=start))
    # The CSV reads back to the same values, bit for bit.
    assert b.to_pydict() == pacsv.read_csv(tmp_path / "cli" / "benchmark_r1000_price.csv").to_pydict()


def test_report(opened: rankday.Market, market_dir: Path, cli, tmp_path: Path):
    cli("report", "--market", market_dir, "--out", tmp_path / "cli")
    opened.report(tmp_path / "py" / "report.html")
    assert (tmp_path / "py" / "report.html").read_bytes() == (tmp_path / "cli" / "report.html").read_bytes()
