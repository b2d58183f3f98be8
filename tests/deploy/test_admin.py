"""Administration without SQL over the API and the CLI (issue 15 §4): each action for the right role only,
audited with before/after, disabling stops a device or clerk at once (HTTP 401, open event stream closed
4401 — also when the CLI, another process, disables it), names unique per hall, a removed device gone from
the fleet (never "silent")."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from server.storage import schema as t
from tests.server.conftest import TEST_CONFIG, ServerProcess, start_server, stop_server

TIMEOUT = 30


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    work = tmp_path_factory.mktemp("admin")
    server = start_server(work, f"sqlite:///{work / 'hallq.db'}")
    server.add_clerk("9001", pin="135792", role="manager", windows=(1, 2))
    server.add_clerk("8001", pin="246813", role="maintenance")
    server.add_clerk("1001", pin="318274", role="clerk", windows=(1,))
    yield server
    stop_server(server)


def hallq(srv: ServerProcess, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hallq.cli", *args, "--db", srv.db_url, "--config", str(TEST_CONFIG)],
                          capture_output=True, text=True, timeout=120, cwd=srv.workdir)


def stream(srv: ServerProcess, token: str) -> ClientConnection:
    return connect(f"{srv.ws_url}/api/v1/halls/test/events?token={token}", open_timeout=TIMEOUT)


def closed_with(ws: ClientConnection) -> int | None:
    """Read until the server closes the stream; its close code (events before it are skipped)."""
    try:
        while True:
            ws.recv(timeout=TIMEOUT)
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


def audit(srv: ServerProcess, action: str) -> list[dict]:
    with srv.engine.connect() as db:
        rows = db.execute(select(t.audit_log.c.actor, t.audit_log.c.detail)
                          .where(t.audit_log.c.action == action).order_by(t.audit_log.c.seq)).all()
    return [{"actor": r.actor, **json.loads(r.detail)} for r in rows]


def test_admin_actions_are_refused_to_the_wrong_role(srv: ServerProcess) -> None:
    clerk, kiosk = srv.login("1001", "318274"), srv.add_device("kiosk")
    maintenance = srv.login("8001", "246813")
    srv.add_device("display")
    with srv.client(srv.login("9001", "135792")) as m:
        device_id = next(d["id"] for d in m.get("/api/v1/admin/devices").json()["devices"] if d["kind"] == "display")
    for token in (clerk, kiosk):
        with srv.client(token) as c:
            assert c.get("/api/v1/admin/devices").status_code == 403
            assert c.patch(f"/api/v1/admin/devices/{device_id}", json={"name": "x"}).status_code == 403
            assert c.delete(f"/api/v1/admin/devices/{device_id}").status_code == 403
            assert c.get("/api/v1/admin/clerks").status_code == 403
            assert c.post("/api/v1/admin/clerks/1001/pin", json={"pin": "675849"}).status_code == 403
    with srv.client(maintenance) as c:  # the hall's IT looks after devices, not staff accounts
        assert c.get("/api/v1/admin/devices").status_code == 200
        assert c.get("/api/v1/admin/clerks").status_code == 403
        assert c.patch("/api/v1/admin/clerks/1001", json={"role": "manager"}).status_code == 403
    with srv.client() as anonymous:
        assert anonymous.get("/api/v1/admin/devices").status_code == 401


def test_a_disabled_device_stops_at_once_and_a_removed_one_is_gone(srv: ServerProcess) -> None:
    manager = srv.login("9001", "135792")
    with srv.client(manager) as m:
        made = m.post("/api/v1/admin/devices", json={"kind": "kiosk", "name": "大厅1号机", "hall": "test"})
        assert made.status_code == 201
        kiosk_id, token = made.json()["id"], made.json()["token"]
        again = m.post("/api/v1/admin/devices", json={"kind": "kiosk", "name": "大厅1号机", "hall": "test"})
        assert again.status_code == 409 and again.json()["code"] == "duplicate_device_name"
        with srv.client(token) as k:
            assert k.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).status_code == 201
            with stream(srv, token) as ws:
                assert m.patch(f"/api/v1/admin/devices/{kiosk_id}", json={"active": False}).status_code == 200
                assert k.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).status_code == 401
                assert closed_with(ws) == 4401  # its open event stream was closed, not left running
            listed = {d["id"]: d for d in m.get("/api/v1/admin/devices").json()["devices"]}
            assert listed[kiosk_id]["active"] is False
            assert kiosk_id not in {d["id"] for d in m.get("/api/v1/devices").json()["devices"]}  # not "silent"
            assert m.patch(f"/api/v1/admin/devices/{kiosk_id}", json={"active": True}).status_code == 200
            assert k.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).status_code == 201
            renamed = m.patch(f"/api/v1/admin/devices/{kiosk_id}", json={"name": "大厅东侧取号机"})
            assert renamed.status_code == 200 and renamed.json()["name"] == "大厅东侧取号机"
            assert m.delete(f"/api/v1/admin/devices/{kiosk_id}").status_code == 204
            assert k.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).status_code == 401
            assert kiosk_id not in {d["id"] for d in m.get("/api/v1/admin/devices").json()["devices"]}
            assert kiosk_id not in {d["id"] for d in m.get("/api/v1/devices").json()["devices"]}
    renames = [a for a in audit(srv, "admin.device.rename") if a["subject"] == f"device:{kiosk_id}"]
    assert renames == [{"actor": "clerk:9001", "subject": f"device:{kiosk_id}", "before": {"name": "大厅1号机"},
                        "after": {"name": "大厅东侧取号机"}}]
    assert [a["after"] for a in audit(srv, "admin.device.disable") if a["subject"] == f"device:{kiosk_id}"] == [
        {"active": False}]
    removed = [a for a in audit(srv, "admin.device.remove") if a["subject"] == f"device:{kiosk_id}"]
    assert removed[0]["before"]["name"] == "大厅东侧取号机" and removed[0]["after"] is None


def test_clerk_disable_pin_reset_windows_and_role(srv: ServerProcess) -> None:
    srv.add_clerk("1002", pin="429157", role="clerk", windows=(1,))
    manager = srv.login("9001", "135792")
    session = srv.login("1002", "429157")
    with srv.client(manager) as m, srv.client(session) as clerk:
        assert clerk.get("/api/v1/halls/test/windows/1").status_code == 200
        assert clerk.get("/api/v1/halls/test/windows/2").status_code == 403
        changed = m.patch("/api/v1/admin/clerks/1002", json={"windows": [1, 2]})
        assert changed.status_code == 200 and changed.json()["windows"] == [1, 2]
        assert clerk.get("/api/v1/halls/test/windows/2").status_code == 200  # the next request already may
        assert m.patch("/api/v1/admin/clerks/1002", json={"windows": [99]}).status_code == 404
        with stream(srv, session) as ws:
            assert m.post("/api/v1/admin/clerks/1002/pin", json={"pin": "564738"}).status_code == 204
            assert clerk.get("/api/v1/halls/test/windows/1").status_code == 401  # the old session ended
            assert closed_with(ws) == 4401
    with srv.client() as c:
        assert c.post("/api/v1/auth/login", json={"staff_no": "1002", "pin": "429157"}).status_code == 401
    session = srv.login("1002", "564738")
    with srv.client(manager) as m, srv.client(session) as clerk:
        assert m.patch("/api/v1/admin/clerks/1002", json={"active": False}).status_code == 200
        assert clerk.get("/api/v1/halls/test/windows/1").status_code == 401
        with srv.client() as c:
            assert c.post("/api/v1/auth/login", json={"staff_no": "1002", "pin": "564738"}).status_code == 401
        assert m.patch("/api/v1/admin/clerks/9001", json={"active": False}).status_code == 409  # not oneself
        listed = {c["staff_no"]: c for c in m.get("/api/v1/admin/clerks").json()["clerks"]}
        assert listed["1002"]["active"] is False and "pin_hash" not in listed["1002"]
        assert m.patch("/api/v1/admin/clerks/1002", json={"active": True, "role": "manager"}).status_code == 200
    promoted = srv.login("1002", "564738")
    with srv.client(promoted) as now_manager:
        assert now_manager.get("/api/v1/admin/clerks").status_code == 200
    pin_audit = [a for a in audit(srv, "admin.clerk.reset_pin") if a["subject"] == "clerk:1002"]
    assert pin_audit and "564738" not in json.dumps(pin_audit)  # that it changed, never the PIN
    assert [a["after"] for a in audit(srv, "admin.clerk.access") if a["subject"] == "clerk:1002"] == [
        {"windows": [1, 2]}, {"role": "manager"}]


def test_cli_administers_devices_and_clerks(srv: ServerProcess) -> None:
    added = subprocess.run([sys.executable, "-m", "hallq.cli", "device", "add", "--kind", "display", "--name",
                            "大厅大屏", "--hall", "test", "--json", "--db", srv.db_url, "--config", str(TEST_CONFIG)],
                           capture_output=True, text=True, timeout=120, cwd=srv.workdir)
    assert added.returncode == 0, added.stderr
    device = json.loads(added.stdout)
    twice = hallq(srv, "device", "add", "--kind", "display", "--name", "大厅大屏", "--hall", "test")
    assert twice.returncode == 2 and "大厅大屏" in twice.stderr  # a second device of that name: refused
    with srv.client(device["token"]) as d:
        assert d.post("/api/v1/devices/heartbeat", json={"devices": []}).status_code == 204
    with stream(srv, device["token"]) as ws:
        listed = hallq(srv, "device", "list", "--hall", "test")
        assert listed.returncode == 0 and "大厅大屏" in listed.stdout and "Asia/Shanghai" in listed.stdout
        disabled = hallq(srv, "device", "disable", str(device["id"]))
        assert disabled.returncode == 0, disabled.stderr
        assert closed_with(ws) == 4401  # the CLI is another process: the running server closed the stream anyway
    with srv.client(device["token"]) as d:
        assert d.post("/api/v1/devices/heartbeat", json={"devices": []}).status_code == 401
    assert hallq(srv, "device", "rename", str(device["id"]), "东区大屏").returncode == 0
    assert hallq(srv, "device", "remove", str(device["id"])).returncode == 0
    assert hallq(srv, "device", "remove", str(device["id"])).returncode == 2  # no such device any more
    assert "东区大屏" not in hallq(srv, "device", "list").stdout

    srv.add_clerk("1003", pin="565712", role="clerk", windows=(1,))
    assert hallq(srv, "clerk", "reset-pin", "1003", "--pin", "787934").returncode == 0
    srv.login("1003", "787934")
    assert hallq(srv, "clerk", "set", "1003", "--windows", "1,2", "--role", "maintenance").returncode == 0
    assert hallq(srv, "clerk", "disable", "1003").returncode == 0
    clerks = hallq(srv, "clerk", "list", "--json")
    row = next(c for c in json.loads(clerks.stdout) if c["staff_no"] == "1003")
    assert row["active"] is False and row["windows"] == [1, 2] and row["role"] == "maintenance"
    assert {a["actor"] for a in audit(srv, "admin.clerk.disable") if a["subject"] == "clerk:1003"} == {"cli"}
    verified = hallq(srv, "audit", "verify")
    assert verified.returncode == 0, verified.stdout


def test_a_clerk_throttled_by_wrong_pins_is_unlocked_by_a_manager_and_by_the_cli(srv: ServerProcess) -> None:
    """Issue 15 §4 / 13: the clerk at the counter, slowed down by wrong PINs (theirs or a guesser's), logs in
    at once after a manager's unlock (API, manager only) or `hallq clerk unlock`; both are audited."""
    srv.add_clerk("1004", pin="918273", role="clerk", windows=(1,))
    manager = srv.login("9001", "135792")

    def throttle() -> None:
        with srv.client() as c:
            codes = [c.post("/api/v1/auth/login", json={"staff_no": "1004", "pin": "000000"}).status_code
                     for _ in range(6)]
            assert codes[-1] == 429  # slowed down
            assert c.post("/api/v1/auth/login", json={"staff_no": "1004", "pin": "918273"}).status_code == 429

    def listed() -> dict:
        with srv.client(manager) as m:
            return next(c for c in m.get("/api/v1/admin/clerks").json()["clerks"] if c["staff_no"] == "1004")

    throttle()
    row = listed()  # the manager sees who is slowed down, and until when (no address, no PIN data)
    assert row["throttled_until"] > time.time() and row["locked_until"] is None
    assert not {"pin_hash", "failed_attempts"} & set(row)
    with srv.client(srv.login("1001", "318274")) as clerk:
        assert clerk.post("/api/v1/admin/clerks/1004/unlock").status_code == 403  # not a clerk's act
    with srv.client(manager) as m:
        assert m.post("/api/v1/admin/clerks/1004/unlock").status_code == 204
        assert m.post("/api/v1/admin/clerks/nobody/unlock").status_code == 404
    assert listed()["throttled_until"] is None
    srv.login("1004", "918273")
    throttle()
    assert "throttled until" in next(line for line in hallq(srv, "clerk", "list").stdout.splitlines()
                                     if line.startswith("1004"))
    assert hallq(srv, "clerk", "unlock", "1004").returncode == 0
    srv.login("1004", "918273")
    assert hallq(srv, "clerk", "unlock", "nobody").returncode == 2
    assert {a["actor"] for a in audit(srv, "auth.unlock")} >= {"clerk:9001", "cli"}
