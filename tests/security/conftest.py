"""Fixtures of the attack tests (issue 13): a real ``hallq server`` per module and database (SQLite and
PostgreSQL), the sim notifier writing to a file (one-time codes are read from it, as from a phone), and
clients that come from other loopback addresses (127.0.0.2 …: an attacker, a clerk at their counter)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.server.conftest import ServerProcess, pg_admin, start_server, stop_server  # noqa: F401
from tests.support import phones

H = "/api/v1/halls/test"
CLERK_PIN = "246813"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def module_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for the module's server: a SQLite file, or a PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sec-db') / 'hallq.db'}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    name = f"hallq_sec_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def launch(workdir: Path, db_url: str, env: dict[str, str], *extra: str) -> ServerProcess:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HALLQ_NOTIFY", f"sim://{workdir / 'notices.jsonl'}")
        for name, value in env.items():
            mp.setenv(name, value)
        return start_server(workdir, db_url, *extra)


@pytest.fixture(scope="module")
def edge(module_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The server under attack. Delays between wrong PINs are an hour here, so that no delayed guess can
    be evaluated while a test runs: every evaluated guess is one of the free ones. The phone pages' hourly
    allowance per address is raised: the tests prove many numbers from few addresses."""
    srv = launch(tmp_path_factory.mktemp("edge"), module_db,
                 {"HALLQ_LOGIN_DELAY_S": "3600", "HALLQ_BOOKING_BOOKING_PER_IP_HOUR": "500"})
    try:
        yield srv
    finally:
        stop_server(srv)


def from_address(server: ServerProcess, address: str, token: str | None = None) -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.x.y.z reaches the server on 127.0.0.1)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=60,
                        transport=httpx.HTTPTransport(local_address=address))


def notices(server: ServerProcess) -> list[dict]:
    return phones.sent_messages(server.workdir)


def last_code(server: ServerProcess, mask: str) -> str:
    """The one-time code the phone ``mask`` received last (what its owner reads off the screen)."""
    return phones.last_code(server.workdir, mask)


def prove_phone(server: ServerProcess, client: httpx.Client, phone: str) -> str:
    """The owner of ``phone`` proves it: asks for a code, reads it, exchanges it for a phone token."""
    return phones.prove_phone(server.workdir, client, phone, "test")
