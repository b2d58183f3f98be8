"""Proving a phone number with a one-time code (issue 13, D2): only the person can change their bookings.

Anyone who knew a phone or ID number could book, look up and cancel in that person's name, and make
them blacklisted (003 §7) by booking and not coming. Now:

1. ``POST /halls/{hall}/phone/code {"phone"}``: a 6-digit code goes to the phone through the notifier
   (``HALLQ_NOTIFY``: log / sim here), valid ``CODE_TTL_S``; at most ``per_phone`` codes per phone per
   ``PHONE_WINDOW_S`` and the address's hourly allowance (``booking_per_ip_hour``);
2. ``POST /halls/{hall}/phone/verify {"phone", "code"}``: the right code (at most ``MAX_TRIES`` tries
   per code, then it is dead) earns a phone token ``p_…`` valid ``SESSION_TTL_S``, sent in request
   bodies (never in URLs) as ``phone_token``;
3. booking, looking up, cancelling and remote tickets check that the token proves the phone concerned.

Only keyed hashes are stored: the phone (``person_hash``), the code (HMAC over phone hash and code), the
token (SHA-256). The number itself stays in the request that sends the message.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from server.storage import schema as t

from .errors import BookingRefused
from .person import Person

_C = t.phone_codes
PHONE_PREFIX = "p_"
CODE_TTL_S = 600
SESSION_TTL_S = 1800
MAX_TRIES = 5
PHONE_WINDOW_S = 3600


@dataclass(frozen=True, slots=True)
class CodePolicy:
    per_phone: int = 3  # codes per phone per hour (each is a message someone pays for and receives)


def code_hash(secret: bytes, phone_hash: str, code: str) -> str:
    return hmac.new(secret, b"hallq otp v1\x00" + f"{phone_hash}:{code}".encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_code(conn: Connection, secret: bytes, phone: Person, address_hash: str, *, now: float,
               policy: CodePolicy = CodePolicy(), randbelow=secrets.randbelow) -> str:
    """A fresh code for ``phone`` (stored hashed), or ``rate_limited`` with the wait. The caller sends it."""
    key = phone.key(secret)
    recent = sorted(conn.execute(select(_C.c.created_at).where(
        _C.c.phone_hash == key, _C.c.created_at > now - PHONE_WINDOW_S)).scalars())
    if len(recent) >= policy.per_phone:
        wait = max(1, math.ceil(recent[len(recent) - policy.per_phone] + PHONE_WINDOW_S - now))
        minutes = math.ceil(wait / 60)
        raise BookingRefused("rate_limited", f"验证码发送过于频繁，请 {minutes} 分钟后再试",
                             f"too many codes for this number: try again in {minutes} min", retry_after_s=wait)
    code = f"{randbelow(1_000_000):06d}"
    # an older unused code of this phone stops working: only the newest message counts
    conn.execute(update(_C).where(_C.c.phone_hash == key, _C.c.used.is_(False)).values(used=True))
    conn.execute(_C.insert().values(phone_hash=key, code_hash=code_hash(secret, key, code),
                                    address_hash=address_hash, created_at=now, expires_at=now + CODE_TTL_S))
    return code


def bad_code() -> BookingRefused:
    return BookingRefused("bad_code", "验证码不对或已过期，请重新获取",
                          "wrong or expired code: ask for a new one")


def verify(conn: Connection, secret: bytes, phone: Person, code: str, *, now: float) -> tuple[str, float] | None:
    """Exchange the right code for a phone token (``p_…``, expiry); None for a wrong, used or expired code.
    A wrong code counts a try and the ``MAX_TRIES``-th kills the code — so the caller must *commit* before
    refusing (raise after the transaction, not inside it). Atomic: a code earns at most one token."""
    key = phone.key(secret)
    row = conn.execute(select(_C).where(_C.c.phone_hash == key, _C.c.used.is_(False), _C.c.expires_at > now)
                       .order_by(_C.c.created_at.desc()).limit(1).with_for_update()).first()
    if row is None:
        return None
    if not hmac.compare_digest(row.code_hash, code_hash(secret, key, code)):
        conn.execute(update(_C).where(_C.c.id == row.id).values(
            attempts=_C.c.attempts + 1, used=row.attempts + 1 >= MAX_TRIES))
        return None
    token = PHONE_PREFIX + secrets.token_urlsafe(32)
    expires = now + SESSION_TTL_S
    done = conn.execute(update(_C).where(_C.c.id == row.id, _C.c.used.is_(False)).values(
        used=True, session_hash=token_hash(token), session_expires_at=expires)).rowcount
    return (token, expires) if done == 1 else None  # 0: used by a concurrent request meanwhile


def proven_phone(conn: Connection, token: str | None, *, now: float) -> str | None:
    """The phone hash a phone token proves, or None (no token, unknown or expired)."""
    if not token or not token.startswith(PHONE_PREFIX):
        return None
    return conn.execute(select(_C.c.phone_hash).where(
        _C.c.session_hash == token_hash(token), _C.c.session_expires_at > now)).scalar()


def unverified() -> BookingRefused:
    return BookingRefused("phone_unverified", "请先用短信验证码验证手机号",
                          "prove the phone number with the code sent to it first")


def purge(conn: Connection, *, before: float) -> None:
    conn.execute(_C.delete().where(_C.c.created_at < before,
                                   (_C.c.session_expires_at.is_(None)) | (_C.c.session_expires_at < before)))
