"""Typed settings, read once from the environment."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Mapping

from flows.invites import parse_reminders
from flows.words import catalogues, code_for


@dataclass(frozen=True)
class Settings:
    """Everything Brewline is configured with. Built once, then passed in."""

    instance_dir: Path
    database_url: str
    redis_url: str | None  # None: start the embedded Redis under instance_dir
    twilio_account_sid: str | None
    twilio_auth_token: str | None
    twilio_phone_number: str | None
    twilio_api_base_url: str | None
    public_base_url: str
    secret_key: str
    tz_default: str = "Europe/London"
    quiet_hours: tuple[time, time] | None = (time(20, 0), time(9, 0))
    send_rate: float = 10.0
    answer_window: int = 45
    active_flow: str = "over-a-brew-2024-05"
    flows_dir: Path | None = None
    default_region: str = "GB"
    retention_days: int = 365
    reminders: tuple[str, ...] = ("1d", "morning")  # before an event, for people who said yes
    survey_reminder_hours: int = 48  # one nudge after this long quiet; 0 turns it off
    org_name: str = "Over a Brew"  # what people are told they are talking to
    org_description: str = "a chat about local services"  # one short phrase, reading age 9
    org_phone: str | None = None  # a number people can ring us on; None: our Twilio number
    # Seconds before a silent database counts as down (well inside Twilio's 15 s).
    database_connect_timeout: float = 3.0
    database_statement_timeout: float = 5.0
    database_pool_timeout: float = 3.0
    # Languages people may take part in (catalogue codes); () means every shipped catalogue
    # with no line missing (flows.words.switched_on).
    languages: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def local_mode(self) -> bool:
        """No Twilio credentials: outbound messages stay in the local outbox."""
        return not (self.twilio_account_sid and self.twilio_auth_token)

    @property
    def webhook_token(self) -> str:
        """The token Twilio signs webhooks with (a generated local one in local mode)."""
        return self.twilio_auth_token or local_token(self.instance_dir)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (or a mapping, for tests)."""
    env = os.environ if env is None else env
    instance = Path(env.get("BREWLINE_INSTANCE", "instance")).resolve()
    port = env.get("PORT", "5000")
    return Settings(
        instance_dir=instance,
        database_url=env.get("DATABASE_URL") or f"sqlite:///{instance / 'brewline.db'}",
        redis_url=env.get("REDIS_URL") or None,
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
        twilio_phone_number=env.get("TWILIO_PHONE_NUMBER") or None,
        twilio_api_base_url=env.get("TWILIO_API_BASE_URL") or None,
        public_base_url=(env.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
        secret_key=env.get("SECRET_KEY") or _instance_secret(instance, "secret_key"),
        tz_default=env.get("TZ_DEFAULT", "Europe/London"),
        quiet_hours=parse_quiet_hours(env.get("QUIET_HOURS", "20:00-09:00")),
        send_rate=float(env.get("SEND_RATE", "10")),
        answer_window=int(env.get("ANSWER_WINDOW", "45")),
        active_flow=env.get("ACTIVE_FLOW", "over-a-brew-2024-05"),
        flows_dir=Path(env["FLOWS_DIR"]) if env.get("FLOWS_DIR") else None,
        retention_days=int(env.get("RETENTION_DAYS", "365")),
        reminders=parse_reminders(env.get("REMINDERS", "1d,morning")),
        survey_reminder_hours=int(env.get("SURVEY_REMINDER_HOURS", "48")),
        org_name=env.get("ORG_NAME") or "Over a Brew",
        org_description=env.get("ORG_DESCRIPTION") or "a chat about local services",
        org_phone=env.get("ORG_PHONE") or None,
        database_connect_timeout=_seconds(env, "DATABASE_CONNECT_TIMEOUT", 3.0),
        database_statement_timeout=_seconds(env, "DATABASE_STATEMENT_TIMEOUT", 5.0),
        database_pool_timeout=_seconds(env, "DATABASE_POOL_TIMEOUT", 3.0),
        languages=parse_languages(env.get("LANGUAGES", "")),
        extra={k: v for k, v in env.items() if k.startswith("BREWLINE_")},
    )


def sqlite_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The SQLite file these settings would use (None for another database), found
    without creating anything, as from_env() would (it makes instance/ for secrets)."""
    env = os.environ if env is None else env
    url = env.get("DATABASE_URL") or ""
    if not url:
        return Path(env.get("BREWLINE_INSTANCE", "instance")).resolve() / "brewline.db"
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///"):]).resolve()
    return None


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from the environment, or a plain error naming it."""
    value = env.get(name, "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError(f"{name} must be a number of seconds above 0, not {value!r}")
    return seconds


def parse_quiet_hours(value: str) -> tuple[time, time] | None:
    """'20:00-09:00' -> (20:00, 09:00); empty -> None (no quiet hours)."""
    value = value.strip()
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"QUIET_HOURS must look like 20:00-09:00, not {value!r}") from None
    return start, end


def parse_languages(value: str) -> tuple[str, ...]:
    """'en, pl, Arabic' -> ('en', 'pl', 'ar'); empty -> () (every complete catalogue)."""
    found = []
    for part in (p.strip() for p in value.split(",") if p.strip()):
        code = code_for(part)
        if code is None:
            shipped = ", ".join(catalogues())
            raise ValueError(f"LANGUAGES: there are no words for {part!r}; we have {shipped}")
        found.append(code)
    return tuple(dict.fromkeys(found))


def local_token(instance: Path) -> str:
    """The webhook signing token used when there are no Twilio credentials."""
    return _instance_secret(instance, "local_auth_token")


def _instance_secret(instance: Path, name: str) -> str:
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(16)
    # Two processes may start at once; the first one to create the file wins.
    try:
        with open(path, "x") as handle:
            handle.write(value)
    except FileExistsError:
        return path.read_text().strip()
    os.chmod(path, 0o600)
    return value
