"""The heartbeat and the fleet view against a real ``hallq server`` process over HTTP: what the
server lists after beats, a device that FAILs, one that falls silent, posts that fail and recover,
``hallq diag --send`` and ``hallq devices``."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from client import ApiError, HallClient, ServerUnreachable
from drivers.diag import Heartbeat
from drivers.terminal import load_terminal, open_devices
from hallq.cli import main
from server.auth import add_device
from tests.server.conftest import start_server, stop_server
from tests.support.devices import eventually

pytestmark = pytest.mark.timeout(120)


def register_device(srv: Any, kind: str = "kiosk", window: int | None = None) -> tuple[int, str]:
    """A device row as `hallq device add` makes it: (id, token)."""
    device = add_device(srv.engine, kind=kind, name=f"{kind}-{secrets.token_hex(3)}", hall="test", window=window,
                        now=time.time(), by="test")
    return device.id, device.token


@pytest.fixture(scope="module")
def staff_token(hall_server: Any) -> str:
    hall_server.add_clerk("9001", role="maintenance")
    return hall_server.login("9001")


def fleet_entry(srv: Any, token: str, device_id: int) -> dict[str, Any]:
    with HallClient(srv.base_url, token) as client:
        return next(d.raw for d in client.devices("test") if d.id == device_id)


def parts(entry: dict[str, Any]) -> dict[str, str]:
    return {h["device"]: h["level"] for h in entry["health"]}


def test_heartbeat_reaches_the_fleet_and_a_failure_shows(hall_server: Any, staff_token: str,
                                                         terminal_file: Callable[..., Path]) -> None:
    device_id, token = register_device(hall_server)
    assert fleet_entry(hall_server, staff_token, device_id)["silent"]  # never reported yet
    cfg = load_terminal(terminal_file(role="kiosk", window=None, printer="sim://", touch="sim://"))
    with open_devices(cfg) as devices, HallClient(hall_server.base_url, token, timeout=30, retries=0) as client:
        with Heartbeat(client, devices, interval_s=0.05) as beat:
            assert beat.wait_rounds(2, timeout=60)
        assert beat.sent >= 2 and beat.failed == 0
        entry = fleet_entry(hall_server, staff_token, device_id)
        assert not entry["silent"] and entry["last_seen"] is not None
        # a long-running terminal keeps the driver's WARN for a panel nobody has touched yet
        assert parts(entry) == {"printer": "OK", "touch": "WARN"}

        devices.printer.set_paper("out")
        devices.touch.touch(400, 300)
        assert Heartbeat(client, devices, interval_s=30).beat()
    entry = fleet_entry(hall_server, staff_token, device_id)
    assert parts(entry) == {"printer": "FAIL", "touch": "OK"}
    printer = next(h for h in entry["health"] if h["device"] == "printer")
    assert printer["detail_zh"] == "打印机缺纸" and printer["facts"]["paper"] == "out"


def test_a_device_that_stops_reporting_shows_silent(hall_server: Any, staff_token: str,
                                                    terminal_file: Callable[..., Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    device_id, token = register_device(hall_server, "counter", window=1)
    cfg = load_terminal(terminal_file(pad="sim://", led="sim://"))
    with open_devices(cfg) as devices, HallClient(hall_server.base_url, token, timeout=30, retries=0) as client:
        assert Heartbeat(client, devices, interval_s=30).beat()
    assert not fleet_entry(hall_server, staff_token, device_id)["silent"]  # this server: silent after 180 s
    # The silence threshold is a server setting (--device-silent-after): a second server process on the
    # same database that calls a device silent after 10 ms sees the device fall silent at once, with no
    # three-minute wait and no rewritten last beat.
    strict = start_server(hall_server.workdir, hall_server.db_url, "--device-silent-after", "0.01")
    try:
        entry = eventually(lambda: fleet_entry(strict, staff_token, device_id), lambda e: e["silent"])
        assert entry["silent"] and parts(entry) == {"pad": "OK", "led": "OK"}  # the last known health stays
        assert not fleet_entry(hall_server, staff_token, device_id)["silent"]  # the same beat, the other rule

        code = main(["devices", "--server", strict.base_url, "--token", staff_token, "--hall", "test"])
    finally:
        stop_server(strict)
    out, err = capsys.readouterr()
    row = next(line for line in out.splitlines() if line.startswith(f"{device_id} "))
    assert code == 1 and "SILENT" in row and "秒前" in row
    assert "SILENT" in err


def test_failed_posts_are_logged_and_the_next_round_retries(hall_server: Any, staff_token: str,
                                                            terminal_file: Callable[..., Path],
                                                            caplog: pytest.LogCaptureFixture) -> None:
    device_id, token = register_device(hall_server)
    cfg = load_terminal(terminal_file(role="kiosk", window=None, printer="sim://"))
    with open_devices(cfg) as devices, HallClient(hall_server.base_url, "d_not-a-token", retries=0) as client:
        beat = Heartbeat(client, devices, interval_s=0.05)
        with caplog.at_level(logging.WARNING, logger="drivers.diag.heartbeat"), beat:
            assert beat.wait_rounds(2, timeout=60)
            assert beat.sent == 0 and isinstance(beat.last_error, ApiError) and beat.last_error.status == 401
            client.token = token  # the operator fixes the token file; nothing was restarted
            assert beat.wait_rounds(beat.failed + 2, timeout=60)
        assert beat.sent >= 1
    assert any("heartbeat not sent" in r.getMessage() for r in caplog.records)
    assert not fleet_entry(hall_server, staff_token, device_id)["silent"]


def test_unreachable_server_never_raises_into_the_app(terminal_file: Callable[..., Path]) -> None:
    cfg = load_terminal(terminal_file(role="kiosk", window=None, printer="sim://"))
    with open_devices(cfg) as devices, HallClient("http://127.0.0.1:9", "d_x", timeout=2, retries=0) as client:
        with Heartbeat(client, devices, interval_s=0.05) as beat:
            assert beat.wait_rounds(3, timeout=60)
        assert beat.sent == 0 and beat.failed >= 3
        assert isinstance(beat.last_error, ServerUnreachable) and "无法连接服务器" in beat.last_error.zh
        assert [h.level.value for h in beat.last_health] == ["OK"]  # the devices were checked all the same


def test_diag_send_posts_once_and_devices_lists_it(hall_server: Any, staff_token: str,
                                                   terminal_file: Callable[..., Path],
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    device_id, token = register_device(hall_server, "display")
    calls = tmp_path / "calls"
    cfg = terminal_file(role="display", window=None, announcer=f"sim://?dir={calls}&synth=0")
    code = main(["diag", "--send", "--config", str(cfg), "--server", hall_server.base_url, "--token", token])
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("OK   语音播报") and "heartbeat sent" in err
    assert parts(fleet_entry(hall_server, staff_token, device_id)) == {"announcer": "OK"}

    monkeypatch.setenv("HALLQ_PIN", "246813")
    code = main(["devices", "--json", "--server", hall_server.base_url, "--staff-no", "9001"])
    listed = json.loads(capsys.readouterr().out)["devices"]
    mine = next(d for d in listed if d["id"] == device_id)
    assert mine["kind"] == "display" and not mine["silent"]

    code = main(["devices", "--server", hall_server.base_url, "--token", staff_token])
    out, _ = capsys.readouterr()
    block = out.split(f"\n{device_id} ", 1)[1]
    assert block.splitlines()[0].rstrip().endswith("OK")
    assert block.splitlines()[1].strip().startswith("OK   语音播报")


def test_send_without_token_or_server_is_a_clear_failure(terminal_file: Callable[..., Path],
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALLQ_TOKEN", raising=False)
    cfg = terminal_file(role="kiosk", window=None, printer="sim://")
    assert main(["diag", "--send", "--config", str(cfg)]) == 1
    assert "no device token" in capsys.readouterr().err
    assert main(["diag", "--send", "--config", str(cfg), "--server", "http://127.0.0.1:9", "--token", "d_x"]) == 1
    assert "cannot reach the server" in capsys.readouterr().err


def test_devices_needs_a_staff_token(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                     hall_server: Any) -> None:
    monkeypatch.delenv("HALLQ_TOKEN", raising=False)
    assert main(["devices", "--server", hall_server.base_url]) == 2
    assert "--token" in capsys.readouterr().err
    _, device_token = register_device(hall_server)
    assert main(["devices", "--server", hall_server.base_url, "--token", device_token]) == 2  # a kiosk may not
    assert "error:" in capsys.readouterr().err
