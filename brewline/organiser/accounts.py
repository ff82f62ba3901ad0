"""Organiser accounts: creating them, and signing in with a growing lockout after failures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brewline.organiser import passwords
from brewline.organiser.models import User

FREE_TRIES = 5
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(hours=1)


class AccountError(ValueError):
    """An account cannot be made as asked; the reason is for the person at the keyboard."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt: the user id, or None."""

    user_id: int | None


def normal_email(email: str) -> str:
    return email.strip().lower()


def add(session: Session, email: str, password: str) -> User:
    """Create an organiser; AccountError for a bad email, a short password or a duplicate."""
    email = normal_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise AccountError("That does not look like an email address.")
    if len(password) < passwords.MIN_LENGTH:
        raise AccountError(f"Passwords need at least {passwords.MIN_LENGTH} characters.")
    if find(session, email):
        raise AccountError("There is already an organiser with that email.")
    user = User(email=email, password_hash=passwords.hash_password(password))
    session.add(user)
    session.flush()
    return user


def find(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normal_email(email))).first()


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def sign_in(session: Session, email: str, password: str, now: datetime) -> SignIn:
    """Check a password; refuses while the account is locked, and locks it longer each time."""
    user = find(session, email)
    if user is not None:
        session.refresh(user, with_for_update=True)
    if user is None or (user.locked_until and user.locked_until > now):
        passwords.verify(password, passwords.DUMMY_HASH)  # same time either way
        return SignIn(None)
    if not passwords.verify(password, user.password_hash):
        _failed(user, now)
        return SignIn(None)
    user.failed_sign_ins, user.locked_until, user.last_sign_in_at = 0, None, now
    return SignIn(user.id)


def _failed(user: User, now: datetime) -> None:
    user.failed_sign_ins += 1
    extra = user.failed_sign_ins - FREE_TRIES
    if extra >= 0:
        # 30 s, 1 min, 2 min, ... up to an hour: slows guessing, forgives typos.
        user.locked_until = now + min(FIRST_LOCK * 2 ** extra, LONGEST_LOCK)
