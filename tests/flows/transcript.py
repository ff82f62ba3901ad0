"""Transcript helpers: a scripted conversation in, the exact outputs out."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from flows.engine import advance, new_state
from flows.loader import load_file
from flows.model import Ask, Finished, Reply, SaveAnswer, SaveConsent, Say, State

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)


def flow(name: str = "every_kind"):
    return load_file(DATA / f"{name}.yaml")


def line(output) -> str:
    """One output as a short line a person can read in a test."""
    if isinstance(output, Ask):
        return f"ask {output.step_id}: {output.text}"
    if isinstance(output, Say):
        return f"say: {output.text}"
    if isinstance(output, SaveAnswer):
        what = "skipped" if output.skipped else f"{output.text!r}" + (
            f"={output.value}" if output.value else "")
        return f"save {output.step_id}: {what}"
    if isinstance(output, SaveConsent):
        return f"consent {output.topic}: {'yes' if output.granted else 'no'}"
    if isinstance(output, Finished):
        return "finished" if output.completed else "ended"
    raise AssertionError(f"unexpected output {output!r}")


def run(the_flow, events, state: State | None = None):
    """Feed events one by one; return the final state and every output line."""
    state = state or new_state(the_flow)
    lines = []
    for event in events:
        if isinstance(event, str):
            event = Reply(text=event)
        result = advance(the_flow, state, event, NOW)
        state = result.state
        lines += [line(o) for o in result.outputs]
    return state, lines
