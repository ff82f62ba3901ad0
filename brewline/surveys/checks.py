"""`brewline flows check`: structure and readability of flow files."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from flows.loader import DATA_DIR, FlowError, load_file
from flows.readability import check_flow, errors_in


def run(files: Iterable[Path], echo: Callable[[str], None]) -> int:
    """Check each file (every shipped flow if none given); 1 if any has errors."""
    paths = list(files) or sorted(DATA_DIR.glob("*.yaml"))
    errors = sum(_check(path, echo) for path in paths)
    echo(f"{len(paths)} flow file(s) checked, {errors} with errors")
    return 1 if errors else 0


def _check(path: Path, echo: Callable[[str], None]) -> bool:
    try:
        flow = load_file(path)
    except FlowError as exc:
        echo(f"{path}: ERROR")
        for problem in exc.problems:
            echo(f"  error: {problem}")
        return True
    findings = check_flow(flow)
    bad = errors_in(findings)
    echo(f"{path}: {flow.id} v{flow.version}, {flow.total_questions} questions: "
         + ("ERROR" if bad else "ok"))
    for finding in findings:
        echo(f"  {finding.level}: {finding.where}: {finding.message}")
    return bool(bad)
