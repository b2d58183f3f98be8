"""Lobby display timing against a real ``hallq server`` process: a clerk's call request → the call on the
board, and → the start of its audio.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_display.py

The path measured is the whole chain: HTTP POST …/call (SQLite write, audit, event) → the server's
fan-out → WebSocket → the shared client's stream thread → QtHallLink's queued signal → the board's models
(the *update*: ``Board.call_shown``) → the announcer's queue → espeak-ng synthesis (pyttsx3 worker) →
chime + speech × 2 joined → the *start of audio* (``on_started``, fired as the WAV goes to the player;
``sim://`` here, so the player is the recorder). The call request is timed from just before the POST,
on another thread, so the GUI thread is free as it would be. Figures go in bench/README.md under
"## Lobby display". Nothing is asserted.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROUNDS = 60
WINDOWS = list(range(1, 21))


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from client.appkit import make_application
    from display.app import Display
    from drivers.announcer import open_announcer
    from drivers.terminal import Devices
    from tests.display.display_support import (
        FIRST_SERVICE,
        HALL,
        clear_windows,
        make_people,
        start_display_server,
    )
    from tests.server.conftest import stop_server

    app = make_application()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-bench-display-"))
    srv = start_display_server(tmp)
    display = None
    try:
        people = make_people(srv)
        staff, kiosk = people.client(people.manager_token), people.client(people.kiosk)
        devices = Devices(announcer=open_announcer(f"sim://?dir={tmp / 'voice'}&synth=1"))
        display = Display.create(srv.base_url, people.display_token(), devices, hall=HALL)
        display.window.resize(1920, 1080)
        display.window.show()
        ready = QEventLoop()
        display.board.ready.connect(ready.quit)
        display.start()
        QTimer.singleShot(30_000, ready.quit)
        ready.exec()
        clear_windows(staff, WINDOWS)

        def timed_calls(windows: list[int]) -> tuple[float, dict[int, float], dict[int, float]]:
            """POST …/call at each window back to back; → (t0, shown at, audio started at) per window."""
            shown: dict[int, float] = {}
            audio: dict[int, float] = {}
            items: dict[object, int] = {}
            loop = QEventLoop()
            t0 = [0.0]

            def on_shown(call) -> None:
                shown.setdefault(call.window, time.monotonic())
                done()

            def on_queued(call, item) -> None:
                items[item] = call.window

            def on_started(item) -> None:
                if item in items and item.started_at is not None:
                    audio[items[item]] = item.started_at
                done()

            def done() -> None:
                if len(shown) == len(audio) == len(windows):
                    loop.quit()

            def post() -> None:
                t0[0] = time.monotonic()
                for n in windows:
                    staff.call(HALL, n)

            b, v = display.board, display.voice
            b.call_shown.connect(on_shown)
            v.queued.connect(on_queued)
            v.started.connect(on_started)
            worker = threading.Thread(target=post)
            worker.start()
            QTimer.singleShot(120_000, loop.quit)
            loop.exec()
            worker.join()
            b.call_shown.disconnect(on_shown)
            v.queued.disconnect(on_queued)
            v.started.disconnect(on_started)
            return t0[0], shown, audio

        def ready_windows(windows: list[int]) -> None:
            for n in windows:
                info = staff.window(HALL, n)
                if info.current is not None:
                    staff.start(HALL, n)
                    staff.finish(HALL, n, "completed")
                kiosk.issue(HALL, FIRST_SERVICE[n])
            assert devices.announcer is not None and devices.announcer.wait_idle(120)

        to_update: list[float] = []
        to_audio: list[float] = []
        for i in range(ROUNDS + 3):
            n = WINDOWS[i % len(WINDOWS)]
            ready_windows([n])
            t0, shown, audio = timed_calls([n])
            if i >= 3:  # the first rounds warm up the synthesis worker and the connections
                to_update.append(shown[n] - t0)
                to_audio.append(audio[n] - t0)

        ready_windows(WINDOWS)
        t0, shown, audio = timed_calls(WINDOWS)
        burst_shown = max(shown.values()) - t0
        burst_first_audio = audio[WINDOWS[0]] - t0
        burst_last_audio = max(audio.values()) - t0

        print(f"rounds: {len(to_update)} single calls, then a burst of {len(WINDOWS)} calls from as many windows")
        print(f"call request → board updated: median {ms(statistics.median(to_update))}, "
              f"p95 {ms(pct(to_update, 95))}, max {ms(max(to_update))}")
        print(f"call request → audio starts:  median {ms(statistics.median(to_audio))}, "
              f"p95 {ms(pct(to_audio, 95))}, max {ms(max(to_audio))}")
        print(f"burst: all {len(WINDOWS)} on the board after {ms(burst_shown)}; first audio after "
              f"{ms(burst_first_audio)}; the 20th starts after {ms(burst_last_audio)} "
              "(player=none: back-to-back synthesis; with a speaker each waits for the one before)")
        print(f"load average: {os.getloadavg()[0]:.1f}")
        staff.close()
        kiosk.close()
    finally:
        if display is not None:
            display.close()
        stop_server(srv)
        app.processEvents()


if __name__ == "__main__":
    main()
