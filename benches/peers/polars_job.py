"""The levels part of rankday's full-history job, written idiomatically in polars.

Usage: python3 polars_job.py MARKET_DIR MEMBERSHIP.parquet OUT.parquet

Same job, same scope and same method as pandas_job.py (see its docstring):
composition from rankday's membership states; splits, cash and special
dividends, delistings, acquisitions and halts; no spin-offs, no quarterly
share/float updates, no net return, no dormant indexes. Price and total
return are cumulative products of daily factors
    I_t / I_{t-1} = MV_t / (MV'_{t-1} - S_t),  TR factor (MV_t + DIV_t) / (MV'_{t-1} - S_t)
over one row per (member line, day), valued with as-of joins. The only row
loop is over acquisitions (their share transfers chain).
"""

import sys
import time
import warnings

T_START = time.perf_counter()
import polars as pl  # noqa: E402

T_IMPORT = time.perf_counter() - T_START
# Every as-of join here is on day-sorted frames; polars cannot check that
# when `by` groups are given and says so.
warnings.filterwarnings("ignore", message="Sortedness of columns cannot be checked")

INDEXES = ["R3000E", "R3000", "R1000", "R2000", "RTOP200", "RMIDCAP", "RTOP500", "R2500", "RMICRO"]
BASES = {i: ("1978-12-31", 100.0) for i in INDEXES}
BASES["R3000E"] = ("2005-06-24", 1000.0)
BASES["RMICRO"] = ("2005-06-24", 1000.0)


def load(market_dir, membership_path):
    ids = pl.read_parquet(f"{market_dir}/securities.parquet", columns=["security_id"])
    daily = pl.read_parquet(f"{market_dir}/daily.parquet", columns=["date", "security_id", "close"])
    actions = pl.read_parquet(f"{market_dir}/actions.parquet")
    mem = pl.read_parquet(membership_path)
    return ids, daily, actions, mem


