"""``hallq diag printer --test-print`` prints the hall's time (issue 15 §6), on a terminal box whose clock
zone is another: the real command in its own process with ``TZ=UTC`` against a real server whose hall is
in Asia/Shanghai; the ESC/POS bytes it sent are decoded and the issued time read off the slip."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from drivers.printer import decode

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[3]
HALL = ZoneInfo("Asia/Shanghai")  # tests/server/hall_test.toml
MACHINE = "UTC"  # a fresh Debian box's clock zone


def minutes(zone: ZoneInfo, start: datetime, end: datetime) -> set[str]:
    """The ``YYYY-MM-DD HH:MM`` readings of ``zone`` between two instants (a print may cross a minute)."""
    return {f"{start.astimezone(zone):%Y-%m-%d %H:%M}", f"{end.astimezone(zone):%Y-%m-%d %H:%M}"}


def issued(slip_bytes: bytes) -> str:
    slip = decode(slip_bytes)
    return next(text for text in slip.texts if text.startswith("取号时间："))[len("取号时间："):]


def test_test_ticket_shows_the_hall_time_not_the_machine_zone(hall_server, terminal_file: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    target = tmp_path / "ticket.bin"
    cfg = terminal_file(role="kiosk", window=None, printer=f"file://{target}")
    env = {**os.environ, "TZ": MACHINE}
    env.pop("HALLQ_SERVER", None)
    start = datetime.now(HALL)
    done = subprocess.run([sys.executable, "-m", "hallq.cli", "diag", "printer", "--test-print", "--config", str(cfg),
                           "--server", hall_server.base_url], capture_output=True, text=True, timeout=120, env=env,
                          cwd=ROOT)
    end = datetime.now(HALL)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = issued(target.read_bytes())
    assert printed in minutes(HALL, start, end)
    assert printed not in minutes(ZoneInfo(MACHINE), start, end)  # 8 hours apart: never the same reading
    assert "Asia/Shanghai" in done.stderr  # says whose zone the ticket shows


def test_without_a_server_the_ticket_says_so_on_stderr(terminal_file: Callable[..., Path], tmp_path: Path) -> None:
    """No server to ask (a kiosk set up before the server box): the ticket still prints, with this machine's
    clock, and the maintainer is told the hall's zone is unknown and how to give it."""
    target = tmp_path / "ticket.bin"
    cfg = terminal_file(role="kiosk", window=None, printer=f"file://{target}")
    env = {**os.environ, "TZ": MACHINE}
    env.pop("HALLQ_SERVER", None)
    start = datetime.now(ZoneInfo(MACHINE))
    done = subprocess.run([sys.executable, "-m", "hallq.cli", "diag", "printer", "--test-print", "--config", str(cfg),
                           "--server", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=120, env=env,
                          cwd=ROOT)
    end = datetime.now(ZoneInfo(MACHINE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "未能取得大厅时区" in done.stderr and "--server" in done.stderr
    assert issued(target.read_bytes()) in minutes(ZoneInfo(MACHINE), start, end)
