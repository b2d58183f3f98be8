"""Live configuration (issue 15 §5): ``hallq config apply FILE`` shows the difference, refuses a broken file with
its file/key/reason and a change that needs a restart, audits before/after, and a running server takes the
change without a restart: a lobby display's notice line and a kiosk's services change on screen (real Qt,
offscreen), and the next ticket obeys the new daily cap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from drivers.terminal import Devices
from server.storage import schema as t
from tests.server.conftest import TEST_CONFIG, ServerProcess, start_server, stop_server

WAIT_MS = 60_000


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[ServerProcess]:
    live = tmp_path / "hall.toml"
    live.write_text(TEST_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    server = start_server(tmp_path, f"sqlite:///{tmp_path / 'hallq.db'}", "--config", str(live))
    server.live_config = live  # type: ignore[attr-defined]
    yield server
    stop_server(server)


def apply(srv: ServerProcess, new: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hallq.cli",
            "config",
            "apply",
            str(new),
            "--db",
            srv.db_url,
            "--config",
            str(srv.live_config),
            *extra,
        ],  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        timeout=120,
        cwd=srv.workdir,
    )


def edited(srv: ServerProcess, tmp_path: Path, *swaps: tuple[str, str]) -> Path:
    text = srv.live_config.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "new.toml"
    path.write_text(text, encoding="utf-8")
    return path


NOTICE = 'name_en = "Test Service Center"\n'
WITH_NOTICE = NOTICE + 'notices = ["今日下午三点起暂停税务业务 Tax services pause at 15:00"]\n'


def test_a_change_reaches_a_running_display_and_kiosk(qtbot, srv: ServerProcess, tmp_path: Path) -> None:
    from display.app import Display
    from kiosk.app import Kiosk

    display = Display.create(srv.base_url, srv.add_device("display"), Devices(), hall="test")
    kiosk = Kiosk.create(srv.base_url, srv.add_device("kiosk"), Devices(), hall="test")
    try:
        for app in (display, kiosk):
            app.window.resize(1366, 768)
            app.window.show()
        with qtbot.waitSignal(display.board.ready, timeout=WAIT_MS):
            display.start()
        with qtbot.waitSignal(kiosk.controller.catalog_ready, timeout=WAIT_MS):
            kiosk.start()
        assert display.board.notices() == []
        assert kiosk.controller.catalog.service("GEN").name_zh == "综合受理"

        new = edited(
            srv,
            tmp_path,
            (NOTICE, WITH_NOTICE),
            ('name_zh = "综合受理"', 'name_zh = "综合受理（含社保）"'),
            ("daily_cap = 3", "daily_cap = 1"),
        )
        shown = apply(srv, new, "--dry-run")
        assert shown.returncode == 0, shown.stderr
        assert 'halls.test.services.GEN.name_zh: "综合受理" → "综合受理（含社保）"' in shown.stdout
        assert "halls.test.services.TAX.daily_cap: 3 → 1" in shown.stdout
        assert "halls.test.notices: [] → [" in shown.stdout
        done = apply(srv, new, "--yes")
        assert done.returncode == 0, done.stderr

        qtbot.waitUntil(
            lambda: display.board.notices() == ["今日下午三点起暂停税务业务 Tax services pause at 15:00"],
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(
            lambda: kiosk.controller.catalog.service("GEN").name_zh == "综合受理（含社保）", timeout=WAIT_MS
        )
        from client.appkit import save_screenshot

        shot = save_screenshot(display.window, tmp_path / "display-live-notice.png")
        if os.environ.get("HALLQ_DEPLOY_SHOTS"):
            Path(os.environ["HALLQ_DEPLOY_SHOTS"]).mkdir(parents=True, exist_ok=True)
            shot.replace(Path(os.environ["HALLQ_DEPLOY_SHOTS"]) / shot.name)
    finally:
        display.close()
        kiosk.close()

    with srv.client(srv.add_device("kiosk")) as k:  # the running server applies the new cap: one TAX a day
        assert k.post("/api/v1/halls/test/tickets", json={"service": "TAX"}).status_code == 201
        second = k.post("/api/v1/halls/test/tickets", json={"service": "TAX"})
        assert second.status_code == 409 and second.json()["code"] == "daily_cap"
    with srv.engine.connect() as db:
        detail = json.loads(
            db.execute(select(t.audit_log.c.detail).where(t.audit_log.c.action == "config.apply")).scalar_one()
        )
    assert {"path": "halls.test.services.TAX.daily_cap", "before": 3, "after": 1} in detail["changes"]


def test_a_broken_file_or_a_restart_change_is_refused(srv: ServerProcess, tmp_path: Path) -> None:
    broken = edited(srv, tmp_path, ("daily_cap = 3", "daily_cap = 0"))
    done = apply(srv, broken, "--yes")
    assert done.returncode == 2
    assert "new.toml" in done.stderr and "daily_cap" in done.stderr  # file, key and reason
    zone = edited(srv, tmp_path, ('timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"'))
    done = apply(srv, zone, "--yes")
    assert done.returncode == 2 and "restart" in done.stderr
    assert "daily_cap = 3" in srv.live_config.read_text(encoding="utf-8")  # type: ignore[attr-defined]
