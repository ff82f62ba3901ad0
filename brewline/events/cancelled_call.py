"""The cancellation call: /twilio/voice/cancelled tells a phone-only person an event is off.

`brewline events cancel` writes an event_cancelled_call row for each person who said yes
or maybe and cannot get texts (the others are texted); the worker places it with
`?outbox=ID` at a civil hour. Its turns are those of every call with news about an event
(event_call.py): sorry, which session is off and when it was to be (said as
"tomorrow, Wednesday the 27th of November, ..."), that nothing is needed from them; `*`
again, `9` slower; a voicemail gets a short message with the date in full.
"""
from __future__ import annotations

from brewline.events import events
from brewline.events.event_call import Script, blueprint


SCRIPT = Script(route="cancelled", purpose=events.CANCELLED_CALL, news="cancelled_call",
                keys="cancelled_call_keys", voicemail="cancelled_voicemail",
                bye="cancelled_call_bye", words="cancelled_call", live=events.is_called_off,
                hints="repeat, again")
bp = blueprint(SCRIPT)
