"""The reminder call: /twilio/voice/reminder reminds a phone-only person who said yes.

The worker places the call with `?outbox=ID` (the reminder_call row); its turns are those
of every call with news about an event (event_call.py): what, when and
where, slowly, with the time counted from the moment it is heard ("tomorrow, Wednesday
the 27th of November, at half past six in the evening"), `*` again, `9` slower, and an
answering machine gets the same reminder as a short message, with the date in full.
Its own keys: `2` means "I can no longer come" (the RSVP becomes no), `1` "still coming".
"""
from __future__ import annotations

from brewline.calls.turns import keys
from brewline.calls.twiml import goodbye
from brewline.events.event_call import Script, blueprint, said
from brewline.events.invite_call import InviteCall, record_once
from brewline.events.reminders import CALL_PURPOSE
from flows.invites import rsvp_answer

KEY_ANSWERS = {"1": "yes", "2": "no"}


def rsvp(_script: Script, turn: InviteCall) -> str | None:
    """Can no longer come (the RSVP becomes no), or still coming (nothing changes)."""
    pressed, words = keys(turn.heard.digits), (turn.heard.speech or "").strip()
    answer = KEY_ANSWERS.get(pressed or "") or rsvp_answer(words)
    if answer == "no":
        record_once(turn, "no", words or pressed)
        return goodbye(turn.speaker, [said(turn, "reminder_call_no")])
    if answer == "yes":  # still coming: nothing to change
        return goodbye(turn.speaker, [turn.speaker.line("event_calls.reminder_call_yes")])
    return None


SCRIPT = Script(route="reminder", purpose=CALL_PURPOSE, news="reminder_call",
                keys="reminder_call_keys", voicemail="reminder_voicemail",
                bye="reminder_call_bye", words="reminder_call", reply=rsvp)
bp = blueprint(SCRIPT)
