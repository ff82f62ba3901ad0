"""The pure conversation engine: state + event -> new state + outputs. No I/O."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flows.keywords import classify, is_answer, is_greeting, matches, normalise
from flows.model import (
    NOT_CLASSIFIED,
    Ask,
    Choice,
    Finished,
    Flow,
    Held,
    Reply,
    Result,
    SaveAnswer,
    SaveConsent,
    Say,
    Start,
    State,
    Step,
    TimedOut,
    WindowClosed,
    stamp,
)

# Keys that mean the same thing on every question of a call. 7 skips, as SKIP does by
# text; it is clear of the yes/no keys (1, 2) and the line's own keys (9 slower, 8 no texts).
SKIP_KEY = "7"
KEY_INTENTS = {"*": "repeat", "0": "help", SKIP_KEY: "skip"}
# How many message steps in a row we follow before assuming a loop.
MAX_HOPS = 50
# A choice whose value is one of these also takes the catalogues' words for it ("tak",
# "نعم"), so a set written in English still understands people who answer in their own.
SHARED_CHOICES = ("yes", "no")


def new_state(flow: Flow, language: str = "en") -> State:
    """A conversation that has not begun."""
    return State(flow_id=flow.id, flow_version=flow.version, language=language)


def advance(flow: Flow, state: State, event, now: datetime) -> Result:
    """Apply one event to a conversation and say what should happen."""
    if isinstance(event, WindowClosed):
        result = _on_window_closed(flow, state, event, now)
    elif state.held and not getattr(event, "window", 0) and _intent_of(event) not in _KEYWORDS:
        # A call (or anything not held) while texts are held: they answer the question
        # they were written for, before this event moves the conversation on.
        closed = _close_window(flow, state)
        after = _HANDLERS[type(event)](flow, closed.state, event)
        # What to say next comes from this event; the close only keeps the answer.
        kept = tuple(o for o in closed.outputs if not isinstance(o, (Say, Ask)))
        result = Result(after.state, kept + after.outputs)
    else:
        result = _HANDLERS[type(event)](flow, state, event)
    held_at = stamp(now) if result.state.held != state.held and result.state.held else (
        result.state.held_at if result.state.held else None)
    return Result(replace(result.state, updated_at=stamp(now), held_at=held_at,
                          started_at=result.state.started_at or stamp(now)), result.outputs)


def current_question(flow: Flow, state: State) -> Ask | None:
    """The question the person is on (to ask it again), or None when there is none.

    Channels ask this instead of making up a turn: nothing changes and nothing is kept.
    """
    if state.status not in ("active", "paused") or not state.step:
        return None
    step = flow.step(state.step)
    return _ask(flow, state, step) if step.is_question else None


def _on_start(flow: Flow, state: State, event: Start) -> Result:
    if state.status in ("new", "declined"):
        return enter(flow, replace(state, answered=(), skipped=()), flow.start)
    if state.status == "finished":
        return Result(state, (_said(flow, state, "after_end"),))
    return _welcome_back(flow, state)


def _on_reply(flow: Flow, state: State, event: Reply) -> Result:
    if state.status in ("new", "declined", "finished"):
        return _on_start(flow, state, Start(event.channel))
    step = flow.step(state.step)
    if state.status == "paused" and _is_greeting(event, step):
        # Before keywords: "hello again" is someone coming back, not a REPEAT.
        return _welcome_back(flow, state)
    intent = _intent(event)
    if state.held and intent in _KEYWORDS:
        return _keyword_after_held(flow, state, event, intent)
    if intent in _KEYWORDS:
        return _KEYWORDS[intent](flow, state, event)
    return _ANSWERS[step.kind](flow, replace(state, status="active"), step, event)


def _on_timeout(flow: Flow, state: State, event: TimedOut) -> Result:
    step = flow.step(state.step) if state.step else None
    if step and step.timeout:
        return enter(flow, state, step.timeout)
    return Result(replace(state, status="paused") if state.status == "active" else state, ())


def _intent(event: Reply) -> str | None:
    if event.digits in KEY_INTENTS:
        return KEY_INTENTS[event.digits]
    if event.recording is not None:
        return None
    if event.intent is not NOT_CLASSIFIED:
        return event.intent  # the channel has already looked: once is enough
    keyword = classify(event.text)
    return keyword.intent if keyword else None


def _intent_of(event) -> str | None:
    return _intent(event) if isinstance(event, Reply) else None


def _is_greeting(event: Reply, step: Step) -> bool:
    """Hello or "I'm back" after a pause (or nothing at all), rather than an answer."""
    if event.recording is not None or (step.kind == "choice" and _match(step, event)):
        return False
    nothing = not normalise(event.text) and not event.digits
    return nothing or is_greeting(event.text)


# Keywords that act inside a flow. Opt-out and the rest are handled by the service.

def _skip(flow: Flow, state: State, event: Reply) -> Result:
    step = flow.step(state.step)
    save = SaveAnswer(step.id, _question(flow, state, step), None, skipped=True,
                      channel=event.channel)
    moved = enter(flow, replace(state, skipped=_add(state.skipped, step.id)), step.next)
    return Result(moved.state, (save, _said(flow, state, "skipped")) + moved.outputs)


def _repeat(flow: Flow, state: State, event: Reply) -> Result:
    return Result(replace(state, status="active"), (_ask(flow, state, flow.step(state.step)),))


def _help(flow: Flow, state: State, event: Reply) -> Result:
    ask = _ask(flow, state, flow.step(state.step))
    return Result(replace(state, status="active"), (_said(flow, state, "help"), ask))


def _pause(flow: Flow, state: State, event: Reply) -> Result:
    return Result(replace(state, status="paused"), (_said(flow, state, "paused"),))


_KEYWORDS = {"skip": _skip, "repeat": _repeat, "help": _help, "pause": _pause}


# Thinking time: an open answer sent as several texts (Reply.window > 0).

def _hold(flow: Flow, state: State, step: Step, event: Reply) -> Result:
    """Keep the text and wait for more; the answer is saved when the window closes."""
    # The first text gets a short "take your time" so the person knows it arrived and
    # that there is no rush; later ones get nothing, as a reply to every text would
    # interrupt them while they are still writing.
    first = not state.held and "take_your_time" in flow.texts
    says = (Say(_say(flow, state, "take_your_time")),) if first else ()
    held = replace(state, held=state.held + (event.text,))
    return Result(held, says + (Held(step.id, event.window),))


def _on_window_closed(flow: Flow, state: State, event: WindowClosed, now: datetime) -> Result:
    if not state.held or not state.held_at:
        return Result(state, ())
    quiet_since = datetime.fromisoformat(state.held_at)
    if now < quiet_since + timedelta(seconds=event.window):
        return Result(state, ())  # another text came in; a later check will close it
    return _close_window(flow, state)


def _close_window(flow: Flow, state: State) -> Result:
    """Join the held texts, in the order they came, into one answer, and move on."""
    step = flow.step(state.step)
    save = SaveAnswer(step.id, _question(flow, state, step), "\n".join(state.held),
                      channel="sms")
    state = replace(state, held=(), held_at=None, status="active",
                    answered=_add(state.answered, step.id))
    moved = enter(flow, state, step.next)
    return Result(moved.state, (save,) + moved.outputs)


def _keyword_after_held(flow: Flow, state: State, event: Reply, intent: str) -> Result:
    """A keyword acts at once, but what was already written is kept as the answer first.

    SKIP then only means "that's all" (the question was answered, not skipped).
    """
    closed = _close_window(flow, state)
    if intent == "skip" or closed.state.status != "active":
        return closed
    after = _KEYWORDS[intent](flow, closed.state, event)
    return Result(after.state, closed.outputs + after.outputs)


# Answers, one handler per step kind.

def _answer_open(flow: Flow, state: State, step: Step, event: Reply) -> Result:
    if event.window > 0 and event.text and event.recording is None:
        return _hold(flow, state, step, event)
    text = event.text if event.text is not None else event.digits
    save = SaveAnswer(step.id, _question(flow, state, step), text,
                      recording=event.recording, channel=event.channel)
    moved = enter(flow, replace(state, answered=_add(state.answered, step.id)), step.next)
    return Result(moved.state, (save,) + moved.outputs)


def _answer_choice(flow: Flow, state: State, step: Step, event: Reply) -> Result:
    choice = _match(step, event)
    if choice is None:
        return _no_match(flow, state, step, event)
    said = event.text if event.text is not None else event.digits
    outputs = [SaveAnswer(step.id, _question(flow, state, step), said, value=choice.value,
                          channel=event.channel)]
    if step.consent:
        outputs.append(SaveConsent(step.consent, choice.value == "yes", event.channel))
    moved = enter(flow, replace(state, answered=_add(state.answered, step.id)), choice.next)
    return Result(moved.state, tuple(outputs) + moved.outputs)


def _no_match(flow: Flow, state: State, step: Step, event: Reply) -> Result:
    if state.retries >= step.retries:
        # After a few tries we keep their words and move on rather than nag.
        save = SaveAnswer(step.id, _question(flow, state, step), event.text or event.digits,
                          channel=event.channel)
        moved = enter(flow, state, step.next)
        return Result(moved.state, (save,) + moved.outputs)
    # The no-match text names the answers we expect, so the question is not sent again.
    sorry = (step.no_match or flow.texts["no_match"]).render(state.language)
    spoken = (step.no_match_voice.render(state.language) if step.no_match_voice
              else _voice_text(flow, state, "no_match"))
    return Result(replace(state, retries=state.retries + 1), (Say(sorry, spoken),))


def _not_an_answer(flow: Flow, state: State, step: Step, event: Reply) -> Result:
    return enter(flow, state, step.next or flow.start)


_ANSWERS = {"open": _answer_open, "choice": _answer_choice,
            "message": _not_an_answer, "end": _not_an_answer}


def _match(step: Step, event: Reply) -> Choice | None:
    for choice in step.choices:
        if (event.digits and event.digits in choice.digits) or matches(event.text, choice.words):
            return choice
        if choice.value in SHARED_CHOICES and is_answer(event.text, choice.value):
            return choice
        if event.text and event.text.strip() in choice.digits:
            return choice
    return None


# Moving to a step, one handler per step kind.

def enter(flow: Flow, state: State, step_id: str) -> Result:
    """Go to a step, saying any messages on the way, until a question or the end."""
    outputs: list = []
    for _hop in range(MAX_HOPS):
        step = flow.step(step_id)
        state, more, step_id = _ENTER[step.kind](flow, state, step)
        outputs.extend(more)
        if step_id is None:
            return Result(state, tuple(outputs))
    raise RuntimeError(f"flow {flow.id} loops through message steps")


def _enter_message(flow: Flow, state: State, step: Step):
    return state, [_step_say(flow, state, step)], step.next


def _enter_question(flow: Flow, state: State, step: Step):
    state = replace(state, step=step.id, status="active", retries=0)
    return state, [_ask(flow, state, step)], None


def _enter_end(flow: Flow, state: State, step: Step):
    status = "finished" if step.outcome == "finished" else step.outcome
    state = replace(state, step=step.id, status=status, retries=0)
    return state, [_step_say(flow, state, step), Finished(step.outcome == "finished")], None


_ENTER = {"message": _enter_message, "open": _enter_question,
          "choice": _enter_question, "end": _enter_end}


def _welcome_back(flow: Flow, state: State) -> Result:
    state = replace(state, status="active")
    hello = _said(flow, state, "welcome_back")
    return Result(state, (hello, _ask(flow, state, flow.step(state.step))))


def _ask(flow: Flow, state: State, step: Step) -> Ask:
    prefix = _say(flow, state, "question_prefix", n=step.number) if step.number else ""
    why = step.why.render(state.language, **_values(flow, state)) if step.why else ""
    voice = step.voice.render(state.language, **_values(flow, state)) if step.voice else None
    # By text the reason follows the question on a line of its own; on a call it comes
    # first, so the last thing heard is how to answer.
    text = prefix + _render(flow, state, step) + (f"\n{why}" if why else "")
    spoken = f"{why} {voice}" if why and voice else voice
    return Ask(step.id, text, step.kind, step.choices, step.number, flow.total_questions,
               voice_text=spoken)


def _question(flow: Flow, state: State, step: Step) -> str:
    return _render(flow, state, step)


def _render(flow: Flow, state: State, step: Step) -> str:
    return step.text.render(state.language, **_values(flow, state))


def _say(flow: Flow, state: State, key: str, **extra) -> str:
    return flow.say(key, state.language, **_values(flow, state), **extra)


def _said(flow: Flow, state: State, key: str) -> Say:
    """A shared text as a Say, with its spoken form (`<key>_voice`) when the flow has one."""
    return Say(_say(flow, state, key), _voice_text(flow, state, key))


def _voice_text(flow: Flow, state: State, key: str) -> str | None:
    spoken = flow.texts.get(key + "_voice")
    return spoken.render(state.language, **_values(flow, state)) if spoken else None


def _step_say(flow: Flow, state: State, step: Step) -> Say:
    voice = step.voice.render(state.language, **_values(flow, state)) if step.voice else None
    return Say(_render(flow, state, step), voice)


def _values(flow: Flow, state: State) -> dict:
    answered = sum(1 for s in state.answered if flow.step(s).number)
    return {"total": flow.total_questions, "answered": answered,
            "left": flow.total_questions - len(_numbered(flow, state))}


def _numbered(flow: Flow, state: State) -> set[str]:
    done = set(state.answered) | set(state.skipped)
    return {s for s in done if flow.step(s).number}


def _add(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return items if item in items else items + (item,)


_HANDLERS = {Start: _on_start, Reply: _on_reply, TimedOut: _on_timeout}
