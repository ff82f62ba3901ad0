"""Helpers for spoken answers: a playable WAV and an answer that points at a recording."""
from __future__ import annotations

import io
import wave
from datetime import datetime, timezone

from brewline.people import contacts
from brewline.surveys import conversations
from brewline.surveys.models import Answer
from tests.conftest import ACCOUNT_SID

SID = "RE" + "a" * 32


def wav_bytes(seconds: float = 1.0) -> bytes:
    """A real, playable WAV file of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


def spoken_answer(runtime, sid: str = SID, transcript: str = "I like the <b>biscuits</b>") -> int:
    """A spoken answer as the voice channel keeps it; returns its id."""
    with runtime.store.transaction() as db:
        contact = contacts.find_or_create(db, "+447700900321")
        conversation = conversations.current(db, runtime.flows, contact)
        answer = Answer(
            conversation_id=conversation.id, contact_id=contact.id,
            flow_id=conversation.flow_id, flow_version=1, question_id="value",
            question_text="What do you like about it?", channel="voice",
            recording_sid=sid, recording_duration=1, transcript=transcript,
            recording_url=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{sid}",
            created_at=datetime.now(timezone.utc))
        db.add(answer)
        db.flush()
        return answer.id
