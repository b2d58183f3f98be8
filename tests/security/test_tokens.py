"""D3, D4: tokens never in URLs or logs; an open event stream closes after logout, expiry or rotation.
Real server, SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from server.auth.secrets import hash_token
from server.storage import schema as t
from tests.security.conftest import H
from tests.server.conftest import TEST_CONFIG

pytestmark = pytest.mark.timeout(300)
TIMEOUT = 30


@contextlib.contextmanager
def stream(server, *, header: str | None = None, first_message: str | None = None,
           query: str = "") -> Iterator[ClientConnection]:
    """An event stream authenticated by the Authorization header or by the first message (a browser)."""
    headers = {"Authorization": f"Bearer {header}"} if header else None
    with connect(f"{server.ws_url}{H}/events{query}", additional_headers=headers, open_timeout=TIMEOUT) as conn:
        if first_message is not None:
            conn.send(json.dumps({"token": first_message}))
        yield conn


def closes_with(conn, code: int) -> dict:
    """Read until the server closes the socket; its last message (the error) and the close code."""
    last: dict = {}
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            last = json.loads(conn.recv(timeout=TIMEOUT))
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code, closed.value
    return last


def test_an_open_stream_closes_after_logout(edge) -> None:
    edge.add_clerk("s1", windows=(1,))
    clerk = edge.login("s1")
    kiosk = edge.add_device("kiosk")
    with stream(edge, first_message=clerk) as conn, edge.client(kiosk) as k:
        assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201
        assert json.loads(conn.recv(timeout=TIMEOUT))["kind"] == "ticket.issued"  # streaming
        with edge.client(clerk) as c:
            assert c.post("/api/v1/auth/logout").status_code == 204
        last = closes_with(conn, 4401)  # within the re-check interval, not at the next event
        assert last["kind"] == "error" and last["code"] == "unauthorized"
        assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201  # nothing more reached it


def test_device_rotation_revokes_the_old_token_and_closes_its_streams(edge) -> None:
    old = edge.add_device("display")
    with edge.engine.connect() as db:
        device_id = db.execute(select(t.devices.c.id).where(t.devices.c.token_hash == hash_token(old))).scalar()
    with stream(edge, header=old) as conn:
        out = subprocess.run(
            [sys.executable, "-m", "hallq.cli", "device", "rotate", "--id", str(device_id), "--json",
             "--db", edge.db_url, "--config", str(TEST_CONFIG)],
            capture_output=True, text=True, cwd=edge.workdir, timeout=120,
            env={**os.environ, "HALLQ_SECRET_FILE": str(edge.workdir / "secret.key")})
        assert out.returncode == 0, out.stderr
        new = json.loads(out.stdout)
        assert new["id"] == device_id and new["token"] != old and new["expires_at"] > 0
        closes_with(conn, 4401)  # within a few seconds of the rotation
    with edge.client(old) as c:
        assert c.get(f"{H}/snapshot").status_code == 401
    with edge.client(new["token"]) as c:
        assert c.get(f"{H}/snapshot").status_code == 200


def test_tokens_in_urls_are_refused_and_browsers_use_the_first_message(edge) -> None:
    display = edge.add_device("display")
    with stream(edge, query=f"?token={display}") as conn:
        last = closes_with(conn, 4401)
        assert "URL" in last["message_en"]
    with edge.client(edge.add_device("kiosk")) as k:
        assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201
    with stream(edge, first_message=display, query="?since=0") as conn:
        assert json.loads(conn.recv(timeout=TIMEOUT))["seq"] >= 1  # accepted: the replay begins
    dashboard = (Path(__file__).parents[2] / "server" / "dashboard" / "static" / "app.js").read_text()
    assert "token=" not in dashboard and "JSON.stringify({ token: S.token })" in dashboard


def test_no_token_in_any_log_line(edge) -> None:
    """After every kind of token has been used — in headers, first messages, a URL (refused), a failed
    login — none appears anywhere in the server's whole output."""
    edge.add_clerk("s2", windows=(1,))
    tokens = [edge.login("s2"), edge.add_device("kiosk"), edge.add_device("display")]
    for tok in tokens:
        with edge.client(tok) as c:
            c.get(f"{H}/snapshot")
            c.get(f"{H}/snapshot?token={tok}")  # a client that puts it in a URL anyway
        with stream(edge, query=f"?token={tok}&since=1") as conn:
            closes_with(conn, 4401)
        with stream(edge, header=tok) as conn:
            pass
    with edge.client() as c:
        c.post("/api/v1/auth/login", json={"staff_no": "s2", "pin": tokens[0][2:14]})
    log = edge.log()
    assert '"WebSocket' in log  # uvicorn's own WebSocket lines are there …
    for tok in tokens:
        assert tok not in log and tok[2:] not in log and tok[2:20] not in log  # … without any token
    assert not re.search(r"\b[cd]_[A-Za-z0-9_-]{40,}", log)
