"""Shared fixtures: one small generated market (three years, ~2,500 lines:
reconstitutions, IPO rounds and every kind of corporate action), saved as a
market directory the command line reads too."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import rankday

REPO = Path(__file__).resolve().parents[2]

# The test market: small enough for seconds, long enough for three June
# reconstitutions, a December one and the quarterly IPO rounds; 2,500 lines
# so that the Russell 2000 holds 500-700 lines throughout (at 1,500 the
# Russell 1000 takes nearly every eligible line).
YEARS, SEED, LINES = 3, 11, 2500


@pytest.fixture(scope="session")
def market() -> rankday.Market:
    return rankday.Market.generate(years=YEARS, seed=SEED, target_lines=LINES)


@pytest.fixture(scope="session")
def market_dir(market: rankday.Market, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("market")
    market.save(d, "parquet")
    return d


@pytest.fixture(scope="session")
def opened(market_dir: Path) -> rankday.Market:
    """The saved market read back: what the command line sees."""
    return rankday.Market.open(market_dir)


def _cli_path() -> Path:
    if "RANKDAY_BIN" in os.environ:
        return Path(os.environ["RANKDAY_BIN"])
    built = [p for p in (REPO / "target" / prof / "rankday" for prof in ("release", "debug")) if p.exists()]
    if built:
        return max(built, key=lambda p: p.stat().st_mtime)
    if shutil.which("cargo") is None:
        pytest.fail("the rankday command line is needed: set RANKDAY_BIN or build it with cargo")
    subprocess.run(["cargo", "build", "-p", "rankday"], cwd=REPO, check=True)
    return REPO / "target" / "debug" / "rankday"


@pytest.fixture(scope="session")
def cli():
    """Runs the rankday command line, failing the test on a non-zero exit."""
    exe = _cli_path()

    def run(*args: str | os.PathLike) -> str:
        r = subprocess.run(
            [str(exe), "--quiet", *map(str, args)],
            capture_output=True,
            text=True,
            env={**os.environ, "CI": "1"},
        )
        if r.returncode != 0:
            pytest.fail(f"rankday {' '.join(map(str, args))} failed:\n{r.stderr}")
        return r.stdout

    return run


def require(module: str):
    """Imports an optional consumer; in CI (RANKDAY_REQUIRE_CONSUMERS=1) a
    missing one fails instead of skipping, so no test passes by absence."""
    if os.environ.get("RANKDAY_REQUIRE_CONSUMERS") == "1":
        return __import__(module)
    return pytest.importorskip(module)


def same_table(a, b) -> bool:
    """Equal schemas and values, NaN equal to NaN (Arrow's `equals` says
    NaN differs from itself; membership tables carry NaN percentiles in
    states without a ranking, such as the quarterly updates)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def nan_as_null(t: pa.Table) -> pa.Table:
        cols = [
            pc.if_else(pc.is_nan(c), pa.scalar(None, c.type), c) if pa.types.is_floating(c.type) else c
            for c in t.columns
        ]
        return pa.Table.from_arrays(cols, names=t.column_names)

    a, b = pa.table(a), pa.table(b)
    return a.schema.equals(b.schema) and nan_as_null(a).equals(nan_as_null(b))
