"""RQ job: close an open answer's window once the person has stopped texting."""
from __future__ import annotations

from service import answer_window
from workers import context


def close_window(conversation_id: int) -> str:
    """Join held texts into one answer and send the next question, if the window has passed."""
    return answer_window.close(context.runtime(), conversation_id)
