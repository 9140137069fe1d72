"""rankday: Russell-style US equity indexes in Python.

The job library of the rankday engine (construction on every rank day,
divisor-continuous levels, reconstitution flows, a tracking fund, the HTML
report, point-in-time exports for backtesters), with results handed over as
Arrow tables that pyarrow, polars and pandas read without copying.

>>> import rankday
>>> m = rankday.Market.generate(years=3, seed=7)      # doctest: +SKIP
>>> levels = m.levels(["R2000", "R1000"]).to_polars()  # doctest: +SKIP

Every result is a :class:`Table` (``pyarrow.table(t)``, ``polars.DataFrame(t)``,
``t.to_pandas()``); errors are :class:`RankdayError` with ``file``, ``line``,
``row`` and ``column`` where rankday knows where the input is bad.
"""

from ._rankday import (
    BenchmarkResult,
    FundResult,
    Market,
    RankdayError,
    RankdayWarning,
    Table,
    __version__,
    calendar,
)

__all__ = [
    "BenchmarkResult",
    "FundResult",
    "Market",
    "RankdayError",
    "RankdayWarning",
    "Table",
    "__version__",
    "calendar",
]
