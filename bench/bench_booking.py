"""Booking and the phone pages: the rules' costs in process, and the tracking API under phones polling it.

Run: ``.venv/bin/python bench/bench_booking.py``.

1. in process (BookingService on a SQLite file, injected clock; tests/booking's test hall):
   ``offer`` (slots of a service for the 5-working-day horizon), ``book``, ``check_in`` (through
   ``HallService.mutate``), ``remote_ticket``, and a reminder check with 200 subscribed tickets;
2. over HTTP against a real ``hallq server`` process (tests/server/hall_test.toml): ``GET /api/v1/track/{token}``
   from 50 concurrent clients, as phones on the tracking page poll it every 3 s, and ``GET …/booking/slots``.

``--slots [--before TREE]`` instead (issue 14, slots from memory): bench_province's harness (load from its own
process, the server's CPU from ``/proc``) on a 24-hour hall of 100 windows and 20 services (~300 slots a
service over the horizon), for the server of this tree and, with ``--before``, of another source tree (e.g.
``git archive <commit> | tar -x -C /tmp/before``: the database path) — each with a fresh SQLite file:
slots alone (16 connections, full body), issue alone (16), issue while 16 more poll slots; the bare
endpoint (bench/bare_app.py) first, in the same run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

import json  # noqa: E402

import httpx  # noqa: E402

from server.booking import Person  # noqa: E402
from server.booking.policy import BookingPolicy  # noqa: E402
from server.booking.watcher import NoticeWatcher, Recipient  # noqa: E402
from server.core import Lane  # noqa: E402
from server.notify import SimNotifier  # noqa: E402
from tests.booking.booking_helpers import KIOSK, make_bench, make_template  # noqa: E402
from tests.server.conftest import start_server, stop_server  # noqa: E402


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def row(what: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"| {what} | {statistics.median(ms):.2f} ms | {p95:.2f} ms | {len(ms)} |")


def in_process(tmp: Path) -> None:
    # a large appointment share, so that one slot holds every check-in of the run
    bench = make_bench(tmp, make_template(tmp), now="2026-09-21 08:00", policy=BookingPolicy(appointment_share=20))
    svc = bench.booking
    row("`offer` GEN (slots of 5 working days + places left)", timed(lambda: svc.offer("t", "GEN"), 50))
    people = (f"137{i:08d}" for i in range(10**6))
    addresses = (f"10.0.{i % 250}.{i // 250 % 250}" for i in range(10**6))
    days = [dt.date(2026, 9, d) for d in (22, 23, 24, 25)]

    def book(i: list[int] = [0]) -> None:  # noqa: B006 - a counter across calls
        i[0] += 1
        svc.book("t", service="GEN", day=days[i[0] % 4], start_min=510 + 30 * (i[0] // 4 % 7),
                 person=Person.parse(next(people)), address=next(addresses))

    row("`book` (admission, blacklist history, capacity, insert)", timed(book, 80))
    codes = [bench.book("GEN", "2026-09-21 10:00", person=next(people), address=next(addresses)).code
             for _ in range(60)]
    bench.clock.set("2026-09-21 09:45")
    row("`check_in` by code (HallService.mutate: ticket + booking row)",
        timed(lambda: bench.check_in(code=codes.pop()), 60))
    row("`remote_ticket` (limits, issue, request row)", timed(
        lambda: svc.remote_ticket("t", service="GEN", person=Person.parse(next(people)), address=next(addresses),
                                  render=lambda d: (201, d.result)), 80))
    ids = [bench.halls.mutate("t", lambda h, now: h.issue("GEN", Lane.NORMAL, now=now).ticket.id, who=KIOSK,
                              action="ticket.issue", render=lambda d: (201, d.result)).body for _ in range(200)]
    watcher = NoticeWatcher(bench.halls, SimNotifier(), notify_ahead=3)
    for tid in ids:
        watcher.subscribe("t", tid, Recipient("13800000000", "138****0000"))
    watcher.check("t")  # the few near the front are told once
    row("reminder check, 200 subscribed tickets waiting", timed(lambda: watcher.check("t"), 20))


async def _poll(base: str, path: str, clients: int, seconds: float) -> tuple[list[float], float]:
    lat: list[float] = []
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=clients)) as c:
        async def one() -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = await c.get(path)
                r.raise_for_status()
                lat.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(clients)))
        return lat, time.perf_counter() - t0


def over_http(tmp: Path) -> None:
    srv = start_server(tmp, f"sqlite:///{tmp / 'hallq.db'}")
    try:
        with srv.client(srv.add_device("kiosk")) as kiosk:
            tickets = [kiosk.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).json() for _ in range(30)]
        token = tickets[-1]["track_url"].rsplit("/", 1)[1]
        lat, took = asyncio.run(_poll(srv.base_url, f"/api/v1/track/{token}", 50, 10))
        row(f"`GET /track/{{token}}`, 50 concurrent clients ({len(lat) / took:.0f} requests/s)", lat)
        lat, took = asyncio.run(_poll(srv.base_url, "/api/v1/halls/test/booking/slots?service=GEN", 10, 5))
        row(f"`GET …/booking/slots` (24-hour hall: ~400 slots), 10 clients ({len(lat) / took:.0f}/s)", lat)
    finally:
        stop_server(srv)


# -- issue 14: slots from memory, before / after, beside the bare endpoint ----------------------------------
def _start_tree(tree: Path, workdir: Path, db_url: str, cfg: Path) -> object:
    """A ``hallq server`` of the source tree ``tree`` (its own code on PYTHONPATH), access log on."""
    import os
    import subprocess

    import bench_server as bs

    port = bs.free_port()
    env = {**os.environ, "HALLQ_SECRET_FILE": str(workdir / "secret.key"), "PYTHONPATH": str(tree)}
    log = open(workdir / f"server-{port}.log", "wb")  # noqa: SIM115 - the process keeps it
    proc = subprocess.Popen([sys.executable, "-m", "hallq.cli", "server", "--db", db_url, "--config", str(cfg),
                             "--port", str(port), "--tick-interval", "0", "--log-level", "INFO"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tree)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"hallq server exited: see {log.name}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return bs.Server(proc, base)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"hallq server did not start: see {log.name}")
        time.sleep(0.05)  # readiness polling


def slots_run(tree: Path, label: str, workdir: Path, args: object) -> dict:
    import bench_province as bp
    import bench_server as bs

    from server.auth import add_device
    from server.storage.db import make_engine

    workdir.mkdir()
    cfg = workdir / "hall.toml"
    cfg.write_text(bp.province_toml(1, 100, 20), encoding="utf-8")
    db_url = f"sqlite:///{workdir / 'hallq.db'}"
    srv = _start_tree(tree, workdir, db_url, cfg)
    try:
        engine = make_engine(db_url)
        kiosk = add_device(engine, kind="kiosk", name="kiosk", hall="h000", window=None, now=time.time(),
                           by="bench").token
        engine.dispose()
        pid, base = [srv.proc.pid], [srv.base_url]
        slots = {"kind": "slots", "base": base, "conns": args.conns, "mode": "closed", "ok": {200},
                 "requests": [("GET", f"/api/v1/halls/h000/booking/slots?service=S{i:02d}", None, None)
                              for i in range(20)]}
        issue = {"kind": "issue", "base": base, "conns": args.conns, "mode": "closed", "ok": {201},
                 "requests": bp.issue_requests(["h000"], {"kiosk:h000": kiosk}, 20)}
        out = {"slots": bp.run_load(pid, [slots], args.seconds), "issue": bp.run_load(pid, [issue], args.seconds),
               "issue+slots": bp.run_load(pid, [issue, slots], args.seconds)}
        print(json.dumps({label: {k: v["kinds"] | {"cpu_ms": v["cpu_ms_per_request"]} for k, v in out.items()}}),
              flush=True)
        return out
    finally:
        bs.stop_server(srv)


def slots_main(args: object) -> int:
    import bench_province as bp
    import bench_server as bs

    print(f"machine: {bs.machine()}", flush=True)
    res: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="hallq-slots-") as tmp:
        res["bare"] = bp.part_bare(args, Path(tmp))
        if args.before:
            res["before"] = slots_run(args.before.resolve(), "before", Path(tmp) / "before", args)
        res["after"] = slots_run(ROOT, "after", Path(tmp) / "after", args)
    print(f"after: {bs.machine()}")
    print("\n| what | rate | p50 | p99 | server CPU / request |\n|---|---|---|---|---|")
    for name in ("post", "get"):
        r = res["bare"][name]
        k = next(iter(r["kinds"].values()))
        print(f"| bare {name.upper()} (ceiling) | {k['per_s']:.0f}/s | {k['p50_ms']:.1f} ms | {k['p99_ms']:.1f} ms "
              f"| {r['cpu_ms_per_request']:.2f} ms |")
    for label in ("before", "after"):
        if label not in res:
            continue
        for phase, r in res[label].items():
            for kind, k in r["kinds"].items():
                cpu = f"{r['cpu_ms_per_request']:.2f} ms" if len(r["kinds"]) == 1 else ""
                print(f"| {label}: {kind} ({phase}) | {k['per_s']:.0f}/s | {k['p50_ms']:.1f} ms | {k['p99_ms']:.1f} ms "
                      f"| {cpu} | errors {k['errors']} {k['first_error'][:60]}")
            if len(r["kinds"]) > 1:
                print(f"| {label}: {phase}, all requests | | | | {r['cpu_ms_per_request']:.2f} ms |")
    return 0


def main() -> int:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slots", action="store_true", help="issue 14: slots from memory, before/after (see above)")
    p.add_argument("--before", type=Path, help="the source tree of the server to compare with")
    p.add_argument("--conns", type=int, default=16)
    p.add_argument("--seconds", type=float, default=8)
    args = p.parse_args()
    if args.slots:
        sys.path.insert(0, str(ROOT / "bench"))
        return slots_main(args)
    print("| what | median | p95 | n |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "b").mkdir()
        in_process(Path(tmp) / "a")
        over_http(Path(tmp) / "b")
    return 0


if __name__ == "__main__":
    sys.exit(main())
