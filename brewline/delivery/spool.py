"""Work that arrives while the database is unreachable: kept, then handled in order later.

A webhook keeps the parsed item (a text, or a call's status, recording or transcript
callback, or a text's delivery status) in a Redis list (or, if Redis is down too, a file
under instance/spool/) and answers Twilio at once; the worker's sweeper (or a queued drain
job) hands each item to its replay function in arrival order once the database answers
again. Replies to texts go out as direct-reply outbox rows.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

import redis

from brewline.people.phones import BadNumber, normalise
from brewline.platform import runtime as process
from brewline.platform.database import DATABASE_DOWN, utcnow
from brewline.platform.runtime import Runtime

log = logging.getLogger("brewline.spool")
KEY = "brewline:spool:inbound"
LOCK = "brewline:spool:draining"
# Each kind of kept item and what handles it later: called with (runtime, fields,
# arrived_at), it raises DATABASE_DOWN while the database is still unreachable. Texts,
# calls and delivery reports add theirs in register(). One list for every kind, so a
# call's recording, its status and a text are replayed in the order they came.
Replay = Callable[[Runtime, dict, datetime], None]
REPLAYS: dict[str, Replay] = {}
R = TypeVar("R")


def keep(runtime: Runtime, kind: str, item, now: datetime) -> None:
    """Keep an item (a dataclass) for later; in Redis, or a local file if Redis is down too."""
    if kind not in REPLAYS:
        raise ValueError(f"nothing replays a spooled {kind!r}")
    raw = json.dumps({"kind": kind, "at": now.isoformat(), "item": asdict(item)})
    try:
        runtime.redis.rpush(KEY, raw)
    except redis.RedisError:
        _file_keep(_folder(runtime), raw)
    log.warning("database unreachable: spooled a %s", kind)


def now_or_later(runtime: Runtime, kind: str, item, handle: Callable[[datetime], R],
                 held: R) -> R:
    """`handle(now)` the item, or keep it and answer `held` while the database is down."""
    now = utcnow()
    if waiting(runtime):
        # Earlier items are still spooled: this one queues behind them to keep the order.
        keep(runtime, kind, item, now)
        runtime.enqueue(drain_job)
        return held
    try:
        return handle(now)
    except DATABASE_DOWN:
        keep(runtime, kind, item, now)
        return held


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
    return drain(process.current())


def forget(runtime: Runtime, phone: str, recordings: Iterable[str] = ()) -> int:
    """Drop spooled items of this person (they asked to be erased): theirs by number, and
    transcripts of their recordings (`recordings`, and those of their spooled answers)."""
    items = [(raw, None) for raw in runtime.redis.lrange(KEY, 0, -1)]
    items += [(path.read_bytes(), path) for path in _folder(runtime).glob("*.json")]
    theirs = [(raw, path) for raw, path in items if _names_phone(raw, phone, runtime)]
    sids = set(recordings) | {sid for raw, _ in theirs for sid in _recording_sids(raw)}
    theirs += [(raw, path) for raw, path in items
               if (raw, path) not in theirs and sids & set(_recording_sids(raw))]
    gone = 0
    for raw, path in theirs:
        if path is None:
            gone += runtime.redis.lrem(KEY, 0, raw)
        else:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def _names_phone(raw: bytes | str, phone: str, runtime: Runtime) -> bool:
    for key, value in _strings(_fields(raw)):
        if key in ("sender", "phone"):
            try:
                if normalise(value, runtime.settings.default_region) == phone:
                    return True
            except BadNumber:
                pass
    return False


def _recording_sids(raw: bytes | str) -> list[str]:
    return [value for key, value in _strings(_fields(raw)) if key in ("sid", "recording_sid")]


def _fields(raw: bytes | str) -> dict:
    """The item's own fields; nothing for an unreadable one (it is no one's in particular)."""
    try:
        return _parse(raw)[1]
    except (ValueError, KeyError, TypeError):
        return {}


def _strings(fields: dict) -> Iterator[tuple[str, str]]:
    """Every (name, text) in an item, however deeply nested (a call's recording)."""
    for key, value in fields.items():
        if isinstance(value, dict):
            yield from _strings(value)
        elif isinstance(value, str):
            yield key, value


def _parse(raw: bytes | str) -> tuple[str, dict, datetime]:
    """(kind, fields, arrived at) of a spooled item."""
    fields = json.loads(raw)
    at = datetime.fromisoformat(fields.pop("at"))
    if "kind" not in fields:
        return "text", fields, at  # kept before the spool held more than texts
    return fields["kind"], fields["item"], at


def _drain_redis(runtime: Runtime, limit: int) -> int:
    done = 0
    while done < limit:
        raw = runtime.redis.lindex(KEY, 0)
        if raw is None or not _handle(runtime, raw):
            break
        # Handled before removed: a crash in between replays it, and every replay is
        # idempotent (MessageSid dedupes a text; a callback applied twice changes nothing).
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
    """Replay one spooled item; False if the database is still unreachable."""
    kind, fields, at = _parse(raw)
    try:
        REPLAYS[kind](runtime, fields, at)
    except DATABASE_DOWN:
        return False
    return True


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
