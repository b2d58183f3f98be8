"""``kill -9`` of the server in the middle of a rush of ticket issues, then a restart on the same database.

What the hall would notice if it went wrong: a visitor holding a printed ticket the hall no longer knows,
a number printed twice, the visitor being called at window 1 forgotten, the paused window back open, the
tide window gone, a broken audit chain (001 第十四条 留痕).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from server.audit import verify
from server.storage.db import read_transaction
from tests.server.conftest import ServerProcess

pytestmark = pytest.mark.timeout(300)

TZ = ZoneInfo("Asia/Shanghai")
H = "/api/v1/halls/test"
LOADERS = 8
KILL_AFTER = 40  # acknowledged tickets before the kill
TIMEOUT = 60


def ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json() if r.content else {}


def prepare(srv: ServerProcess) -> dict[str, httpx.Client]:
    """Windows 1–3 signed in; A001 called (and recalled) at window 1; window 2 paused with a reason and a
    return time; window 3 a manual tide window for GEN; A002, A003 and C001 waiting."""
    srv.add_clerk("a1", windows=(1, 2, 3))
    srv.add_clerk("m1", role="manager", windows=(1, 2, 3))
    who = {"kiosk": srv.client(srv.add_device("kiosk")), "clerk": srv.client(srv.login("a1")),
           "manager": srv.client(srv.login("m1"))}
    clerk = who["clerk"]
    for n in (1, 2, 3):
        ok(clerk.post(f"{H}/windows/{n}/sign-in"))
    for service in ("GEN", "GEN", "GEN", "SOC"):
        ok(who["kiosk"].post(f"{H}/tickets", json={"service": service}), 201)
    assert ok(clerk.post(f"{H}/windows/1/call"))["ticket"]["number"] == "A001"
    ok(clerk.post(f"{H}/windows/1/recall"))
    back = (datetime.now(TZ) + timedelta(minutes=20)).replace(second=0, microsecond=0, tzinfo=None)
    ok(clerk.post(f"{H}/windows/2/pause", json={"reason": "到后台取件", "until": back.isoformat()}))
    ok(who["manager"].post(f"{H}/windows/3/tide/open", json={"service": "GEN"}))
    return who


def rush_then_kill(srv: ServerProcess, token: str) -> tuple[list[dict], int]:
    """``LOADERS`` kiosks issue as fast as they can; after ``KILL_AFTER`` acknowledgements the server gets
    SIGKILL. Returns the acknowledged tickets (a 201 with its body fully received) and how many requests
    were cut off without an answer."""
    acked: list[dict] = []
    cut_off = [0]
    lock = threading.Lock()
    enough = threading.Event()

    def kiosk(i: int) -> None:
        with httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {token}"},
                          timeout=TIMEOUT) as c:
            while True:
                try:
                    r = c.post(f"{H}/tickets", json={"service": "GEN" if i % 4 else "SOC"})
                    body = r.json()
                except httpx.TransportError:  # the server died under this request
                    with lock:
                        cut_off[0] += 1
                    return
                assert r.status_code == 201, r.text
                with lock:
                    acked.append(body)
                    if len(acked) >= KILL_AFTER:
                        enough.set()

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(LOADERS)]
    for th in threads:
        th.start()
    try:
        assert enough.wait(TIMEOUT), "the rush never reached the kill point"
        srv.proc.kill()  # SIGKILL: no shutdown handler, no flush, nothing
        srv.proc.wait(timeout=TIMEOUT)
    finally:
        for th in threads:
            th.join(timeout=TIMEOUT)
    return acked, cut_off[0]


@pytest.fixture
def clients() -> Iterator[list[httpx.Client]]:
    made: list[httpx.Client] = []
    yield made
    for c in made:
        c.close()


def test_sigkill_during_a_rush_loses_no_acknowledged_ticket_and_no_state(sqlite_url, spawn_server, clients) -> None:
    # SQLite, the embedded default: its WAL with synchronous=FULL and group commits is what must hold (PostgreSQL's
    # durability is PostgreSQL's; the two-process test covers hallq on it)
    db_url = sqlite_url
    first = spawn_server(db_url)
    who = prepare(first)
    clients.extend(who.values())
    display = first.add_device("display")
    with first.client(display) as screen:
        before = ok(screen.get(f"{H}/snapshot"))
    with first.client(display) as screen:
        assert ok(screen.get(f"{H}/snapshot"))["seq"] == before["seq"]  # nothing moves on its own

    acked, cut_off = rush_then_kill(first, who["kiosk"].headers["Authorization"].split()[1])
    assert first.proc.returncode == -9

    second = spawn_server(db_url)  # same database, a new process
    clerk = second.client(second.login("a1"))
    clients.append(clerk)
    with second.client(display) as screen:
        after = ok(screen.get(f"{H}/snapshot"))

    # every acknowledged ticket is there, as it was acknowledged
    for tk in acked:
        got = ok(clerk.get(f"{H}/tickets/{tk['id']}"))
        assert (got["number"], got["state"], got["issued_at"]) == (tk["number"], "waiting", tk["issued_at"])
    # at most the requests cut off by the kill were committed without their answer: numbers stay
    # unique and gap-free, and a new ticket continues after the last one
    waiting = {w["service"]: w["total"] for w in after["waiting"]}
    before_waiting = {w["service"]: w["total"] for w in before["waiting"]}
    unanswered = sum(waiting.values()) - sum(before_waiting.values()) - len(acked)
    assert 0 <= unanswered <= cut_off
    numbers = sorted(int(tk["number"][1:]) for tk in acked if tk["number"][0] == "A")
    assert len(set(numbers)) == len(numbers)
    kiosk = second.client(second.add_device("kiosk"))
    clients.append(kiosk)
    fresh = ok(kiosk.post(f"{H}/tickets", json={"service": "GEN"}), 201)
    assert int(fresh["number"][1:]) == 3 + waiting["GEN"] - before_waiting["GEN"] + 1

    # the windows as they were: the called ticket, the pause (reason and return time), the tide window
    assert after["windows"] == before["windows"]
    assert after["tides"] == before["tides"]
    win1 = ok(clerk.get(f"{H}/windows/1"))["current"]
    assert (win1["number"], win1["state"], win1["recalls"]) == ("A001", "recalled", 1)
    # … and the queue order: window 1 carries on with A002, the oldest waiting GEN ticket
    ok(clerk.post(f"{H}/windows/1/start"))
    ok(clerk.post(f"{H}/windows/1/finish", json={"outcome": "completed"}))
    assert ok(clerk.post(f"{H}/windows/1/call"))["ticket"]["number"] == "A002"

    # the audit trail (hash chain) survived the kill unbroken
    with read_transaction(second.engine) as conn:
        chain = verify(conn)
    assert chain.ok, (chain.broken_seq, chain.reason_en)
