"""Vouchers by text: the offer when a flow ends, VOUCHER, picking a pool by number, no thanks."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from brewline.delivery import outbox
from brewline.surveys import conversations
from brewline.surveys.conversations import Turn
from brewline.surveys.models import Conversation
from brewline.texts.inbound import Context
from brewline.vouchers import claims, offers, rules
from brewline.vouchers.claims import Issued, Outcome
from brewline.vouchers.models import VoucherOffer, VoucherPool
from flows.keywords import normalise
from flows.model import Finished

# Replies to an offer, compared after flows.keywords.normalise.
YES = frozenset({
    "yes", "yes please", "y", "yeah", "yep", "ok", "okay", "please", "sure", "go on",
    "yes thanks", "yes thank you", "ok thanks", "ok thank you", "please do", "send it",
    "lovely", "great", "👍",
})
THANKS = frozenset({
    "thank you", "thanks", "thankyou", "thank u", "thanks very much", "thank you very much",
    "thank you so much", "thanks so much", "many thanks", "cheers", "ta", "thx", "ty",
    "thanks a lot", "lovely thank you", "lovely thanks", "great thanks", "thanks you",
})
NO = frozenset({
    "no", "no thanks", "no thank you", "nope", "no ta", "not for me", "no need",
    "dont want it", "i dont want it", "no thanks im fine", "keep it", "not needed",
})
OFFER_REPLIES = YES | THANKS | NO
CHOICE = re.compile(r"^(?:voucher\s*|number\s*)?(\d{1,2})$")
OFFER_LIFETIME = timedelta(days=30)

WORDS = {
    "offer_one": (
        "As a thank-you for your time, we have a {value} for you. Reply VOUCHER to get "
        "your code, or NO THANKS if you would rather not have it."),
    "offer_many": (
        "As a thank-you for your time, we have a voucher for you. Reply VOUCHER to choose "
        "one, or NO THANKS if you would rather not have it."),
    "event_offer": (
        "Thank you for coming to Over a Brew. As a thank-you for your time, we have a "
        "{value} for you. Reply VOUCHER to get your code, or NO THANKS if you would rather not."),
    "choose": "Which voucher would you like? Reply with its number: {options}.",
    "choose_again": "Sorry, we need just a number. Reply {options}.",
    "waiting": (
        "Thank you. Your {value} is on its way. We have run out for the moment, so you are "
        "number {place} on our list. We will text your code as soon as we have more."),
    "declined": "No problem, we will not send you a voucher. Thank you for your time.",
    "not_started": (
        "Vouchers are our way to thank you for answering our {total} short questions. Text "
        "HELLO to start. We will send yours when you finish."),
    "questions_left": (
        "Vouchers are our thank-you for answering the questions. You have {left} left. "
        "Text anything to carry on, and we will send yours when you finish."),
    "last_step": "Nearly there! Reply to the last question, then we will send your voucher.",
    "event_only": (
        "We give vouchers to say thank you for coming to an Over a Brew session. If you "
        "came and have not had one, please tell the organiser. They will sort it out."),
    "none": "Sorry, we do not have any vouchers to give out at the moment.",
}


def on_voucher(ctx: Context) -> list[str]:
    """VOUCHER: claim what the person has earned, ask them to choose, or explain."""
    open_pools = rules.eligible_pools(ctx.session, ctx.contact)
    groups = rules.grouped(open_pools)
    replies = [_claim(ctx, pools[0]) for pools in groups if len(pools) == 1]
    choices = next((pools for pools in groups if len(pools) > 1), None)
    if choices:
        replies.append(_ask_choice(ctx, choices))
    else:
        offers.clear_offer(ctx.session, ctx.contact)
    return replies or _again(ctx) or [explain(ctx.runtime, ctx.session, ctx.contact)]


def on_reply(ctx: Context) -> list[str] | None:
    """A reply to an open offer ('yes please', 'thank you', '2', 'no thanks'); else None."""
    plain = normalise(ctx.body) or ctx.body.strip()
    if not (plain in OFFER_REPLIES or CHOICE.match(plain)):
        return None  # only words that could answer an offer cost a query
    offer = ctx.session.get(VoucherOffer, ctx.contact.id)
    if offer is None or offer.created_at < ctx.now - OFFER_LIFETIME:
        return None
    pools = [p for p in (ctx.session.get(VoucherPool, i) for i in offer.pool_ids) if p]
    choice = CHOICE.match(plain)
    if offer.kind == "choose" and choice:
        return _picked(ctx, pools, int(choice.group(1)))
    if plain in NO:
        claims.decline(ctx.session, ctx.contact, pools, ctx.now)
        offers.clear_offer(ctx.session, ctx.contact)
        return [WORDS["declined"]]
    if plain in YES or plain in THANKS:
        return on_voucher(ctx)
    return None


def offer_after_flow(ctx: Context, turn: Turn) -> list[str]:
    """When a flow that earns a voucher is completed, say how to get it."""
    if not any(isinstance(o, Finished) and o.completed for o in turn.outputs):
        return []
    pools = [p for p in rules.eligible_pools(ctx.session, ctx.contact)
             if p.flow_id == turn.flow.id]
    if not pools:
        return []
    offers.set_offer(ctx.session, ctx.contact, "offer", pools, ctx.now)
    if len(pools) == 1:
        return [WORDS["offer_one"].format(value=pools[0].value)]
    return [WORDS["offer_many"]]


def offer_for_event(runtime, session, contact, event_id: int, now) -> bool:
    """Text someone marked as attended how to get the event's voucher (at a civil hour)."""
    pools = [p for p in rules.eligible_pools(session, contact) if p.event_id == event_id]
    if not pools or not rules.can_text(contact):
        return False
    offers.set_offer(session, contact, "offer", pools, now)
    value = pools[0].value if len(pools) == 1 else "voucher"
    outbox.add(runtime, session, contact.id, WORDS["event_offer"].format(value=value),
               "voucher_offer", not_before=outbox.civil_time(runtime.settings, now),
               dedupe_key=f"voucher-offer:{event_id}:{contact.id}")
    return True


