"""``hallq run`` (``make run``) as a user runs it, in a fresh directory: the server on SQLite in ``var/``, a
simulated hall driving the real API, a live summary, a clean stop on Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from server.storage import schema as t
from tests.server.conftest import free_port

pytestmark = pytest.mark.timeout(300)
TIMEOUT = 120  # seconds for anything to happen: generous, never a pass condition


def hallq_run(site: Path, *args: str, port: int | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}  # headless
    return subprocess.Popen([sys.executable, "-m", "hallq.cli", "run", "--dir", str(site), "--port",
                             str(port or free_port()), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=Path(__file__).parents[2])


def audit(site: Path) -> dict[tuple[str, str], int]:
    engine = create_engine(f"sqlite:///{site / 'var' / 'hallq.db'}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(t.audit_log.c.action, t.audit_log.c.role, func.count())
                                .group_by(t.audit_log.c.action, t.audit_log.c.role)).all()
            twice = conn.execute(select(t.devices.c.name).group_by(t.devices.c.name)
                                 .having(func.count() > 1)).scalars().all()
    finally:
        engine.dispose()
    return {**{(a, r): n for a, r, n in rows}, ("devices made twice", ""): len(twice)}


def test_once_then_a_live_run_stopped_by_ctrl_c(tmp_path) -> None:
    # 1. --once: a batch of visitors served out through the API, then a clean stop
    first = hallq_run(tmp_path, "--once")
    out, err = first.communicate(timeout=TIMEOUT * 2)
    assert first.returncode == 0, err
    assert "Traceback" not in err
    for name in ("hall.toml", "hallq.db", "secret.key"):  # var/ as `hallq init` makes it
        assert (tmp_path / "var" / name).exists(), name
    assert stat.S_IMODE((tmp_path / "var" / "live.json").stat().st_mode) == 0o600  # the demo's tokens
    assert "演示时钟 demo clock" in out and "已停止 stopped" in out
    # the first screen tells a newcomer what runs, where to look and how to log in — and nothing of init's
    first = "\n".join(out.splitlines()[:12])
    assert "模拟 simulating" in first and "示例县政务服务中心" in first
    assert re.search(r"管理驾驶舱 dashboard: http://127\.0\.0\.1:\d+/dashboard/ +经理 manager DM / PIN 135790", first)
    assert re.search(r"手机页 phone page: +http://127\.0\.0\.1:\d+/m/county", first)
    assert "下一步" not in out and "hallq clerk add" not in out
    # one time on screen, the demo clock's: the hall's status line shows the same moment
    # (each frame prints the demo clock, then the hall as of that moment; the banner's clock line is the start)
    demo = set(re.findall(r"演示时钟 demo clock (\d{4}-\d\d-\d\d) \w+ (\d\d:\d\d:\d\d)", out))
    shown = re.findall(r"示例县政务服务中心 / .*?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) +seq=", out)
    assert demo and shown and set(shown) <= demo
    done = audit(tmp_path)
    # tickets taken by kiosk devices; called, started, finished by logged-in clerks; rated (or recorded
    # as not rated) from the windows' pads — every step an API request, in the audit trail
    issued = done[("ticket.issue", "kiosk")]
    assert issued >= 4
    assert done[("window.start", "clerk")] == done[("window.finish", "clerk")] == issued
    assert done[("window.call", "clerk")] >= issued
    assert done[("ticket.rate", "pad")] == issued
    summary = out.strip().splitlines()[-1]
    assert f"取号 issued {issued} " in summary and f"办结 finished {issued} " in summary
    assert "unexpected" not in summary  # no request of the simulated people was refused unexpectedly

    # 2. the live hall in the same directory, until Ctrl-C
    port = free_port()
    proc = hallq_run(tmp_path, "--speed", "120", "--interval", "1", port=port)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)
    reader.start()
    try:
        while True:  # the live summary shows the simulated hall calling visitors
            line = lines.get(timeout=TIMEOUT)
            if "叫号 called" in line and "叫号 called 0 " not in line:
                break
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGINT)  # an impatient second Ctrl-C while it stops: ignored, still exit 0
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=TIMEOUT)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0, err
    assert err.strip() == ""  # no traceback, no warning
    assert list(lines.queue)[-1].startswith("已中断 interrupted")
    with socket.socket() as s:  # the server is gone: its port can be bound again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
    again = audit(tmp_path)
    assert again[("devices made twice", "")] == 0  # the first run's demo devices reused, no new strangers
    assert again[("window.call", "clerk")] > done[("window.call", "clerk")]


def test_the_demo_clock_starts_when_the_hall_is_open() -> None:
    import datetime as dt

    import config
    from server.core import WorkCalendar
    from server.live.clock import DemoClock, demo_start

    deployment = config.load(config.default_config_path())
    hall, tz = deployment.hall("county"), deployment.tz
    calendar = WorkCalendar(deployment.calendar)

    def at(y: int, mo: int, d: int, h: int, mi: int) -> float:
        return dt.datetime(y, mo, d, h, mi, tzinfo=tz).timestamp()

    def start(now: float, not_before: float | None = None, min_left_s: float = 0) -> tuple[float, bool]:
        return demo_start(hall, calendar, tz, real_now=now, not_before=not_before, min_left_s=min_left_s)

    # Wednesday 2026-03-11 (an ordinary working day)
    assert start(at(2026, 3, 11, 9, 0)) == (at(2026, 3, 11, 9, 0), False)  # open: the real time
    assert start(at(2026, 3, 11, 22, 0)) == (at(2026, 3, 12, 8, 30), True)  # closed: tomorrow's opening
    assert start(at(2026, 3, 13, 18, 0)) == (at(2026, 3, 16, 8, 30), True)  # Friday evening → Monday
    assert start(at(2026, 9, 30, 18, 0)) == (at(2026, 10, 8, 8, 30), True)  # 国庆节: after the holidays
    # kiosks stop issuing at 11:45; with half an hour needed, 11:30 is too late for the morning
    assert start(at(2026, 3, 11, 11, 30), min_left_s=1800) == (at(2026, 3, 11, 13, 30), True)
    # never before what the database already holds
    assert start(at(2026, 3, 11, 9, 0), not_before=at(2026, 3, 11, 10, 0)) == (at(2026, 3, 11, 10, 0), True)

    ticks = iter([0.0, 3.0, 3.0, 4.0])
    clock = DemoClock(at(2026, 3, 11, 9, 0), speed=20, monotonic=lambda: next(ticks))
    assert clock.now() == at(2026, 3, 11, 9, 1)  # 3 s at ×20 is a minute
    clock.jump_to(at(2026, 3, 11, 13, 30))
    assert clock.now() == at(2026, 3, 11, 13, 30) + 20  # a jump moves the clock; it runs on from there


def stopped_early(site: Path, *, after: str, signals: tuple[int, ...]) -> tuple[int, str, str]:
    """Start ``hallq run``, send ``signals`` as soon as a line containing ``after`` is printed."""
    proc = hallq_run(site, "--speed", "60", "--interval", "1")
    try:
        for line in proc.stdout:
            if after in line:
                for sig in signals:
                    proc.send_signal(sig)
                break
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out, err


def test_ctrl_c_while_starting_exits_0_with_totals(tmp_path) -> None:
    """Two Ctrl-C as soon as it says it is starting (importing, making var/): a clean stop, exit 0."""
    code, out, err = stopped_early(tmp_path, after="正在启动", signals=(signal.SIGINT, signal.SIGINT))
    assert code == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out.strip().splitlines()[-1].startswith("已中断 interrupted — 取号 issued 0 ")


def test_sigterm_prints_the_totals(tmp_path) -> None:
    code, out, err = stopped_early(tmp_path, after="管理驾驶舱 dashboard", signals=(signal.SIGTERM,))
    assert code == 0, err
    assert "Traceback" not in err
    assert re.match(r"已终止 terminated \(SIGTERM\) — 取号 issued \d+ \| 叫号 called \d+", out.strip().splitlines()[-1])


def test_a_second_run_in_open_hours_does_not_say_the_hall_is_closed() -> None:
    """The first run's records can be ahead of the real time (its clock ran ×10): the second run's clock
    continues after them, and says so — not "the hall is closed"."""
    import datetime as dt

    import config
    from server.core import WorkCalendar
    from server.live.run import MIN_OPEN_S, shift_reason

    deployment = config.load(config.default_config_path())
    hall, tz = deployment.hall("county"), deployment.tz
    calendar = WorkCalendar(deployment.calendar)
    wednesday_9 = dt.datetime(2026, 3, 11, 9, 0, tzinfo=tz).timestamp()
    wednesday_22 = dt.datetime(2026, 3, 11, 22, 0, tzinfo=tz).timestamp()
    open_now = shift_reason(hall, calendar, tz, wednesday_9, MIN_OPEN_S)
    assert "接着上次演示继续" in open_now and "不开放" not in open_now
    assert "大厅此刻不开放" in shift_reason(hall, calendar, tz, wednesday_22, MIN_OPEN_S)


def test_stop_signals_the_first_interrupts_the_rest_are_ignored() -> None:
    """Before hallq run can catch it (argument parsing) a signal is noted and raised when armed; after, the
    first raises at once and every later one is ignored, so the stop is never cut short."""
    from server.live.stopping import StopSignals

    early = StopSignals()
    early(signal.SIGINT, None)  # not armed yet: noted only
    with pytest.raises(KeyboardInterrupt):
        early.arm()
    early(signal.SIGINT, None)  # while stopping: ignored
    late = StopSignals()
    late.arm()
    with pytest.raises(KeyboardInterrupt):
        late(signal.SIGTERM, None)
    late(signal.SIGINT, None)
    assert late.name == "已终止 terminated (SIGTERM)" and early.name == "已中断 interrupted"
