"""Two ``hallq server`` processes on one database (SQLite file; PostgreSQL when reachable), hammered by 32
concurrent clients — 16 kiosks issuing, 16 counter terminals calling, starting and finishing — each
request going to either process in turn.

What a hall would notice if it went wrong: a number printed twice in a day, one visitor called to two
windows, a ticket the kiosk printed that the hall then does not know, a lobby screen (connected to the
other process) that misses or repeats a call.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from client import HallClient
from server.storage import schema as t
from tests.server.conftest import ServerProcess

pytestmark = pytest.mark.timeout(300)

HALL = "test"
WINDOWS = 16
KIOSKS = 16
TICKETS_PER_KIOSK = 6
TIMEOUT = 60  # seconds to wait for one thing: generous, never a pass condition


def hall_toml(windows: int) -> str:
    """One hall open around the clock, two services, ``windows`` windows serving both (in either order)."""
    head = """
[deployment]
name = "多进程测试"
timezone = "Asia/Shanghai"
public_base_url = "http://hall.test"

[calendar]
holidays = []
workdays = []

[[halls]]
id = "test"
name_zh = "多进程测试大厅"
name_en = "Multi-process test hall"
  [halls.hours]
  weekdays = ["00:00-24:00"]
  saturday = ["00:00-24:00"]
  sunday = ["00:00-24:00"]
  holiday = ["00:00-24:00"]
  issue_stop_before_close_min = 0
  [halls.tide]
  enabled = false
  [[halls.categories]]
  id = "general"
  name_zh = "综合"
  name_en = "General"
"""
    services = "".join(
        f"""
  [[halls.services]]
  code = "{code}"
  name_zh = "业务{code}"
  name_en = "Service {code}"
  category = "general"
  prefix = "{prefix}"
  minutes = 5
  daily_cap = 999
  extended = true
  holiday = true
"""
        for code, prefix in (("GEN", "A"), ("SOC", "C"))
    )
    wins = "".join(
        f"""
  [[halls.windows]]
  number = {n}
  name_zh = "{n}号窗口"
  name_en = "Window {n}"
  profile = [{{ services = [{'"GEN", "SOC"' if n % 2 else '"SOC", "GEN"'}] }}]
