"""A researcher's first session with rankday in Python.

Loads a market (a market directory, or the built-in generated one), rebuilds
the Russell 2000's history, takes its point-in-time weights on one date,
compares the Russell 2000 and Russell 1000 total returns, and lists the
largest forecast additions of the next reconstitution with the days of
volume passive funds need to buy them.

    pip install .  polars          # from a rankday checkout
    python examples/python/r2000_research.py                 # generated market
    python examples/python/r2000_research.py --market DIR    # your market
"""

from __future__ import annotations

import argparse
import datetime

import polars as pl

import rankday


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--market", help="a market directory (default: generate one)")
    ap.add_argument("--years", type=int, default=12, help="years of the generated market")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--target-lines", type=int, default=None, help="listed lines of the generated market")
    ap.add_argument("--date", type=datetime.date.fromisoformat, help="date of the weights (default: last day)")
    a = ap.parse_args()

    # 1. The market.
    if a.market:
        m = rankday.Market.open(a.market)
    else:
        m = rankday.Market.generate(years=a.years, seed=a.seed, target_lines=a.target_lines)
    print(m)

    # 2. The Russell 2000 rebuilt on every rank day of the history (the
    # history also holds the IPO rounds and quarterly updates: state_kind).
    history = pl.DataFrame(m.history())
    r2000 = (
        history.filter(pl.col("state_kind") == "reconstitution")
        .group_by("rank_date", "effective_date")
        .agg(
            members=pl.col("r2000").sum(),
            adds=(pl.col("r2000") & (pl.col("change") == "add")).sum(),
            deletes=(pl.col("change") == "delete").sum(),
        )
        .sort("rank_date")
    )
    print("\nRussell 2000 reconstitutions:")
    print(r2000)

    # 3. Point-in-time weights on one date: what an R2000 fund held after
    # that close, dated by effective date (docs/backtesting.md).
    day = a.date or m.last_date
    w = pl.DataFrame(m.weights("R2000", day))
    print(f"\nR2000 on {w['date'][0]}: {w.height} lines, top 10 by weight:")
    print(w.sort("weight", descending=True).head(10).select("ticker", "weight", "market_value", "effective_date"))

    # 4. Small caps against large caps, total return (dividends reinvested).
    lv = pl.DataFrame(m.levels(["R2000", "R1000"])).pivot(on="index", index="date", values="total_return")
    lv = lv.drop_nulls().sort("date")
    years = (lv["date"][-1] - lv["date"][0]).days / 365.25
    print(f"\nTotal return {lv['date'][0]} to {lv['date'][-1]} ({years:.1f} years):")
    for idx in ("R2000", "R1000"):
        growth = lv[idx][-1] / lv[idx][0]
        print(f"  {idx}: {100 * (growth - 1):8.1f}%  ({100 * (growth ** (1 / years) - 1):5.2f}% a year)")

    # 5. The next reconstitution, forecast with the data known today: the
    # largest additions and how many days of volume their buying takes.
    f = m.flows(as_of=m.last_date)
    adds = (
        pl.DataFrame(f)
        .filter(pl.col("change") == "add")
        .sort("demand_usd", descending=True)
        .select("ticker", "demand_usd", "days_of_volume", "impact_bps")
        .head(10)
    )
    print(
        f"\nForecast as of {f.meta['as_of']} for the reconstitution effective "
        f"{f.meta['effective_date']} (rank day {f.meta['rank_date']}): "
        f"{f.meta['counts']['add']} adds, ${f.meta['index_one_way_usd'] / 1e9:.1f}B one way; top additions:"
    )
    print(adds)


if __name__ == "__main__":
    main()
