"""Server-rendered SVG charts: plain shapes, readable without JavaScript or colour alone."""
from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 14, 130, 360
# Dark blue for answered, a hatched mid-grey for skipped: both pass 3:1 against white.
ANSWERED, SKIPPED, REACHED_OUTLINE = "#1d4f91", "#6b6b6b", "#222222"


@dataclass(frozen=True)
class Bar:
    """One question's bar: drawn rectangles with their x, width and fill."""

    y: int
    label: str
    reached: int
    answered_width: float
    skipped_x: float
    skipped_width: float
    reached_width: float
    summary: str


def drop_off(questions, width: int = BAR_WIDTH) -> dict:
    """Geometry for a drop-off chart: one bar per question, scaled to the most reached."""
    most = max([q.reached for q in questions] + [1])
    scale = width / most
    bars = []
    for index, q in enumerate(questions):
        answered_w, skipped_w = q.answered * scale, q.skipped * scale
        bars.append(Bar(
            y=index * (BAR_HEIGHT + GAP) + 8, label=q.label, reached=q.reached,
            answered_width=answered_w, skipped_x=LABEL_WIDTH + answered_w,
            skipped_width=skipped_w, reached_width=q.reached * scale,
            summary=f"{q.label}: {q.reached} reached, {q.answered} answered, {q.skipped} skipped"))
    height = len(bars) * (BAR_HEIGHT + GAP) + 16
    return {"bars": bars, "height": height, "width": LABEL_WIDTH + width + 60,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT,
            "answered": ANSWERED, "skipped": SKIPPED, "outline": REACHED_OUTLINE}
