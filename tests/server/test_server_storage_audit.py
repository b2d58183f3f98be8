"""Storage: migrations to head on SQLite and PostgreSQL, SQLite durability settings, and the audit
hash chain — append-only, one chain under concurrent writers, tampering found by verify."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import Engine, func, select, text

from server.audit import AuditRecord, append, verify
from server.storage import schema as t
from server.storage.db import current_revision, head_revision, make_engine, upgrade, write_transaction

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run


def test_schema_is_at_head_and_upgrading_again_changes_nothing(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(select(t.audit_head.c.seq)).scalar_one() == 0


def test_sqlite_runs_wal_full_with_busy_timeout_and_foreign_keys(sqlite_url: str) -> None:
    # issue 14: durable against a power cut by default (a printed number is never issued again)
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    normal = make_engine(sqlite_url, sqlite_synchronous="normal")
    with normal.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    normal.dispose()


def test_two_processes_upgrading_one_new_database_at_once_both_succeed(sqlite_url: str) -> None:
    code = "import sys; from server.storage.db import make_engine, upgrade; upgrade(make_engine(sys.argv[1]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, sqlite_url], stderr=subprocess.PIPE)
             for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    engine = make_engine(sqlite_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _record(i: int) -> AuditRecord:
    return AuditRecord("ticket.issue", f"device:{i % 3}", "kiosk", "test", None, f"device:{i % 3}",
                       {"ticket": f"test-20260301-A{i:03d}", "note": "中文"})


def test_audit_chain_verifies_and_catches_an_altered_row(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        for i in range(5):
            append(conn, _record(i), at=1_772_000_000.0 + i)
    with engine.connect() as conn:
        result = verify(conn)
        assert result.ok and result.checked == 5
    with write_transaction(engine) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 3"))  # the trigger refuses
    _drop_triggers(engine)
    with write_transaction(engine) as conn:
        conn.execute(text("UPDATE audit_log SET detail = '{\"ticket\":\"forged\"}' WHERE seq = 3"))
    with engine.connect() as conn:
        result = verify(conn)
    assert not result.ok and result.broken_seq == 3
    assert "改动" in result.reason_zh and "altered" in result.reason_en


def test_audit_chain_catches_a_deleted_row_and_a_cut_off_tail(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        append(conn, [_record(i) for i in range(4)], at=1_772_000_000.0)
    _drop_triggers(engine)
    with write_transaction(engine) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    with engine.connect() as conn:
        tail = verify(conn)
    assert not tail.ok and tail.broken_seq == 4 and "cut off" in tail.reason_en
    with write_transaction(engine) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    with engine.connect() as conn:
        gap = verify(conn)
    assert not gap.ok and gap.broken_seq == 2 and "missing" in gap.reason_en


def test_concurrent_writers_keep_one_unbroken_chain(engine: Engine) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                with write_transaction(engine) as conn:
                    append(conn, _record(n * 100 + i), at=1_772_000_000.0 + i)
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one() == 100
        assert verify(conn).ok


def _drop_triggers(engine: Engine) -> None:
    """What an attacker with database access would do first."""
    with write_transaction(engine) as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