def compute(ids, daily, actions, mem):
    sec_of = ids.with_row_index("sec").select(pl.col("security_id"), pl.col("sec").cast(pl.Int32))
    dates = daily.select(pl.col("date").unique().sort()).with_row_index("day")
    dates = dates.with_columns(pl.col("day").cast(pl.Int32))
    last_day = dates.height - 1

    def keyed(df, id_col="security_id", out="sec"):
        return df.join(sec_of.rename({"security_id": id_col, "sec": out}), on=id_col, how="left")

    # Join on the categorical itself (its codes), not on strings.
    cat_of = sec_of.with_columns(pl.col("security_id").cast(daily.schema["security_id"]))
    daily = daily.join(cat_of, on="security_id", how="left").join(dates, on="date")
    act = keyed(keyed(actions, "other_id", "other")).join(dates.rename({"date": "ex_date"}), on="ex_date")
    if act.filter(pl.col("kind") == "spin_off").height:
        raise SystemExit("spin-offs are not implemented by this peer (see the scope)")

    # F(sec, day): product of split ratios ex on or before the day.
    splits = (
        act.filter(pl.col("kind") == "split")
        .sort("sec", "day")
        .select("sec", "day", pl.col("ratio").cum_prod().over("sec").alias("F"))
        .sort("day")
    )

    def with_factor(df, sec="sec", name="F"):
        s = splits.rename({"sec": sec, "F": name})
        return df.sort("day").join_asof(s, on="day", by=sec).with_columns(pl.col(name).fill_null(1.0))

    valid = with_factor(
        daily.filter((pl.col("close") > 0) & pl.col("close").is_finite()).select("sec", "day", "close")
    ).select("sec", "day", (pl.col("close") * pl.col("F")).alias("u"))

    # Membership states: the last state of each effective day wins.
    mask = pl.sum_horizontal([pl.col(i.lower()).cast(pl.Int16) * (1 << k) for k, i in enumerate(INDEXES)])
    mem = (
        keyed(mem)
        .with_columns(mask.cast(pl.Int16).alias("mask"))
        .sort("effective_date")
        .join_asof(dates.rename({"date": "effective_date", "day": "eff"}), on="effective_date")
        .filter(pl.col("state") == pl.col("state").max().over("eff"))
    )
    seg = mem.select(pl.col("eff").unique().sort()).with_columns(
        pl.col("eff").shift(-1).fill_null(last_day).alias("end")
    )

    # Exits of lines that are members at the open of their ex-date.
    exits = (
        act.filter(pl.col("kind").is_in(["delisting", "acquisition"]))
        .with_columns((pl.col("day") - 1).alias("prev"))
        .sort("prev")
        .join_asof(seg.select(pl.col("eff"), pl.col("eff").alias("prev")), on="prev")
        .drop_nulls("eff")
        .join(mem.select("eff", "sec"), on=["eff", "sec"])
        .sort("day", maintain_order=True)
        .unique("sec", keep="first", maintain_order=True)
    )
    gone = exits.select("sec", pl.col("day").alias("gone_day"))
    mem = mem.join(gone, on="sec", how="left").filter(
        pl.col("gone_day").is_null() | (pl.col("eff") < pl.col("gone_day"))
    )

    # Holdings spells in split-adjusted units B = N / F(eff).
    sp = (
        with_factor(mem.join(seg, on="eff").with_columns(pl.col("eff").alias("day")))
        .with_columns(
            (pl.col("eff") + 1).alias("first"),
            pl.min_horizontal("end", pl.col("gone_day").fill_null(last_day)).alias("last"),
            (pl.col("index_shares") / pl.col("F")).alias("B"),
        )
        .filter(pl.col("last") >= pl.col("first"))
        .select("sec", "eff", "first", "last", "B", "mask")
    )

    # Acquisitions with stock terms: chained share transfers (row loop).
    acq = with_factor(
        with_factor(exits.filter((pl.col("kind") == "acquisition") & (pl.col("ratio").fill_null(0) > 0)), "sec", "F_t"),
        "other",
        "F_q",
    ).sort("day")
    units = {(e, s): b for e, s, b in sp.select("eff", "sec", "B").iter_rows()}
    gone_day = dict(gone.iter_rows())
    added = {}
    for eff, day, s, q, ratio, ft, fq in acq.select("eff", "day", "sec", "other", "ratio", "F_t", "F_q").iter_rows():
        if (eff, q) not in units or gone_day.get(q, day) < day:
            continue
        b = units[(eff, s)] + sum(d for y, d in added.get((eff, s), []) if y < day)
        added.setdefault((eff, q), []).append((day, b * ft * ratio / fq))
    if added:
        extra = pl.DataFrame(
            [(e, s, y, d) for (e, s), v in added.items() for y, d in v],
            schema={"eff": pl.Int32, "sec": pl.Int32, "from": pl.Int32, "dB": pl.Float64},
            orient="row",
        )
        sp = split_spells(sp, extra)

    # One row per (member line, close day), valued at today's and
    # yesterday's last closes.
    grid = (
        sp.with_columns(pl.int_ranges("first", pl.col("last") + 1, dtype=pl.Int32).alias("day"))
        .explode("day")
        .select("sec", "day", "B", "mask")
        .sort("day")
    )
    grid = grid.join_asof(valid, on="day", by="sec").join_asof(
        valid.rename({"u": "u_prev"}), on="day", by="sec", allow_exact_matches=False
    )

    # Exit prices on the ex-date.
    # (as-of joins against the closes of the lines involved only).
    involved = valid.filter(pl.col("sec").is_in(pl.concat([exits["sec"], exits["other"].drop_nulls()]).to_list()))
    ex = with_factor(exits).join_asof(involved.rename({"u": "u_own"}), on="day", by="sec")
    ex = with_factor(ex.with_columns(pl.col("other").fill_null(pl.col("sec")).alias("q")), "q", "F_q")
    ex = ex.join_asof(involved.rename({"sec": "q", "u": "u_q"}), on="day", by="q")
    own = pl.col("u_own") / pl.col("F")
    ratio, cash = pl.col("ratio").fill_null(0), pl.col("amount").fill_null(0)
    price = (
        pl.when(pl.col("kind") == "acquisition")
        .then(
            pl.when(ratio > 0)
            .then(pl.col("u_q") / pl.col("F_q") * ratio + cash)
            .when(cash > 0)
            .then(cash)
            .otherwise(own)
        )
        .otherwise(pl.col("amount").fill_null(own))
    )
    # Sparse per-unit events of the day: the exit price replacing the last
    # close, cash dividends, special dividends. Each is matched to the
    # holdings spell covering its day (as-of join on the spell start).
    ex_u = ex.select("sec", "day", (price * pl.col("F") - pl.col("u_own")).alias("d_mv"))
    divs = with_factor(act.filter(pl.col("kind").is_in(["cash_dividend", "special_dividend"]))).select(
        "sec",
        "day",
        pl.when(pl.col("kind") == "cash_dividend").then(pl.col("amount") * pl.col("F")).otherwise(0.0).alias("cash"),
        pl.when(pl.col("kind") == "special_dividend").then(pl.col("amount") * pl.col("F")).otherwise(0.0).alias("special"),
    )
    events = (
        pl.concat([ex_u, divs], how="diagonal")
        .with_columns(pl.col("d_mv", "cash", "special").fill_null(0.0))
        .sort("day")
        .join_asof(sp.sort("first"), left_on="day", right_on="first", by="sec")
        .filter(pl.col("day") <= pl.col("last"))
        .group_by("day", "mask")
        .agg(
            (pl.col("d_mv") * pl.col("B")).sum().alias("mv"),
            pl.lit(0.0).alias("mv_prev"),
            (pl.col("cash") * pl.col("B")).sum().alias("div"),
            (pl.col("special") * pl.col("B")).sum().alias("special"),
        )
    )
    on_grid = grid.group_by("day", "mask").agg(
        (pl.col("u") * pl.col("B")).sum().alias("mv"),
        (pl.col("u_prev") * pl.col("B")).sum().alias("mv_prev"),
        pl.lit(0.0).alias("div"),
        pl.lit(0.0).alias("special"),
    )
    by_mask = pl.concat([on_grid, events.cast(on_grid.schema)]).group_by("day", "mask").agg(
        pl.col("mv", "mv_prev", "div", "special").sum()
    )

    # An index (re)starts after the close of a state's effective day that
    # gives it members while it has none: a row at its last level (100 the
    # first time), then the daily factors.
    eff_masks = mem.select("eff", "mask").unique()
    out = []
    for k, name in enumerate(INDEXES):
        bit = (pl.col("mask").cast(pl.Int32) // (1 << k)) % 2 == 1
        effs = eff_masks.filter(bit).select(pl.col("eff").alias("day")).unique()
        if effs.height == 0:
            continue
        base = pl.col("mv_prev") - pl.col("special")
        factors = (
            by_mask.filter(bit)
            .group_by("day")
            .agg(pl.col("mv", "mv_prev", "div", "special").sum())
            .select(
                "day",
                (pl.col("mv") / base).alias("price_return"),
                ((pl.col("mv") + pl.col("div")) / base).alias("total_return"),
            )
        )
        lv = (
            factors.join(effs, on="day", how="full", coalesce=True)
            .filter(pl.col("day") >= effs["day"].min())
            .sort("day")
            .select(
                "day",
                (pl.col("price_return", "total_return").fill_null(1.0).cum_prod() * 100.0),
            )
            .join(dates, on="day")
            .sort("day")
        )
        base_date, base_value = BASES[name]
        at_base = lv.filter(pl.col("date") <= pl.lit(base_date).str.to_date())
        if at_base.height:
            kp = base_value / at_base["price_return"][-1]
            kt = base_value / at_base["total_return"][-1]
            lv = lv.with_columns(pl.col("price_return") * kp, pl.col("total_return") * kt)
        out.append(lv.select("date", pl.lit(name).alias("index"), "price_return", "total_return"))
    return pl.concat(out)


def split_spells(sp, extra):
    """Raises B by dB on the days after `from` of the spell (eff, sec)."""
    adds = (
        extra.group_by("eff", "sec", "from")
        .agg(pl.col("dB").sum())
        .sort("eff", "sec", "from")
        .with_columns(pl.col("dB").cum_sum().over("eff", "sec"))
    )
    keys = adds.select("eff", "sec").unique()
    touched = sp.join(keys, on=["eff", "sec"])
    # Piece boundaries: the spell start and the day after each addition.
    cuts = pl.concat(
        [
            touched.select("eff", "sec", pl.col("first").alias("from"), pl.lit(0.0).alias("dB")),
            adds.select("eff", "sec", (pl.col("from") + 1).alias("from"), "dB"),
        ]
    ).sort("eff", "sec", "from")
    pieces = (
        cuts.join(touched, on=["eff", "sec"])
        .sort("eff", "sec", "from")
        .with_columns(
            pl.col("from").shift(-1).over("eff", "sec").fill_null(pl.col("last") + 1).alias("next"),
        )
        .filter((pl.col("from") >= pl.col("first")) & (pl.col("next") - 1 >= pl.col("from")))
        .select(
            "sec",
            "eff",
            pl.col("from").alias("first"),
            pl.min_horizontal(pl.col("next") - 1, "last").cast(pl.Int32).alias("last"),
            (pl.col("B") + pl.col("dB")).alias("B"),
            "mask",
        )
    )
    rest = sp.join(keys, on=["eff", "sec"], how="anti")
    return pl.concat([rest, pieces.cast(rest.schema)])


def main():
    market_dir, membership_path, out_path = sys.argv[1:4]
    t0 = time.perf_counter()
    ids, daily, actions, mem = load(market_dir, membership_path)
    t1 = time.perf_counter()
    levels = compute(ids, daily, actions, mem)
    t2 = time.perf_counter()
    levels.write_parquet(out_path, compression="snappy")
    t3 = time.perf_counter()
    print(f"{levels.height} level rows -> {out_path}")
    print(f"TIMES import={T_IMPORT:.3f} load={t1 - t0:.3f} compute={t2 - t1:.3f} write={t3 - t2:.3f}")


if __name__ == "__main__":
    main()
