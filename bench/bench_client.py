"""API client timings against a real ``hallq server`` (SQLite, the test hall open around the clock):
request round trips, call → event at the stream callback and at a Qt slot, failure detection.

``.venv/bin/python bench/bench_client.py``; figures go in bench/README.md under "API client".
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "tests/server/hall_test.toml"  # open 00:00–24:00 every day: no wall-clock surprises
HALL = "test"


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(what: str, samples_s: list[float]) -> None:
    ms = [s * 1000 for s in samples_s]
    print(f"| {what} | {statistics.median(ms):.2f} ms | {pct(ms, 99):.2f} ms | {len(ms)} |", flush=True)


@contextlib.contextmanager
def server(tmp: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HALLQ_SECRET_FILE": str(tmp / "secret.key")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hallq.cli", "server", "--db", f"sqlite:///{tmp / 'h.db'}", "--config", str(CONFIG),
         "--port", str(port), "--tick-interval", "0", "--log-level", "WARNING"],
        env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.05)  # readiness poll
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def done(clerk) -> None:
    clerk.start(HALL, 1)
    clerk.finish(HALL, 1, "consulted")


def timed_calls(clerk, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        clerk.call(HALL, 1)
        out.append(time.perf_counter() - t0)
        done(clerk)
    return out


def bench_imports() -> None:
    for module in ("client", "client.qt"):
        samples = timed(lambda m=module: subprocess.run([sys.executable, "-c", f"import {m}"], check=True, cwd=ROOT), 5)
        report(f"cold `import {module}` (whole process)", samples)
    report("a bare `python -c pass`, for comparison",
           timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=ROOT), 5))


def bench_server(tmp: Path) -> None:
    from client import EventStream, HallClient
    from server.auth import add_clerk, add_device
    from server.storage.db import make_engine

    with server(tmp) as base:
        engine = make_engine(f"sqlite:///{tmp / 'h.db'}")
        now = time.time()
        kiosk = add_device(engine, kind="kiosk", name="k", hall=HALL, window=None, now=now, by="bench").token
        display = add_device(engine, kind="display", name="d", hall=HALL, window=None, now=now, by="bench").token
        add_clerk(engine, staff_no="b1", name="测试", pin="246813", role="clerk", windows=(1,), hall=HALL,
                  now=now, by="bench")
        engine.dispose()
        with HallClient(base, kiosk) as k, HallClient(base) as clerk:
            clerk.login("b1", "246813")
            clerk.sign_in(HALL, 1)
            report("`issue` round trip (kiosk, sequential)", timed(lambda: k.issue(HALL, "GEN"), 300))
            report("`snapshot` round trip", timed(lambda: k.snapshot(HALL), 300))

            report("`call` round trip (clerk; then start + finish, not timed)", timed_calls(clerk, 100))

            arrived: queue.Queue[float] = queue.Queue()
            links: queue.Queue[bool] = queue.Queue()

            def on_event(e: dict) -> None:
                if e["kind"] == "ticket.called":
                    arrived.put(time.perf_counter())

            with EventStream(base, display, HALL, on_event=on_event, on_snapshot=lambda s: None,
                             on_connection=links.put):
                assert links.get(timeout=30)
                lat = []
                for _ in range(100):
                    k.issue(HALL, "GEN")
                    t0 = time.perf_counter()
                    clerk.call(HALL, 1)
                    lat.append(arrived.get(timeout=30) - t0)
                    done(clerk)
                report("call request sent → `ticket.called` at the EventStream callback", lat)
            bench_qt(base, display, k, clerk)

        with HallClient(f"http://127.0.0.1:{port_closed()}", kiosk, retries=3) as dead:
            def fail() -> None:
                with contextlib.suppress(Exception):
                    dead.issue(HALL, "GEN")

            report("server port closed → `ServerUnreachable` (retries=3, backoff 0.1 s doubling)", timed(fail, 10))


def bench_qt(base: str, display: str, kiosk, clerk) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from client import HallClient
    from client.qt import QtHallLink

    app = QApplication.instance() or QApplication([])
    loop = QEventLoop()
    stamps: list[float] = []
    client = HallClient(base, display)
    link = QtHallLink(client, HALL)

    def on_event(e: dict) -> None:
        if e["kind"] == "ticket.called":
            stamps.append(time.perf_counter())
            loop.quit()

    link.event.connect(on_event)
    link.connection_changed.connect(lambda up: up and loop.quit())
    link.start()
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    lat = []
    for _ in range(100):
        kiosk.issue(HALL, "GEN")
        t0 = time.perf_counter()
        clerk.call(HALL, 1)
        loop.exec()  # until the slot quits it
        lat.append(stamps[-1] - t0)
        done(clerk)
    report("call request sent → `QtHallLink.event` slot on the GUI thread", lat)

    answered: list[float] = []

    def submitted() -> None:
        t0 = time.perf_counter()
        link.submit(client.snapshot, HALL,
                    on_done=lambda _r: (answered.append(time.perf_counter() - t0), loop.quit()))
        loop.exec()

    for _ in range(100):
        submitted()
    report("`QtHallLink.submit(snapshot)` → `on_done` on the GUI thread", answered)
    link.stop()
    client.close()
    del app


def port_closed() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    logging.disable(logging.WARNING)  # the failure case logs its retries on purpose
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print("| what | median | p99 | n |\n|---|---|---|---|")
    bench_imports()
    with tempfile.TemporaryDirectory() as tmp:
        bench_server(Path(tmp))


if __name__ == "__main__":
    main()
