"""The supervision sweep: follow-ups opened, rules evaluated, warnings raised / escalated / cleared —
one transaction per hall through ``HallService.append_events`` (hall lock, events, audit, fan-out).

The server runs :func:`run` in its lifespan every ``supervision_interval_s`` (``HALLQ_SUPERVISION_INTERVAL``,
``--supervision-interval``; 0 = off). With several server processes each one sweeps; the hall lock
serialises them and a sweep that finds nothing new writes nothing, so a warning still fires once.
Actions that end a condition at once (a follow-up closed) sweep right after, not a period later.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from server.halls.repo import EventRow
from server.halls.service import SYSTEM, HallService

from . import rules, store, tracker

log = logging.getLogger("hallq.supervision")
DEFAULT_SILENT_AFTER_S = 180.0


def sweep(service: HallService, hall_id: str, *, silent_after_s: float = DEFAULT_SILENT_AFTER_S) -> list[EventRow]:
    """Bring one hall's follow-ups and warnings up to date; returns the events it published."""
    from server import followups  # here: followups imports supervision.events

    cfg = service.config(hall_id)

    def step(conn: Any, hall: Any, now: float) -> list[Any]:
        notices: list[Any] = followups.open_missing(conn, cfg, service.calendar, service.tz, now)
        opened = store.open_warnings(conn, hall_id)
        situation = store.gather(conn, hall, cfg, service.calendar, service.tz, now, silent_after_s)
        findings = rules.evaluate(situation, now, {w.key: w.since for w in opened})
        return notices + store.apply(conn, hall_id, tracker.reconcile(opened, findings), now)

    return service.append_events(hall_id, step, who=SYSTEM)


def followup_now(service: HallService, hall_id: str) -> None:
    """Right after a bad rating was committed: open its follow-up now (``followup.opened``) rather than
    at the next sweep; the warnings wait for their sweep. The rating is stored already, so a failure
    here is only logged, and the periodic sweep opens the follow-up then."""
    from server import followups

    cfg = service.config(hall_id)
    try:
        service.append_events(
            hall_id, lambda conn, _hall, now: followups.open_missing(conn, cfg, service.calendar, service.tz, now),
            who=SYSTEM)
    except Exception:
        log.exception("sweep after a bad rating in hall %s failed; the periodic sweep will open the follow-up",
                      hall_id)


async def run(service: HallService, interval_s: float, silent_after_s: float) -> None:
    """Sweep every hall every ``interval_s`` until cancelled; a failing sweep is logged, never fatal."""
    while True:
        await asyncio.sleep(interval_s)
        for hall_id in service.configs:
            try:
                await asyncio.to_thread(sweep, service, hall_id, silent_after_s=silent_after_s)
            except Exception:
                log.exception("supervision sweep of hall %s failed", hall_id)
