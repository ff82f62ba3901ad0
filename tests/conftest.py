"""Fixtures, layered: real database and Redis -> settings -> runtime -> app -> signed client."""
from __future__ import annotations

import itertools
import os
import threading
from datetime import datetime, time, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis as redis_lib
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from brewline import schema, wiring
from brewline.platform import embedded_redis, migrate
from brewline.platform.runtime import Runtime
from brewline.platform.settings import Settings
from brewline.surveys import question_sets
from brewline.web.app import create_app
from tests.fakes.twilio_api import FakeTwilio
from workers import context

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "0" * 32
PUBLIC_URL = "https://brewline.example.org"
PHONE = "+447700900123"
SEEDED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A real database: $DATABASE_URL (emptied first) or a new SQLite file, migrated."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    migrate.fresh(url)
    return url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> str:
    """A real Redis: $REDIS_URL or the embedded server in a temporary folder."""
    return os.environ.get("REDIS_URL") or embedded_redis.ensure(
        tmp_path_factory.mktemp("redis"), persist=False)


@pytest.fixture
def settings(tmp_path: Path, database_url: str, redis_url: str) -> Settings:
    """Settings for one test: real back-ends, Twilio credentials, no quiet hours."""
    return Settings(
        instance_dir=tmp_path, database_url=database_url, redis_url=redis_url,
        twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
        twilio_phone_number="+447700900000", twilio_api_base_url=None,
        public_base_url=PUBLIC_URL, secret_key="test-secret", quiet_hours=None,
        answer_window=0,
        # One language, as most tests are about something else; tests of languages
        # switch on more (LANGUAGES), which also brings the choice at the start of a call.
        languages=("en",),
    )


@pytest.fixture
def runtime(settings: Settings):
    """A runtime on clean back-ends: every table emptied, the Redis database flushed."""
    runtime = Runtime(settings)
    wiring.register()  # as every process does at start (create_app, the worker, the CLI)
    _empty_database(runtime)
    question_sets.seed(runtime, SEEDED_AT)  # the shipped set, as `brewline db upgrade` writes it
    runtime.redis.flushdb()
    yield runtime
    runtime.close()


def _empty_database(runtime: Runtime) -> None:
    with runtime.store.engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(runtime: Runtime):
    app = create_app(runtime=runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def served(app):
    """The app on a real local port, as `brewline chat` and browsers meet it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def fake():
    """Twilio's REST API as a real local server (tests/fakes/twilio_api.py)."""
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def fake_twilio():
    """The fake under the tests' own account (ACCOUNT_SID, AUTH_TOKEN), as settings have it."""
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


def using_fake(settings: Settings, fake: FakeTwilio) -> Settings:
    """`settings` with Twilio's REST calls going to the fake, under the fake's account."""
    return settings.with_(twilio_account_sid=fake.account_sid,
                          twilio_auth_token=fake.auth_token, twilio_api_base_url=fake.url)


class Twilio:
    """Posts Twilio-shaped, correctly signed forms to the app, like Twilio does."""

    _sids = itertools.count(1)

    def __init__(self, client, token: str = AUTH_TOKEN, base: str = PUBLIC_URL):
        self.client, self.validator, self.base = client, RequestValidator(token), base

    def post(self, path: str, form: dict, signature: str | None = None, **kwargs):
        signature = signature or self.validator.compute_signature(self.base + path, form)
        return self.client.post(path, data=urlencode(form), headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}, **kwargs)

    def text(self, body: str, sender: str = PHONE, sid: str | None = None, **extra):
        sid = sid or f"SM{next(self._sids):032x}"
        form = {"From": sender, "To": "+447700900000", "Body": body, "MessageSid": sid,
                "AccountSid": ACCOUNT_SID, "NumMedia": "0", **extra}
        return self.post("/twilio/sms", form)


@pytest.fixture
def twilio(client) -> Twilio:
    return Twilio(client)


@pytest.fixture(scope="session")
def machine_redis_available(redis_url) -> bool:
    try:
        return bool(redis_lib.Redis.from_url(redis_url).ping())
    except redis_lib.RedisError:
        return False


@pytest.fixture
def sender(runtime: Runtime, fake: FakeTwilio) -> Runtime:
    """A runtime whose texts go to the fake Twilio, with no rate limit."""
    sending = Runtime(using_fake(runtime.settings, fake).with_(send_rate=0))
    context.use(sending)
    yield sending
    context.use(None)
    sending.close()


@pytest.fixture
def night(sender: Runtime) -> Runtime:
    """The sending runtime with quiet hours all day (UTC), so every moment is quiet."""
    quiet = Runtime(sender.settings.with_(quiet_hours=(time(0), time(23, 59, 59)),
                                          tz_default="UTC"))
    yield quiet
    quiet.close()
