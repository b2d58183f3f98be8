"""D1, D8: PIN guessing against a real server, on SQLite and PostgreSQL.

D1 — sixteen parallel guessers for one staff number, retrying every refusal, with the right PIN among
their guesses: at most the five free guesses are ever evaluated, the right PIN never gets in from the
attacker's address, and the clerk at their own counter still logs in.
D8 — one address working through every clerk of the lobby display: the address is slowed after its
twenty free failures, and every clerk still logs in from their own counter.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from server.storage import schema as t
from tests.security.conftest import CLERK_PIN, from_address

pytestmark = pytest.mark.timeout(300)

ATTACKER, COUNTER = "127.0.0.5", "127.0.0.9"


def evaluated_failures(server, staff_no: str) -> int:
    """Wrong PINs the server actually checked for ``staff_no`` (each is audited)."""
    with server.engine.connect() as conn:
        rows = conn.execute(select(t.audit_log.c.detail).where(
            t.audit_log.c.action == "auth.login_failed", t.audit_log.c.actor == f"clerk:{staff_no}")).scalars()
        return sum('"bad_pin"' in d for d in rows)


def test_parallel_guessing_evaluates_only_the_free_guesses_and_never_gets_in(edge) -> None:
    edge.add_clerk("g1", pin=CLERK_PIN, windows=(1,))
    guesses = [f"{n:06d}" for n in range(100_000, 100_150)]
    guesses.insert(40, CLERK_PIN)  # the attacker will try the right PIN too, after 40 wrong ones

    def guess(pin: str) -> int:
        with from_address(edge, ATTACKER) as c:
            for _ in range(3):  # retry a refusal, as the attacker did
                r = c.post("/api/v1/auth/login", json={"staff_no": "g1", "pin": pin})
                if r.status_code not in (423, 429):
                    return r.status_code
        return r.status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(guess, guesses))
    assert 200 not in statuses  # the right PIN never got in from the attacker's address
    assert statuses.count(401) <= 5 and evaluated_failures(edge, "g1") <= 5
    assert set(statuses) <= {401, 429}
    with from_address(edge, COUNTER) as c:  # the clerk at their own counter, during the attack
        r = c.post("/api/v1/auth/login", json={"staff_no": "g1", "pin": CLERK_PIN})
        assert r.status_code == 200, r.text
    with from_address(edge, ATTACKER) as c:  # and the attacker's address is still slowed
        r = c.post("/api/v1/auth/login", json={"staff_no": "g1", "pin": CLERK_PIN})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 60


def test_one_address_cannot_lock_out_the_clerks_on_the_lobby_display(edge) -> None:
    staff = [f"d{i}" for i in range(7)]
    for n in staff:
        edge.add_clerk(n, pin=CLERK_PIN, windows=(1,))
    statuses = []
    with from_address(edge, "127.0.0.6") as c:
        for n in staff:
            for k in range(5):
                statuses.append(c.post("/api/v1/auth/login", json={"staff_no": n, "pin": f"90{k}123"}).status_code)
    assert statuses.count(401) <= 20 and 429 in statuses  # the address is slowed after its free failures
    assert 423 not in statuses  # and no account locked
    for i, n in enumerate(staff):  # every clerk still logs in at their own counter
        with from_address(edge, f"127.0.1.{i + 1}") as c:
            r = c.post("/api/v1/auth/login", json={"staff_no": n, "pin": CLERK_PIN})
            assert r.status_code == 200, r.text


def test_new_pins_must_be_six_digits_and_not_easy(edge) -> None:
    from server.auth import add_clerk
    from server.halls.errors import Problem

    for weak in ("1234", "12345", "123456", "654321", "000000", "121212", "147258"):
        with pytest.raises(Problem) as refused:
            add_clerk(edge.engine, staff_no="w1", name="弱", pin=weak, now=0.0)
        assert refused.value.code == "bad_pin"
