"""Arrow in and out: results read by pyarrow, polars and pandas without a
copy; markets built from pyarrow, polars and pandas tables equal to the one
read from files, with the same errors."""

from __future__ import annotations

import datetime
import gc
import sys
import warnings
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rankday
from conftest import same_table


def tables(market_dir: Path) -> dict[str, pa.Table]:
    return {n: pq.read_table(market_dir / f"{n}.parquet") for n in ("securities", "daily", "actions")}


def same_results(a: rankday.Market, b: rankday.Market):
    assert (a.num_securities, a.num_days, a.num_rows, a.num_actions) == (
        b.num_securities, b.num_days, b.num_rows, b.num_actions,
    )
    assert pa.table(a.levels(["R2000", "R1000"])).equals(pa.table(b.levels(["R2000", "R1000"])))
    assert same_table(a.history(), b.history())


def test_results_are_not_copied_into_pyarrow_or_polars(market: rankday.Market):
    t = market.levels()
    for col in ("total_return", "price_return", "divisor", "market_value"):
        addr = t.buffer_address(col)
        arrow = pa.table(t).column(col)
        assert arrow.num_chunks == 1
        assert arrow.chunks[0].buffers()[1].address == addr, col
        assert t.to_pyarrow().column(col).chunks[0].buffers()[1].address == addr
        # polars keeps the buffer it imported: exporting it back gives the
        # same address.
        back = pl.DataFrame(t)[col].to_arrow()
        assert back.buffers()[1].address == addr, f"polars copied {col}"


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_a_large_table_costs_no_memory_to_hand_over(market: rankday.Market):
    # Every R3000E line on every day: millions of rows, tens of MB a column.
    t = market.weights("R3000E")
    numbers = 4 * 8 * t.num_rows  # four float64 columns
    assert numbers > 10e6
    gc.collect()
    before = _rss()
    handed = [pa.table(t) for _ in range(10)]
    grew = _rss() - before
    # Ten copies would cost ten times the numbers (and the strings); shared
    # buffers cost pyarrow's bookkeeping only. (polars converts string
    # columns to its own layout, so its share of the numbers is checked by
    # address above.)
    assert grew < numbers / 4, f"handing over grew the process by {grew / 1e6:.0f} MB"
    assert all(x.num_rows == t.num_rows for x in handed)


def test_market_from_pyarrow_polars_and_pandas(market_dir: Path, opened: rankday.Market):
    t = tables(market_dir)
    from_pa = rankday.Market.from_tables(t["securities"], t["daily"], t["actions"])
    same_results(opened, from_pa)
    pls = {k: pl.from_arrow(v) for k, v in t.items()}
    from_pl = rankday.Market.from_tables(pls["securities"], pls["daily"], actions=pls["actions"])
    same_results(opened, from_pl)
    # pandas: datetime64 dates, object or pyarrow strings, NaN for empty.
    pds = {k: v.to_pandas() for k, v in t.items()}
    pds["daily"]["date"] = pd.to_datetime(pds["daily"]["date"])
    pds["actions"]["ex_date"] = pd.to_datetime(pds["actions"]["ex_date"])
    assert str(pds["daily"]["date"].dtype).startswith("datetime64")
    from_pd = rankday.Market.from_tables(pds["securities"], pds["daily"], pds["actions"])
    same_results(opened, from_pd)
    # A record batch (only __arrow_c_array__ needed) and a stream reader.
    batch = t["securities"].combine_chunks().to_batches()[0]
    reader = t["daily"].to_reader(max_chunksize=100_000)
    same_results(opened, rankday.Market.from_tables(batch, reader, t["actions"]))


def test_results_round_trip_through_pyarrow_and_polars(market: rankday.Market):
    lv = market.levels(["R2000"])
    back = pa.table(pl.DataFrame(lv).to_arrow())
    direct = pa.table(lv)
    for name in direct.column_names:
        a, b = direct.column(name), back.column(name)
        assert a.to_pylist() == b.to_pylist(), name
    df = lv.to_pandas()
    assert list(df.columns) == direct.column_names
    assert df["total_return"].to_numpy().tolist() == direct.column("total_return").to_pylist()
    assert isinstance(df["date"].iloc[0], datetime.date)