def describe(result: Outcome) -> str:
    """What to text about a claim: the code, or the waiting-list place."""
    if isinstance(result, Issued):
        return claims.code_text(result)
    return WORDS["waiting"].format(value=result.pool.value, place=result.place)


def _claim(ctx: Context, pool: VoucherPool) -> str:
    offers.clear_offer(ctx.session, ctx.contact)
    return describe(claims.claim(ctx.runtime, ctx.session, ctx.contact, pool, ctx.now))


def _ask_choice(ctx: Context, pools: list[VoucherPool]) -> str:
    offers.set_offer(ctx.session, ctx.contact, "choose", pools, ctx.now)
    return WORDS["choose"].format(options=_options(pools))


def _picked(ctx: Context, pools: list[VoucherPool], number: int) -> list[str]:
    if not 1 <= number <= len(pools):
        return [WORDS["choose_again"].format(n=len(pools), options=_options(pools))]
    return [_claim(ctx, pools[number - 1])]


def _options(pools: list[VoucherPool]) -> str:
    return ", ".join(f"{n} for a {p.value}" for n, p in enumerate(pools, start=1))


def _again(ctx: Context) -> list[str]:
    """Asking again sends the same code (or waiting-list place) again."""
    rows = rules.claims(ctx.session, ctx.contact, "issued", "waiting")
    return [describe(claims.outcome(ctx.session, row, again=True)) for row in rows]


def explain(runtime, session, contact, words: dict = WORDS) -> str:
    """A kind explanation of how to earn a voucher, from what the pools are tied to."""
    pools = session.scalars(select(VoucherPool).order_by(VoucherPool.id)).all()
    flow_ids = [p.flow_id for p in pools if p.flow_id]
    if flow_ids:
        return _finish_flow_first(runtime, session, contact, flow_ids, words)
    return words["event_only"] if pools else words["none"]


def _finish_flow_first(runtime, session, contact, flow_ids: list[str], words: dict) -> str:
    wanted = conversations.set_of(runtime.flows, contact)
    flow_id = wanted if wanted in flow_ids else flow_ids[0]
    conversation = session.scalars(select(Conversation).where(
        Conversation.contact_id == contact.id, Conversation.flow_id == flow_id)).first()
    if conversation is None or conversation.status in ("new", "declined"):
        return words["not_started"].format(total=runtime.flows.get(flow_id).total_questions)
    left = offers.questions_left(runtime, conversation)
    if left <= 0:
        return words["last_step"]
    return words["questions_left"].format(left=f"{left} question" + ("s" if left > 1 else ""))


