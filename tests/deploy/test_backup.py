"""Restore drill: back up while tickets are being issued, restore into a fresh database, start a fresh server on
it: every ticket acknowledged before the backup began is there (by id for a manager, by its QR for a phone), the
clerks and devices still log in, and ``hallq audit verify`` finds the chain intact. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.server.conftest import TEST_CONFIG, ServerProcess, start_server, stop_server


def hallq(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hallq.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


class Load(threading.Thread):
    """A kiosk issuing tickets as fast as the server acknowledges them, until stopped."""

    def __init__(self, server: ServerProcess, token: str) -> None:
        super().__init__(daemon=True)
        self.client = server.client(token)
        self.acked: list[dict] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                r = self.client.post("/api/v1/halls/test/tickets", json={"service": "GEN"})
                assert r.status_code == 201, r.text
                with self.lock:
                    self.acked.append(r.json())
        except BaseException as exc:  # surfaced by the test
            self.error = exc
        finally:
            self.client.close()

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.acked)

    def wait_for(self, count: int) -> None:
        import time

        deadline = time.monotonic() + 120
        while len(self.snapshot()) < count:  # polls the acknowledged count, not a sleep for timing
            assert self.error is None and time.monotonic() < deadline, self.error
            time.sleep(0.01)


def _fresh_pg(pg_admin: Engine) -> tuple[str, str]:
    name = f"hallq_restore_{secrets.token_hex(6)}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, pg_admin.url.set(database=name).render_as_string(hide_password=False)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_restore_drill(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    pg_admin: Engine | None = request.getfixturevalue("pg_admin") if kind == "postgres" else None
    db = request.getfixturevalue("pg_url") if kind == "postgres" else f"sqlite:///{tmp_path / 'hall.db'}"
    live = start_server(tmp_path, db)
    dropped: list[str] = []
    try:
        live.add_clerk("9001", pin="135792", role="manager", windows=(1,))
        kiosk = live.add_device("kiosk")
        load = Load(live, kiosk)
        load.start()
        load.wait_for(20)
        before = load.snapshot()  # acknowledged before the backup began: must all be in it
        made = hallq(
            "backup",
            "--db",
            db,
            "--config",
            str(TEST_CONFIG),
            "--to",
            str(tmp_path / "backups"),
            "--json",
            cwd=tmp_path,
        )
        load.wait_for(len(load.snapshot()) + 5)  # the hall kept issuing during and after the backup
        load.stop.set()
        load.join(timeout=60)
        assert load.error is None, load.error
        assert made.returncode == 0, made.stderr
        copy = Path(json.loads(made.stdout)["path"])
        assert copy.suffix == (".pgdump" if kind == "postgres" else ".sqlite3")
    finally:
        stop_server(live)

    if kind == "postgres":
        assert pg_admin is not None
        name, target = _fresh_pg(pg_admin)
        dropped.append(name)
    else:
        target = f"sqlite:///{tmp_path / 'restored' / 'hallq.db'}"
    try:
        restored = hallq("restore", str(copy), "--db", target, "--json", cwd=tmp_path)
        assert restored.returncode == 0, restored.stderr
        assert json.loads(restored.stdout)["ok"] is True
        again = hallq("restore", str(copy), "--db", target, cwd=tmp_path)  # never over a database with data
        assert again.returncode == 2 and "--force" in again.stderr

        fresh_dir = tmp_path / "fresh"
        fresh_dir.mkdir()
        fresh = start_server(fresh_dir, target)
        try:
            manager = fresh.login("9001", "135792")  # clerks and their PIN hashes came back
            with fresh.client(manager) as staff, httpx.Client(base_url=fresh.base_url, timeout=30) as phone:
                for ticket in before:
                    got = staff.get(f"/api/v1/halls/test/tickets/{ticket['id']}")
                    assert got.status_code == 200, f"{ticket['number']} lost in the restore: {got.text}"
                    assert got.json()["number"] == ticket["number"]
                    token = ticket["track_url"].rsplit("/t/", 1)[1]
                    assert phone.get(f"/api/v1/track/{token}").status_code == 200  # its QR still opens
            with fresh.client(kiosk) as k:  # the kiosk's device token still works: it goes on issuing
                nxt = k.post("/api/v1/halls/test/tickets", json={"service": "GEN"})
                assert nxt.status_code == 201
                assert nxt.json()["id"] not in {t["id"] for t in load.snapshot()[: len(before)]}
        finally:
            stop_server(fresh)
        verified = hallq("audit", "verify", "--db", target, "--config", str(TEST_CONFIG), cwd=tmp_path)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "audit chain intact" in verified.stdout
    finally:
        if pg_admin is not None:
            with pg_admin.connect() as conn:
                for name in dropped:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_backup_keeps_the_newest_copies(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hall.db'}"
    assert hallq("init", "--db", db, "--config", str(TEST_CONFIG), "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    made = []
    for _ in range(4):
        done = hallq(
            "backup",
            "--db",
            db,
            "--config",
            str(TEST_CONFIG),
            "--to",
            str(tmp_path / "b"),
            "--keep",
            "2",
            "--json",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        made.append(json.loads(done.stdout)["path"])
    left = sorted(str(p) for p in (tmp_path / "b").iterdir())
    assert left == sorted(made[-2:])
    assert not list((tmp_path / "b").glob("*.partial"))


def test_a_corrupt_copy_is_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hall.db'}"
    assert hallq("init", "--db", db, "--config", str(TEST_CONFIG), "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    done = hallq(
        "backup", "--db", db, "--config", str(TEST_CONFIG), "--to", str(tmp_path / "b"), "--json", cwd=tmp_path
    )
    copy = Path(json.loads(done.stdout)["path"])
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 2])  # a copy cut short (disk full, a USB stick pulled out)
    refused = hallq("restore", str(copy), "--db", f"sqlite:///{tmp_path / 'r.db'}", cwd=tmp_path)
    assert refused.returncode != 0
    assert "corrupt" in refused.stderr or "损坏" in refused.stderr or "broken" in refused.stderr
