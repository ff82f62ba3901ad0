"""Rendering what a call should say into TwiML: slow, clear, interruptible by keys."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from flows.model import Ask
from flows.words import words



@dataclass(frozen=True)
class Voice:
    """How Twilio speaks and listens in one language: a <Say> voice and its language, and
    the language <Gather> recognises speech in."""

    name: str  # Amazon Polly neural voices, as Twilio names them
    language: str  # BCP-47, for <Say language> and <Gather language>
    transcribes: bool = False  # Twilio transcribes recordings in English only


# Per catalogue language. Polly's neural voices: Amy (en-GB), Ola (pl-PL), Hala (ar-AE,
# Gulf Arabic, which Twilio's speech recognition also takes as ar-AE).
VOICES = {"en": Voice("Polly.Amy-Neural", "en-GB", transcribes=True),
          "pl": Voice("Polly.Ola-Neural", "pl-PL"),
          "ar": Voice("Polly.Hala-Neural", "ar-AE")}
# Slower and slower each time the person presses 9; the last one is the slowest we go.
RATES = ("90%", "75%", "60%")
# A voucher code is spelled a step slower than the words around it, at each of those speeds.
# Polly's "slow" preset has no published percentage, so the slower ones are percentages
# below the person's own 75% and 60%: a code never comes faster than the words they chose.
CODE_RATES = {"90%": "slow", "75%": "60%", "60%": "50%"}
CHOICE_TIMEOUT = 12     # seconds of silence after a question before we say anything
REVIEW_TIMEOUT = 10
MORE_TIME_TIMEOUT = 20
RECORD_SILENCE = 15     # an open answer ends after this much silence (or on #)
RECORD_MAX = 180        # about three minutes


def url(action: str, **query: object) -> str:
    """A path under /twilio/voice with its query; Twilio signs and posts it back to us."""
    path = "/twilio/voice" + (f"/{action}" if action else "")
    given = {k: v for k, v in query.items() if v is not None}
    return path + (f"?{urlencode(given)}" if given else "")


@dataclass(frozen=True)
class Speaker:
    """How to speak to this person: voice, language and their chosen speed."""

    rate: str = RATES[0]
    # Our public address: Twilio wants callbacks (not actions) as absolute URLs.
    base_url: str = ""
    language: str = "en"  # the person's language: the catalogue's code

    @classmethod
    def for_rate(cls, chosen: str | None, base_url: str = "", language: str | None = None
                 ) -> "Speaker":
        """The speaker for someone who chose `chosen` with 9 (None: not yet, the usual pace)."""
        return cls(chosen if chosen in RATES else RATES[0], base_url, language or "en")

    @property
    def voice(self) -> Voice:
        """The voice and speech recognition for this person's language (else English)."""
        return VOICES.get(self.language, VOICES["en"])

    def line(self, key: str, /, **values: object) -> str:
        """A line of the catalogue ("voice.record") in this person's language."""
        return words(key, self.language, **values)

    @property
    def code_rate(self) -> str:
        """How fast to spell out a code for this person: slower than their words."""
        return CODE_RATES[self.rate] if self.rate in CODE_RATES else CODE_RATES[RATES[0]]

    def say(self, parent, text: str):
        """Add `text` to `parent` at this person's pace; the <Say>, for more to follow."""
        say = parent.say(voice=self.voice.name, language=self.voice.language)
        say.prosody(text, rate=self.rate)
        return say


def next_rate(rate: str | None) -> str | None:
    """One step slower than `rate`, or None when already the slowest."""
    index = RATES.index(rate) if rate in RATES else 0
    return RATES[index + 1] if index + 1 < len(RATES) else None


def _speech_hints(ask: Ask) -> str:
    return ", ".join(dict.fromkeys(w for c in ask.choices for w in c.words if w.isascii()))


def _gather(response: VoiceResponse, action: str, **options):
    return response.gather(action=action, method="POST", finish_on_key="#", **options)


def question(speaker: Speaker, lines: list[str], ask: Ask, silences: int = 0,
             say_question: bool = True) -> str:
    """Say `lines` then ask; keys interrupt; silence goes to the silence handler."""
    spoken = lines + [ask.voice_text or ask.text] if say_question else lines
    return _QUESTIONS[ask.kind](speaker, spoken, ask, silences)


