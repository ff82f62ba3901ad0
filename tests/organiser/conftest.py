"""Fixtures for the organiser pages: an organiser account and a signed-in test client."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from brewline.organiser import passwords
from brewline.organiser.models import User

EMAIL = "organiser@example.org"
PASSWORD = "a-long-enough-password"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Organiser:
    email: str
    password: str
    user_id: int


@pytest.fixture(scope="session")
def password_hash() -> str:
    """Hashed once: scrypt is slow on purpose."""
    return passwords.hash_password(PASSWORD)


@pytest.fixture
def organiser(runtime, password_hash) -> Organiser:
    with runtime.store.transaction() as db:
        user = User(email=EMAIL, password_hash=password_hash)
        db.add(user)
        db.flush()
    return Organiser(EMAIL, PASSWORD, user.id)


def csrf_from(response) -> str:
    """The CSRF token in a page's forms."""
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


class Browserless:
    """A test client that signs in like a person does and keeps the page's CSRF token."""

    def __init__(self, client):
        self.client, self.token = client, ""

    def sign_in(self, email: str = EMAIL, password: str = PASSWORD):
        self.token = csrf_from(self.client.get("/sign-in"))
        return self.client.post("/sign-in", data={"csrf_token": self.token, "email": email,
                                                   "password": password})

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def web(client) -> Browserless:
    return Browserless(client)


@pytest.fixture
def signed_in(web, organiser) -> Browserless:
    response = web.sign_in()
    assert response.status_code == 302
    web.token = csrf_from(web.get("/answers"))
    return web


SAID = ("<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\"> "
        "=HYPERLINK(\"http://evil\") tea & biscuits")


@pytest.fixture
def answer_id(twilio, runtime) -> int:
    """One person answers question 1 with HTML and a spreadsheet formula in it."""
    from sqlalchemy import select

    from brewline.surveys.models import Answer

    for body in ("hi", "yes", SAID):
        assert twilio.text(body).status_code == 200
    with runtime.store.transaction() as db:
        return db.scalars(select(Answer.id).where(Answer.question_id == "value")).one()
