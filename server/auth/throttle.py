"""Login throttling that holds under concurrency and cannot be turned against clerks (issue 13, D1/D8).

Every attempt first *claims* a guess, atomically, in one write transaction that locks the counters it
reads (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write transaction holds the database lock): the
claim counts as a failure before the PIN is checked, so sixteen parallel guesses are sixteen claims and
the seventeenth waits, whatever order they finish in. A correct PIN then gives its claim back.

Two counters per attempt, each with a few free failures and then a delay doubling per failure:

* ``acct:<staff no>@<address>`` — guessing one clerk's PIN from one place;
* ``addr:<address>`` — guessing anyone's PIN from one place (staff numbers are public on the lobby
  display, 004 第十四条, so "per staff number" alone let one address lock every clerk out).

A clerk at their own counter has their own address: an attacker elsewhere slows only themselves. The
account itself locks hard only after ``hard_lock_failures`` failures from all addresses together, and
only a manager lifts that (:func:`server.auth.store.unlock`, audited). Addresses are stored as keyed
hashes (client addresses are personal data).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from server.storage import schema as t

_T = t.login_throttle


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_per_account: int = 5  # failures per (staff number, address) before delays start
    free_per_address: int = 20  # failures per address (any staff number) before delays start
    delay_s: float = 30  # the first delay; doubles with each further failure
    max_delay_s: float = 15 * 60
    forget_s: float = 24 * 3600  # a counter untouched this long starts over

    def wait(self, failures: int, last_at: float, free: int, now: float) -> float:
        """Seconds until one more guess may be evaluated (0: now)."""
        if failures < free or now - last_at >= self.forget_s:
            return 0.0
        delay = min(self.max_delay_s, self.delay_s * 2 ** min(failures - free, 30))
        return max(0.0, last_at + delay - now)


def address_key(secret: bytes, address: str | None) -> str:
    digest = hmac.new(secret or b"hallq", b"hallq login ip v1\x00" + (address or "?").encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def keys(staff_no: str, address_hash: str) -> tuple[str, str]:
    return f"acct:{staff_no}@{address_hash}", f"addr:{address_hash}"


def _ensure(conn: Connection, key: str, now: float) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(_T).values(key=key, failures=0, last_at=now).on_conflict_do_nothing())


def claim(conn: Connection, staff_no: str, address_hash: str, policy: ThrottlePolicy,
          now: float) -> tuple[int, int]:
    """Claim one guess for (staff number, address): ``(0, free tries left after this one)`` when it may be
    evaluated now (and is counted), else ``(seconds to wait, 0)`` (nothing counted). Call inside a write
    transaction."""
    acct, addr = keys(staff_no, address_hash)
    for key in sorted((acct, addr)):
        _ensure(conn, key, now)
    rows = {r.key: r for r in conn.execute(
        select(_T).where(_T.c.key.in_((acct, addr))).order_by(_T.c.key).with_for_update())}
    wait = max(policy.wait(rows[acct].failures, rows[acct].last_at, policy.free_per_account, now),
               policy.wait(rows[addr].failures, rows[addr].last_at, policy.free_per_address, now))
    if wait > 0:
        return max(1, math.ceil(wait)), 0
    counted = {}
    for key in (acct, addr):
        counted[key] = 1 if now - rows[key].last_at >= policy.forget_s else rows[key].failures + 1
        conn.execute(update(_T).where(_T.c.key == key).values(failures=counted[key], last_at=now))
    return 0, max(0, min(policy.free_per_account - counted[acct], policy.free_per_address - counted[addr]))


def give_back(conn: Connection, staff_no: str, address_hash: str) -> None:
    """A correct PIN: this (staff number, address) starts over, and the address's claim is returned."""
    acct, addr = keys(staff_no, address_hash)
    conn.execute(update(_T).where(_T.c.key == acct).values(failures=0))
    conn.execute(update(_T).where(_T.c.key == addr, _T.c.failures > 0).values(failures=_T.c.failures - 1))


def waiting_accounts(conn: Connection, policy: ThrottlePolicy, now: float) -> dict[str, float]:
    """Staff number → until when wrong PINs make some address wait before it may guess that PIN again
    (the manager's view of "slowed down"; :func:`server.auth.store.unlock` lifts it). No address shown."""
    out: dict[str, float] = {}
    for row in conn.execute(select(_T).where(_T.c.key.like("acct:%"))):
        wait = policy.wait(row.failures, row.last_at, policy.free_per_account, now)
        if wait > 0:
            staff_no = row.key[len("acct:"):].rsplit("@", 1)[0]
            out[staff_no] = max(out.get(staff_no, 0.0), now + wait)
    return out


def purge(conn: Connection, now: float, policy: ThrottlePolicy) -> None:
    conn.execute(_T.delete().where(_T.c.last_at < now - policy.forget_s, _T.c.failures == 0))
    conn.execute(_T.delete().where(_T.c.last_at < now - 2 * policy.forget_s))
