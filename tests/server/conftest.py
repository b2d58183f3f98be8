"""Fixtures for the server tests: databases (SQLite file; PostgreSQL when reachable) and a real
``hallq server`` process on a free port, talked to over real HTTP and WebSocket."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

import config
from server.auth import add_clerk, add_device
from server.storage.db import make_engine, upgrade

HERE = Path(__file__).parent
TEST_CONFIG = HERE / "hall_test.toml"
PG_ADMIN_URL = os.environ.get("HALLQ_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STARTUP_DEADLINE_S = 60
TEST_CLOCK_START = "2026-09-21T10:00:00+08:00"  # a Monday morning, a working day in every test hall


@pytest.fixture(scope="session")
def deployment() -> config.Deployment:
    return config.load(TEST_CONFIG)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server, no database "test", refused login…
        engine.dispose()
        pytest.skip(f"no PostgreSQL reachable at HALLQ_TEST_PG={PG_ADMIN_URL}: {exc.__class__.__name__}: "
                    f"{str(exc).splitlines()[0] if str(exc) else ''}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A fresh database ``hallq_test_<random>``, dropped afterwards."""
    name = f"hallq_test_{secrets.token_hex(6)}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hallq.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    """A running ``hallq server`` and what tests need to talk to it."""

    base_url: str
    db_url: str
    workdir: Path
    proc: subprocess.Popen
    log_path: Path
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def add_device(self, kind: str, hall: str = "test", window: int | None = None) -> str:
        return add_device(self.engine, kind=kind, name=f"{kind}-{secrets.token_hex(2)}", hall=hall,
                          window=window, now=time.time(), by="test").token

    def add_clerk(self, staff_no: str, pin: str = "246813", role: str = "clerk", windows: tuple = (),
                  hall: str | None = "test", name: str | None = None, photo: str = "") -> None:
        add_clerk(self.engine, staff_no=staff_no, name=name or f"工作人员{staff_no}", pin=pin, role=role,
                  windows=windows, hall=hall, photo=photo, now=time.time(), by="test")

    def login(self, staff_no: str, pin: str = "246813") -> str:
        with self.client() as c:
            r = c.post("/api/v1/auth/login", json={"staff_no": staff_no, "pin": pin})
        assert r.status_code == 200, r.text
        return r.json()["token"]


_SESSION_T0 = time.monotonic()


def fixed_clock_env() -> dict[str, str]:
    """Environment for a server on the test clock (server/testclock.py), so that a test of opening
    hours or booking slots sees the same morning whenever it runs (never 23:59). The clock starts at
    TEST_CLOCK_START plus the time this test process has run: a server restarted on the same database
    carries on where the first one stopped, never back in time."""
    start = dt.datetime.fromisoformat(TEST_CLOCK_START) + dt.timedelta(seconds=time.monotonic() - _SESSION_T0)
    return {"HALLQ_TEST_MODE": "1", "HALLQ_TEST_CLOCK": start.isoformat()}


def start_server(workdir: Path, db_url: str, *extra: str, port: int | None = None,
                 env: dict[str, str] | None = None) -> ServerProcess:
    """``env``: more environment for the server process (e.g. :func:`fixed_clock_env`)."""
    port = port or free_port()
    log_path = workdir / f"server-{port}.log"
    env = {**os.environ, "HALLQ_SECRET_FILE": str(workdir / "secret.key"), **(env or {})}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hallq.cli", "server", "--db", db_url, "--config", str(TEST_CONFIG),
             "--port", str(port), "--tick-interval", "0",
             "--supervision-interval", "0", *extra],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while True:  # poll /healthz until it answers, the process dies, or the deadline passes
        if proc.poll() is not None:
            raise RuntimeError(f"hallq server exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"hallq server did not answer /healthz in {STARTUP_DEADLINE_S} s:\n"
                               f"{log_path.read_text()}")
        time.sleep(0.05)  # polling interval of the readiness probe, not a synchronisation sleep
    return ServerProcess(base, db_url, workdir, proc, log_path, make_engine(db_url))


def stop_server(server: ServerProcess) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=15)
    server.engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real server process per test module, on a fresh SQLite file."""
    workdir = tmp_path_factory.mktemp("server")
    srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}")
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture
def spawn_server(tmp_path: Path) -> Iterator:
    """Start more server processes (``spawn_server(db_url)``); all are stopped after the test."""
    started: list[ServerProcess] = []

    def spawn(db_url: str, *extra: str) -> ServerProcess:
        srv = start_server(tmp_path, db_url, *extra)
        started.append(srv)
        return srv

    yield spawn
    for srv in started:
        stop_server(srv)
