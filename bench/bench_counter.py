"""Counter terminal timing against a real ``hallq server`` process.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_counter.py

* F1 → the called visitor on screen: a real key press on the offscreen window; the path is the whole
  app: key → outbox → worker thread → HTTP POST …/call (SQLite write, audit, events) → GUI thread →
  window re-read (GET …/windows/1) → main screen rendered.
* a pad key → the rating stored: ``sim://`` pad press → GUI thread → outbox → POST …/rating answered.
* server restart: the server answers /healthz again → the action the clerk pressed while it was down
  has been applied (the event stream reconnects with its backoff, the outbox sends the held press).

Figures go in bench/README.md under "## Counter terminal". Nothing is asserted.
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
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONFIG = ROOT / "tests/counter/hall_counter.toml"  # open around the clock: no wall-clock surprises
HALL = "ctr"
ROUNDS = 100
RESTARTS = 3


class Server:
    def __init__(self, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.tmp = tmp
        self.db = f"sqlite:///{tmp / 'h.db'}"
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        """Start; return time.monotonic() when /healthz first answered."""
        import httpx

        env = {**os.environ, "HALLQ_SECRET_FILE": str(self.tmp / "secret.key")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hallq.cli", "server", "--db", self.db, "--config", str(CONFIG), "--port",
             str(self.port), "--tick-interval", "0", "--log-level", "WARNING"],
            env=env, cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return time.monotonic()
            time.sleep(0.02)  # readiness poll
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=15)


@contextlib.contextmanager
def hall(tmp: Path) -> Iterator[tuple[Server, str, str]]:
    from server.auth import add_clerk, add_device
    from server.storage.db import make_engine, upgrade

    srv = Server(tmp)
    srv.start()
    try:
        engine = make_engine(srv.db)
        upgrade(engine)
        now = time.time()
        add_clerk(engine, staff_no="7001", name="基准", pin="246813", windows=[1], hall=HALL, now=now, by="bench")
        kiosk = add_device(engine, kind="kiosk", name="bench-kiosk", hall=HALL, window=None, now=now, by="bench")
        counter = add_device(engine, kind="counter", name="bench-counter", hall=HALL, window=1, now=now,
                             by="bench")
        engine.dispose()
        yield srv, kiosk.token, counter.token
    finally:
        with contextlib.suppress(Exception):
            srv.stop()


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def line(what: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"| {what} | {statistics.median(ms):.1f} ms | {pct(ms, 95):.1f} ms | {max(ms):.1f} ms |"


def main() -> None:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    from client import Backoff, HallClient
    from client.appkit import make_application
    from counter import Act, Counter, Timings
    from drivers.pad import open_pad
    from drivers.terminal import Devices

    app = make_application()

    def until(predicate: Callable[[], bool], limit_s: float = 60) -> None:
        deadline = time.monotonic() + limit_s
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError
            loop = QEventLoop()
            QTimer.singleShot(1, loop.quit)
            loop.exec()

    with tempfile.TemporaryDirectory() as tmp, hall(Path(tmp)) as (srv, kiosk_token, counter_token):
        devices = Devices(pad=open_pad("sim://"))
        counter = Counter.create(srv.base, counter_token, 1, devices, hall=HALL, heartbeat=False,
                                 timings=Timings(probe_ms=100, rating_s=60),
                                 stream_options={"backoff": Backoff(first=0.05, cap=0.5)})
        ctrl, win = counter.controller, counter.window
        win.resize(1366, 768)
        win.show()
        counter.start()
        until(lambda: ctrl.online and ctrl.info is not None)
        win.login.staff_no.setText("7001")
        win.login.pin.setText("246813")
        win.login.submit.click()
        until(lambda: ctrl.situation().holder == "7001" and ctrl.idle)
        kiosk = HallClient(srv.base, kiosk_token)
        call, rate = [], []
        for i in range(ROUNDS + 5):
            kiosk.issue(HALL, "GEN")
            until(lambda: ctrl.idle and Act.CALL in ctrl.allowed())
            t0 = time.perf_counter()
            QTest.keyClick(win, Qt.Key.Key_F1)
            until(lambda: ctrl.info is not None and ctrl.info.current is not None and ctrl.idle)
            t1 = time.perf_counter()
            win.main.buttons[Act.START].click()
            until(lambda: ctrl.idle and Act.FINISH in ctrl.allowed())
            win.main.buttons[Act.FINISH].click()
            win.main.finish_panel.buttons[next(iter(win.main.finish_panel.buttons))].click()
            until(lambda: ctrl.idle and devices.pad.health().facts["rating_open"] is not None)
            t2 = time.perf_counter()
            devices.pad.press(4)
            until(lambda: ctrl.rating is not None and ctrl.rating.phase == "stored")
            t3 = time.perf_counter()
            if i >= 5:
                call.append(t1 - t0)
                rate.append(t3 - t2)
        recover = []
        for _ in range(RESTARTS):
            kiosk.issue(HALL, "GEN")
            until(lambda: ctrl.idle and Act.CALL in ctrl.allowed())
            srv.stop()
            win.main.buttons[Act.CALL].click()
            until(lambda: ctrl.outbox.held)
            back = srv.start()
            until(lambda: ctrl.online and ctrl.idle and ctrl.info.current is not None)
            recover.append(time.monotonic() - back)
            win.main.buttons[Act.START].click()
            until(lambda: ctrl.idle and Act.FINISH in ctrl.allowed())
            win.main.buttons[Act.FINISH].click()
            win.main.finish_panel.buttons[next(iter(win.main.finish_panel.buttons))].click()
            until(lambda: ctrl.idle and ctrl.info.current is None)
        kiosk.close()
        counter.close()
    app.processEvents()
    print("| what | median | p95 | max |")
    print("|---|---|---|---|")
    print(line(f"F1 → the called visitor on screen ({ROUNDS} calls)", call))
    print(line(f"pad key → rating stored, answer back ({ROUNDS})", rate))
    print(line(f"server back → the press held while it was down applied ({RESTARTS} restarts)", recover))


if __name__ == "__main__":
    main()
