"""Server-rendered charts: plain HTML bars sized in percent, so they reflow at 360 px and at
200% zoom, with the words beside them, readable without JavaScript or colour alone."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    """One question's bar: its words, its numbers and the widths to draw, in percent."""

    label: str
    reached: int
    answered: int
    skipped: int
    width: float  # of the widest bar (the question most people reached)
    answered_share: float  # of this bar
    skipped_share: float  # of this bar

    @property
    def counts(self) -> str:
        return f"{self.reached} reached, {self.answered} answered, {self.skipped} skipped"


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def drop_off(questions) -> list[Bar]:
    """A drop-off chart: one bar per question, scaled to the most reached."""
    most = max([q.reached for q in questions] + [1])
    return [Bar(q.label, q.reached, q.answered, q.skipped, _percent(q.reached, most),
                _percent(q.answered, q.reached), _percent(q.skipped, q.reached))
            for q in questions]
