"""`brewline flows check`: structure and readability of flow files."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from flows.loader import DATA_DIR, FlowError, load_file
from flows.model import Flow
from flows.readability import Translated, check_flow, errors_in, translations


def run(files: Iterable[Path], echo: Callable[[str], None],
        languages: tuple[str, ...] = ("en",)) -> int:
    """Check each file (every shipped flow if none given); 1 if any has errors. Each text's
    SMS parts in every language it has, and every translation missing from `languages`
    (switched on: LANGUAGES), are listed too; a missing one is sent in English."""
    paths = list(files) or sorted(DATA_DIR.glob("*.yaml"))
    errors = sum(_check(path, echo, languages) for path in paths)
    echo(f"{len(paths)} flow file(s) checked, {errors} with errors")
    return 1 if errors else 0


def _check(path: Path, echo: Callable[[str], None], languages: tuple[str, ...]) -> bool:
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
    _languages(flow, languages, echo)
    return bool(bad)


def _languages(flow: Flow, languages: tuple[str, ...], echo: Callable[[str], None]) -> None:
    found = translations(flow, languages)
    missing = [(t.where, code) for t in found for code in t.missing]
    echo(f"  translations ({', '.join(languages)}): "
         + (f"{len(missing)} missing, sent in English" if missing else "none missing"))
    for where, code in missing:
        echo(f"  missing: {where} [{code}]")
    for text in found:
        echo(f"  parts: {text.where}: {_parts(text)}")


def _parts(text: Translated) -> str:
    return ", ".join(f"{code} heard" if counted is None else f"{code} {counted[0]} ({counted[1]})"
                     for code, counted in text.parts.items())
