"""Idempotency keys: a retried mutating request (same actor, same key) gets the stored response.

The response is stored in the same transaction as the change it reports, so "applied" and "remembered"
cannot diverge. Kept 24 hours; a key reused for a different request is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from server.storage import schema as t

from .errors import Problem

KEEP_S = 24 * 3600


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    actor: str
    key: str
    fingerprint: str  # what the request was: method, path, body

    @classmethod
    def of(cls, actor: str, key: str, method: str, path: str, body: bytes) -> IdempotencyKey:
        if not 1 <= len(key) <= 128 or not key.isprintable():
            raise Problem(
                "bad_idempotency_key",
                "Idempotency-Key 须为 1–128 个可打印字符",
                "Idempotency-Key must be 1-128 printable characters",
                400,
            )
        digest = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        return cls(actor, key, digest)


# statements built once: every mutation with a key runs them, and building one costs more than running it
_KEYS = t.idempotency_keys
_LOOKUP = select(_KEYS).where(_KEYS.c.actor == bindparam("actor"), _KEYS.c.key == bindparam("key"),
                              _KEYS.c.created_at > bindparam("since"))
_FORGET = delete(_KEYS).where(_KEYS.c.actor == bindparam("actor"), _KEYS.c.key == bindparam("key"))
_REMEMBER = _KEYS.insert()


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: Any  # JSON value or None (204)


def lookup(conn: Connection, idem: IdempotencyKey, *, now: float) -> StoredResponse | None:
    row = conn.execute(_LOOKUP, {"actor": idem.actor, "key": idem.key, "since": now - KEEP_S}).first()
    if row is None:
        return None
    if row.fingerprint != idem.fingerprint:
        raise Problem(
            "idempotency_key_reused",
            "此 Idempotency-Key 已用于另一个请求",
            "this Idempotency-Key was already used for a different request",
            422,
        )
    return StoredResponse(row.status, json.loads(row.body))


def store(conn: Connection, idem: IdempotencyKey, response: StoredResponse, *, now: float) -> None:
    # an expired row with the same key may still be there: replace it
    conn.execute(_FORGET, {"actor": idem.actor, "key": idem.key})
    conn.execute(_REMEMBER, {"actor": idem.actor, "key": idem.key, "created_at": now,
                             "fingerprint": idem.fingerprint, "status": response.status,
                             "body": json.dumps(response.body, ensure_ascii=False)})


_LOOKUP_MANY = select(_KEYS).where(_KEYS.c.key.in_(bindparam("keys", expanding=True)),
                                   _KEYS.c.created_at > bindparam("since"))


def lookup_many(conn: Connection, idems: list[IdempotencyKey], *, now: float) -> dict[tuple[str, str], Any]:
    """The stored rows of several keys in one statement (a group commit looks its keys up together);
    ``(actor, key) → row``. :func:`answer` turns a row into the stored response, or refuses a reuse."""
    if not idems:
        return {}
    rows = conn.execute(_LOOKUP_MANY, {"keys": sorted({i.key for i in idems}), "since": now - KEEP_S})
    return {(r.actor, r.key): r for r in rows}


def answer(row: Any, idem: IdempotencyKey) -> StoredResponse:
    if row.fingerprint != idem.fingerprint:
        raise Problem(
            "idempotency_key_reused",
            "此 Idempotency-Key 已用于另一个请求",
            "this Idempotency-Key was already used for a different request",
            422,
        )
    body = row.body if isinstance(row.body, str) else json.dumps(row.body)
    return StoredResponse(row.status, json.loads(body))


def store_many(conn: Connection, items: list[tuple[IdempotencyKey, StoredResponse]], *, now: float) -> None:
    """Store several responses: one DELETE (expired rows with the same key) and one INSERT, each executemany."""
    if not items:
        return
    conn.execute(_FORGET, [{"actor": i.actor, "key": i.key} for i, _ in items])
    conn.execute(_REMEMBER, [{"actor": i.actor, "key": i.key, "created_at": now, "fingerprint": i.fingerprint,
                              "status": r.status, "body": json.dumps(r.body, ensure_ascii=False)}
                             for i, r in items])


def purge(conn: Connection, *, now: float) -> int:
    return conn.execute(
        delete(t.idempotency_keys).where(t.idempotency_keys.c.created_at <= now - KEEP_S)
    ).rowcount
