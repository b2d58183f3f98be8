"""电子监察 warnings and 好差评 follow-ups, for managers (004 第五条; issue 9; docs/supervision.md).

Warnings: ``GET /halls/{hall}/warnings`` (``?open=true`` only open ones), ``POST …/warnings/{id}/ack``.
Follow-ups: ``GET /halls/{hall}/followups`` (``?state=active|open|contacted|closed|all``), ``GET …/{id}``,
``POST …/{id}/assign`` ``{"staff_no"}``, ``…/contact`` ``{"note"}``, ``…/rectify`` ``{"text"}``,
``…/close`` ``{"reply"}``. Every change goes through ``HallService.append_events``: one transaction, a
``warning.*`` / ``followup.*`` event on the hall's stream, an audit record naming the manager. Listing the
follow-ups first runs the supervision sweep, so a bad rating given a moment ago is already there; an
action that ends a condition (contact, close) sweeps after it, so its overdue warning clears at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from server import followups
from server.auth import Action, Principal, authorize
from server.storage.db import read_transaction
from server.supervision import monitor, store

from ..deps import Ctx, Who
from ..schemas import ERRORS, RowId, _Body, _text

router = APIRouter(tags=["supervision"])
StaffNo = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class AckRequest(_Body):
    note: _text(500) = ""


class AssignRequest(_Body):
    staff_no: StaffNo


class ContactRequest(_Body):
    note: _text(2000, min_length=1)


class RectifyRequest(_Body):
    text: _text(2000, min_length=1)


class CloseRequest(_Body):
    reply: _text(2000, min_length=1)


@router.get("/halls/{hall}/warnings", responses=ERRORS)
def list_warnings(hall: str, ctx: Ctx, who: Who, open: bool = False,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict:
    """Warnings, newest first (open and cleared; ``open=true``: open ones only)."""
    ctx.service.config(hall)
    authorize(who, Action.WARNINGS_READ, hall)
    with read_transaction(ctx.engine) as conn:
        return {"warnings": store.listing(conn, hall, only_open=open, limit=limit)}


@router.post("/halls/{hall}/warnings/{warning_id}/ack", responses=ERRORS)
def acknowledge(hall: str, warning_id: RowId, body: AckRequest, ctx: Ctx, who: Who) -> dict:
    """A manager acknowledges a warning; it stays open until its condition ends."""
    ctx.service.config(hall)
    authorize(who, Action.WARNING_ACK, hall)
    done: dict[str, Any] = {}

    def step(conn: Any, _hall: Any, now: float) -> list[Any]:
        notice = store.acknowledge(conn, hall, warning_id, who.clerk_id, body.note, now)
        done["warning"] = notice.body
        return [notice]

    ctx.service.append_events(hall, step, who=who)
    return done


def _sweep(ctx: Ctx, hall: str) -> None:
    monitor.sweep(ctx.service, hall, silent_after_s=ctx.device_silent_after_s)


@router.get("/halls/{hall}/followups", responses=ERRORS)
def list_followups(hall: str, ctx: Ctx, who: Who,
                   state: Literal["active", "open", "contacted", "closed", "all"] = "active") -> dict:
    """Follow-ups of bad ratings, oldest first; ``active`` (default) = not closed yet."""
    ctx.service.config(hall)
    authorize(who, Action.FOLLOWUPS_READ, hall)
    _sweep(ctx, hall)
    with read_transaction(ctx.engine) as conn:
        return {"followups": followups.listing(conn, hall, None if state == "all" else state)}


@router.get("/halls/{hall}/followups/{followup_id}", responses=ERRORS)
def get_followup(hall: str, followup_id: RowId, ctx: Ctx, who: Who) -> dict:
    ctx.service.config(hall)
    authorize(who, Action.FOLLOWUPS_READ, hall)
    with read_transaction(ctx.engine) as conn:
        return {"followup": followups.get(conn, hall, followup_id)}


def _act(ctx: Ctx, who: Principal, hall: str, followup_id: RowId, action: Callable[[Any, float], Any],
         sweep: bool = False) -> dict:
    ctx.service.config(hall)
    authorize(who, Action.FOLLOWUP_WRITE, hall)

    def step(conn: Any, _hall: Any, now: float) -> list[Any]:
        return [action(conn, now)]

    ctx.service.append_events(hall, step, who=who)
    if sweep:
        _sweep(ctx, hall)
    with read_transaction(ctx.engine) as conn:
        return {"followup": followups.get(conn, hall, followup_id)}


@router.post("/halls/{hall}/followups/{followup_id}/assign", responses=ERRORS)
def assign(hall: str, followup_id: RowId, body: AssignRequest, ctx: Ctx, who: Who) -> dict:
    """Name who follows it up (a staff number)."""
    return _act(ctx, who, hall, followup_id,
                lambda conn, now: followups.assign(conn, hall, followup_id, body.staff_no, now))


@router.post("/halls/{hall}/followups/{followup_id}/contact", responses=ERRORS)
def contact(hall: str, followup_id: RowId, body: ContactRequest, ctx: Ctx, who: Who) -> dict:
    """Record that the visitor was contacted (回访), with what was said; may be recorded again."""
    return _act(ctx, who, hall, followup_id,
                lambda conn, now: followups.contact(conn, hall, followup_id, body.note, now, ctx.service.tz),
                sweep=True)


@router.post("/halls/{hall}/followups/{followup_id}/rectify", responses=ERRORS)
def rectify(hall: str, followup_id: RowId, body: RectifyRequest, ctx: Ctx, who: Who) -> dict:
    """Record the rectification (整改) made."""
    return _act(ctx, who, hall, followup_id,
                lambda conn, now: followups.rectify(conn, hall, followup_id, body.text, now, ctx.service.tz))


@router.post("/halls/{hall}/followups/{followup_id}/close", responses=ERRORS)
def close(hall: str, followup_id: RowId, body: CloseRequest, ctx: Ctx, who: Who) -> dict:
    """Close with the reply given to the visitor (needs a recorded contact first)."""
    return _act(ctx, who, hall, followup_id,
                lambda conn, now: followups.close(conn, hall, followup_id, body.reply, now), sweep=True)
