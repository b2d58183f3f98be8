"""D7 and the minor rows: input that used to crash the server (500), the bad ``since``, the task
exception in the log, server text shown as markup, and formula cells in report exports.
Real server, SQLite and PostgreSQL (Qt offscreen for the terminals' labels)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.security.conftest import H

pytestmark = pytest.mark.timeout(300)
TIMEOUT = 30


@pytest.fixture(scope="module")
def tokens(edge) -> dict[str, str]:
    edge.add_clerk("-9", name="=HYPERLINK(\"http://evil\",\"x\")", role="manager", windows=(1,))
    return {"manager": edge.login("-9"), "pad": edge.add_device("pad", window=1),
            "kiosk": edge.add_device("kiosk")}


@pytest.mark.parametrize("path", [
    f"{H}/warnings/{2**63}/ack", f"{H}/warnings/{2**64}/ack", f"{H}/followups/{2**63}",
    f"{H}/followups/{2**63}/assign", f"{H}/followups/{2**63}/close", f"{H}/followups/99999999999999999999999",
])
def test_huge_ids_get_4xx(edge, tokens, path: str) -> None:
    with edge.client(tokens["manager"]) as c:
        r = c.post(path, json={}) if path.endswith(("ack", "assign", "close")) else c.get(path)
    assert 400 <= r.status_code < 500 and r.json()["code"] and r.json()["message_en"], r.text


@pytest.mark.parametrize("raw", [
    '{"devices": [{"device": "printer", "level": "OK", "facts": {"x": "\\udc00"}}]}',
    '{"devices": [{"device": "printer", "level": "OK", "facts": {"\\ud800": 1}}]}',
    '{"devices": [{"device": "printer", "level": "OK", "detail_zh": "\\udfff", "facts": {}}]}',
    '{"devices": [{"device": "printer", "level": "OK", "facts": {"x": "' + "y" * 5000 + '"}}]}',
])
def test_heartbeats_with_lone_surrogates_or_big_facts_get_422(edge, tokens, raw: str) -> None:
    with edge.client(tokens["pad"]) as c:
        r = c.post("/api/v1/devices/heartbeat", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_request", r.text


def test_a_10_mb_facts_is_not_stored(edge, tokens) -> None:
    facts = {"dump": "z" * (10 * 1024 * 1024)}
    with edge.client(tokens["pad"]) as c:
        r = c.post("/api/v1/devices/heartbeat", json={"devices": [{"device": "printer", "level": "OK",
                                                                    "facts": facts}]})
        assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    with edge.client(tokens["manager"]) as c:
        assert "zzzz" not in c.get("/api/v1/devices").text


def test_a_surrogate_anywhere_else_is_refused_too(edge, tokens) -> None:
    with edge.client(tokens["kiosk"]) as c:
        r = c.post(f"{H}/tickets", content='{"service": "GEN\\udc00"}', headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    with edge.client() as c:
        r = c.post("/api/v1/auth/login", content='{"staff_no": "a", "pin": "\\ud83d"}',
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("since", ["abc", "1.5", "9" * 40])
def test_a_bad_since_gets_the_documented_error_not_http_403(edge, tokens, since: str) -> None:
    headers = {"Authorization": f"Bearer {tokens['kiosk']}"}
    with connect(f"{edge.ws_url}{H}/events?since={since}", additional_headers=headers,
                 open_timeout=TIMEOUT) as conn:
        first = json.loads(conn.recv(timeout=TIMEOUT))
        if first.get("kind") == "resync":  # a huge integer is an integer: "in the future" → resync (documented)
            assert since.isdigit()
            return
        assert first["kind"] == "error" and first["code"] == "invalid_request" and "since" in first["message_en"]
        with pytest.raises(ConnectionClosed) as closed:
            conn.recv(timeout=TIMEOUT)
        assert closed.value.rcvd.code == 4400


def test_a_client_vanishing_mid_stream_leaves_no_task_exception_in_the_log(edge, tokens) -> None:
    headers = {"Authorization": f"Bearer {tokens['kiosk']}"}
    with edge.client(tokens["kiosk"]) as k:
        for _ in range(3):
            with connect(f"{edge.ws_url}{H}/events", additional_headers=headers, open_timeout=TIMEOUT) as conn:
                assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201
                with contextlib.suppress(TimeoutError):  # usually streaming by now; gone either way next
                    conn.recv(timeout=5)
                conn.socket.close()  # gone without a close frame
            for _ in range(3):
                assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201
        assert k.get("/healthz").status_code == 200
    log = edge.log()
    assert "Task exception was never retrieved" not in log and "Traceback" not in log


def test_report_exports_neutralise_formula_cells(edge, tokens) -> None:
    from openpyxl import load_workbook

    with edge.client(tokens["manager"]) as m, edge.client(tokens["kiosk"]) as k:
        assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201
        for step in ("sign-in", "call", "start"):
            assert m.post(f"{H}/windows/1/{step}").status_code == 200, step
        assert m.post(f"{H}/windows/1/finish", json={"outcome": "completed"}).status_code == 200
        today = hall_today()  # the hall's date, not the test box's (after 16:00 UTC it is tomorrow in the hall)
        q = f"{H}/reports?from={today}&to={today}&by=clerk"
        rows = list(csv.reader(io.StringIO(m.get(q + "&format=csv").text)))
        cells = [row[1] for row in rows[1:]]
        assert any(c.startswith("'-9 =HYPERLINK") for c in cells), cells
        assert not any(c.startswith(("=", "+", "-", "@")) for row in rows[1:] for c in row if not _number(c))
        sheet = load_workbook(io.BytesIO(m.get(q + "&format=xlsx").content)).active
        labels = [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)]
        assert any(str(v).startswith("'-9 =HYPERLINK") for v in labels), labels
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula anywhere


def hall_today() -> str:
    import config
    from tests.server.conftest import TEST_CONFIG

    return dt.datetime.now(ZoneInfo(config.load(TEST_CONFIG).deployment.timezone)).date().isoformat()


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_terminals_show_server_text_as_plain_text(qtbot) -> None:
    from counter.widgets import label as counter_label
    from kiosk.widgets import label as kiosk_label

    for make in (kiosk_label, counter_label):
        w = make("<b>请到</b><img src='http://evil/x.png'>")
        qtbot.addWidget(w)
        assert w.textFormat() == Qt.TextFormat.PlainText
