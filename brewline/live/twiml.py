"""The live session's TwiML: the offer, the room (a muted <Conference>), the * menu."""
from __future__ import annotations

from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from brewline.calls.twiml import CHOICE_TIMEOUT, Speaker
from brewline.live.forms import conference_name

# Twilio's own quiet hold music, played while callers wait for the host.
MUSIC = "http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3"
STATUS_EVENTS = "start end join leave mute hold"
PIN_TIMEOUT = 10
MAX_PIN = 8


def url(action: str, **query: object) -> str:
    """A path under /twilio/voice/live with its query (Twilio signs and posts it back)."""
    given = {k: v for k, v in query.items() if v is not None}
    return f"/twilio/voice/live/{action}" + (f"?{urlencode(given)}" if given else "")


def _ask(speaker: Speaker, lines: list[str], action: str, silence: str,
         digits: int | None = 1, timeout: int = CHOICE_TIMEOUT) -> str:
    response = VoiceResponse()
    gather = response.gather(action=action, method="POST", input="dtmf", num_digits=digits,
                             timeout=timeout, finish_on_key="#")
    for text in lines:
        speaker.say(gather, text)
    response.redirect(silence, method="POST")
    return str(response)


def offer(speaker: Speaker, lines: list[str], event_id: int, silences: int = 0) -> str:
    """One sentence about the session, then 1 to listen in, 2 for the questions."""
    return _ask(speaker, lines, url("offer", event=event_id),
                url("offer", event=event_id, n=silences + 1))


def pin(speaker: Speaker, event_id: int) -> str:
    """Ask the host for the PIN (ended by #)."""
    return _ask(speaker, [speaker.line("live.pin")], url("pin", event=event_id),
                url("offer", event=event_id, n=1), digits=MAX_PIN, timeout=PIN_TIMEOUT)


def menu(speaker: Speaker, lines: list[str], event_id: int) -> str:
    """The short menu after *: 1 ask to speak, 2 back, 3 what is happening, 0 help."""
    return _ask(speaker, lines + [speaker.line("live.menu")], url("menu", event=event_id),
                url("menu", event=event_id, silent=1))


def room(speaker: Speaker, lines: list[str], event_id: int, recorded: bool,
         host: bool = False, muted: bool | None = None) -> str:
    """Into the conference: a listener muted (unless the host already let them speak), no
    beep, waiting for the host with music and hangupOnStar (so * brings them to our menu);
    the host unmuted, starting and ending it."""
    response = VoiceResponse()
    for text in lines:
        speaker.say(response, text)
    dial = response.dial(action=url("back", event=event_id), method="POST",
                         hangup_on_star=not host)
    options = {"record": "record-from-start"} if recorded else {}
    dial.conference(
        conference_name(event_id), muted=(not host) if muted is None else muted, beep=False,
        start_conference_on_enter=host, end_conference_on_exit=host,
        wait_url=f"{speaker.base_url}{url('wait', lang=_other(speaker.language))}",
        wait_method="POST",
        status_callback=f"{speaker.base_url}/twilio/conference-status",
        status_callback_method="POST", status_callback_event=STATUS_EVENTS, **options)
    return str(response)


def wait(speaker: Speaker) -> str:
    """What a caller hears until the host is in: kind words, then quiet music."""
    response = VoiceResponse()
    speaker.say(response, speaker.line("live.wait"))
    response.play(MUSIC, loop=0)
    return str(response)


def announce(speakers: list[Speaker], key: str) -> str:
    """Words said to everyone in the room (Twilio's announceUrl), once in each language
    of the people in it."""
    response = VoiceResponse()
    for speaker in speakers:
        speaker.say(response, speaker.line(f"live.{key}"))
    return str(response)


def _other(language: str) -> str | None:
    # English is the default: its URLs carry no language.
    return None if language == "en" else language
