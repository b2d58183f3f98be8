"""Diagnostics timings: checks of sim and pty devices, the ``hallq diag`` command, heartbeat posts.

    .venv/bin/python bench/bench_diag.py

Prints one line per figure (median of several rounds); the figures go in bench/README.md under
"## Diagnostics and heartbeat". Nothing here is asserted: speed is written down, not tested.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402 - after the path set-up above

from client import HallClient  # noqa: E402
from drivers.diag import Heartbeat, check_device, check_terminal  # noqa: E402
from drivers.pad import open_pad  # noqa: E402
from drivers.pad.simulator import Fault, PadSimulator  # noqa: E402
from drivers.terminal import loads_terminal, open_devices, shipped_terminal_config  # noqa: E402


def median_of(fn: Callable[[], object], rounds: int) -> float:
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, seconds: float, extra: str = "") -> None:
    value, unit = (seconds * 1e6, "µs") if seconds < 1e-3 else (seconds * 1e3, "ms")
    print(f"{name:<64} {value:8.1f} {unit}  {extra}")


def bench_checks(tmp: Path) -> None:
    text = "\n".join([
        'role = "counter"', 'hall = "county"', "window = 3", "[devices]", 'printer = "sim://"',
        f'announcer = "sim://?dir={tmp / "calls"}&engine=espeak-ng"', 'pad = "sim://"', 'led = "sim://"',
        'touch = "sim://"'])
    with open_devices(loads_terminal(text)) as devices:
        report("check_terminal, five sim devices (announcer synthesises)", median_of(
            lambda: check_terminal(devices, fresh=True), 10))
    with open_devices(loads_terminal(text.replace("engine=espeak-ng", "synth=0"))) as devices:
        report("check_terminal, five sim devices (announcer synth=0)", median_of(
            lambda: check_terminal(devices, fresh=True), 20))
    with PadSimulator() as sim:
        pad = open_pad(sim.url_for(1))  # the defaults: timeout 0.3 s, 2 retries
        report("check_device of a serial pad over a pty", median_of(lambda: check_device("pad", pad), 20))
        sim.fault(1, Fault.SILENT)
        report("check_device of a silent serial pad (timeout=0.3, retries=2)",
               median_of(lambda: check_device("pad", pad), 3))
        pad.close()


def bench_command() -> None:
    config = str(shipped_terminal_config("counter"))
    report("`hallq diag` (counter: sim printer, pad, LED), whole process", median_of(lambda: subprocess.run(
        [sys.executable, "-m", "hallq.cli", "diag", "--config", config], capture_output=True, check=True,
        cwd=ROOT), 5))
    report("a bare `python -c pass`, for comparison", median_of(
        lambda: subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=ROOT), 5))


@contextlib.contextmanager
def server(tmp: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HALLQ_SECRET_FILE": str(tmp / "secret.key")}
    proc = subprocess.Popen([sys.executable, "-m", "hallq.cli", "server", "--db", f"sqlite:///{tmp / 'h.db'}",
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


def bench_heartbeat(tmp: Path) -> None:
    from server.auth import add_device
    from server.storage.db import make_engine

    with server(tmp) as base:
        engine = make_engine(f"sqlite:///{tmp / 'h.db'}")
        token = add_device(engine, kind="counter", name="bench", hall="county", window=3, now=time.time()).token
        engine.dispose()
        with open_devices(loads_terminal((ROOT / "config/terminal-counter.toml").read_text())) as devices, \
                HallClient(base, token, retries=0) as client:
            beat = Heartbeat(client, devices, interval_s=30)
            report("heartbeat round to a local server (3 sim devices, SQLite)", median_of(beat.beat, 50),
                   f"sent {beat.sent}, failed {beat.failed}")
        with HallClient("http://127.0.0.1:9", token, timeout=2, retries=0) as dead, \
                open_devices(loads_terminal((ROOT / "config/terminal-kiosk.toml").read_text())) as devices:
            report("heartbeat round, server port closed (logged, not raised)",
                   median_of(Heartbeat(dead, devices, interval_s=30).beat, 10))


def main() -> None:
    logging.disable(logging.WARNING)  # the failure cases log on purpose
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        bench_checks(Path(tmp))
        bench_command()
        bench_heartbeat(Path(tmp))


if __name__ == "__main__":
    main()
