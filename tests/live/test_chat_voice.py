"""`brewline chat --voice` joins a live session: it shows it is in the room, and * works."""
from __future__ import annotations

from brewline.live.models import LiveCaller
from tests.calls.phone import rows
from tests.cli.test_chat_voice import ring


def test_chat_voice_joins_the_room_muted_and_star_then_1_raises_a_hand(
        served, tmp_path, runtime, event_on):
    result = ring(served, tmp_path, "\n".join(["1", "*", "1", "hangup"]) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "It is about Buses in Whitley Bay" in out
    assert "The session will start soon" in out  # the waiting words, then music
    assert out.count("(you are in the live session, muted. Type * for the menu") == 2
    assert "To ask to speak, press 1" in out
    assert "The host knows you would like to speak" in out
    [caller] = rows(runtime, LiveCaller)
    assert caller.hand_at is not None
    assert caller.state == "out"  # hanging up in the room is a leave


def test_in_the_room_other_keys_are_explained_not_sent(served, tmp_path, runtime, event_on):
    result = ring(served, tmp_path, "\n".join(["1", "5", "hangup"]) + "\n")
    assert "only * does something here" in result.output
    assert rows(runtime, LiveCaller)[0].hand_at is None
