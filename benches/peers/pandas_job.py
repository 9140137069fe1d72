"""The levels part of rankday's full-history job, written idiomatically in pandas.

Usage: python3 pandas_job.py MARKET_DIR MEMBERSHIP.parquet OUT.parquet

Reads a format-1 market (daily/actions/securities Parquet, as `rankday`
writes them) and rankday's membership states (one row per state and member
line: state, effective_date, security_id, index_shares, nine index flags),
and writes the daily price-return and total-return levels of the nine
Russell indexes (date, index, price_return, total_return).

Scope (what this peer implements, mirroring crates/calc):
* index composition from the given membership states (reconstitutions and
  IPO rounds; the peers do not rank), applied after the close of their
  effective date (last trading day on or before it); lines that left through
  an acquisition or delisting do not come back;
* splits (index shares x ratio, carried prices / ratio, no divisor change);
* cash dividends (dividend points into the total return, ex-date);
* special dividends (previous close lowered by the amount before the open,
  divisor reset so the price index does not move);
* delistings (valued at the final price or the last close on the ex-date,
  removed after the close) and acquisitions (valued at acquirer close x
  ratio + cash, cash, or the last close; removed after the close; acquirer
  index shares raised by target shares x ratio if it is a member);
* halts: a member without a row counts at its last close.
Not implemented: spin-offs, quarterly share/float updates, net return, and
indexes going dormant. The benchmark removes spin-offs from the market and
runs rankday without share updates for the comparison.

Method: every divisor reset keeps the level, so a day's price-index factor is
the close market value of the day's holdings over their value at the
previous close (after the day's special dividends):
    I_t / I_{t-1} = MV_t / (MV'_{t-1} - S_t)
    TR_t / TR_{t-1} = (MV_t + DIV_t) / (MV'_{t-1} - S_t)
with MV' the holdings in force on day t valued at day t-1 prices. The
holdings are expanded to one row per (member line, day) and valued with
as-of joins of the daily closes; the levels are cumulative products. The
only row loop is over acquisitions (their share transfers chain).
"""

import sys
import time

T_START = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

T_IMPORT = time.perf_counter() - T_START

INDEXES = ["R3000E", "R3000", "R1000", "R2000", "RTOP200", "RMIDCAP", "RTOP500", "R2500", "RMICRO"]
BASES = {i: ("1978-12-31", 100.0) for i in INDEXES}
BASES["R3000E"] = ("2005-06-24", 1000.0)
BASES["RMICRO"] = ("2005-06-24", 1000.0)


def read(path, columns=None):
    # Dates as datetime64, not Python objects.
    return pq.read_table(path, columns=columns).to_pandas(date_as_object=False)


def load(market_dir, membership_path):
    secs = read(f"{market_dir}/securities.parquet", columns=["security_id"])
    ids = pd.Index(secs["security_id"].astype(str))
    daily = read(f"{market_dir}/daily.parquet", columns=["date", "security_id", "close"])
    actions = read(f"{market_dir}/actions.parquet")
    mem = read(membership_path)
    return ids, daily, actions, mem


def sec_codes(values, ids):
    return pd.Categorical(values, categories=ids).codes.astype(np.int32)