"""
        for n in range(1, windows + 1)
    )
    return head + services + wins


def two_servers(db_url: str, spawn_server, tmp_path: Path, windows: int = WINDOWS) -> list[ServerProcess]:
    cfg = tmp_path / "hall.toml"
    cfg.write_text(hall_toml(windows), encoding="utf-8")
    return [spawn_server(db_url, "--config", str(cfg)) for _ in range(2)]


class Screen:
    """A lobby screen's event stream: a thread reads the WebSocket into a queue until it closes (so the
    server never waits on us); ``until(seq)`` hands the messages over."""

    def __init__(self, srv: ServerProcess, token: str, since: int) -> None:
        self.url = f"{srv.ws_url}/api/v1/halls/{HALL}/events?since={since}"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.messages: queue.Queue[dict] = queue.Queue()

    def __enter__(self) -> Screen:
        self._cm = connect(self.url, additional_headers=self.headers, open_timeout=TIMEOUT)
        self.conn = self._cm.__enter__()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)
        self._reader.join(timeout=TIMEOUT)

    def _read(self) -> None:
        try:
            for text in self.conn:
                self.messages.put(json.loads(text))
        except ConnectionClosed:
            pass

    def until(self, last_seq: int) -> list[dict]:
        got: list[dict] = []
        while not got or got[-1].get("seq", -1) < last_seq:
            got.append(self.messages.get(timeout=TIMEOUT))
        return got


def hammer(servers: list[ServerProcess], kiosk_tokens: list[str], counter_tokens: dict[int, str]) -> dict:
    """16 kiosks issue while 16 counters call → start → finish until the queue is empty and issuing is over.

    Each client sends its requests to the two processes in turn. Returns what the clients were told (2xx):
    issued tickets (with the process that acknowledged them) and calls (window, ticket id).
    """
    lock = threading.Condition()
    issued: list[tuple[int, dict]] = []
    calls: list[tuple[int, str]] = []
    kiosks_left = [len(kiosk_tokens)]

    def kiosk(i: int, token: str) -> None:
        clients = [HallClient(s.base_url, token, timeout=30) for s in servers]
        try:
            for k in range(TICKETS_PER_KIOSK):
                which = (i + k) % 2
                got = clients[which].issue(HALL, "GEN" if (i + k) % 3 else "SOC")
                with lock:
                    issued.append((which, got.model_dump()))
                    lock.notify_all()
        finally:
            for c in clients:
                c.close()
            with lock:
                kiosks_left[0] -= 1
                lock.notify_all()

    def counter(window: int, token: str) -> None:
        clients = itertools.cycle([HallClient(s.base_url, token, timeout=30) for s in servers])
        try:
            while True:
                with lock:
                    seen, done = len(issued), kiosks_left[0] == 0
                result = next(clients).call(HALL, window)
                if result is None:
                    if done:
                        return  # nothing waits and nothing more will come
                    with lock:  # wait for the next ticket (or the end of issuing), not for a clock
                        lock.wait_for(lambda n=seen: len(issued) > n or kiosks_left[0] == 0, timeout=TIMEOUT)
                    continue
                with lock:
                    calls.append((window, result.ticket.id))
                next(clients).start(HALL, window)
                next(clients).finish(HALL, window, "completed")
        finally:
            for _ in range(len(servers)):  # each of the cycled clients once
                next(clients).close()

    with ThreadPoolExecutor(max_workers=len(kiosk_tokens) + len(counter_tokens)) as pool:
        futures = [pool.submit(kiosk, i, tok) for i, tok in enumerate(kiosk_tokens)]
        futures += [pool.submit(counter, w, tok) for w, tok in counter_tokens.items()]
        for f in futures:
            f.result(timeout=240)  # re-raises a client's ApiError with the server's bilingual message
    return {"issued": issued, "calls": calls}


def stored(engine: Engine) -> tuple[dict[str, dict], Counter]:
    with engine.connect() as conn:
        tickets = {r.id: dict(r._mapping) for r in conn.execute(select(t.tickets).where(t.tickets.c.hall == HALL))}
        called = Counter(r.ticket for r in conn.execute(
            select(t.events.c.ticket).where(t.events.c.hall == HALL, t.events.c.kind == "ticket.called")))
    return tickets, called


def test_two_processes_under_32_clients_lose_nothing_and_never_double_call(
    db_url: str, spawn_server, tmp_path: Path
) -> None:
    a, b = two_servers(db_url, spawn_server, tmp_path)
    kiosk_tokens = [a.add_device("kiosk") for _ in range(KIOSKS)]
    counter_tokens = {n: a.add_device("counter", window=n) for n in range(1, WINDOWS + 1)}
    display = a.add_device("display")
    a.add_clerk("m1", windows=tuple(range(1, WINDOWS + 1)))
    with HallClient(a.base_url, a.login("m1")) as clerk:
        for n in range(1, WINDOWS + 1):
            clerk.sign_in(HALL, n)
        seq0 = clerk.snapshot(HALL).seq

    # a lobby screen on each process, from before the rush
    with Screen(a, display, seq0) as screen_a, Screen(b, display, seq0) as screen_b:
        done = hammer([a, b], kiosk_tokens, counter_tokens)
        with HallClient(b.base_url, display) as screen:
            final_seq = screen.snapshot(HALL).seq
        streams = [screen_a.until(final_seq), screen_b.until(final_seq)]

    issued = [tk for _which, tk in done["issued"]]
    total = KIOSKS * TICKETS_PER_KIOSK
    assert len(issued) == total
    assert {which for which, _tk in done["issued"]} == {0, 1}  # both processes issued
    # no repeated number within the day; numbering per service is gap-free (A001, A002, …)
    for prefix in ("A", "C"):
        numbers = sorted(int(tk["number"][1:]) for tk in issued if tk["number"][0] == prefix)
        assert numbers == list(range(1, len(numbers) + 1)), prefix
    assert len({tk["id"] for tk in issued}) == total

    # each ticket called exactly once, by one window
    called_ids = [tid for _w, tid in done["calls"]]
    assert Counter(called_ids) == Counter({tk["id"]: 1 for tk in issued})

    # every acknowledged ticket is in the database, finished at the window that called it
    tickets, called_events = stored(a.engine)
    by_window = dict((tid, w) for w, tid in done["calls"])
    for tk in issued:
        row = tickets[tk["id"]]
        assert (row["number"], row["state"], row["window"]) == (tk["number"], "done", by_window[tk["id"]])
    assert set(called_events.values()) == {1} and set(called_events) == set(by_window)

    # both screens saw every event once, in order, with no gap — whichever process caused it
    for stream in streams:
        assert [m["seq"] for m in stream] == list(range(seq0 + 1, final_seq + 1))
    assert [(m["kind"], m["data"]) for m in streams[0]] == [(m["kind"], m["data"]) for m in streams[1]]
    calls_seen = [m["data"]["ticket"]["id"] for m in streams[0] if m["kind"] == "ticket.called"]
    assert sorted(calls_seen) == sorted(called_ids)
