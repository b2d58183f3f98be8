"""Every human-facing time in the hall's zone (issue 15 §6): with the machine's clock zone set elsewhere
(TZ=America/New_York), ``hallq devices`` and ``hallq device list`` show a heartbeat at its Shanghai time; the
server itself runs with TZ=UTC and its log lines' ``local`` field reads the hall's clock (+08:00)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.storage import schema as t
from tests.server.conftest import TEST_CONFIG, start_server, stop_server


def test_cli_times_are_in_the_hall_zone(tmp_path: Path) -> None:
    srv = start_server(tmp_path, f"sqlite:///{tmp_path / 'hallq.db'}", env={"TZ": "UTC"})
    try:
        srv.add_clerk("8001", pin="246813", role="maintenance")
        kiosk = srv.add_device("kiosk")
        with srv.client(kiosk) as k:
            assert k.post("/api/v1/devices/heartbeat", json={"devices": []}).status_code == 204
        with srv.engine.connect() as db:  # the heartbeat's own time, as the server stored it
            beat = db.execute(select(t.devices.c.last_seen).where(t.devices.c.last_seen.is_not(None))).scalar_one()
        shanghai = datetime.fromtimestamp(beat, ZoneInfo("Asia/Shanghai"))
        new_york = datetime.fromtimestamp(beat, ZoneInfo("America/New_York"))
        env = {**os.environ, "TZ": "America/New_York", "HALLQ_PIN": "246813"}
        fleet = subprocess.run(
            [sys.executable, "-m", "hallq.cli", "devices", "--server", srv.base_url, "--staff-no", "8001"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        listed = subprocess.run(
            [sys.executable, "-m", "hallq.cli", "device", "list", "--db", srv.db_url, "--config", str(TEST_CONFIG)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        log = srv.log()
    finally:
        stop_server(srv)
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(line.get("path") == "/api/v1/devices/heartbeat" for line in lines)
    for line in lines:  # the same instant as ``ts``, on the hall's clock
        local = datetime.fromisoformat(line["local"])
        assert local.utcoffset() == datetime.fromtimestamp(line["ts"], ZoneInfo("Asia/Shanghai")).utcoffset()
        assert abs(local.timestamp() - line["ts"]) < 0.01
    assert fleet.returncode == 0, fleet.stderr
    assert listed.returncode == 0, listed.stderr
    assert shanghai.strftime("%m-%d %H:%M:%S") in fleet.stdout
    assert shanghai.strftime("%Y-%m-%d %H:%M") in listed.stdout
    for out in (fleet.stdout, listed.stdout):
        assert new_york.strftime("%m-%d %H:%M") not in out
