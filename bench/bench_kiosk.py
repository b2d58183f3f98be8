"""Kiosk timing against a real ``hallq server`` process: a tap on a category button → the ticket's
bytes handed to the printer (``sim://``: the moment its transport's ``write`` is called).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_kiosk.py

The tap is a real mouse press/release on the offscreen window; the path measured is the whole app:
intent signal → controller → worker thread → HTTP POST /tickets (SQLite write, audit, events) →
GUI thread → ticket screen (QR) → worker thread → ESC/POS encoding → printer status check → write.
Figures go in bench/README.md under "## Kiosk". Nothing is asserted.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONFIG = ROOT / "tests/kiosk/hall_kiosk.toml"  # open around the clock: no wall-clock surprises
ROUNDS = 200


@contextlib.contextmanager
def server(tmp: Path) -> Iterator[tuple[str, str]]:
    import httpx

    from server.auth import add_device
    from server.storage.db import make_engine, upgrade

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = f"sqlite:///{tmp / 'h.db'}"
    env = {**os.environ, "HALLQ_SECRET_FILE": str(tmp / "secret.key")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hallq.cli", "server", "--db", db, "--config", str(CONFIG), "--port", str(port),
         "--tick-interval", "0", "--log-level", "WARNING"],
        env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.05)  # readiness poll
        engine = make_engine(db)
        upgrade(engine)
        token = add_device(engine, kind="kiosk", name="bench-kiosk", hall="kiosk", window=None,
                           now=time.time(), by="bench").token
        engine.dispose()
        yield base, token
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    from client.appkit import make_application
    from drivers.printer import open_printer
    from drivers.terminal import Devices
    from kiosk.app import Kiosk

    app = make_application()
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as (base, token):
        printer = open_printer("sim://")
        written: list[float] = []
        write = printer.transport.write

        def timed_write(data: bytes) -> None:
            written.append(time.perf_counter())
            write(data)

        printer.transport.write = timed_write  # the instant the bytes are handed to the printer
        kiosk = Kiosk.create(base, token, Devices(printer=printer), hall="kiosk")
        w = kiosk.window
        w.resize(1920, 1080)
        w.show()
        loop = QEventLoop()
        kiosk.controller.catalog_ready.connect(lambda _c: loop.quit())
        kiosk.start()
        loop.exec()
        issued_at: list[float] = []
        kiosk.controller.issued.connect(lambda _v: issued_at.append(time.perf_counter()))
        kiosk.controller.printed.connect(lambda _i: loop.quit())
        guard = QTimer()  # one timer, restarted per round: a stale single-shot would end a later round
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        total, to_issue, to_print = [], [], []
        for i in range(ROUNDS + 5):
            tile = w.home.grid.tile_for(("police", "hr")[i % 2])
            written.clear()
            issued_at.clear()
            guard.start(10_000)
            t0 = time.perf_counter()
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
            loop.exec()
            guard.stop()
            if not written:
                raise SystemExit("no ticket printed within 10 s")
            if i >= 5:  # the first rounds warm caches (fonts, QR tables, SQLite pages)
                total.append(written[0] - t0)
                to_issue.append(issued_at[0] - t0)
                to_print.append(written[0] - issued_at[0])
            w.go_home()
        kiosk.close()
        printer.close()
    print(f"kiosk: {ROUNDS} tickets, tap → bytes handed to the printer (sim://), real server on SQLite")
    print("| what | median | p95 | max |")
    print("|---|---|---|---|")
    for name, samples in (("tap → ticket bytes written to the printer", total),
                          ("tap → server's answer on the GUI thread (issue)", to_issue),
                          ("answer → bytes written (ticket screen, encode, status, write)", to_print)):
        ms = [s * 1000 for s in samples]
        print(f"| {name} | {statistics.median(ms):.1f} ms | {pct(ms, 95):.1f} ms | {max(ms):.1f} ms |")
    app.quit()


if __name__ == "__main__":
    main()
