"""Type stubs of the rankday extension module (crates/py). Keep in step with
the Rust source: every public name here is documented there too."""

import datetime
import os
from typing import Any, Literal, Sequence, TypedDict, Union

DateLike = Union[datetime.date, str]
"""A ``datetime.date`` (or ``datetime``, pandas ``Timestamp``) or ``'YYYY-MM-DD'``."""

IndexNames = Union[str, Sequence[str]]
"""Index names, e.g. ``"R2000"``, ``"R2000,R1000"`` or ``["R2000", "R1000"]``:
R3000E, R3000, R1000, R2000, RTOP200, RMIDCAP, RTOP500, R2500, RMICRO."""

PathLike = Union[str, "os.PathLike[str]"]

__version__: str
"""The version of rankday the module was built from."""

class RankdayError(Exception):
    """A step of the job failed. The message holds the whole cause chain
    ("loading the market at DIR" / "caused by: daily.csv line 17, column
    close: must be > 0, got -1.5")."""

    file: str | None
    """The file (or in-memory table: ``daily``, ``securities``, ``actions``)
    with the bad input, when known."""
    line: int | None
    """The physical CSV line (the header is line 1), for CSV input."""
    row: int | None
    """The 1-based row, for Parquet files and in-memory tables."""
    column: str | None
    """The column with the bad value, when known."""

class RankdayWarning(UserWarning):
    """What the semantic checks of a market found suspicious but not wrong
    (a large one-day move, shares jumping without an action); ``strict=True``
    makes them errors."""

class Table:
    """A result table: Arrow data that ``pyarrow.table(t)``,
    ``polars.DataFrame(t)`` and any reader of the Arrow PyCapsule interface
    import without copying."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The rows as an Arrow C stream PyCapsule (buffers shared, not copied)."""
    def __arrow_c_schema__(self) -> object:
        """The schema as an Arrow C schema PyCapsule."""
    @property
    def num_rows(self) -> int:
        """Number of rows."""
    @property
    def num_columns(self) -> int:
        """Number of columns."""
    @property
    def column_names(self) -> list[str]:
        """The column names, in order."""
    @property
    def meta(self) -> dict[str, Any]:
        """What the result says besides its rows (a forecast's dates and
        totals); empty for most tables."""
    def buffer_address(self, column: str) -> int:
        """The address of ``column``'s value buffer, as Arrow readers that
        import without copying see it."""
    def to_pyarrow(self) -> Any:
        """The table as a ``pyarrow.Table`` (needs pyarrow; no copy)."""
    def to_polars(self) -> Any:
        """The table as a ``polars.DataFrame`` (needs polars)."""
    def to_pandas(self) -> Any:
        """The table as a ``pandas.DataFrame`` (needs pandas and pyarrow)."""
    def __len__(self) -> int: ...

class TrackingStats(TypedDict):
    """Tracking statistics, named as ``rankday fund --json`` names them."""

    days: int
    fund_return: float
    index_return: float
    fund_return_annualised: float
    index_return_annualised: float
    tracking_difference: float
    tracking_difference_annualised: float
    mean_active_daily: float
    tracking_error_std_annualised: float
    tracking_error_rms_annualised: float
    information_ratio: float
    beta: float
    up_capture: float
    down_capture: float

class FundActivity(TypedDict):
    """How much the fund traded, keyed as ``rankday fund --json``'s ``activity``."""

    years: float
    trades: int
    trades_per_year: float
    turnover: float
    index_turnover: float
    min_cash: float
    min_cash_share: float

class FundResult:
    """The result of :meth:`Market.fund`."""

    @property
    def nav(self) -> Table:
        """One row per day: NAV, cash, receivables, flows, returns beside the
        index's, costs, fees."""
    @property
    def trades(self) -> Table:
        """One row per trade."""
    @property
    def stats(self) -> TrackingStats:
        """Tracking statistics."""
    @property
    def activity(self) -> FundActivity:
        """Trades after the launch purchase, trades per year, one-way turnover a
        year beside the index's own, and the lowest cash at a close (dollars
        and share of NAV)."""

class BenchmarkResult:
    """The result of :meth:`Market.benchmark`."""

    @property
    def name(self) -> str:
        """What was measured (the file, or "R1000 total return")."""
    @property
    def stats(self) -> TrackingStats:
        """Tracking statistics of the daily returns."""
    @property
    def relative(self) -> Table:
        """Relative performance rebased to 100: ``date``, ``relative_performance``."""

