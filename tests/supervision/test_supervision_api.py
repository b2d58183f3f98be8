"""Supervision over a real ``hallq server`` process: managers only (clerks and devices get 403 on reports,
follow-ups and warnings); a bad rating posted by the counter becomes a follow-up that is handled to
closure over HTTP; device warnings fire and clear on their own sweeps and reach managers over the
WebSocket — and public screens see only their kind — acknowledged by a manager, kept in the audit trail."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select
from websockets.sync.client import ClientConnection, connect

import config
from server import followups
from server.audit import verify
from server.auth import add_device
from server.core import WorkCalendar
from server.storage import schema as t
from server.storage.db import read_transaction
from tests.server.conftest import TEST_CONFIG, start_server, stop_server

pytestmark = pytest.mark.timeout(180)

H = "/api/v1/halls/test"
TIMEOUT = 30  # seconds to wait for one event: generous, never a pass condition
SILENT_AFTER = 600


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("supervision")
    srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", "--supervision-interval", "0.2",
                       "--device-silent-after", str(SILENT_AFTER))
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def tokens(server) -> dict[str, str]:
    server.add_clerk("c1", windows=(1, 2, 3))
    server.add_clerk("m1", role="manager", windows=(1, 2, 3), name="王主任")
    server.add_clerk("x1", role="maintenance")
    return {"kiosk": server.add_device("kiosk"), "counter": server.add_device("counter", window=1),
            "display": server.add_device("display"), "pad": server.add_device("pad", window=1),
            "clerk": server.login("c1"), "manager": server.login("m1"), "maintenance": server.login("x1")}


def ws(server, token: str) -> ClientConnection:
    with server.client(token) as c:
        seq = c.get(f"{H}/snapshot").json()["seq"]
    return connect(f"{server.ws_url}/api/v1/halls/test/events?since={seq}",
                   additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=TIMEOUT)


def next_event(conn: ClientConnection, *kinds: str) -> dict:
    """The next event of one of ``kinds`` (others are skipped), or fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no {kinds} event within {TIMEOUT} s"
        message = json.loads(conn.recv(timeout=left))
        if message["kind"] in kinds:
            return message


def test_reports_followups_and_warnings_are_for_managers_only(server, tokens) -> None:
    reads = [f"{H}/reports?from=2026-09-01&to=2026-09-30", f"{H}/followups", f"{H}/followups/1", f"{H}/warnings"]
    writes = [(f"{H}/warnings/1/ack", {}), (f"{H}/followups/1/close", {"reply": "已答复"}),
              (f"{H}/followups/1/contact", {"note": "电话联系"})]
    for role in ("kiosk", "counter", "display", "pad", "clerk", "maintenance"):
        with server.client(tokens[role]) as c:
            for path in reads:
                r = c.get(path)
                assert r.status_code == 403, (role, path, r.text)
                assert r.json()["code"] == "forbidden" and "无权" in r.json()["message_zh"]
            for path, body in writes:
                assert c.post(path, json=body).status_code == 403, (role, path)
    with server.client() as anonymous:
        assert anonymous.get(reads[0]).status_code == 401
    with server.client(tokens["manager"]) as c:
        assert c.get(reads[0]).status_code == 200
        assert c.get(reads[1]).json() == {"followups": []}
        assert c.get(reads[2]).status_code == 404 and c.get(reads[2]).json()["code"] == "unknown_followup"
        assert c.get(reads[3]).status_code == 200
        bad = c.get(f"{H}/reports?from=2026-09-30&to=2026-09-01")
        assert bad.status_code == 422 and "晚于" in bad.json()["message_zh"]
        csv_report = c.get(f"{H}/reports?from=2026-09-01&to=2026-09-02&format=csv")
        assert csv_report.headers["content-type"].startswith("text/csv")
        assert csv_report.text.startswith("期间 period,分组 group,取号人数 visitors")


def serve_one(server, tokens) -> dict:
    """A whole visit at window 1: issued at the kiosk, called, served and finished by clerk c1."""
    with server.client(tokens["kiosk"]) as kiosk, server.client(tokens["clerk"]) as clerk:
        ticket = kiosk.post(f"{H}/tickets", json={"service": "GEN"}).json()
        clerk.post(f"{H}/windows/1/sign-in")
        assert clerk.post(f"{H}/windows/1/call").json()["ticket"]["id"] == ticket["id"]
        assert clerk.post(f"{H}/windows/1/start").status_code == 200
        assert clerk.post(f"{H}/windows/1/finish", json={"outcome": "completed"}).status_code == 200
        assert clerk.post(f"{H}/windows/1/sign-out").status_code == 200
    return ticket


