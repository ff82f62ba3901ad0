"""Incoming texts: keep every one, route keywords, advance the conversation, reply."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from brewline.delivery import outbox, stopping
from brewline.delivery.models import Message, Outbox
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.people.phones import BadNumber, is_textable_sender, mask, normalise
from brewline.platform.database import DATABASE_DOWN
from brewline.platform.runtime import Runtime
from brewline.surveys import conversations
from brewline.surveys.catalogue import SetInfo
from brewline.surveys.models import Conversation
from brewline.texts.wording import finished_words, own_reply
from flows.keywords import Keyword, classify
from flows.model import Reply, Start

log = logging.getLogger("brewline.inbound")
# Built once: building a statement costs more than running it (SQLAlchemy's cache key).
_SEEN = select(Message.contact_id, Message.reply).where(Message.sid == bindparam("sid"))
_KEEP = insert(Message.__table__)


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
    conversation: Conversation | None = None  # in the person's set, if loaded with them

    @property
    def body(self) -> str:
        return self.message.body

    @property
    def language(self) -> str:
        """The language the person takes part in (English if none is known)."""
        return self.contact.language or "en"


Handler = Callable[[Context], list[str]]
# Tried in order before the conversation; each returns replies, or None to pass.
BEFORE_CONVERSATION: list[Callable[[Context], list[str] | None]] = []
# Run after each conversation turn; each returns replies to add (the voucher offer, ...).
AFTER_TURN: list[Callable[[Context, conversations.Turn], list[str]]] = []
# Intents still acted on after the person opted out (e.g. erase).
OPTED_OUT_INTENTS: dict[str, Handler] = {}


def receive_text(runtime: Runtime, text: InboundText, now: datetime | None = None,
                 held: list[str] | None = None) -> list[str]:
    """Keep the text, act on it, and return the replies (the same ones on a redelivery).

    `held`: the text was spooled and Twilio carried back these words instead (the holding
    reply); they are kept as what we said, and the replies go out as texts of their own.
    """
    now = now or datetime.now(timezone.utc)
    phone = _phone(runtime, text.sender)
    if phone is None:
        _keep_unanswerable(runtime, text, now)
        return []
    try:
        with runtime.store.transaction() as session:
            return _receive(runtime, session, phone, text, now, held)
    except DATABASE_DOWN:
        raise  # the database itself failed: the caller spools the text
    except Exception:
        # Handling failed and everything it did is rolled back; the words are still kept.
        log.exception("could not handle a text from %s", mask(phone))
        return _keep_failed(runtime, phone, text, now, held)


def _receive(runtime: Runtime, session: Session, phone: str, text: InboundText,
             now: datetime, held: list[str] | None) -> list[str]:
    contact, conversation = conversations.locked_person(session, phone,
                                                        runtime.flows.default_id())
    earlier = _earlier(session, contact, text)
    if earlier is not None:
        return earlier
    message = _message(contact, text, now)
    replies = route(Context(runtime, session, contact, message, classify(message.body), now,
                            conversation))
    _answer(runtime, session, message, replies, held)
    return replies


def _keep_failed(runtime: Runtime, phone: str, text: InboundText, now: datetime,
                 held: list[str] | None) -> list[str]:
    with runtime.store.transaction() as session:
        contact = contacts.locked(session, phone)
        replies = [own_reply("error", contact.language)]
        earlier = _earlier(session, contact, text)
        if earlier is not None:
            return earlier
        message = _message(contact, text, now)
        message.status = "error"
        _answer(runtime, session, message, replies, held)
    return replies


def _answer(runtime: Runtime, session: Session, message: Message, replies: list[str],
            held: list[str] | None) -> None:
    """Keep the text with what Twilio carried back: our replies, or, for a spooled text,
    the holding reply, our replies then going out as texts (kept once they are sent)."""
    if held is None:
        _keep(session, message, replies)
        return
    _keep(session, message, held)
    for n, body in enumerate(replies):
        key = f"reply:{message.sid}:{n}"
        if not session.scalars(select(Outbox.id).where(Outbox.dedupe_key == key)).first():
            outbox.add(runtime, session, message.contact_id, body, "reply",
                       direct_reply=True, dedupe_key=key)


def _phone(runtime: Runtime, sender: str) -> str | None:
    if not is_textable_sender(sender):
        return None
    try:
        return normalise(sender, runtime.settings.default_region)
    except BadNumber:
        return None


def _earlier(session: Session, contact: Contact, text: InboundText) -> list[str] | None:
    """What we said to an earlier delivery of this MessageSid, or None if it is new.

    A repeat gets the same reply, but never someone else's (a reused MessageSid).
    """
    seen = session.execute(_SEEN, {"sid": text.message_sid}).first()
    if seen is None:
        return None
    return list(seen.reply or []) if seen.contact_id == contact.id else []


def _message(contact: Contact, text: InboundText, now: datetime) -> Message:
    return Message(contact_id=contact.id, direction="in", sid=text.message_sid,
                   body=text.body, media_count=text.media_count, status="received",
                   channel="sms", created_at=now)


def _keep(session: Session, message: Message, replies: list[str]) -> None:
    """The text and our replies, in one statement, once we know what we said."""
    message.reply = replies
    rows = [_row(message)] + [dict(_row(message), direction="out", sid=None, body=body,
                                   media_count=0, status="replied", reply=None)
                              for body in replies]
    session.execute(_KEEP, rows)  # Core: one executemany, no unit of work


def _row(message: Message) -> dict:
    return {column: getattr(message, column) for column in (
        "contact_id", "direction", "sid", "body", "media_count", "status", "channel",
        "reply", "created_at")}


def _keep_unanswerable(runtime: Runtime, text: InboundText, now: datetime) -> None:
    """Short codes and alphanumeric senders get no reply, but their words are kept."""
    with runtime.store.transaction() as session:
        if session.execute(_SEEN, {"sid": text.message_sid}).first() is not None:
            return
        session.add(Message(direction="in", sid=text.message_sid, sender=text.sender[:40],
                            body=text.body, media_count=text.media_count,
                            status="unanswerable", created_at=now))


def route(ctx: Context) -> list[str]:
    """Decide what an incoming text means and act on it."""
    if not ctx.body.strip():
        return [own_reply("words_only", ctx.language)]
    if ctx.contact.opted_out_at is not None:
        return _while_opted_out(ctx)
    handler = INTENTS.get(ctx.keyword.intent) if ctx.keyword else None
    if handler:
        return handler(ctx)
    for hook in BEFORE_CONVERSATION:
        replies = hook(ctx)
        if replies is not None:
            return replies
    # After the hooks: a word that answers something we just asked (DELETE to confirm,
    # an offer's reply) means that, even if a question set has it as its keyword.
    chosen = ctx.runtime.flows.by_keyword(ctx.body)
    if chosen is not None and not _answers_own_question(ctx, chosen):
        return start_set(ctx, chosen)
    return converse(ctx)


def converse(ctx: Context) -> list[str]:
    """Give the text to the person's conversation and return what it says back."""
    settings, flows = ctx.runtime.settings, ctx.runtime.flows
    conversation = ctx.conversation or conversations.current(ctx.session, flows, ctx.contact)
    if conversation is None:
        return [own_reply("nothing_open", ctx.language)]
    if not _still_open(flows, conversation):
        return [closed(flows, conversation.flow_id, ctx.language)]
    reply = Reply(text=ctx.body, channel="sms", window=settings.answer_window,
                  intent=ctx.keyword.intent if ctx.keyword else None)
    return _turn(ctx, conversation, reply)