class Market:
    """A market (securities, daily prices and shares, corporate actions)
    with the Russell policy and calendar, and every result of the job on it.

    The reconstitution history is computed once, on first use, and shared
    by the results that need it. Methods release the GIL while they compute.
    """

    @staticmethod
    def open(
        path: PathLike,
        *,
        policy: PathLike | None = None,
        calendar: PathLike | None = None,
        membership: PathLike | None = None,
        strict: bool = False,
        max_daily_move: float = 5.0,
    ) -> Market:
        """Opens and validates a market directory (format 1). ``policy`` and
        ``calendar`` are TOML files overriding the shipped Russell rules and
        schedule; ``membership`` a membership table used instead of
        reconstituting the history. The semantic checks' findings are
        :class:`RankdayWarning` (errors with ``strict``); a one-day close
        move beyond the factor ``max_daily_move`` either way (after the
        day's actions) is one, as ``--max-daily-move`` on the command line."""
    @staticmethod
    def generate(
        years: int = 12,
        seed: int = 7,
        *,
        end: DateLike | None = None,
        target_lines: int | None = None,
    ) -> Market:
        """The synthetic, calibrated US market: ``years`` of history ending on
        ``end``, the same market for the same seed."""
    @staticmethod
    def from_tables(
        securities: Any,
        daily: Any,
        actions: Any | None = None,
        *,
        sparse: bool = False,
        policy: PathLike | None = None,
        calendar: PathLike | None = None,
        strict: bool = False,
        max_daily_move: float = 5.0,
    ) -> Market:
        """A market from tables in memory (pyarrow, polars, pandas or any
        ``__arrow_c_stream__`` object) with the market format's columns,
        validated as the files are; errors name the table, row and column."""
    def save(self, path: PathLike, format: Literal["parquet", "csv"] = "parquet") -> None:
        """Writes the market as a market directory."""
    @property
    def first_date(self) -> datetime.date | None:
        """The first trading day."""
    @property
    def last_date(self) -> datetime.date | None:
        """The last trading day."""
    @property
    def num_securities(self) -> int:
        """Number of securities (lines)."""
    @property
    def num_days(self) -> int:
        """Number of trading days."""
    @property
    def num_rows(self) -> int:
        """Number of daily rows."""
    @property
    def num_actions(self) -> int:
        """Number of corporate actions."""
    @property
    def warnings(self) -> list[str]:
        """What the semantic checks on load warned of (also raised as
        :class:`RankdayWarning`)."""
    def history(self) -> Table:
        """Every membership state of the history: reconstitutions, IPO
        rounds and quarterly updates (``state_kind``), as ``rankday
        reconstitute`` writes it."""
    def reconstitute(self, rank_date: DateLike) -> Table:
        """The states of the history through the reconstitution ranked on
        ``rank_date``, as ``rankday reconstitute --rank-date`` writes them;
        its own rows are the last ``state_kind == "reconstitution"`` state."""
    def explain(self, rank_date: DateLike, ticker: str) -> str:
        """Every screen, the rank, the band and the decision for one line on a
        rank day (as ``rankday explain`` prints it)."""
    def calc(
        self,
        indexes: IndexNames | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        withholding: float = 0.30,
    ) -> dict[str, Table]:
        """``levels``, ``divisors`` and ``halts`` (as ``rankday calc`` writes them)."""
    def levels(
        self,
        indexes: IndexNames | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> Table:
        """Daily levels: one row per (date, index) with price, total and net
        return, divisor, market value and constituents."""
    def weights(
        self,
        index: IndexNames | None = None,
        date: DateLike | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> Table:
        """Point-in-time constituents with weights, one row per (date, index,
        line) held after each close, with effective and announcement dates
        (docs/backtesting.md). Default index: R2000."""
    def benchmark_returns(
        self,
        index: str = "R2000",
        series: Literal["total", "price", "net"] = "total",
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> Table:
        """Daily returns and levels of one index series: ``date``, ``return``,
        ``level``."""
    def export(
        self,
        path: PathLike,
        indexes: IndexNames | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> list[str]:
        """Writes ``weights.parquet`` and ``benchmark_<index>_<total|price>.csv``
        (as ``rankday export``); returns the paths."""
    def flows(
        self,
        recon: DateLike | None = None,
        *,
        as_of: DateLike | None = None,
        passive: PathLike | None = None,
    ) -> Table:
        """Passive flows per line of the reconstitution effective ``recon``,
        or the forecast of the next one as of ``as_of``; dates and totals in
        ``Table.meta``."""
    def fund(
        self,
        index: str = "R2000",
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        assets: float = 75e9,
        expense_ratio: float = 0.0019,
        dividend_lag: int = 20,
        rebalance: Literal["full", "spread"] = "full",
        spread_days: int = 5,
        participation_cap: float = 0.2,
        costs: bool = True,
    ) -> FundResult:
        """An index-tracking fund over the history (as ``rankday fund``)."""
    def benchmark(
        self,
        index: str = "R2000",
        *,
        against_index: str | None = None,
        portfolio: PathLike | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> BenchmarkResult:
        """A portfolio's returns (CSV ``date,return``) or another index
        measured against ``index``'s total return."""
    def report(self, path: PathLike) -> str:
        """Writes the self-contained HTML report to ``path``; returns it."""

def calendar(year: int, *, calendar: PathLike | None = None) -> Table:
    """The year's reconstitution, IPO and share-update schedule: ``date``, ``what``."""
