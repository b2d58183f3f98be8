"""The event stream over a real WebSocket: gap-free seq, replay on reconnect with ``since``, resync,
no personal data to public screens, and events caused in one server process reaching clients of another
(SQLite: polling of halls.seq; PostgreSQL: LISTEN/NOTIFY)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

H = "/api/v1/halls/test"
TIMEOUT = 30  # seconds a test waits for one message before failing: generous, never a pass condition


@pytest.fixture(scope="module")
def setup(server) -> dict[str, str]:
    server.add_clerk("e1", windows=(1, 2, 3))
    return {"kiosk": server.add_device("kiosk"), "display": server.add_device("display"),
            "clerk": server.login("e1"), "pad": server.add_device("pad", window=1)}


@contextlib.contextmanager
def ws(server, token: str | None, since: int | None = None, hall: str = "test") -> Iterator[ClientConnection]:
    """A stream authenticated by the Authorization header (tokens never go in URLs); without a token the
    first message is an empty one, refused at once."""
    query = f"?since={since}" if since is not None else ""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    with connect(f"{server.ws_url}/api/v1/halls/{hall}/events{query}", additional_headers=headers,
                 open_timeout=TIMEOUT) as conn:
        if not token:
            conn.send(json.dumps({"token": ""}))
        yield conn


def recv(conn: ClientConnection) -> dict:
    return json.loads(conn.recv(timeout=TIMEOUT))


def seq_now(server, token: str) -> int:
    with server.client(token) as c:
        return c.get(f"{H}/snapshot").json()["seq"]


def issue(server, token: str, service: str = "GEN") -> dict:
    with server.client(token) as c:
        r = c.post(f"{H}/tickets", json={"service": service})
    assert r.status_code == 201, r.text
    return r.json()


def test_live_events_arrive_in_order_with_no_gaps(server, setup) -> None:
    start = seq_now(server, setup["display"])
    with ws(server, setup["display"], since=start) as conn:
        issued = [issue(server, setup["kiosk"]) for _ in range(3)]
        got = [recv(conn) for _ in range(3)]
    assert [m["seq"] for m in got] == [start + 1, start + 2, start + 3]
    assert [m["kind"] for m in got] == ["ticket.issued"] * 3
    assert [m["data"]["ticket"]["number"] for m in got] == [t["number"] for t in issued]


def test_reconnect_with_since_gets_exactly_the_missed_events(server, setup) -> None:
    start = seq_now(server, setup["display"])
    with ws(server, setup["display"], since=start) as conn:
        issue(server, setup["kiosk"])
        first = recv(conn)
    missed = [issue(server, setup["kiosk"])["number"] for _ in range(3)]  # while disconnected
    with ws(server, setup["display"], since=first["seq"]) as conn:
        replay = [recv(conn) for _ in range(3)]
        live = issue(server, setup["kiosk"])
        after = recv(conn)
    assert [m["seq"] for m in replay] == [first["seq"] + 1, first["seq"] + 2, first["seq"] + 3]
    assert [m["data"]["ticket"]["number"] for m in replay] == missed
    assert after["seq"] == first["seq"] + 4 and after["data"]["ticket"]["number"] == live["number"]


def test_since_in_the_future_or_negative_asks_for_a_resync(server, setup) -> None:
    current = seq_now(server, setup["display"])
    for since in (current + 100, -5):
        with ws(server, setup["display"], since=since) as conn:
            assert recv(conn) == {"kind": "resync", "seq": current}
            with pytest.raises(ConnectionClosed):
                conn.recv(timeout=TIMEOUT)


def test_public_screens_never_receive_personal_data(server, setup) -> None:
    start = seq_now(server, setup["display"])
    with server.client(setup["clerk"]) as c:
        c.post(f"{H}/windows/2/sign-in")
    issue(server, setup["kiosk"], "TAX")
    with server.client(setup["clerk"]) as c:
        assert c.post(f"{H}/windows/2/call").status_code == 200
        assert c.post(f"{H}/windows/2/start").status_code == 200
        r = c.post(f"{H}/windows/2/transfer", json={"service": "GEN", "note": "身份证号 110101199001011234"})
        assert r.status_code == 200, r.text
    with ws(server, setup["display"], since=start) as public, ws(server, setup["clerk"], since=start) as staff:
        public_msgs = [recv(public) for _ in range(5)]
        staff_msgs = [recv(staff) for _ in range(5)]
    assert public_msgs[-1]["kind"] == staff_msgs[-1]["kind"] == "ticket.transferred"
    assert "110101199001011234" not in json.dumps(public_msgs, ensure_ascii=False)
    assert staff_msgs[-1]["data"]["continuation"]["note"] == "身份证号 110101199001011234"
    with server.client(setup["clerk"]) as c:
        c.post(f"{H}/windows/2/sign-out")


@pytest.mark.parametrize(("token", "code"), [(None, 4401), ("d_bogus", 4401), ("pad", 4403)])
def test_refused_subscribers_get_an_error_and_a_close_code(server, setup, token, code) -> None:
    with ws(server, setup.get(token, token)) as conn:
        err = recv(conn)
        with pytest.raises(ConnectionClosed) as closed:
            conn.recv(timeout=TIMEOUT)
    assert err["kind"] == "error" and err["message_zh"] and err["message_en"]
    assert closed.value.rcvd.code == code


def test_events_caused_in_one_process_reach_clients_of_another(server, setup, spawn_server) -> None:
    second_server = spawn_server(server.db_url)
    start = seq_now(server, setup["display"])
    with ws(second_server, setup["display"], since=start) as conn:
        issued = issue(server, setup["kiosk"])  # through the first process
        got = recv(conn)
    assert got["seq"] == start + 1 and got["data"]["ticket"]["id"] == issued["id"]


@pytest.mark.postgres
def test_postgres_listen_notify_carries_events_between_processes(pg_url, spawn_server) -> None:
    a, b = spawn_server(pg_url), spawn_server(pg_url)
    kiosk, display = a.add_device("kiosk"), a.add_device("display")
    start = seq_now(b, display)
    with ws(b, display, since=start) as conn:
        issued = [issue(a, kiosk) for _ in range(2)]
        got = [recv(conn) for _ in range(2)]
    assert [m["seq"] for m in got] == [start + 1, start + 2]
    assert [m["data"]["ticket"]["id"] for m in got] == [t["id"] for t in issued]


def test_the_background_tide_controller_opens_a_tide_window(tmp_path, spawn_server) -> None:
    """000 第十八条: with the queue over its threshold, the server's own tick opens a tide window and
    every screen hears of it (ticks every 0.2 s here instead of 30 s)."""
    source = (Path(__file__).parent / "hall_test.toml").read_text()
    tide_on = source.replace("[halls.tide]\n  enabled = false", "[halls.tide]\n  enabled = true\n  open_waiting = 2\n"
                           "  open_sustain_min = 0\n  close_waiting = 0\n  close_sustain_min = 60", 1)
    assert tide_on != source
    config = tmp_path / "tide.toml"
    config.write_text(tide_on)
    srv = spawn_server(f"sqlite:///{tmp_path / 'tide.db'}", "--config", str(config), "--tick-interval", "0.2")
    srv.add_clerk("t1", windows=(3,))
    display, kiosk = srv.add_device("display"), srv.add_device("kiosk")
    with srv.client(srv.login("t1")) as clerk:
        assert clerk.post(f"{H}/windows/3/sign-in").status_code == 200
    with ws(srv, display, since=seq_now(srv, display)) as conn:
        for _ in range(3):
            issue(srv, kiosk)
        kinds = []
        while "tide.opened" not in kinds:  # each recv waits for the next event, up to TIMEOUT
            msg = recv(conn)
            kinds.append(msg["kind"])
    assert msg["data"]["window"]["number"] == 3 and msg["data"]["service"] == "GEN"
    with srv.client(display) as c:
        assert c.get(f"{H}/snapshot").json()["tides"][0]["window"] == 3
    with srv.engine.connect() as db:  # and the automatic decision is in the audit trail, by the system
        rows = db.execute(text("SELECT actor, window FROM audit_log WHERE action = 'tide.opened'")).all()
    assert [tuple(r) for r in rows] == [("system", 3)]
