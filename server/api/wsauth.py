"""Who is on an event stream, re-checked while it streams (issue 13, D3/D4).

A WebSocket authenticates once, at its start: by ``Authorization: Bearer`` on the upgrade request
(terminals) or by a first message ``{"token": "…"}`` (browsers, which cannot set headers on a
WebSocket) — never by a URL, which ends up in logs. A token can stop being valid while the socket is
open: logout, expiry at the end of a shift, ``hallq device rotate``, a disabled account. Every
``interval`` seconds one task re-checks the token hashes of every open socket of this process in one
query per table (``server.auth.still_valid``), and closes the sockets whose token no longer resolves
(close code 4401, after an error message). Several processes: each checks its own sockets against the
shared database, so a logout on one closes streams on all within ``interval``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from server.auth import still_valid
from server.storage.db import read_transaction

log = logging.getLogger("hallq.wsauth")
RECHECK_S = 2.0


@dataclass(eq=False)
class Session:
    digest: str  # SHA-256 of the token: what the database holds
    revoked: asyncio.Event = field(default_factory=asyncio.Event)


class Sessions:
    """The open event streams of this process and the task that re-checks their tokens."""

    def __init__(self, engine: Engine, clock: Callable[[], float], interval: float = RECHECK_S) -> None:
        self.engine = engine
        self.clock = clock
        self.interval = interval
        self._open: set[Session] = set()
        self._task: asyncio.Task | None = None

    def open(self, digest: str) -> Session:
        session = Session(digest)
        self._open.add(session)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        return session

    def close(self, session: Session) -> None:
        self._open.discard(session)

    def _valid(self, digests: set[str]) -> set[str]:
        with read_transaction(self.engine) as conn:
            return still_valid(conn, digests, now=self.clock())

    async def _run(self) -> None:
        while self._open:
            await asyncio.sleep(self.interval)
            sessions = list(self._open)
            if not sessions:
                break
            try:
                valid = await asyncio.to_thread(self._valid, {s.digest for s in sessions})
            except Exception:  # the database may be briefly unavailable: keep the sockets, try again
                log.exception("re-checking event stream tokens failed")
                continue
            for s in sessions:
                if s.digest not in valid:
                    s.revoked.set()
                    self._open.discard(s)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
