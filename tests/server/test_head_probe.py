"""The read models' freshness probe on SQLite (server/readmodels/heads.py): it asks the database only when
the WAL-index header says something was committed since its last answer, and it never misses a commit —
made by another connection, by another process, or after the WAL was checkpointed and restarted."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from server.readmodels.heads import HeadProbe
from server.storage.db import make_engine

pytestmark = pytest.mark.timeout(120)
SQL = "SELECT seq FROM halls WHERE id = ?"


@pytest.fixture
def db(tmp_path: Path):
    """A WAL database with one hall at seq 1, and a writer connection standing for another process."""
    path = tmp_path / "hall.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE halls (id TEXT PRIMARY KEY, seq INTEGER NOT NULL)")
    writer.execute("INSERT INTO halls VALUES ('h', 1)")
    yield path, writer
    writer.close()


def _probe(path: Path) -> tuple[HeadProbe, list[str]]:
    probe = HeadProbe(make_engine(f"sqlite:///{path}"), sqlite_sql=SQL, read_all=lambda halls: {}, what="seq")
    asked: list[str] = []
    asyncio.run(probe.head("h"))  # opens its connection (and the -shm with it)
    probe._sqlite.set_trace_callback(asked.append)  # type: ignore[union-attr]
    return probe, asked


def _head(probe: HeadProbe) -> int | None:
    return asyncio.run(probe.head("h"))


def test_an_unchanged_database_is_not_asked_again(db) -> None:
    path, _ = db
    probe, asked = _probe(path)
    assert [_head(probe) for _ in range(5)] == [1] * 5
    assert len(asked) <= 1  # the first probe after opening reads the stamp and asks once; then never
    probe.close()


def test_every_commit_of_another_connection_is_seen_by_the_next_probe(db) -> None:
    path, writer = db
    probe, asked = _probe(path)
    seen = []
    for seq in range(2, 202):
        writer.execute("UPDATE halls SET seq = ? WHERE id = 'h'", (seq,))
        seen.append(_head(probe))
        if seq % 50 == 0:  # the WAL is copied back and starts again from its first frame
            writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert seen == list(range(2, 202))
    assert len(asked) == 200  # one question per commit: each changed the header
    probe.close()


def test_a_commit_of_another_process_is_seen(db) -> None:
    path, _ = db
    probe, _ = _probe(path)
    assert _head(probe) == 1
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute(\"UPDATE halls SET seq = 7 WHERE id = 'h'\"); c.close()")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)
    assert _head(probe) == 7
    probe.close()


def test_a_hall_the_database_does_not_hold_has_no_head(db) -> None:
    path, writer = db
    probe, _ = _probe(path)
    assert asyncio.run(probe.head("other")) is None
    writer.execute("INSERT INTO halls VALUES ('other', 3)")
    assert asyncio.run(probe.head("other")) == 3
    probe.close()