def compute(ids, daily, actions, mem):
    # Trading days, and every table keyed by (sec, day) integers.
    dates = np.sort(daily["date"].unique())
    daily = pd.DataFrame(
        {
            "day": np.searchsorted(dates, daily["date"].to_numpy()).astype(np.int32),
            "sec": sec_codes(daily["security_id"], ids),
            "close": daily["close"].to_numpy(),
        }
    )
    last_day = len(dates) - 1
    act = actions.assign(
        sec=sec_codes(actions["security_id"], ids),
        other=sec_codes(actions["other_id"], ids),
        day=np.searchsorted(dates, actions["ex_date"].to_numpy()).astype(np.int32),
    )
    on_day = act["day"].clip(upper=last_day)
    act = act[dates[on_day] == act["ex_date"].to_numpy()]
    if (act["kind"] == "spin_off").any():
        raise SystemExit("spin-offs are not implemented by this peer (see the scope)")

    # Cumulative split factor F(sec, day): product of the ratios of splits
    # ex on or before the day. N(t) = B * F(t), unit price u = close * F.
    splits = act.loc[act["kind"] == "split", ["sec", "day", "ratio"]].sort_values(["sec", "day"])
    splits["F"] = splits.groupby("sec")["ratio"].cumprod()
    splits = splits.sort_values("day")[["sec", "day", "F"]]

    def factor(df):
        """F(sec, day) for every row of df (sorted by day)."""
        return (
            pd.merge_asof(df[["sec", "day"]], splits, on="day", by="sec")["F"].fillna(1.0).to_numpy()
        )

    valid = daily[(daily["close"] > 0) & np.isfinite(daily["close"])]
    valid = valid.assign(u=valid["close"].to_numpy() * factor(valid))[["sec", "day", "u"]]

    # Membership states: the last state of each effective day wins.
    mem = mem.assign(
        sec=sec_codes(mem["security_id"], ids),
        eff=(np.searchsorted(dates, mem["effective_date"].to_numpy(), side="right") - 1).astype(np.int32),
    )
    mem["mask"] = sum(mem[i.lower()].astype(np.int16) * (1 << k) for k, i in enumerate(INDEXES)).astype(np.int16)
    last_state = mem.groupby("eff")["state"].transform("max")
    mem = mem[mem["state"] == last_state]
    effs = np.sort(mem["eff"].unique())
    ends = np.append(effs[1:], last_day)
    seg = pd.DataFrame({"eff": effs, "end": ends})

    # Exits: delistings and acquisitions of lines that are members at the
    # open of their ex-date (the state in force: last effective day before).
    exits = act[act["kind"].isin(["delisting", "acquisition"])].copy()
    k = np.searchsorted(effs, exits["day"].to_numpy(), side="left") - 1
    exits = exits[k >= 0].assign(eff=effs[k[k >= 0]])
    exits = exits.merge(mem[["eff", "sec", "index_shares"]], on=["eff", "sec"])
    exits = exits.sort_values("day", kind="stable").drop_duplicates("sec")
    gone = exits[["sec", "day"]].rename(columns={"day": "gone_day"})
    mem = mem.merge(gone, on="sec", how="left")
    mem = mem[~(mem["eff"] >= mem["gone_day"])]

    # Holdings spells: (sec, first close day, last close day, units B, mask).
    sp = mem.merge(seg, on="eff")
    sp["first"] = sp["eff"] + 1
    sp["last"] = np.minimum(sp["end"], sp["gone_day"].fillna(last_day)).astype(np.int32)
    sp = sp.sort_values("eff")
    sp["B"] = sp["index_shares"].to_numpy() / factor(sp.rename(columns={"eff": "day"}))
    sp = sp.loc[sp["last"] >= sp["first"], ["sec", "eff", "first", "last", "B", "mask"]]

    # Acquisitions: acquirer units rise by the target's shares x ratio after
    # the close of the ex-date, until the next state. Transfers chain (a
    # target may have received shares earlier), hence the loop over events.
    acq = exits[(exits["kind"] == "acquisition") & (exits["ratio"].fillna(0) > 0)].sort_values("day")
    acq = acq.assign(F_t=factor(acq), F_q=factor(acq.assign(sec=acq["other"])))
    units = sp.set_index(["eff", "sec"])["B"].to_dict()
    gone_day = dict(zip(gone["sec"], gone["gone_day"]))
    added = {}  # (eff, sec) -> [(day, dB)]
    for eff, day, s, q, ratio, ft, fq in zip(
        acq["eff"], acq["day"], acq["sec"], acq["other"], acq["ratio"], acq["F_t"], acq["F_q"]
    ):
        if (eff, q) not in units or gone_day.get(q, day) < day:
            continue
        b = units[(eff, s)] + sum(d for y, d in added.get((eff, s), []) if y < day)
        added.setdefault((eff, q), []).append((day, b * ft * ratio / fq))
    if added:
        extra = pd.DataFrame(
            [(e, s, y, d) for (e, s), v in added.items() for y, d in v], columns=["eff", "sec", "from", "dB"]
        )
        sp = split_spells(sp, extra)

    # One row per (member line, close day).
    lens = (sp["last"] - sp["first"] + 1).to_numpy()
    rep = np.repeat(np.arange(len(sp)), lens)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(lens) - lens, lens)
    grid = pd.DataFrame(
        {
            "sec": sp["sec"].to_numpy()[rep],
            "day": (sp["first"].to_numpy()[rep] + offs).astype(np.int32),
            "B": sp["B"].to_numpy()[rep],
            "mask": sp["mask"].to_numpy()[rep],
        }
    ).sort_values("day", kind="stable")
    # Unit price at today's close (last close carried) and at yesterday's.
    grid["u"] = pd.merge_asof(grid[["sec", "day"]], valid, on="day", by="sec")["u"].to_numpy()
    grid["u_prev"] = pd.merge_asof(
        grid[["sec", "day"]], valid, on="day", by="sec", allow_exact_matches=False
    )["u"].to_numpy()

    # Exit prices on the ex-date.
    ex = exits.sort_values("day")
    ex = ex.assign(F=factor(ex))
    # (as-of joins against the closes of the lines involved only).
    involved = valid[valid["sec"].isin(np.concatenate([ex["sec"].to_numpy(), ex["other"].to_numpy()]))]
    own = pd.merge_asof(ex[["sec", "day"]], involved, on="day", by="sec")["u"].to_numpy() / ex["F"].to_numpy()
    q = ex.assign(sec=ex["other"].where(ex["other"] >= 0, ex["sec"]))
    acq_px = pd.merge_asof(q[["sec", "day"]], involved, on="day", by="sec")["u"].to_numpy() / factor(q)
    ratio, cash = ex["ratio"].fillna(0).to_numpy(), ex["amount"].fillna(0).to_numpy()
    is_acq = (ex["kind"] == "acquisition").to_numpy()
    price = np.where(
        is_acq,
        np.where(ratio > 0, acq_px * ratio + cash, np.where(cash > 0, cash, own)),
        ex["amount"].fillna(pd.Series(own, index=ex.index)).to_numpy(),
    )
    # Sparse per-unit events of the day: the exit price replacing the last
    # close, cash dividends, special dividends. Each is matched to the
    # holdings spell covering its day (as-of join on the spell start).
    ex_u = pd.DataFrame(
        {"sec": ex["sec"].to_numpy(), "day": ex["day"].to_numpy(), "mv": (price - own) * ex["F"].to_numpy()}
    )
    divs = act[act["kind"].isin(["cash_dividend", "special_dividend"])].sort_values("day")
    per_unit = divs["amount"] * factor(divs)
    divs = pd.DataFrame(
        {
            "sec": divs["sec"],
            "day": divs["day"],
            "div": per_unit.where(divs["kind"] == "cash_dividend", 0.0),
            "special": per_unit.where(divs["kind"] == "special_dividend", 0.0),
        }
    )
    events = pd.concat([ex_u, divs], ignore_index=True).fillna({"mv": 0.0, "div": 0.0, "special": 0.0})
    events = pd.merge_asof(
        events.sort_values("day").astype({"day": np.int64, "sec": np.int32}),
        sp.sort_values("first").astype({"first": np.int64, "sec": np.int32}),
        left_on="day",
        right_on="first",
        by="sec",
    )
    events = events[events["day"] <= events["last"]]
    cols = ["mv", "mv_prev", "div", "special"]
    events = events.assign(mv_prev=0.0)
    events[["mv", "div", "special"]] = events[["mv", "div", "special"]].mul(events["B"], axis=0)
    grid["mv"] = grid["u"] * grid["B"]
    grid["mv_prev"] = grid["u_prev"] * grid["B"]
    on_grid = grid.groupby(["day", "mask"])[["mv", "mv_prev"]].sum().assign(div=0.0, special=0.0)
    by_mask = (
        pd.concat([on_grid.reset_index(), events[["day", "mask"] + cols]])
        .groupby(["day", "mask"])[cols]
        .sum()
        .reset_index()
    )

    # An index (re)starts after the close of a state's effective day that
    # gives it members while it has none: a row at its last level (100 the
    # first time), then the daily factors.
    eff_masks = mem[["eff", "mask"]].drop_duplicates()
    out = []
    for k, name in enumerate(INDEXES):
        sel = by_mask[(by_mask["mask"] // (1 << k)) % 2 == 1]
        per_day = sel.groupby("day")[["mv", "mv_prev", "div", "special"]].sum()
        effs = eff_masks.loc[(eff_masks["mask"] // (1 << k)) % 2 == 1, "eff"].unique()
        if len(effs) == 0:
            continue
        base = per_day["mv_prev"] - per_day["special"]
        factors = pd.DataFrame({"price_return": per_day["mv"] / base, "total_return": (per_day["mv"] + per_day["div"]) / base})
        days = factors.index.union(pd.Index(effs)).sort_values()
        lv = factors.reindex(days).fillna(1.0)
        lv = lv[lv.index >= effs.min()].cumprod() * 100.0
        lv["date"] = pd.to_datetime(dates[lv.index.to_numpy()])
        base_date, base_value = BASES[name]
        at_base = lv[lv["date"] <= np.datetime64(base_date)]
        if len(at_base):
            lv["price_return"] *= base_value / at_base["price_return"].iloc[-1]
            lv["total_return"] *= base_value / at_base["total_return"].iloc[-1]
        out.append(lv.assign(index=name))
    return pd.concat(out, ignore_index=True)[["date", "index", "price_return", "total_return"]]


def split_spells(sp, extra):
    """Applies unit additions (eff, sec, from day, dB) to the spells: each
    addition raises B for the spell's days after `from`."""
    touched = sp.merge(extra[["eff", "sec"]].drop_duplicates(), on=["eff", "sec"])
    keep = sp.merge(extra[["eff", "sec"]].drop_duplicates(), on=["eff", "sec"], how="left", indicator=True)
    keep = keep[keep["_merge"] == "left_only"].drop(columns="_merge")
    pieces = []
    groups = {key: g.sort_values("from") for key, g in extra.groupby(["eff", "sec"])}
    for row in touched.itertuples(index=False):
        adds = groups[(row.eff, row.sec)]
        cuts = [row.first] + [int(y) + 1 for y in adds["from"]] + [row.last + 1]
        b = row.B
        for j in range(len(cuts) - 1):
            if j > 0:
                b += adds["dB"].iloc[j - 1]
            if cuts[j + 1] - 1 >= cuts[j]:
                pieces.append((row.sec, row.eff, cuts[j], cuts[j + 1] - 1, b, row.mask))
    new = pd.DataFrame(pieces, columns=["sec", "eff", "first", "last", "B", "mask"])
    new = new.astype({"sec": keep["sec"].dtype, "mask": keep["mask"].dtype})
    return pd.concat([keep, new], ignore_index=True)


def main():
    market_dir, membership_path, out_path = sys.argv[1:4]
    t0 = time.perf_counter()
    ids, daily, actions, mem = load(market_dir, membership_path)
    t1 = time.perf_counter()
    levels = compute(ids, daily, actions, mem)
    t2 = time.perf_counter()
    levels["date"] = levels["date"].dt.date  # Parquet date32, as rankday writes dates
    levels.to_parquet(out_path, index=False)
    t3 = time.perf_counter()
    print(f"{len(levels)} level rows -> {out_path}")
    print(f"TIMES import={T_IMPORT:.3f} load={t1 - t0:.3f} compute={t2 - t1:.3f} write={t3 - t2:.3f}")


if __name__ == "__main__":
    main()
