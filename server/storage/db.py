"""Engines and transactions for SQLite (the default, one box) and PostgreSQL (several processes).

SQLite durability: WAL journal with ``synchronous=FULL`` by default: every commit fsyncs the WAL before
the call returns, so an acknowledged ticket survives a power cut or a kernel crash, not only ``kill -9``
of the server (a number already printed must never be issued again after the hall's power fails). The
hall writer's group commit (``server/halls/service.py``) shares one fsync among the mutations queued
behind it, so the cost is per batch, not per ticket. ``NORMAL`` (no fsync per commit; survives a process
crash only) stays available: ``--sqlite-synchronous normal`` or ``HALLQ_SQLITE_SYNCHRONOUS=normal``.

Write transactions on SQLite start with ``BEGIN IMMEDIATE`` (the database write lock, taken up front so
that two processes never both read ``halls.seq`` and then race to write); reads use a deferred ``BEGIN``
and see a WAL snapshot without blocking writers. ``busy_timeout`` makes a second process wait for the
lock instead of failing.
"""

from __future__ import annotations

import fcntl
import functools
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 15_000
SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
_WRITE = "hallq_write"


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, *, sqlite_synchronous: str = "FULL") -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://…``; creates a SQLite file's folder."""
    if not is_sqlite(url):
        return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)
    mode = sqlite_synchronous.upper()
    if mode not in SYNCHRONOUS_MODES:
        raise ValueError(
            f"sqlite synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}, not {mode!r}"
        )
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        pool_size=8,
        max_overflow=40,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={mode}")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN"
        )

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that intends to write: on SQLite it holds the database write lock from its start."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def write_connection(engine: Engine) -> Connection:
    """A connection whose transactions intend to write (as :func:`write_transaction`'s), for a caller that
    keeps it across transactions: ``with conn.begin(): …`` each time, ``conn.close()`` at the end."""
    conn = engine.connect()
    conn.execution_options(**{_WRITE: True})
    return conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent read-only snapshot."""
    with engine.connect() as conn:
        if not is_sqlite(engine):  # one snapshot for the whole read (SQLite's WAL read is one already)
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


_PG_MIGRATION_LOCK = 0x68616C6C  # "hall": pg_advisory_lock key serialising schema upgrades
_local_migration_lock = threading.Lock()


@contextmanager
def _migration_lock(engine: Engine, conn: Connection) -> Iterator[None]:
    """Serialise concurrent upgrades from several processes (and threads) on one database."""
    with _local_migration_lock:
        if not is_sqlite(engine):
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_PG_MIGRATION_LOCK})")
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_PG_MIGRATION_LOCK})")
                conn.commit()
            return
        path = sqlite_path(str(engine.url))
        if path is None:
            yield
            return
        with open(path.with_name(path.name + ".migrate.lock"), "a+b") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a Config built in code: works when installed)."""
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn, _migration_lock(engine, conn):
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def execute_many(conn: Connection, stmt: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """``conn.execute(stmt, rows)`` for a statement built once (a module constant), without SQLAlchemy
    compiling its parameters row by row: the statement is compiled once per dialect and shape and the rows
    go to the driver as they are (``exec_driver_sql``: same transaction, same events). Every group commit
    writes its tickets, windows, events and audit records this way; SQLAlchemy's per-row parameter work
    was a fifth of the writer's time (issue 14's profile). Only for plain values: no column of these
    tables has a bind processor that changes a value (SQLite stores a bool as 1/0 either way)."""
    form = _driver_form(conn.dialect, stmt, tuple(rows[0]))
    if form is None:
        conn.execute(stmt, list(rows))
        return
    sql, order = form
    conn.exec_driver_sql(sql, [tuple(r[c] for c in order) for r in rows] if order is not None else list(rows))


@functools.cache
def _driver_form(dialect: Any, stmt: Any, columns: tuple[str, ...]) -> tuple[str, tuple[str, ...] | None] | None:
    """(SQL in the driver's parameter style, column order for positional styles; None for named ones),
    or None when a bind's name is not its column's (then the rows go through ``conn.execute``)."""
    compiled = stmt.compile(dialect=dialect, column_keys=list(columns))
    binds = compiled.binds
    if any(name != bind.key or bind.key not in columns for name, bind in binds.items()):
        return None
    if compiled.positional:
        return compiled.string, tuple(compiled.positiontup)
    return compiled.string, None
