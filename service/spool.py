"""Texts that arrive while the database is unreachable: kept, then handled in order later.

The webhook keeps the parsed text in a Redis list (or, if Redis is down too, a file under
instance/spool/), answers Twilio at once with a short holding reply, and the worker's
sweeper (or a queued drain job) hands each text to `receive_text` in arrival order once
the database answers again. Replies go out as direct-reply outbox rows.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import redis
from sqlalchemy import select

from service import outbox, privacy  # noqa: F401  (workers handle texts too: register intents)
from service.inbound import InboundText, receive_text
from service.phones import BadNumber, normalise
from service.runtime import Runtime
from service.store import DATABASE_DOWN, Contact, Outbox

log = logging.getLogger("brewline.spool")
KEY = "brewline:spool:inbound"
LOCK = "brewline:spool:draining"
DRAIN_JOB = "service.spool.drain_job"


def keep(runtime: Runtime, text: InboundText, now: datetime) -> None:
    """Keep a text we cannot handle now; Redis first, a local file if Redis is down too."""
    item = json.dumps({**asdict(text), "at": now.isoformat()})
    try:
        runtime.redis.rpush(KEY, item)
    except redis.RedisError:
        _file_keep(_folder(runtime), item)
    log.warning("database unreachable: spooled message %s", text.message_sid)


def waiting(runtime: Runtime) -> bool:
    """Whether earlier texts still wait, so a new one must queue behind them to keep order."""
    if any(_folder(runtime).glob("*.json")):
        return True
    try:
        return bool(runtime.redis.llen(KEY))
    except redis.RedisError:
        return False


def drain(runtime: Runtime, limit: int = 10_000) -> int:
    """Handle spooled texts oldest first; stop at the first one the database still refuses."""
    try:
        if not runtime.redis.set(LOCK, os.getpid(), nx=True, ex=120):
            return 0  # another process is draining; order needs a single drainer
    except redis.RedisError:
        return _drain_files(runtime, limit)
    try:
        done = _drain_files(runtime, limit)
        return done + _drain_redis(runtime, limit - done)
    finally:
        runtime.redis.delete(LOCK)


def drain_job() -> int:
    """RQ job: drain the spool (queued by the webhook once the database is back)."""
    from workers import context

    return drain(context.runtime())


def forget(runtime: Runtime, phone: str) -> int:
    """Drop spooled texts from this number (the person asked to be erased)."""
    gone = 0
    for raw in runtime.redis.lrange(KEY, 0, -1):
        if _sender_is(raw, phone, runtime):
            gone += runtime.redis.lrem(KEY, 0, raw)
    for path in _folder(runtime).glob("*.json"):
        if _sender_is(path.read_bytes(), phone, runtime):
            path.unlink()
            gone += 1
    return gone


def _sender_is(raw: bytes | str, phone: str, runtime: Runtime) -> bool:
    try:
        return normalise(json.loads(raw)["sender"], runtime.settings.default_region) == phone
    except (BadNumber, ValueError, KeyError):
        return False


def _drain_redis(runtime: Runtime, limit: int) -> int:
    done = 0
    while done < limit:
        raw = runtime.redis.lindex(KEY, 0)
        if raw is None or not _handle(runtime, raw):
            break
        # Handled before removed: a crash in between redelivers, and MessageSid dedupes it.
        runtime.redis.lpop(KEY)
        done += 1
    return done


def _drain_files(runtime: Runtime, limit: int) -> int:
    done = 0
    for path in sorted(_folder(runtime).glob("*.json"))[:limit]:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue  # another drainer (Redis was down, so no lock) took it
        if not _handle(runtime, raw):
            break
        path.unlink(missing_ok=True)
        done += 1
    return done


def _handle(runtime: Runtime, raw: bytes | str) -> bool:
    """Process one spooled text; False if the database is still unreachable."""
    fields = json.loads(raw)
    at = datetime.fromisoformat(fields.pop("at"))
    text = InboundText(**fields)
    try:
        replies = receive_text(runtime, text, now=at)
        _send_replies(runtime, text, replies)
    except DATABASE_DOWN:
        return False
    return True


def _send_replies(runtime: Runtime, text: InboundText, replies: list[str]) -> None:
    """The replies Twilio could not carry back, as direct-reply texts, each queued once."""
    if not replies:
        return
    try:
        phone = normalise(text.sender, runtime.settings.default_region)
    except BadNumber:
        return
    with runtime.store.transaction() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone)).first()
        for n, body in enumerate(replies):
            key = f"reply:{text.message_sid}:{n}"
            if contact and not session.scalars(select(Outbox.id).where(Outbox.dedupe_key == key)).first():
                outbox.add(runtime, session, contact.id, body, "reply", direct_reply=True,
                           dedupe_key=key)


def _folder(runtime: Runtime) -> Path:
    return runtime.settings.instance_dir / "spool"


def _file_keep(folder: Path, item: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Names sort in arrival order; written then renamed, so a reader never sees half a file.
    name = f"{time.time_ns():020d}-{os.getpid()}"
    partial = folder / f"{name}.part"
    with open(partial, "w") as handle:
        handle.write(item)
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(folder / f"{name}.json")
