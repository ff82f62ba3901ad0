"""flows/ is pure: no web, Twilio, database, Redis or queue imports."""
from __future__ import annotations

import ast
from pathlib import Path

import flows

FORBIDDEN = {"flask", "twilio", "sqlalchemy", "redis", "rq", "brewline", "workers",
             "requests", "socket", "urllib", "http"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_in_flows_imports_io_libraries():
    offenders = {p.name: imported_roots(p) & FORBIDDEN
                 for p in Path(flows.__file__).parent.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
