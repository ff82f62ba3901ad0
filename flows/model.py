"""Frozen dataclasses for flows, conversation state, events and outputs."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

STEP_KINDS = ("message", "open", "choice", "end")


@dataclass(frozen=True)
class Text:
    """A text with translations keyed by language code; English is the fallback."""

    translations: Mapping[str, str]

    def render(self, language: str = "en", **values: object) -> str:
        """The text in `language` (else English) with `{names}` filled in."""
        template = self.translations.get(language) or self.translations["en"]
        return template.format(**values) if values else template


@dataclass(frozen=True)
class Choice:
    """One option of a choice question: what it means and where it leads."""

    value: str
    words: tuple[str, ...]
    digits: tuple[str, ...]
    next: str


@dataclass(frozen=True)
class Step:
    """One step of a flow; `kind` says how it behaves."""

    id: str
    kind: str
    text: Text
    next: str | None = None
    choices: tuple[Choice, ...] = ()
    no_match: Text | None = None
    retries: int = 2
    timeout: str | None = None
    number: int | None = None
    consent: str | None = None
    voice: Text | None = None
    outcome: str = "finished"
    # Why we ask this question: a line after the question, in the same text (and said
    # before it on a call), so people know what their answer is for.
    why: Text | None = None
    # What a call says when a choice is not understood (the set's `no_match_voice` if None).
    no_match_voice: Text | None = None

    @property
    def is_question(self) -> bool:
        return self.kind in ("open", "choice")

    def routes(self) -> tuple[str, ...]:
        """Every step id this step can lead to."""
        found = [self.next, self.timeout] + [c.next for c in self.choices]
        return tuple(r for r in found if r)


@dataclass(frozen=True)
class Flow:
    """A whole flow: its steps in order, shared texts and identity."""

    id: str
    version: int
    title: str
    start: str
    steps: Mapping[str, Step]
    texts: Mapping[str, Text]
    offers_voucher: bool = False

    @property
    def total_questions(self) -> int:
        return sum(1 for s in self.steps.values() if s.number)

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def say(self, key: str, language: str = "en", **values: object) -> str:
        return self.texts[key].render(language, **values)


@dataclass(frozen=True)
class State:
    """Where one person is in one flow. Stored as JSON between messages."""

    flow_id: str
    flow_version: int
    step: str | None = None
    status: str = "new"  # new | active | paused | finished | declined
    retries: int = 0
    answered: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    language: str = "en"
    started_at: str | None = None
    updated_at: str | None = None
    held: tuple[str, ...] = ()  # texts of an open answer still being written (ANSWER_WINDOW)
    held_at: str | None = None  # when the latest of them arrived

    def to_dict(self) -> dict:
        return {
            "flow_id": self.flow_id, "flow_version": self.flow_version,
            "step": self.step, "status": self.status, "retries": self.retries,
            "answered": list(self.answered), "skipped": list(self.skipped),
            "language": self.language, "started_at": self.started_at,
            "updated_at": self.updated_at, "held": list(self.held), "held_at": self.held_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "State":
        values = dict(data)
        values["answered"] = tuple(values.get("answered", ()))
        values["skipped"] = tuple(values.get("skipped", ()))
        values["held"] = tuple(values.get("held", ()))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


# Events: what happened to a conversation.

@dataclass(frozen=True)
class Recording:
    """A spoken answer kept as audio."""

    url: str
    sid: str
    duration: int


@dataclass(frozen=True)
class Start:
    """The person has made contact and the flow should begin (or resume)."""

    channel: str = "sms"


class _NotClassified:
    """A Reply's intent before anyone has looked for a keyword in its words."""

    def __repr__(self) -> str:
        return "NOT_CLASSIFIED"


NOT_CLASSIFIED = _NotClassified()


@dataclass(frozen=True)
class Reply:
    """The person said something: words, keys, or a recording."""

    text: str | None = None
    digits: str | None = None
    recording: Recording | None = None
    channel: str = "sms"
    # Seconds the person may take to add more texts to an open answer; 0: answer at once.
    window: int = 0
    # The keyword intent a channel already found in `text` (flows.keywords.classify), or
    # None for none: the engine then does not look again. Left out, the engine looks.
    intent: str | None | _NotClassified = NOT_CLASSIFIED


@dataclass(frozen=True)
class WindowClosed:
    """Time to check whether an open answer's texts have stopped coming (`window` seconds)."""

    window: int


@dataclass(frozen=True)
class TimedOut:
    """The person said nothing for long enough that we stop waiting."""

    channel: str = "voice"


Event = Start | Reply | TimedOut | WindowClosed


# Outputs: what the channels should do.

@dataclass(frozen=True)
class Say:
    """Tell the person something; no answer expected. `voice_text` is for calls."""

    text: str
    voice_text: str | None = None


@dataclass(frozen=True)
class Ask:
    """Ask the person a question and wait for an answer of `kind`."""

    step_id: str
    text: str
    kind: str
    choices: tuple[Choice, ...] = ()
    number: int | None = None
    total: int = 0
    voice_text: str | None = None


@dataclass(frozen=True)
class SaveAnswer:
    """Keep an answer (or that the question was skipped)."""

    step_id: str
    question: str
    text: str | None
    value: str | None = None
    skipped: bool = False
    recording: Recording | None = None
    channel: str = "sms"


@dataclass(frozen=True)
class SaveConsent:
    """Keep what the person said about being contacted, with the channel."""

    topic: str
    granted: bool
    channel: str = "sms"


@dataclass(frozen=True)
class Held:
    """An open answer is being held for more texts: check again after `window` seconds."""

    step_id: str
    window: int


@dataclass(frozen=True)
class Finished:
    """The flow is over for this person."""

    completed: bool = True


Output = Say | Ask | SaveAnswer | SaveConsent | Held | Finished


@dataclass(frozen=True)
class Result:
    """What `advance` returns."""

    state: State
    outputs: tuple = field(default_factory=tuple)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
