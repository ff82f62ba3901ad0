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
from flows.keywords import is_answer, normalise
from flows.model import Finished
from flows.words import words

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
CHOICE = re.compile(r"^(?:voucher\s*|number\s*)?(\d{1,2})$")
OFFER_LIFETIME = timedelta(days=30)



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
    said = _said(ctx.body, plain)
    if not (said or CHOICE.match(plain)):
        return None  # only words that could answer an offer cost a query
    offer = ctx.session.get(VoucherOffer, ctx.contact.id)
    if offer is None or offer.created_at < ctx.now - OFFER_LIFETIME:
        return None
    pools = [p for p in (ctx.session.get(VoucherPool, i) for i in offer.pool_ids) if p]
    choice = CHOICE.match(plain)
    if offer.kind == "choose" and choice:
        return _picked(ctx, pools, int(choice.group(1)))
    if said == "no":
        claims.decline(ctx.session, ctx.contact, pools, ctx.now)
        offers.clear_offer(ctx.session, ctx.contact)
        return [words("vouchers.declined", ctx.language)]
    if said == "yes":
        return on_voucher(ctx)
    return None


def _said(body: str, plain: str) -> str | None:
    """'yes' or 'no' when a message answers an offer, in English or a catalogue's words
    ("tak", "nie dziękuję", "لا شكرا"); else None."""
    if plain in NO or is_answer(body, "no_thanks") or is_answer(body, "no"):
        return "no"
    if plain in YES or plain in THANKS or is_answer(body, "yes"):
        return "yes"
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
        return [words("vouchers.offer_one", ctx.language, value=pools[0].value)]
    return [words("vouchers.offer_many", ctx.language)]


def offer_for_event(runtime, session, contact, event_id: int, now) -> bool:
    """Text someone marked as attended how to get the event's voucher (at a civil hour)."""
    pools = [p for p in rules.eligible_pools(session, contact) if p.event_id == event_id]
    if not pools or not rules.can_text(contact):
        return False
    offers.set_offer(session, contact, "offer", pools, now)
    if len(pools) == 1:
        offer = words("vouchers.event_offer", contact.language, value=pools[0].value)
    else:
        offer = words("vouchers.event_offer_many", contact.language)
    outbox.add(runtime, session, contact.id, offer,
               "voucher_offer", not_before=outbox.civil_time(runtime.settings, now),
               dedupe_key=f"voucher-offer:{event_id}:{contact.id}")
    return True


def describe(result: Outcome, language: str = "en") -> str:
    """What to text about a claim: the code, or the waiting-list place."""
    if isinstance(result, Issued):
        return claims.code_text(result, language)
    return words("vouchers.waiting", language, value=result.pool.value, place=result.place)


def _claim(ctx: Context, pool: VoucherPool) -> str:
    offers.clear_offer(ctx.session, ctx.contact)
    return describe(claims.claim(ctx.runtime, ctx.session, ctx.contact, pool, ctx.now),
                    ctx.language)


def _ask_choice(ctx: Context, pools: list[VoucherPool]) -> str:
    offers.set_offer(ctx.session, ctx.contact, "choose", pools, ctx.now)
    return words("vouchers.choose", ctx.language, options=_options(pools, ctx.language))


def _picked(ctx: Context, pools: list[VoucherPool], number: int) -> list[str]:
    if not 1 <= number <= len(pools):
        return [words("vouchers.choose_again", ctx.language, n=len(pools),
                      options=_options(pools, ctx.language))]
    return [_claim(ctx, pools[number - 1])]


def _options(pools: list[VoucherPool], language: str) -> str:
    return ", ".join(words("vouchers.option", language, n=n, value=p.value)
                     for n, p in enumerate(pools, start=1))


def _again(ctx: Context) -> list[str]:
    """Asking again sends the same code (or waiting-list place) again."""
    rows = rules.claims(ctx.session, ctx.contact, "issued", "waiting")
    return [describe(claims.outcome(ctx.session, row, again=True), ctx.language)
            for row in rows]


def explain(runtime, session, contact, section: str = "vouchers") -> str:
    """A kind explanation of how to earn a voucher, from what the pools are tied to."""
    pools = session.scalars(select(VoucherPool).order_by(VoucherPool.id)).all()
    flow_ids = [p.flow_id for p in pools if p.flow_id]
    if flow_ids:
        return _finish_flow_first(runtime, session, contact, flow_ids, section)
    return words(f"{section}.event_only" if pools else f"{section}.none", contact.language)


def _finish_flow_first(runtime, session, contact, flow_ids: list[str], section: str) -> str:
    wanted = conversations.set_of(runtime.flows, contact)
    flow_id = wanted if wanted in flow_ids else flow_ids[0]
    conversation = session.scalars(select(Conversation).where(
        Conversation.contact_id == contact.id, Conversation.flow_id == flow_id)).first()
    if conversation is None or conversation.status in ("new", "declined"):
        return words(f"{section}.not_started", contact.language,
                     total=runtime.flows.get(flow_id).total_questions)
    left = offers.questions_left(runtime, conversation)
    if left <= 0:
        return words(f"{section}.last_step", contact.language)
    counted = words("vouchers.left_one" if left == 1 else "vouchers.left_many",
                    contact.language, n=left)
    return words(f"{section}.questions_left", contact.language, left=counted)


