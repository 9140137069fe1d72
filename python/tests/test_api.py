"""Every function of the API on the small generated market, and its errors."""

from __future__ import annotations

import datetime
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import rankday


def test_market_facts(market: rankday.Market, opened: rankday.Market):
    assert market.num_securities > 1000
    assert market.num_days > 700
    assert market.num_rows > 1_000_000
    assert market.num_actions > 1000
    assert isinstance(market.first_date, datetime.date)
    assert market.last_date > market.first_date
    for attr in ("num_securities", "num_days", "num_rows", "num_actions", "first_date", "last_date"):
        assert getattr(opened, attr) == getattr(market, attr), attr
    assert "rankday.Market(" in repr(opened)


def recons(t: pa.Table) -> pa.Table:
    """The reconstitutions' rows of a membership table (not the IPO rounds
    or quarterly updates)."""
    return t.filter(pc.equal(t.column("state_kind"), "reconstitution"))


def test_history_and_reconstitute(market: rankday.Market):
    everything = pa.table(market.history())
    assert {"update", "reconstitution"} <= set(everything.column("state_kind").to_pylist())
    h = recons(everything)
    assert {"rank_date", "effective_date", "security_id", "rank", "r2000", "change"} <= set(h.column_names)
    rank_days = sorted(set(h.column("rank_date").to_pylist()))
    assert len(rank_days) >= 3
    through = pa.table(market.reconstitute(rank_days[-1]))
    one = recons(through).filter(pc.equal(recons(through).column("rank_date"), pa.scalar(rank_days[-1])))
    assert recons(through).column("rank_date").to_pylist()[-1] == rank_days[-1]
    assert pc.sum(one.column("r1000")).as_py() > 900
    assert pc.sum(one.column("r2000")).as_py() > 50
    # The same lines as the history's reconstitution of that day (whose
    # banding also saw the IPO rounds before it, which this one skips).
    last = h.filter(pc.equal(h.column("rank_date"), pa.scalar(rank_days[-1])))
    common = set(last.column("security_id").to_pylist()) & set(one.column("security_id").to_pylist())
    assert len(common) >= 0.95 * one.num_rows
    # Strings work as dates.
    assert market.reconstitute(rank_days[-1].isoformat()).num_rows == through.num_rows


def test_explain(market: rankday.Market):
    h = recons(pa.table(market.history()))
    rank_day = h.column("rank_date")[0].as_py()
    ticker = h.column("ticker")[0].as_py()
    text = market.explain(rank_day, ticker)
    assert ticker in text and "rank" in text.lower()


def test_calc_and_levels(market: rankday.Market):
    out = market.calc(["R2000", "R1000"])
    assert set(out) == {"levels", "divisors", "halts"}
    lv = pa.table(out["levels"])
    assert lv.column_names == [
        "date", "index", "price_return", "total_return", "net_return",
        "divisor", "market_value", "constituents",
    ]
    assert set(lv.column("index").to_pylist()) == {"R2000", "R1000"}
    d = market.num_days
    start = market.first_date + datetime.timedelta(days=400)
    part = pa.table(market.levels("r2000", start=start))
    assert set(part.column("index").to_pylist()) == {"R2000"}
    assert min(part.column("date").to_pylist()) >= start
    # Levels from a date are those of the full history.
    full = lv.filter(pc.and_(pc.equal(lv.column("index"), "R2000"), pc.greater_equal(lv.column("date"), pa.scalar(start))))
    assert full.column("total_return").equals(part.column("total_return"))
    every = pa.table(market.levels())
    names = set(every.column("index").to_pylist())
    assert {"R3000E", "R3000", "R1000", "R2000", "RTOP200", "RMIDCAP"} <= names
    assert every.num_rows <= 9 * d


def test_weights(market: rankday.Market):
    day = market.last_date
    w = pa.table(market.weights("R2000", day))
    assert w.column_names == [
        "date", "index", "security_id", "ticker", "index_shares", "price",
        "market_value", "weight", "effective_date", "announcement_date",
    ]
    assert w.num_rows > 20
    assert abs(pc.sum(w.column("weight")).as_py() - 1.0) < 1e-12
    assert set(w.column("date").to_pylist()) == {day}
    rng = pa.table(market.weights(["R2000", "R1000"], start=day - datetime.timedelta(days=10), end=day))
    assert set(rng.column("index").to_pylist()) == {"R2000", "R1000"}
    assert len(set(rng.column("date").to_pylist())) >= 6
    with pytest.raises(ValueError):
        market.weights("R2000", day, start=day)


def test_benchmark_returns(market: rankday.Market):
    tr = pa.table(market.benchmark_returns("R2000", "total"))
    pr = pa.table(market.benchmark_returns("R2000", "price"))
    assert tr.column_names == ["date", "return", "level"]
    assert tr.column("return")[0].as_py() == 0.0
    growth = lambda t: pc.product(pc.add(t.column("return"), 1.0)).as_py()
    assert growth(tr) > growth(pr)
    with pytest.raises(ValueError, match="series"):
        market.benchmark_returns("R2000", "gross")


