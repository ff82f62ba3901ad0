"""'Delete my data' by text (confirmed with DELETE) and on a call (confirmed with a key).

A request waits for its answer on the person (`Contact.awaiting`), so the next text or
call knows at no cost that it is the answer: DELETE (or 1 on a call) erases; anything
else keeps everything, says so kindly, and asks the question they were on again. Said in
a recorded answer, the words are found in Twilio's transcript afterwards: then the
question comes by text (if they can get texts) and at the start of their next call.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from brewline.calls.turns import CallTurn, again, begin, keys
from brewline.calls.twiml import goodbye, keys_menu, url
from brewline.calls.webhooks import call_webhook, respond
from brewline.delivery import outbox
from brewline.delivery.models import Outbox
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.privacy import erasure
from brewline.privacy.models import ErasureRequest
from brewline.texts.inbound import Context, question_again
from flows.keywords import is_answer, normalise
from flows.words import words

AWAITING = "erase"
PURPOSE = "erase_question"  # the question texted after "delete my data" said in a recording
CONFIRM_WORDS = frozenset({"delete", "delete it", "yes delete", "delete please", "confirm"})
# A DELETE counts only soon after the question, so an old request cannot surprise anyone.
CONFIRM_WITHIN = timedelta(days=1)
CONFIRM_KEY = "1"
# Kept as the transcript of a recorded answer that asked for erasure (organisers read it).
TRANSCRIPT = ("[They asked us to delete their data. We ask them to confirm by text or at "
              "the start of their next call.]")
bp = Blueprint("voice_erase", __name__)


# By text.

def ask(ctx: Context) -> list[str]:
    """'delete my data': confirm first, because it cannot be undone."""
    _asked(ctx.session, ctx.contact, ctx.now)
    return [words("privacy.ask", ctx.language)]


def confirm(ctx: Context) -> list[str] | None:
    """Before the conversation: the answer to "reply DELETE today", if we asked.

    Someone we did not ask pays nothing for this (the person is loaded anyway).
    """
    if ctx.contact.awaiting != AWAITING:
        return None
    pending = _request(ctx.session, ctx.contact)
    if not _confirms(ctx.body):
        withdraw(ctx.session, ctx.contact, pending)
        return [words("privacy.kept", ctx.language)] + question_again(ctx)
    if pending is None or ctx.now - pending.asked_at > CONFIRM_WITHIN:
        withdraw(ctx.session, ctx.contact, pending)
        return [words("privacy.lapsed", ctx.language)] + question_again(ctx)
    erasure.confirm(ctx.runtime, ctx.session, ctx.contact, ctx.now)
    return [words("privacy.done", ctx.language)]


def _confirms(body: str) -> bool:
    """Whether a text says DELETE, in English or a catalogue's words ("USUŃ", "احذف")."""
    return normalise(body) in CONFIRM_WORDS or is_answer(body, "delete")


def while_opted_out(ctx: Context) -> list[str]:
    """After STOP no question can be asked by text (Twilio may block it): erase now, and
    say it is done. After Twilio's own STOP, Twilio drops this reply until START; after
    our words ("stop texting me") it is delivered."""
    erasure.confirm(ctx.runtime, ctx.session, ctx.contact, ctx.now)
    return [words("privacy.done", ctx.language)]


# On a call: "delete my data" said at a question (or key 6), then 1 to confirm.

def by_call(turn: CallTurn) -> str:
    """'Delete my data' said (or 6 pressed) on a call: ask for a key to confirm."""
    _asked(turn.session, turn.contact, turn.now, channel="voice")
    return _menu(turn, [turn.speaker.line("privacy.spoken_ask")], step=turn.conversation.step)


def before_questions(turn: CallTurn) -> str | None:
    """At the start of a call: the question left waiting by a recorded "delete my data"."""
    if turn.contact.awaiting != AWAITING:
        return None
    return _menu(turn, [turn.speaker.line("privacy.spoken_asked_before"),
                        turn.speaker.line("privacy.spoken_ask")])


def _menu(turn: CallTurn, lines: list[str], step: str | None = None) -> str:
    return keys_menu(turn.speaker, lines, url("erase", step=step),
                     url("erase", step=step, kept="silence"))


@bp.post("/twilio/voice/erase")
@call_webhook()
def answered(heard) -> Response:
    """The key pressed after the question: 1 erases; anything else (or silence) keeps."""
    by_silence = request.args.get("kept") == "silence"
    return respond(lambda turn: _confirmed_on_call(turn, by_silence), heard)


def _confirmed_on_call(turn: CallTurn, by_silence: bool) -> str:
    if not by_silence and keys(turn.heard.digits) == CONFIRM_KEY:
        erasure.confirm(turn.runtime, turn.session, turn.contact, turn.now, channel="voice")
        turn.contact.awaiting = None
        return goodbye(turn.speaker, [turn.speaker.line("privacy.spoken")])
    withdraw(turn.session, turn.contact, _request(turn.session, turn.contact))
    turn.lines.append(turn.speaker.line("privacy.spoken_kept"))
    # Asked at a question: that question again; asked as the call began: the questions.
    return again(turn) if turn.step else begin(turn)


# Said in a recorded answer: found in Twilio's transcript, after the call.

def said_in_an_answer(runtime: Runtime, session: Session, contact: Contact,
                      now: datetime) -> str:
    """Ask by text (if we can) and on their next call; the transcript says so."""
    _asked(session, contact, now, channel="voice")
    if _can_text(contact):
        outbox.add(runtime, session, contact.id,
                   words("privacy.asked_on_a_call", contact.language), PURPOSE, not_before=now)
    return TRANSCRIPT


def still_wanted(session: Session, row: Outbox) -> str | None:
    """The texted question is moot once they answered it (on a call, say) first."""
    contact = session.get(Contact, row.contact_id)
    return None if contact and contact.awaiting == AWAITING else "already answered"


# The request itself.

def _asked(session: Session, contact: Contact, now: datetime, channel: str = "sms") -> None:
    erasure.request(session, contact, now, channel)
    contact.awaiting = AWAITING


def withdraw(session: Session, contact: Contact, pending: ErasureRequest | None) -> None:
    """They said no (or not in time): forget the request, keep everything."""
    contact.awaiting = None
    if pending is not None:
        session.delete(pending)


def _request(session: Session, contact: Contact) -> ErasureRequest | None:
    return session.scalars(select(ErasureRequest).where(
        ErasureRequest.contact_id == contact.id,
        ErasureRequest.confirmed_at.is_(None))).first()


def _can_text(contact: Contact) -> bool:
    return not (contact.opted_out_at or contact.phone_only or contact.cannot_text)
