"""The test clock (server/testclock.py, HALLQ_TEST_CLOCK): a server started with it lives on the chosen
morning; without test mode it refuses to start, saying why in Chinese and English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.testclock import TestClockRefused, clock_from_env
from tests.server.conftest import TEST_CONFIG, fixed_clock_env, start_server, stop_server


def hallq_server(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hallq.cli", "server", "--db", f"sqlite:///{tmp_path / 'h.db'}",
         "--config", str(TEST_CONFIG), "--port", "9"],  # never reached: refused before the port opens
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "HALLQ_SECRET_FILE": str(tmp_path / "secret.key"), **env})


def test_a_production_server_refuses_the_test_clock(tmp_path: Path) -> None:
    env = {k: v for k, v in fixed_clock_env().items() if k != "HALLQ_TEST_MODE"}
    done = hallq_server(tmp_path, **env)
    assert done.returncode == 2
    assert "未开启测试模式" in done.stderr and "test mode is not (HALLQ_TEST_MODE=1)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["2026-09-21T10:00:00", "Monday 10:00"])
def test_the_test_clock_needs_an_instant_with_its_offset(value: str) -> None:
    with pytest.raises(TestClockRefused) as err:
        clock_from_env({"HALLQ_TEST_MODE": "1", "HALLQ_TEST_CLOCK": value})
    assert "带时区" in err.value.zh and "with its offset" in err.value.en


def test_a_server_on_the_test_clock_books_and_stamps_on_that_day(tmp_path: Path) -> None:
    srv = start_server(tmp_path, f"sqlite:///{tmp_path / 'hallq.db'}", env=fixed_clock_env())
    try:
        with srv.client() as c:
            offer = c.get("/api/v1/halls/test/booking/slots", params={"service": "GEN"}).json()
            ticket = c.post("/api/v1/halls/test/tickets", json={"service": "GEN"},
                            headers={"Authorization": f"Bearer {srv.add_device('kiosk')}"}).json()
        assert offer["days"][0]["day"] == "2026-09-21"
        assert ticket["day"] == "2026-09-21" and "-20260921-" in ticket["id"]
    finally:
        stop_server(srv)
