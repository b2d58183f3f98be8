"""How long supervision and reports take on a big hall: the periodic sweep and a month's report.

* sweep: 60 windows, 20 services, 1,500 tickets today (600 still waiting), 60 devices, 200 follow-ups,
  on SQLite through ``HallService.append_events`` — a sweep that finds nothing new (the usual case: it
  rolls back) and one that raises every warning at once;
* report: 30 days × 1,000 tickets with ratings, built by service and by day, rendered as xlsx.

Run: ``.venv/bin/python bench/bench_supervision.py``.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import string
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

import config
from server.auth import Principal
from server.core import Lane, Outcome
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.reports import By, Period, build
from server.reports.render import xlsx_bytes
from server.storage import schema as t
from server.storage.db import make_engine, read_transaction, upgrade, write_transaction
from server.supervision import monitor

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 9, 21, 8, 30, tzinfo=TZ).timestamp()
STAFF = Principal(actor="clerk:bench", role="manager", hall="big", windows=frozenset(range(1, 61)), staff_no="b")


def deployment() -> config.Deployment:
    letters = [c for c in string.ascii_uppercase if c not in "IO"]
    services = [{"code": f"S{i:02d}", "name_zh": f"业务{i}", "name_en": f"Service {i}", "category": "c",
                 "prefix": letters[i], "minutes": 8, "daily_cap": 999} for i in range(20)]
    windows = [{"number": n, "name_zh": f"{n}号", "name_en": f"W{n}",
                "profile": [{"services": [f"S{(n + k) % 20:02d}" for k in range(3)]}]} for n in range(1, 61)]
    return config.validate({"deployment": {"name": "bench"}, "halls": [{
        "id": "big", "name_zh": "大厅", "name_en": "Big hall", "hours": {"weekdays": ["08:30-17:30"]},
        "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}], "services": services, "windows": windows}]})


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_sweep(folder: Path) -> None:
    dep = deployment()
    engine = make_engine(f"sqlite:///{folder / 'sweep.db'}")
    upgrade(engine)
    clock = Clock(START)
    sync_config(engine, dep, now=clock())
    svc = HallService(engine, dep, clock=clock)
    rng = random.Random(1)

    def do(command):
        svc.mutate("big", command, who=STAFF, action="bench")

    for n in range(1, 61):
        do(lambda h, now, n=n: h.sign_in(n, f"c{n}", now=now))
    finished = []
    for i in range(1500):
        clock.now = START + i * 6
        do(lambda h, now, i=i: h.issue(f"S{i % 20:02d}", Lane.NORMAL, now=now))
        if i % 5 < 3:  # 900 served, 600 left waiting
            window = 1 + i % 60
            called: dict = {}
            do(lambda h, now, w=window, box=called: box.setdefault("call", h.call_next(w, now=now)))
            if called["call"] is not None:
                do(lambda h, now, w=window: h.start(w, now=now))
                clock.now += 3  # (a service time of exactly 0 s divides by zero in core/wait.py: reported)
                do(lambda h, now, w=window: h.finish(w, Outcome.COMPLETED, now=now))
                finished.append(called["call"].ticket)
    with write_transaction(engine) as conn:
        conn.execute(insert(t.devices), [{"kind": "kiosk", "name": f"k{d}", "hall": "big", "token_hash": f"h{d}",
                                          "created_at": START, "last_seen": clock.now, "health": "[]"}
                                         for d in range(60)])
        conn.execute(insert(t.ratings), [{"ticket_id": tk.id, "hall": "big", "service": tk.service, "window": 1,
                                          "clerk": "c1", "score": rng.choice([1, 2]), "channel": "pad",
                                          "at": clock.now} for tk in finished[:200]])
    clock.now += 1
    t0 = time.perf_counter()
    first = monitor.sweep(svc, "big")  # opens 200 follow-ups; waits of 600 tickets: up to 20 wait warnings
    opened = time.perf_counter() - t0
    quiet = timed(lambda: monitor.sweep(svc, "big"), 30)
    clock.now += 3 * 3600  # every waiting service over target, every device silent, every window unstaffed
    t0 = time.perf_counter()
    storm = monitor.sweep(svc, "big")
    burst = time.perf_counter() - t0
    print(f"sweep that opens {sum(r.kind == 'followup.opened' for r in first)} follow-ups and raises "
          f"{sum(r.kind == 'warning.raised' for r in first)} warnings: {opened * 1000:.0f} ms")
    print(f"sweep with nothing new (rolled back), median of 30: {statistics.median(quiet) * 1000:.1f} ms, "
          f"max {max(quiet) * 1000:.1f} ms")
    print(f"sweep raising/escalating {len(storm)} warnings at once: {burst * 1000:.0f} ms")
    engine.dispose()


def bench_report(folder: Path) -> None:
    dep = deployment()
    engine = make_engine(f"sqlite:///{folder / 'report.db'}")
    upgrade(engine)
    sync_config(engine, dep, now=START)
    rng = random.Random(2)
    tickets, ratings = [], []
    for day in range(30):
        base = START + day * 86400
        date = dt.datetime.fromtimestamp(base, TZ).date().isoformat()
        for i in range(1000):
            issued = base + i * 30
            called = issued + rng.uniform(0, 1800)
            state = rng.choices(["done", "no_show", "transferred", "cancelled"], [90, 5, 3, 2])[0]
            tid = f"big-{date}-{i}"
            tickets.append({"id": tid, "hall": "big", "day": date, "service": f"S{i % 20:02d}",
                            "number": f"X{i:03d}", "lane": "normal", "channel": "kiosk", "state": state,
                            "issued_at": issued, "queued_at": issued,
                            "window": 1 + i % 60, "clerk": f"c{i % 60}",
                            "called_at": None if state == "cancelled" else called,
                            "started_at": called + 60 if state == "done" else None,
                            "finished_at": called + 60 + rng.uniform(120, 900) if state == "done" else None})
            if state == "done" and rng.random() < 0.8:
                ratings.append({"ticket_id": tid, "hall": "big", "service": f"S{i % 20:02d}", "window": 1,
                                "clerk": "c1", "score": rng.choice([1, 2, 3, 4, 5, 5, 5, None]),
                                "channel": "pad", "at": called + 1000})
    with write_transaction(engine) as conn:
        conn.execute(t.tickets.insert(), tickets)
        conn.execute(t.ratings.insert(), ratings)
    first, last = dt.date(2026, 9, 21), dt.date(2026, 10, 20)
    cfg = dep.hall("big")
    with read_transaction(engine) as conn:
        by_service = timed(lambda: build(conn, cfg, first, last, Period.ALL, By.SERVICE), 3)
        by_day = timed(lambda: build(conn, cfg, first, last, Period.DAY, By.NONE), 3)
        report = build(conn, cfg, first, last, Period.DAY, By.SERVICE)
    xlsx = timed(lambda: xlsx_bytes(report), 3)
    print(f"report over 30,000 tickets by service: {statistics.median(by_service) * 1000:.0f} ms; by day: "
          f"{statistics.median(by_day) * 1000:.0f} ms; xlsx of {len(report.rows)} rows: "
          f"{statistics.median(xlsx) * 1000:.0f} ms")
    engine.dispose()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        bench_sweep(Path(tmp))
        bench_report(Path(tmp))
