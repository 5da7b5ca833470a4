"""Password hashing with argon2id (`argon2-cffi`, its recommended parameters); no hand-written crypto."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256
_hasher = PasswordHasher()
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))  # verified against for unknown names: same time either way


def hash_password(password: str) -> str:
    """The argon2id hash (salt and parameters included) of `password`."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash` (None: an account without password, or an unknown name,
    still costs one verification)."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password[:MAX_LENGTH]) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash uses weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def problem(password: str) -> str | None:
    """Why a new password is refused ('too_short', 'too_long'), or None."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    return None


def generate() -> str:
    """A random password (16 URL-safe characters, about 96 bits) to print once."""
    return secrets.token_urlsafe(12)
