"""Bearer tokens and PIN hashes. Tokens are random and stored only as their SHA-256; PINs as argon2.

A token's prefix tells which table holds it (``c_`` clerk login, ``d_`` device), so resolving a request's
token is one indexed lookup. SHA-256 (not argon2) is right for tokens: they carry 256 random bits, so
there is nothing to brute-force, and every request checks one.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CLERK_PREFIX = "c_"
DEVICE_PREFIX = "d_"
_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 "low memory" defaults


@functools.cache
def _dummy_hash() -> str:
    """Made on first use, not at import: hashing costs as much as a login."""
    return _hasher.hash("not a pin")


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = prefix + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_pin(pin: str) -> str:
    return _hasher.hash(pin)


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """Check a PIN; with no hash (unknown staff number) spend the same time and fail."""
    try:
        return _hasher.verify(pin_hash or _dummy_hash(), pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False
