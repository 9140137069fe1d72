"""Every public name has a docstring, and the type stubs name exactly what
the module has."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import rankday
import rankday._rankday as ext

STUBS = Path(rankday.__file__).with_name("_rankday.pyi")


def public(obj) -> list[str]:
    return [n for n in dir(obj) if not n.startswith("_")]


def test_every_public_name_is_documented():
    assert rankday.__doc__
    missing = []
    for name in rankday.__all__:
        obj = getattr(rankday, name)
        if name == "__version__":
            continue
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for m in public(obj):
                if not (getattr(obj, m).__doc__ or "").strip():
                    missing.append(f"{name}.{m}")
    assert not missing, f"undocumented: {missing}"


def stub_names() -> dict[str, set[str]]:
    tree = ast.parse(STUBS.read_text())
    out: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {
                n.name for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
            } | {
                n.target.id for n in node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            }
            out[""].add(node.name)
        elif isinstance(node, ast.FunctionDef):
            out[""].add(node.name)
    return out


def test_stubs_match_the_module():
    stubs = stub_names()
    runtime = set(rankday.__all__) - {"__version__"}
    assert runtime <= stubs[""], runtime - stubs[""]
    for cls in ("Market", "Table", "FundResult", "BenchmarkResult"):
        have = set(public(getattr(ext, cls)))
        assert have == stubs[cls], f"{cls}: only in the module {have - stubs[cls]}, only in the stubs {stubs[cls] - have}"
    assert {"file", "line", "row", "column"} <= stubs["RankdayError"]
    assert (Path(rankday.__file__).parent / "py.typed").exists()
