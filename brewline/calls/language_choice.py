"""The choice of language at the start of a call to us, offered only when more than one
language is switched on (LANGUAGES): one short option per language, each said in its own
language and voice ("For English, press 1. Po polsku, naciśnij 2."). The key chosen is the
person's language from then on, for calls and texts alike; silence keeps theirs."""
from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from brewline.calls.turns import CallTurn, keys
from brewline.calls.twiml import Speaker, url
from brewline.surveys import conversations
from flows.words import switched_on

TIMEOUT = 5  # seconds: short, as silence simply keeps the language we know


def offered(turn: CallTurn) -> tuple[str, ...]:
    """The languages to offer this caller: none on a call we placed or with one language."""
    found = switched_on(turn.runtime.settings.languages)
    return () if turn.heard.outbound or len(found) < 2 else found


def ask(turn: CallTurn, languages: tuple[str, ...]) -> str:
    """Each option in its own language and voice, at the caller's own pace."""
    response = VoiceResponse()
    gather = response.gather(action=url("language"), method="POST", input="dtmf",
                             num_digits=1, timeout=TIMEOUT)
    for key, code in enumerate(languages, start=1):
        own = Speaker(turn.speaker.rate, turn.speaker.base_url, code)
        own.say(gather, own.line("languages.choice", key=key))
    response.redirect(url("language"), method="POST")
    return str(response)


def chosen(turn: CallTurn) -> CallTurn:
    """The key pressed (or silence): the person's language from now on, if it names one."""
    languages = switched_on(turn.runtime.settings.languages)
    pressed = keys(turn.heard.digits) or ""
    if pressed.isdigit() and 1 <= int(pressed) <= len(languages):
        conversations.speak_in(turn.session, turn.contact, languages[int(pressed) - 1])
    return turn