def _turn(ctx: Context, conversation: Conversation, event) -> list[str]:
    window = ctx.runtime.settings.answer_window
    turn = conversations.take_turn(ctx.session, ctx.runtime.flows, conversation, event,
                                   ctx.now, window=window)
    replies = [output.text for output in turn.says]
    for hook in AFTER_TURN:
        replies += hook(ctx, turn)
    return replies


def question_again(ctx: Context) -> list[str]:
    """The question the person is on, asked again as it was (nothing is kept), if any."""
    flows = ctx.runtime.flows
    conversation = ctx.conversation or conversations.current(ctx.session, flows, ctx.contact)
    ask = conversations.pending_question(flows, conversation) if conversation else None
    return [ask.text] if ask else []


# Several question sets side by side: a set's keyword starts (or carries on) that set.

def start_set(ctx: Context, chosen: SetInfo) -> list[str]:
    """The person texted a set's keyword: start it, or carry on where they were in it.

    Their place in the set they were in before is kept with that set.
    """
    if not chosen.is_open:
        return [closed(ctx.runtime.flows, chosen.id, ctx.language)]
    conversation = conversations.join(ctx.session, ctx.runtime.flows, ctx.contact, chosen.id)
    return _turn(ctx, conversation, Start(channel="sms"))


def _answers_own_question(ctx: Context, chosen: SetInfo) -> bool:
    # The keyword of the set they are answering right now is an answer like any other.
    here = ctx.conversation
    return here is not None and here.flow_id == chosen.id and here.status == "active"


def _still_open(flows, conversation: Conversation) -> bool:
    """Whether a conversation's set still takes answers (a draft being tried always does)."""
    info = flows.info(conversation.flow_id)
    trial = not flows.is_published(conversation.flow_id, conversation.flow_version)
    return trial or (info is not None and info.is_open)


def closed(flows, flow_id: str, language: str = "en") -> str:
    """A kind word that a set has finished, naming the open sets and how to start them."""
    info = flows.info(flow_id)
    title = info.title if info else flow_id
    others = [s for s in flows.open_sets() if s.keyword and s.id != flow_id]
    return finished_words(title, [(s.keyword, s.title) for s in others], language)


def _while_opted_out(ctx: Context) -> list[str]:
    # Twilio re-subscribes on START, UNSTOP and YES, so we follow it.
    if (ctx.keyword and ctx.keyword.intent == "opt_in") or ctx.body.strip().lower() == "yes":
        return _opt_in(ctx)
    handler = OPTED_OUT_INTENTS.get(ctx.keyword.intent) if ctx.keyword else None
    return handler(ctx) if handler else []


def _opt_out(ctx: Context) -> list[str]:
    stopping.opt_out(ctx.session, ctx.contact, ctx.now)
    log.info("%s opted out", mask(ctx.contact.phone))
    # Twilio answers its own single-word keywords; a second reply would be noise.
    return [] if ctx.keyword.twilio_handles else [own_reply("opted_out", ctx.language)]


def _opt_in(ctx: Context) -> list[str]:
    was_out = ctx.contact.opted_out_at is not None
    stopping.opt_in(ctx.session, ctx.contact)
    twilio_replied = ctx.keyword is None or ctx.keyword.twilio_handles
    return [own_reply("opted_in", ctx.language)] if was_out and not twilio_replied else (
        [] if was_out else converse(ctx))


# What each keyword does to a text (STOP and START here; others add theirs in register()).
INTENTS: dict[str, Handler] = {"opt_out": _opt_out, "opt_in": _opt_in}