def _choice(speaker: Speaker, lines: list[str], ask: Ask, silences: int) -> str:
    response = VoiceResponse()
    gather = _gather(response, url("answer", step=ask.step_id), input="dtmf speech",
                     num_digits=1, timeout=CHOICE_TIMEOUT, speech_timeout="auto",
                     language=speaker.voice.language, hints=_speech_hints(ask))
    for text in lines:
        speaker.say(gather, text)
    response.redirect(url("silence", step=ask.step_id, n=silences + 1), method="POST")
    return str(response)


def _open(speaker: Speaker, lines: list[str], ask: Ask, silences: int) -> str:
    # Keys still work while the question is read; then the tone and the recording.
    response = VoiceResponse()
    gather = _gather(response, url("answer", step=ask.step_id), input="dtmf",
                     num_digits=1, timeout=1)
    for text in lines + [speaker.line("voice.record")]:
        speaker.say(gather, text)
    _record(speaker, response, ask.step_id, silences)
    return str(response)


_QUESTIONS = {"choice": _choice, "open": _open}


def _record(speaker: Speaker, response: VoiceResponse, step_id: str, silences: int) -> None:
    response.record(action=url("recorded", step=step_id, n=silences + 1), method="POST",
                    finish_on_key="#", max_length=RECORD_MAX, timeout=RECORD_SILENCE,
                    trim="trim-silence", play_beep=True,
                    **_transcribed(speaker))
    # Twilio goes on to the next verb when nothing at all was recorded.
    response.redirect(url("silence", step=step_id, n=silences + 1), method="POST")


def _transcribed(speaker: Speaker) -> dict:
    # Twilio's transcription is English only; other languages keep the recording alone.
    if not speaker.voice.transcribes:
        return {}
    return {"transcribe": True,
            "transcribe_callback": f"{speaker.base_url}/twilio/recording"}


def record(speaker: Speaker, lines: list[str], step_id: str, silences: int = 0) -> str:
    """Ask for a spoken answer straight away (after a re-record or a key press)."""
    response = VoiceResponse()
    for text in lines + [speaker.line("voice.record")]:
        speaker.say(response, text)
    _record(speaker, response, step_id, silences)
    return str(response)


def review(speaker: Speaker, lines: list[str], step_id: str, play: str | None = None) -> str:
    """After a recording: 1 keep, 2 hear it back, 3 record again; silence keeps it."""
    response = VoiceResponse()
    gather = _gather(response, url("review", step=step_id), input="dtmf", num_digits=1,
                     timeout=REVIEW_TIMEOUT)
    for text in lines:
        speaker.say(gather, text)
    if play:
        gather.play(play)
    speaker.say(gather, speaker.line("voice.review"))
    response.redirect(url("review", step=step_id, kept="silence"), method="POST")
    return str(response)


def keys_menu(speaker: Speaker, lines: list[str], action: str, silence: str,
              timeout: int = REVIEW_TIMEOUT) -> str:
    """Say `lines` and wait for one key, posted to `action`; silence goes to `silence`."""
    response = VoiceResponse()
    gather = _gather(response, action, input="dtmf", num_digits=1, timeout=timeout)
    for text in lines:
        speaker.say(gather, text)
    response.redirect(silence, method="POST")
    return str(response)


def more_time(speaker: Speaker, step_id: str) -> str:
    """The second silence: offer more time before giving up."""
    response = VoiceResponse()
    gather = _gather(response, url("more-time", step=step_id), input="dtmf speech",
                     num_digits=1, timeout=MORE_TIME_TIMEOUT, speech_timeout="auto",
                     language=speaker.voice.language)
    speaker.say(gather, speaker.line("voice.silence_2"))
    response.redirect(url("silence", step=step_id, n=3), method="POST")
    return str(response)


def goodbye(speaker: Speaker, lines: list[str]) -> str:
    """Say the last words, then hang up; never a hang-up without words."""
    response = VoiceResponse()
    for text in [t for t in lines if t] or [speaker.line("voice.goodbye")]:
        speaker.say(response, text)
    response.pause(length=1)
    response.hangup()
    return str(response)


def carry_on(speaker: Speaker, lines: list[str], target: str) -> str:
    """Say `lines`, then go on to `target` (another part of the call) instead of hanging up."""
    response = VoiceResponse()
    for text in [t for t in lines if t]:
        speaker.say(response, text)
    response.redirect(target, method="POST")
    return str(response)


def without_goodbye(text: str, word: str = "Goodbye.") -> str:
    """`text` without its closing goodbye ("Goodbye.", "Do widzenia."), for when the call
    goes on after it."""
    return re.sub(rf"\s*{re.escape(word.rstrip('.'))}\.?\s*$", "", text)