def test_bad_table_names_table_row_and_column(market_dir: Path):
    t = tables(market_dir)
    daily = t["daily"]
    close = daily.column("close").to_pylist()
    close[41] = -1.5
    bad = daily.set_column(daily.schema.get_field_index("close"), "close", pa.array(close))
    with pytest.raises(rankday.RankdayError) as e:
        rankday.Market.from_tables(t["securities"], bad, t["actions"])
    err = e.value
    assert (err.file, err.line, err.row, err.column) == ("daily", None, 42, "close")
    col = daily.schema.get_field_index("close") + 1
    assert f"daily:row 42:{col} (close): must be > 0, got -1.5" in str(err)
    # The same row in a file: the same message, named by the file.
    d = market_dir.parent / "badmarket"
    d.mkdir()
    for n in ("securities", "actions"):
        pq.write_table(t[n], d / f"{n}.parquet")
    pq.write_table(bad, d / "daily.parquet")
    with pytest.raises(rankday.RankdayError) as f:
        rankday.Market.open(d)
    assert (Path(f.value.file), f.value.row, f.value.column) == (d / "daily.parquet", 42, "close")
    assert str(f.value).splitlines()[-1].endswith(
        str(err).splitlines()[-1].split("caused by: ")[-1].replace("daily:", "daily.parquet:", 1)
    )
    # A missing column, and something that is not a table.
    with pytest.raises(rankday.RankdayError) as e:
        rankday.Market.from_tables(t["securities"], daily.drop_columns(["volume"]))
    assert (e.value.file, e.value.column) == ("daily", "volume")
    with pytest.raises(TypeError, match="daily: expected an Arrow table"):
        rankday.Market.from_tables(t["securities"], [1, 2, 3])


def test_pandas_dates_with_a_time_of_day_are_refused(market_dir: Path):
    t = tables(market_dir)
    d = t["daily"].slice(0, 1000).to_pandas()
    d["date"] = pd.to_datetime(d["date"]) + pd.Timedelta(hours=16)
    with pytest.raises(rankday.RankdayError) as e:
        rankday.Market.from_tables(t["securities"], d)
    assert (e.value.row, e.value.column) == (1, "date")
    assert "time of day" in str(e.value)


def test_checks_warn_and_strict_makes_them_errors(market_dir: Path):
    t = tables(market_dir)
    daily = t["daily"]
    # A one-day price move far beyond any real one, on a line with no action.
    ids = daily.column("security_id").to_pylist()
    sid = ids[len(ids) // 2]
    rows = [i for i, x in enumerate(ids) if x == sid]
    close = daily.column("close").to_pylist()
    close[rows[len(rows) // 2]] *= 50
    moved = daily.set_column(daily.schema.get_field_index("close"), "close", pa.array(close))
    with pytest.warns(rankday.RankdayWarning, match="close"):
        m = rankday.Market.from_tables(t["securities"], moved, t["actions"])
    assert m.warnings and "(close)" in m.warnings[0]
    with pytest.raises(rankday.RankdayError) as e:
        rankday.Market.from_tables(t["securities"], moved, t["actions"], strict=True)
    assert (e.value.file, e.value.column) == ("daily", "close")
    assert e.value.row == rows[len(rows) // 2] + 1
    # The command line's --max-daily-move: a fiftyfold move is within 100.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rankday.RankdayWarning)
        loose = rankday.Market.from_tables(t["securities"], moved, t["actions"], max_daily_move=100)
        clean = rankday.Market.from_tables(t["securities"], daily, t["actions"], max_daily_move=100)
    assert loose.warnings == clean.warnings
    with pytest.raises(rankday.RankdayError, match="max_daily_move must be a factor above 1"):
        rankday.Market.from_tables(t["securities"], daily, t["actions"], max_daily_move=0.5)
    with pytest.raises(rankday.RankdayError, match="max_daily_move must be a factor above 1"):
        rankday.Market.open(market_dir, max_daily_move=0.5)
