"""Signing in: scrypt hashes, one generic message, a growing lockout, CSRF, safe cookies."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from brewline import cli
from brewline.organiser import accounts, passwords
from brewline.organiser.auth import NOT_RECOGNISED
from brewline.organiser.models import AnswerTag, User
from tests.organiser.conftest import EMAIL, PASSWORD, csrf_from

NOW = datetime(2026, 5, 22, 10, 0, tzinfo=timezone.utc)


def test_pages_send_people_who_are_not_signed_in_to_the_sign_in_page(client):
    for path in ("/", "/answers", "/contacts", "/simulator"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_right_password_signs_in_and_lands_on_the_page_asked_for(client, organiser):
    token = csrf_from(client.get("/sign-in?next=/answers"))
    response = client.post("/sign-in", data={"csrf_token": token, "email": EMAIL.upper(),
                                             "password": PASSWORD, "next": "/answers"})
    assert response.headers["Location"] == "/answers"
    assert "Overview" in client.get("/").get_data(as_text=True)


def test_sign_in_never_sends_people_to_another_site(client, organiser):
    token = csrf_from(client.get("/sign-in"))
    response = client.post("/sign-in", data={"csrf_token": token, "email": EMAIL,
                                             "password": PASSWORD, "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(web, organiser):
    wrong = web.sign_in(password="not-the-password")
    unknown = web.sign_in(email="nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert NOT_RECOGNISED.split(".")[0] in response.get_data(as_text=True)
    assert web.get("/").status_code == 302


def test_passwords_are_stored_as_salted_scrypt_hashes(runtime, organiser):
    with runtime.store.transaction() as db:
        stored = db.scalars(select(User)).one().password_hash
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert passwords.verify(PASSWORD, stored) and not passwords.verify("other", stored)
    assert passwords.hash_password(PASSWORD) != passwords.hash_password(PASSWORD)


def test_after_five_wrong_tries_even_the_right_password_waits_and_the_wait_grows(runtime, organiser):
    with runtime.store.transaction() as db:
        for _ in range(accounts.FREE_TRIES):
            assert accounts.sign_in(db, EMAIL, "wrong", NOW).user_id is None
        first = db.scalars(select(User)).one().locked_until
        assert accounts.sign_in(db, EMAIL, PASSWORD, NOW + timedelta(seconds=5)).user_id is None
        later = NOW + timedelta(seconds=31)
        assert accounts.sign_in(db, EMAIL, "wrong again", later).user_id is None
        second = db.scalars(select(User)).one().locked_until
        assert (first - NOW, second - later) == (timedelta(seconds=30), timedelta(seconds=60))
        assert accounts.sign_in(db, EMAIL, PASSWORD, later + timedelta(minutes=2)).user_id
        assert db.scalars(select(User)).one().failed_sign_ins == 0


def test_a_form_posted_without_its_csrf_token_changes_nothing(signed_in, runtime, answer_id):
    response = signed_in.client.post(f"/answers/{answer_id}/themes", data={"theme": "tea"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    with runtime.store.transaction() as db:
        assert db.scalars(select(AnswerTag)).all() == []


def test_the_sign_in_form_itself_needs_its_csrf_token(client, organiser):
    response = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_an_idle_session_ends_and_asks_to_sign_in_again(signed_in):
    with signed_in.client.session_transaction() as session:
        session["seen"] = 0
    response = signed_in.get("/answers")
    assert response.status_code == 302
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "your session has ended" in page


def test_session_cookies_are_httponly_lax_and_secure_behind_https(web, organiser):
    cookie = web.sign_in().headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_sign_out_ends_the_session(signed_in):
    signed_in.post("/sign-out")
    assert signed_in.get("/").status_code == 302


def test_users_add_prints_a_generated_password_once_and_it_works(runtime, app):
    cli.build()
    result = app.test_cli_runner().invoke(cli.cli, ["users", "add", "New@Example.org", "--generate"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    with runtime.store.transaction() as db:
        assert accounts.sign_in(db, "new@example.org", password, NOW).user_id
    again = app.test_cli_runner().invoke(cli.cli, ["users", "add", "new@example.org", "--generate"])
    assert again.exit_code == 1 and "already an organiser" in again.output


def test_users_add_asks_for_a_password_and_refuses_a_short_one(app):
    cli.build()
    short = app.test_cli_runner().invoke(cli.cli, ["users", "add", "a@example.org"], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    typed = "typed-password-123"
    ok = app.test_cli_runner().invoke(cli.cli, ["users", "add", "a@example.org"], input=f"{typed}\n{typed}\n")
    assert ok.exit_code == 0 and typed not in ok.output