def test_bad_rating_from_the_counter_opens_a_followup_handled_to_closure(server, tokens) -> None:
    deployment = config.load(TEST_CONFIG)
    good, bad = serve_one(server, tokens), serve_one(server, tokens)
    with ws(server, tokens["manager"]) as manager_stream:
        with server.client(tokens["counter"]) as counter:
            assert counter.post(f"{H}/tickets/{good['id']}/rating", json={"score": 4}).status_code == 201
            rated = counter.post(f"{H}/tickets/{bad['id']}/rating", json={"score": 1})
        assert rated.status_code == 201
        opened = next_event(manager_stream, "followup.opened")["data"]["followup"]
    assert (opened["ticket_id"], opened["score"], opened["window"], opened["clerk"]) == (bad["id"], 1, 1, "c1")
    with read_transaction(server.engine) as conn:
        rated_at = conn.execute(select(t.ratings.c.at).where(t.ratings.c.ticket_id == bad["id"])).scalar_one()
    rules = deployment.hall("test").followup  # defaults: contact 1, close 15 working days
    assert (opened["contact_due"], opened["close_due"]) == followups.deadlines(
        rated_at, rules, WorkCalendar(deployment.calendar), deployment.tz)
    fid = opened["id"]
    with server.client(tokens["manager"]) as c:
        (listed,) = c.get(f"{H}/followups").json()["followups"]
        assert listed["id"] == fid and listed["state"] == "open" and listed["score_zh"] == "非常不满意"
        closing = c.post(f"{H}/followups/{fid}/close", json={"reply": "已答复"})
        assert closing.status_code == 409 and closing.json()["code"] == "not_contacted"
        assert c.post(f"{H}/followups/{fid}/assign", json={"staff_no": "m1"}).json()["followup"]["assignee"] == "m1"
        assert c.post(f"{H}/followups/{fid}/contact", json={"note": "电话回访，群众对等候不满"}).status_code == 200
        assert c.post(f"{H}/followups/{fid}/rectify", json={"text": "高峰期增开窗口"}).status_code == 200
        done = c.post(f"{H}/followups/{fid}/close", json={"reply": "已致歉并说明整改措施"}).json()["followup"]
        assert done["state"] == "closed" and done["reply"] == "已致歉并说明整改措施"
        assert "电话回访" in done["contact_note"] and "高峰期增开窗口" in done["rectification"]
        assert c.get(f"{H}/followups").json() == {"followups": []}  # none left open
        assert [f["id"] for f in c.get(f"{H}/followups?state=all").json()["followups"]] == [fid]
        again = c.post(f"{H}/followups/{fid}/contact", json={"note": "x"})
        assert again.status_code == 409 and again.json()["code"] == "followup_closed"
    with read_transaction(server.engine) as conn:
        audit = [(r.action, r.actor) for r in conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq))]
        assert ("followup.opened", "system") in audit and ("followup.closed", "clerk:m1") in audit
        assert verify(conn).ok


def test_device_warnings_fire_clear_reach_managers_and_are_acknowledged(server, tokens) -> None:
    with ws(server, tokens["manager"]) as manager_stream, ws(server, tokens["display"]) as lobby:
        # a kiosk registered 1000 s ago that never sent a heartbeat: silent (threshold 600 s), yellow
        kiosk = add_device(server.engine, kind="kiosk", name="大厅2号机", hall="test", now=time.time() - 1000,
                           by="test")
        raised = next_event(manager_stream, "warning.raised")["data"]["warning"]
        assert (raised["kind"], raised["subject"], raised["level"]) == ("device_silent", str(kiosk.id), "yellow")
        assert "大厅2号机" in raised["message_zh"] and "never sent a heartbeat" in raised["message_en"]
        public = next_event(lobby, "warning.raised")
        assert "warning" not in public["data"]  # statistics are not for the lobby (004 第五条)

        with server.client(tokens["manager"]) as c:
            devices = {d["id"]: d for d in c.get("/api/v1/devices?hall=test").json()["devices"]}
            assert devices[kiosk.id]["silent"] is True
            acked = c.post(f"{H}/warnings/{raised['id']}/ack", json={"note": "已通知运维"}).json()["warning"]
            assert (acked["acknowledged_by"], acked["ack_note"], acked["open"]) == ("m1", "已通知运维", True)
            assert c.post(f"{H}/warnings/{raised['id']}/ack", json={}).status_code == 409
        assert next_event(manager_stream, "warning.acknowledged")["data"]["warning"]["id"] == raised["id"]

        # it reports: no longer silent, but its printer is out of paper → red fault
        fail = {"device": "printer", "level": "FAIL", "detail_zh": "打印机缺纸", "detail_en": "printer out of paper",
                "facts": {}}
        with server.client(kiosk.token) as device:
            assert device.post("/api/v1/devices/heartbeat", json={"devices": [fail]}).status_code == 204
        seen = [next_event(manager_stream, "warning.raised", "warning.cleared")["data"]["warning"] for _ in range(2)]
        by_kind = {w["kind"]: w for w in seen}
        assert by_kind["device_silent"]["open"] is False and by_kind["device_silent"]["id"] == raised["id"]
        fault = by_kind["device_fault"]
        assert (fault["level"], fault["open"]) == ("red", True) and "打印机缺纸" in fault["message_zh"]

        ok = {**fail, "level": "OK", "detail_zh": "正常", "detail_en": "ok"}
        with server.client(kiosk.token) as device:
            device.post("/api/v1/devices/heartbeat", json={"devices": [ok]})
        cleared = next_event(manager_stream, "warning.cleared")["data"]["warning"]
        assert (cleared["id"], cleared["kind"]) == (fault["id"], "device_fault")

    with server.client(tokens["manager"]) as c:
        assert [w["id"] for w in c.get(f"{H}/warnings?open=true").json()["warnings"]] == []
        history = {w["id"]: w for w in c.get(f"{H}/warnings").json()["warnings"]}
        assert history[raised["id"]]["acknowledged_by"] == "m1" and history[fault["id"]]["cleared_at"]
    with read_transaction(server.engine) as conn:
        audit = [(r.action, r.actor, json.loads(r.detail)) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action.like("warning.%")).order_by(t.audit_log.c.seq))]
        assert [(a, who) for a, who, _ in audit] == [
            ("warning.raised", "system"), ("warning.acknowledged", "clerk:m1"), ("warning.raised", "system"),
            ("warning.cleared", "system"), ("warning.cleared", "system")]
        assert all("event" in detail for _, _, detail in audit)  # each names its event in the hall's log
