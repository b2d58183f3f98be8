"""``HeadProbe``: a hall's newest committed number (its event ``seq``, its booking change number), read
after the call began — so a read that follows a commit in any process sees it (the commit's own process
applied it already; another's is caught up first). The read models (hub.py) and the slot models
(slots.py) ask one each.

SQLite: one indexed SELECT on a private read-only connection, on the loop (~20 µs; a WAL read never
waits for the writer) — and only when the database changed since the last probe: :class:`WalStamp` reads
the WAL-index header (the first 96 bytes of the ``-shm`` file, one ``pread``), which every commit of any
process rewrites; an unchanged header means no commit since, and the last answer stands. The SELECT was
an eighth of the event loop's CPU per snapshot read (issue 14's profile).

PostgreSQL: the readers of a moment share one probe (one statement for all halls asked about, on a worker
thread): a reader joins the next probe to *start*. In-memory SQLite: one process only, nothing to probe
(None).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from server.storage.db import is_sqlite, sqlite_path

log = logging.getLogger("hallq.readmodels")


class WalStamp:
    """The WAL-index header of a SQLite database in WAL mode, as a stamp that changes with every commit.

    The ``-shm`` file starts with two copies of the 48-byte header (https://www.sqlite.org/walformat.html,
    "The WAL-Index Header"); a writer updates both at each commit (``iChange`` counts transactions, and
    ``mxFrame``, the salts and checksums move with the log), the second copy first. Copies that differ are
    being written: no stamp, ask the database. Read with ``pread``, not ``mmap``: a mapped file that
    shrinks would kill the process with SIGBUS; the page cache makes both see the writer's bytes at once.
    Only while this process holds an open connection to the database (the ``-shm`` is then never
    truncated or replaced by another process: SQLite's DMS lock).
    """

    SIZE = 48

    def __init__(self, db_file: Path) -> None:
        self.path = Path(f"{db_file}-shm")
        self._fd: int | None = None

    def read(self) -> bytes | None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return None  # not in WAL mode (yet): every probe asks the database
        try:
            both = os.pread(self._fd, 2 * self.SIZE, 0)
        except OSError:
            return None
        first = both[:self.SIZE]
        if len(both) < 2 * self.SIZE or first != both[self.SIZE:] or not any(first):
            return None
        return first

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class HeadProbe:
    def __init__(self, engine: Engine, *, sqlite_sql: str, read_all: Callable[[list[str]], dict[str, int]],
                 what: str) -> None:
        """``sqlite_sql``: one row, one column, for ``(hall,)``; ``read_all(halls)``: {hall: number} on a
        worker thread; ``what``: for the log line when a probe fails."""
        self.engine = engine
        self._file = sqlite_path(str(engine.url)) if is_sqlite(engine) else None
        self._sqlite: sqlite3.Connection | None = None
        self._sql = sqlite_sql
        self._read_all = read_all
        self._what = what
        self._next: dict[str, asyncio.Future] = {}
        self._prober: asyncio.Task | None = None
        self._stamp = WalStamp(self._file) if self._file is not None else None
        self._seen: dict[str, tuple[bytes, int | None]] = {}  # hall → (stamp, its answer then)

    async def head(self, hall: str) -> int | None:
        if self._file is not None:
            stamp = None
            if self._sqlite is None:
                self._sqlite = sqlite3.connect(f"file:{self._file}?mode=ro", uri=True,
                                               check_same_thread=False, isolation_level=None)
            else:  # read before the SELECT: a commit in between only makes the next probe ask again
                stamp = self._stamp.read()  # type: ignore[union-attr]
                seen = self._seen.get(hall)
                if stamp is not None and seen is not None and seen[0] == stamp:
                    return seen[1]
            row = self._sqlite.execute(self._sql, (hall,)).fetchone()
            value = row[0] if row else None
            if stamp is not None:
                self._seen[hall] = (stamp, value)
            return value
        if is_sqlite(self.engine):
            return None
        fut = self._next.get(hall)
        if fut is None:
            fut = self._next[hall] = asyncio.get_running_loop().create_future()
            if self._prober is None:
                self._prober = asyncio.get_running_loop().create_task(self._probe())
        return await asyncio.shield(fut)

    async def _probe(self) -> None:
        try:
            while self._next:
                batch, self._next = self._next, {}
                try:
                    heads = await asyncio.to_thread(self._read_all, list(batch))
                except Exception as exc:  # serve what we hold; the next read (or poll) catches up
                    log.warning("reading the halls' %s failed: %s", self._what, exc)
                    heads = {}
                for hall, fut in batch.items():
                    if not fut.done():
                        fut.set_result(heads.get(hall))
        finally:
            self._prober = None

    def close(self) -> None:
        if self._stamp is not None:
            self._stamp.close()
        self._seen.clear()
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
