"""``HeadProbe``: a hall's newest committed number (its event ``seq``, its booking change number), read
after the call began — so a read that follows a commit in any process sees it (the commit's own process
applied it already; another's is caught up first). The read models (hub.py) and the slot models
(slots.py) ask one each.

SQLite: one indexed SELECT on a private read-only connection, on the loop (~20 µs; a WAL read never
waits for the writer). PostgreSQL: the readers of a moment share one probe (one statement for all halls
asked about, on a worker thread): a reader joins the next probe to *start*. In-memory SQLite: one process
only, nothing to probe (None).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable

from sqlalchemy import Engine

from server.storage.db import is_sqlite, sqlite_path

log = logging.getLogger("hallq.readmodels")


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

    async def head(self, hall: str) -> int | None:
        if self._file is not None:
            if self._sqlite is None:
                self._sqlite = sqlite3.connect(f"file:{self._file}?mode=ro", uri=True,
                                               check_same_thread=False, isolation_level=None)
            row = self._sqlite.execute(self._sql, (hall,)).fetchone()
            return row[0] if row else None
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
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
