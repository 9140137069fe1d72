"""The point-in-time exports, read back by the consumers they are for, each
with its own parser (docs/backtesting.md)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rankday
from conftest import require


@pytest.fixture(scope="module")
def exported(market: rankday.Market, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("export")
    start = market.last_date.replace(year=market.last_date.year - 1)
    market.export(d, ["R2000", "R1000"], start=start)
    return d


def zipline_reader():
    """zipline's own benchmark-file reader. zipline-reloaded is installed
    without its dependencies (they pin an older pandas and take minutes);
    the reader needs only pandas, so its module is loaded from its file
    without importing the rest of zipline."""
    try:
        dist = importlib.metadata.distribution("zipline-reloaded")
    except importlib.metadata.PackageNotFoundError:
        if os.environ.get("RANKDAY_REQUIRE_CONSUMERS") == "1":
            pytest.fail("zipline-reloaded is not installed")
        pytest.skip("zipline-reloaded is not installed (pip install --no-deps zipline-reloaded)")
    path = Path(dist.locate_file("zipline/data/benchmarks.py"))
    spec = importlib.util.spec_from_file_location("zipline_benchmarks", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.get_benchmark_returns_from_file


def test_zipline_reads_the_benchmark_file(market: rankday.Market, exported: Path):
    read = zipline_reader()
    for index in ("r2000", "r1000"):
        for series in ("total", "price"):
            path = exported / f"benchmark_{index}_{series}.csv"
            returns = read(str(path))
            want = pa.table(market.benchmark_returns(index.upper(), series, start=returns.index[0].date()))
            assert isinstance(returns, pd.Series) and returns.name == "return"
            assert returns.index.tz is None
            assert [d.date() for d in returns.index] == want.column("date").to_pylist()
            assert returns.to_numpy().tolist() == want.column("return").to_pylist()
    # zipline reindexes the series to its sessions and fills gaps with 0:
    # every trading day of the range is a row.
    returns = read(str(exported / "benchmark_r2000_total.csv"))
    w = pq.read_table(exported / "weights.parquet")
    assert set(d.date() for d in returns.index) == set(w.column("date").to_pylist())


def test_backtrader_reads_the_level_file(exported: Path):
    bt = require("backtrader")
    path = exported / "benchmark_r2000_total.csv"
    frame = pd.read_csv(path, index_col="date", parse_dates=True)
    seen: list[float] = []

    class Record(bt.Strategy):
        def next(self):
            seen.append(self.data.close[0])

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(
        bt.feeds.GenericCSVData(
            dataname=str(path), dtformat="%Y-%m-%d", datetime=0, close=2,
            open=-1, high=-1, low=-1, volume=-1, openinterest=-1,
        )
    )
    cerebro.addstrategy(Record)
    cerebro.run()
    assert len(seen) == len(frame)
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(seen, frame["level"]))


def test_pandas_reads_the_benchmark_as_a_returns_series(exported: Path):
    s = pd.read_csv(exported / "benchmark_r2000_total.csv", index_col="date", parse_dates=True)["return"]
    assert s.index.is_monotonic_increasing and s.index.is_unique
    lv = pd.read_csv(exported / "benchmark_r2000_total.csv", index_col="date", parse_dates=True)["level"]
    assert ((1 + s.iloc[1:]).cumprod().iloc[-1]) == pytest.approx(lv.iloc[-1] / lv.iloc[0], rel=1e-12)


def test_weights_file_is_one_row_per_date_index_security(exported: Path):
    w = pq.read_table(exported / "weights.parquet").to_pandas()
    assert not w.duplicated(["date", "index", "security_id"]).any()
    sums = w.groupby(["date", "index"])["weight"].sum()
    assert (sums - 1).abs().max() < 1e-12
    dated = w.dropna(subset=["effective_date"])
    assert (dated["effective_date"] <= dated["date"]).all()
    assert (dated["announcement_date"] < dated["effective_date"]).all()
