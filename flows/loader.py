"""Load flow YAML files into frozen dataclasses and validate them."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from flows.engine import KEY_INTENTS
from flows.keywords import normalise
from flows.model import STEP_KINDS, Choice, Flow, Step, Text

# Texts every flow must define, because the engine says them.
REQUIRED_TEXTS = (
    "help", "paused", "skipped", "no_match", "after_end", "welcome_back",
    "question_prefix",
)
# Texts a step may have besides its own words.
OPTIONAL_STEP_TEXTS = ("no_match", "voice", "why", "no_match_voice")
DATA_DIR = Path(__file__).parent / "data"


class FlowError(ValueError):
    """A flow file that cannot be used, with every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"{source}: " + "; ".join(problems))


def load_file(path: str | Path) -> Flow:
    """Read, build and validate one flow file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FlowError(str(path), [f"not valid YAML: {exc}"]) from None
    return build(data, source=str(path))


def build(data: Any, source: str = "<flow>") -> Flow:
    """Turn parsed YAML into a validated Flow, or raise FlowError."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise FlowError(source, ["a flow must be a mapping with id, version and steps"])
    flow = _flow(data, problems)
    if flow is not None:
        problems.extend(validate(flow))
    if problems:
        raise FlowError(source, problems)
    return flow


def unchecked(data: Any, source: str = "<flow>") -> Flow:
    """Parsed YAML as a Flow without the checks of its routes and texts: for a draft still
    being written. FlowError only when it cannot be read as a flow at all."""
    problems: list[str] = []
    flow = _flow(data, problems) if isinstance(data, Mapping) else None
    if flow is None or problems:
        raise FlowError(source, problems or ["a flow must be a mapping with id, version and steps"])
    return flow


def _flow(data: Mapping, problems: list[str]) -> Flow | None:
    for key in ("id", "version", "steps"):
        if key not in data:
            problems.append(f"missing '{key}'")
    if problems:
        return None
    steps = [_step(raw, problems) for raw in data["steps"] or []]
    ids = [s.id for s in steps if s]
    for dup in {i for i in ids if ids.count(i) > 1}:
        problems.append(f"step id '{dup}' is used twice")
    texts = {k: _text(v, f"texts.{k}", problems) for k, v in (data.get("texts") or {}).items()}
    return Flow(
        id=str(data["id"]), version=int(data["version"]),
        title=str(data.get("title", data["id"])),
        start=str(data.get("start") or (ids[0] if ids else "")),
        steps={s.id: s for s in steps if s}, texts=texts,
        offers_voucher=bool(data.get("offers_voucher", False)),
    )


def _text(raw: Any, where: str, problems: list[str]) -> Text:
    if isinstance(raw, str):
        return Text({"en": raw})
    if isinstance(raw, Mapping) and isinstance(raw.get("en"), str):
        return Text({str(k): str(v) for k, v in raw.items()})
    problems.append(f"{where} needs English text")
    return Text({"en": ""})


def _step(raw: Any, problems: list[str]) -> Step | None:
    if not isinstance(raw, Mapping) or "id" not in raw:
        problems.append(f"a step without an id: {raw!r:.60}")
        return None
    sid, kind = str(raw["id"]), raw.get("kind")
    if kind not in STEP_KINDS:
        problems.append(f"step '{sid}' has unknown kind {kind!r}")
    optional = {k: _text(raw[k], f"{sid}.{k}", problems) for k in OPTIONAL_STEP_TEXTS if k in raw}
    return Step(
        id=sid, kind=str(kind), text=_text(raw.get("text"), f"{sid}.text", problems),
        next=raw.get("next"), choices=tuple(_choices(raw.get("choices") or [], sid, problems)),
        retries=int(raw.get("retries", 2)), timeout=raw.get("timeout"),
        number=raw.get("number"), consent=raw.get("consent"),
        outcome=str(raw.get("outcome", "finished")), **optional,
    )


def _choices(raws: Iterable, sid: str, problems: list[str]) -> Iterable[Choice]:
    for raw in raws:
        if not isinstance(raw, Mapping) or not raw.get("value") or not raw.get("next"):
            problems.append(f"step '{sid}' has a choice without value and next")
            continue
        yield Choice(
            value=str(raw["value"]), next=str(raw["next"]),
            words=tuple(normalise(str(w)) or str(w).strip() for w in raw.get("words") or ()),
            digits=tuple(str(d) for d in raw.get("digits") or ()),
        )


def validate(flow: Flow) -> list[str]:
    """Structural problems: dangling routes, unreachable steps, missing texts."""
    problems = [f"missing shared text '{k}'" for k in REQUIRED_TEXTS if k not in flow.texts]
    if flow.start not in flow.steps:
        problems.append(f"start step '{flow.start}' does not exist")
    for step in flow.steps.values():
        problems.extend(_step_problems(flow, step))
    problems.extend(f"step '{s}' can never be reached" for s in _unreachable(flow))
    return problems


def _step_problems(flow: Flow, step: Step) -> list[str]:
    problems = [f"step '{step.id}' leads to '{r}', which does not exist"
                for r in step.routes() if r not in flow.steps]
    if not step.text.translations.get("en"):
        problems.append(f"step '{step.id}' has no text")
    if step.kind in ("message", "open", "choice") and not step.next:
        problems.append(f"step '{step.id}' needs 'next' (where to go after it, or on skip)")
    if step.kind == "choice" and not step.choices:
        problems.append(f"choice step '{step.id}' has no choices")
    for key in sorted({d for c in step.choices for d in c.digits if d in KEY_INTENTS}):
        # On a call that key always means the same thing, so the choice could never be picked.
        problems.append(f"step '{step.id}' gives key {key} to a choice, but on a call it "
                        f"always means {KEY_INTENTS[key]}")
    if step.kind == "end" and step.routes():
        problems.append(f"end step '{step.id}' must not lead anywhere")
    return problems


def _unreachable(flow: Flow) -> list[str]:
    seen, todo = set(), [flow.start]
    while todo:
        current = todo.pop()
        if current in seen or current not in flow.steps:
            continue
        seen.add(current)
        todo.extend(flow.steps[current].routes())
    return [s for s in flow.steps if s not in seen]


class Registry:
    """Every known version of every flow; the newest version is current."""

    def __init__(self, flows: Iterable[Flow]):
        self._flows = {(f.id, f.version): f for f in flows}

    @classmethod
    def from_dir(cls, directory: str | Path = DATA_DIR) -> "Registry":
        return cls(load_file(p) for p in sorted(Path(directory).glob("*.yaml")))

    def get(self, flow_id: str, version: int | None = None) -> Flow:
        """A flow by id, at `version` or the newest; KeyError if unknown."""
        if version is not None:
            return self._flows[(flow_id, version)]
        versions = [v for (i, v) in self._flows if i == flow_id]
        if not versions:
            raise KeyError(flow_id)
        return self._flows[(flow_id, max(versions))]

    def ids(self) -> list[str]:
        return sorted({i for (i, _v) in self._flows})

    def __iter__(self):
        return iter(self._flows.values())
