"""GET /halls, GET /halls/{hall}/snapshot, tide windows, clerk photos."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from sqlalchemy import select

from server.auth import Action, authorize
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction

from .. import fastpath, views
from ..deps import Ctx, IdemFast, WhoFast
from ..schemas import ERRORS, StaffNo, TideOpenRequest
from .common import not_modified, respond, send_encoded

router = APIRouter(tags=["halls"])


@router.get("/halls")
def list_halls(ctx: Ctx) -> dict:
    """Public reference data: halls with their categories, services and windows."""
    return {
        "deployment": ctx.deployment.deployment.name,
        "halls": [views.hall_listing(h) for h in ctx.deployment.halls],
    }


@router.get("/halls/{hall}/snapshot", responses=ERRORS)
async def get_snapshot(hall: str, request: Request, ctx: Ctx, who: WhoFast) -> Response:
    """For displays: public window information, waiting per service and lane, open tide windows, seq.

    From the hall's read model (issue 14), encoded once per seq; ``ETag`` names the seq, so a display
    polling with ``If-None-Match`` gets 304 until something changed."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.SNAPSHOT, hall)
    rm = ctx.readmodels
    model = await rm.model(hall)
    if early := not_modified(request, rm.etag(model, "snapshot")):
        return early

    return send_encoded(request, await fastpath.snapshot(rm, cfg, model))


@router.post("/halls/{hall}/windows/{window}/tide/open", responses=ERRORS)
async def open_tide(
    hall: str, window: int, body: TideOpenRequest, ctx: Ctx, who: WhoFast, idem: IdemFast
) -> Response:
    """潮汐窗口 (000 第十八条): a manager turns a window into a tide window for a service."""
    ctx.service.config(hall)
    authorize(who, Action.TIDE_OPEN, hall)
    return respond(
        await ctx.service.submit(
            hall,
            lambda h, now: h.open_tide(window, body.service, now=now, by=who.clerk_id),
            who=who,
            action=Action.TIDE_OPEN,
            window=window,
            idem=idem,
            detail={"service": body.service},
            render=lambda done: (200, {"window": done.result.to_dict(), "seq": done.seq}),
        )
    )


@router.post("/halls/{hall}/windows/{window}/tide/close", responses=ERRORS)
async def close_tide(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    ctx.service.config(hall)
    authorize(who, Action.TIDE_CLOSE, hall)
    return respond(
        await ctx.service.submit(
            hall,
            lambda h, now: h.close_tide(window, now=now, by=who.clerk_id),
            who=who,
            action=Action.TIDE_CLOSE,
            window=window,
            idem=idem,
            render=lambda done: (200, {"window": done.result.to_dict(), "seq": done.seq}),
        )
    )


@router.get("/clerks/{staff_no}/photo", responses=ERRORS)
def clerk_photo(staff_no: StaffNo, ctx: Ctx) -> FileResponse:
    """Public: the photo shown with the window information (004 第十四条)."""
    with read_transaction(ctx.engine) as conn:
        photo = conn.execute(
            select(t.clerks.c.photo).where(t.clerks.c.staff_no == staff_no)
        ).scalar()
    if not photo or not Path(photo).is_file():
        raise Problem("no_photo", "没有该工作人员的照片", "no photo for this staff member", 404)
    return FileResponse(photo)
