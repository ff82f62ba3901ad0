"""Password hashing with scrypt from the standard library (memory-hard, salted)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# n=2**15, r=8 uses 32 MB per hash: slow for guessers, fine for a sign-in form.
N, R, P = 2 ** 15, 8, 1
MAXMEM = 64 * 1024 * 1024
MIN_LENGTH = 10


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def hash_password(password: str) -> str:
    """A self-describing hash: scrypt$n$r$p$salt$key."""
    salt = secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, N, R, P))}"


def verify(password: str, stored: str) -> bool:
    """True if the password matches the stored hash; False for anything malformed."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, base64.b64decode(key))


# Compared against when the email is unknown, so both cases take the same time.
DUMMY_HASH = f"scrypt${N}${R}${P}${_b64(bytes(16))}${_b64(bytes(32))}"


def generate() -> str:
    """A random password that is easy to type: four groups of letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
