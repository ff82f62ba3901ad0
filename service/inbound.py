"""Incoming texts: keep every one, route keywords, advance the conversation, reply."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.keywords import Keyword, classify
from flows.model import Reply
from service import answer_window, contacts, conversations
from service.phones import BadNumber, is_textable_sender, mask, normalise
from service.runtime import Runtime
from service.store import Contact, Message
from service.wording import REPLIES

log = logging.getLogger("brewline.inbound")


@dataclass(frozen=True)
class InboundText:
    """A text a person sent us, in our own words rather than Twilio's."""

    sender: str
    body: str
    message_sid: str
    media_count: int = 0


@dataclass
class Context:
    """What a handler needs to answer one text."""

    runtime: Runtime
    session: Session
    contact: Contact
    message: Message
    keyword: Keyword | None
    now: datetime

    @property
    def body(self) -> str:
        return self.message.body


Handler = Callable[[Context], list[str]]
# Keyword intents the service acts on; other issues add theirs (call_me, erase, voucher).
INTENTS: dict[str, Handler] = {}
# Tried in order before the conversation; each returns replies, or None to pass.
BEFORE_CONVERSATION: list[Callable[[Context], list[str] | None]] = []
# Run after each conversation turn; each returns replies to add (the voucher offer, ...).
AFTER_TURN: list[Callable[[Context, conversations.Turn], list[str]]] = []


def receive_text(runtime: Runtime, text: InboundText, now: datetime | None = None) -> list[str]:
    """Keep the text, act on it, and return the replies (the same ones on a redelivery)."""
    now = now or datetime.now(timezone.utc)
    phone = _phone(runtime, text.sender)
    if phone is None:
        _keep_unanswerable(runtime, text, now)
        return []
    with runtime.store.transaction() as session:
        contact = contacts.locked(session, phone)
        seen = session.scalars(select(Message).where(Message.sid == text.message_sid)).first()
        if seen is not None:
            return list(seen.reply or [])
        message = _keep(session, contact, text, now)
        replies = _answer(runtime, session, contact, message, now)
        _keep_replies(session, contact, message, replies, now)
    return replies


def _phone(runtime: Runtime, sender: str) -> str | None:
    if not is_textable_sender(sender):
        return None
    try:
        return normalise(sender, runtime.settings.default_region)
    except BadNumber:
        return None


def _keep(session: Session, contact: Contact, text: InboundText, now: datetime) -> Message:
    message = Message(contact_id=contact.id, direction="in", sid=text.message_sid,
                      body=text.body, media_count=text.media_count, created_at=now)
    session.add(message)
    session.flush()
    return message


def _answer(runtime: Runtime, session: Session, contact: Contact, message: Message,
            now: datetime) -> list[str]:
    ctx = Context(runtime, session, contact, message, classify(message.body), now)
    try:
        # A savepoint: if handling fails, the message itself is still kept.
        with session.begin_nested():
            return route(ctx)
    except Exception:
        log.exception("could not handle a text from %s", mask(contact.phone))
        message.status = "error"
        return [REPLIES["error"]]


def _keep_replies(session: Session, contact: Contact, message: Message,
                  replies: list[str], now: datetime) -> None:
    message.reply = replies
    for body in replies:
        session.add(Message(contact_id=contact.id, direction="out", body=body,
                            status="replied", created_at=now))


def _keep_unanswerable(runtime: Runtime, text: InboundText, now: datetime) -> None:
    """Short codes and alphanumeric senders get no reply, but their words are kept."""
    with runtime.store.transaction() as session:
        if session.scalars(select(Message).where(Message.sid == text.message_sid)).first():
            return
        session.add(Message(direction="in", sid=text.message_sid, sender=text.sender[:40],
                            body=text.body, media_count=text.media_count,
                            status="unanswerable", created_at=now))


def route(ctx: Context) -> list[str]:
    """Decide what an incoming text means and act on it."""
    if not ctx.body.strip():
        return [REPLIES["words_only"]]
    if ctx.contact.opted_out_at is not None:
        return _while_opted_out(ctx)
    handler = INTENTS.get(ctx.keyword.intent) if ctx.keyword else None
    if handler:
        return handler(ctx)
    for hook in BEFORE_CONVERSATION:
        replies = hook(ctx)
        if replies is not None:
            return replies
    return converse(ctx)


def converse(ctx: Context) -> list[str]:
    """Give the text to the person's conversation and return what it says back."""
    settings, flows = ctx.runtime.settings, ctx.runtime.flows
    conversation = conversations.current(ctx.session, flows, ctx.contact, settings.active_flow)
    reply = Reply(text=ctx.body, channel="sms", window=settings.answer_window)
    turn = conversations.take_turn(ctx.session, flows, conversation, reply, ctx.now)
    answer_window.after_turn(ctx.runtime, ctx.session, turn, ctx.now)
    replies = [output.text for output in turn.says]
    for hook in AFTER_TURN:
        replies += hook(ctx, turn)
    return replies


def _while_opted_out(ctx: Context) -> list[str]:
    # Twilio re-subscribes on START, UNSTOP and YES, so we follow it.
    if (ctx.keyword and ctx.keyword.intent == "opt_in") or ctx.body.strip().lower() == "yes":
        return _opt_in(ctx)
    return []


def _opt_out(ctx: Context) -> list[str]:
    contacts.opt_out(ctx.session, ctx.contact, ctx.now)
    log.info("%s opted out", mask(ctx.contact.phone))
    # Twilio answers its own single-word keywords; a second reply would be noise.
    return [] if ctx.keyword.twilio_handles else [REPLIES["opted_out"]]


def _opt_in(ctx: Context) -> list[str]:
    was_out = ctx.contact.opted_out_at is not None
    contacts.opt_in(ctx.session, ctx.contact)
    twilio_replied = ctx.keyword is None or ctx.keyword.twilio_handles
    return [REPLIES["opted_in"]] if was_out and not twilio_replied else (
        [] if was_out else converse(ctx))


INTENTS.update({"opt_out": _opt_out, "opt_in": _opt_in})