def test_export(market: rankday.Market, tmp_path: Path):
    paths = market.export(tmp_path, ["R2000", "R1000"], start=market.last_date - datetime.timedelta(days=30))
    names = sorted(Path(p).name for p in paths)
    assert names == [
        "benchmark_r1000_price.csv", "benchmark_r1000_total.csv",
        "benchmark_r2000_price.csv", "benchmark_r2000_total.csv", "weights.parquet",
    ]


def test_flows(market: rankday.Market):
    h = recons(pa.table(market.history()))
    effective = sorted(set(h.column("effective_date").to_pylist()))
    past = [d for d in effective if d <= market.last_date][-1]
    f = market.flows(past)
    assert f.meta["effective_date"] == past
    t = pa.table(f)
    assert {"ticker", "change", "demand_usd", "days_of_volume"} <= set(t.column_names)
    assert f.meta["counts"]["add"] == pc.sum(pc.equal(t.column("change"), "add")).as_py()
    fc = market.flows(as_of=market.last_date)
    assert fc.meta["as_of"] == market.last_date
    assert fc.meta["effective_date"] > market.last_date
    assert fc.num_rows > 0
    with pytest.raises(ValueError):
        market.flows(past, as_of=past)


def test_fund_and_benchmark(market: rankday.Market):
    r = market.fund("R2000")
    assert r.nav.num_rows > 500 and r.trades.num_rows > 100
    assert r.stats["days"] > 500
    assert 0 < r.stats["tracking_error_std_annualised"] < 0.01
    # The fund's activity, as `rankday fund --json` reports it: trades only
    # when the index changes or cash moves, turnover near the index's own.
    a = r.activity
    assert set(a) == {"years", "trades", "trades_per_year", "turnover",
                      "index_turnover", "min_cash", "min_cash_share"}
    assert 0 < a["trades"] < r.trades.num_rows
    assert a["trades_per_year"] == pytest.approx(a["trades"] / a["years"])
    assert 0 < a["turnover"] < 1 and 0 < a["index_turnover"] < 1
    assert a["min_cash"] >= 0
    spread = market.fund("R2000", rebalance="spread", costs=False)
    assert spread.stats["days"] == r.stats["days"]
    with pytest.raises(ValueError):
        market.fund("R2000", rebalance="sometimes")
    b = market.benchmark("R2000", against_index="R1000")
    assert b.name == "R1000 total return"
    assert pa.table(b.relative).column_names == ["date", "relative_performance"]
    assert b.relative.num_rows > 500


def test_benchmark_portfolio(market: rankday.Market, tmp_path: Path):
    tr = pa.table(market.benchmark_returns("R2000", "total"))
    p = tmp_path / "portfolio.csv"
    p.write_text("date,return\n" + "".join(
        f"{d},{r * 1.1}\n" for d, r in zip(tr.column("date").to_pylist(), tr.column("return").to_pylist())
    ))
    b = market.benchmark("R2000", portfolio=p)
    assert b.stats["beta"] == pytest.approx(1.1, rel=1e-6)


def test_report(market: rankday.Market, tmp_path: Path):
    out = market.report(tmp_path / "sub" / "report.html")
    html = Path(out).read_text()
    assert html.startswith("<!DOCTYPE html") or "<html" in html[:200]
    assert "rankday" in html


def test_calendar():
    c = pa.table(rankday.calendar(2026))
    assert c.column_names == ["date", "what"]
    assert datetime.date(2026, 6, 26) in c.column("date").to_pylist()


def test_bad_csv_names_file_line_and_column(market_dir: Path, tmp_path: Path):
    bad = tmp_path / "bad"
    rankday.Market.open(market_dir).save(bad, "csv")
    lines = (bad / "daily.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[16].split(",")
    cells[header.index("close")] = "-1.5"
    lines[16] = ",".join(cells)
    (bad / "daily.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(rankday.RankdayError) as e:
        rankday.Market.open(bad)
    err = e.value
    assert Path(err.file) == bad / "daily.csv"
    assert (err.line, err.row, err.column) == (17, None, "close")
    col = header.index("close") + 1
    assert str(err) == f"{bad / 'daily.csv'}:17:{col} (close): must be > 0, got -1.5"


def test_errors_without_a_location(market: rankday.Market):
    with pytest.raises(rankday.RankdayError) as e:
        market.explain(market.last_date, "NO-SUCH-TICKER")
    assert (e.value.file, e.value.line, e.value.row, e.value.column) == (None, None, None, None)
    with pytest.raises(rankday.RankdayError, match="not a rank day"):
        market.reconstitute(market.first_date + datetime.timedelta(days=200))
    with pytest.raises(rankday.RankdayError) as e:
        rankday.Market.open("/nonexistent/market")
    assert e.value.file == "/nonexistent/market"
    assert e.value.line is None
    with pytest.raises(ValueError, match="index"):
        market.levels("R9999")
    with pytest.raises(ValueError):
        market.levels(start="2024-02-30")
    with pytest.raises(TypeError):
        market.levels(start=3.5)


def test_heavy_calls_release_the_gil():
    """A Python thread keeps running while another generates a market."""
    ticks = 0
    worker = threading.Thread(target=rankday.Market.generate, kwargs={"years": 8, "seed": 5, "target_lines": 3000})
    worker.start()
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    assert ticks > 50, f"the main thread ran only {ticks} times while the job ran"
