"""Device heartbeat (the drivers' Health reports) and the fleet view for maintenance and managers."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter, Response
from sqlalchemy import select, update

from server.auth import Action, authorize
from server.storage import schema as t
from server.storage.db import read_transaction, write_transaction

from .. import views
from ..deps import Ctx, Idem, Who
from ..schemas import ERRORS, HeartbeatRequest

router = APIRouter(tags=["devices"])


@router.post("/devices/heartbeat", status_code=204, responses=ERRORS)
def heartbeat(body: HeartbeatRequest, ctx: Ctx, who: Who, idem: Idem) -> Response:
    """A device reports it is alive, with the health of its parts. Idempotent by nature (it overwrites)."""
    authorize(who, Action.HEARTBEAT)
    health = [h.model_dump(mode="json") for h in body.devices]
    with write_transaction(ctx.engine) as conn:
        conn.execute(
            update(t.devices)
            .where(t.devices.c.id == who.device_id)
            .values(last_seen=ctx.service.clock(), health=json.dumps(health, ensure_ascii=False))
        )
    return Response(status_code=204)


@router.get("/devices", responses=ERRORS)
def list_devices(ctx: Ctx, who: Who, hall: str | None = None) -> dict:
    """Every device with its last heartbeat and health; ``silent`` when it has not reported lately."""
    authorize(who, Action.DEVICES_READ, hall)
    if hall is None and who.hall is not None:
        hall = who.hall
    q = select(t.devices).where(t.devices.c.active.is_(True)).order_by(t.devices.c.id)
    if hall is not None:
        ctx.service.config(hall)
        q = q.where(t.devices.c.hall == hall)
    now = ctx.service.clock()
    with read_transaction(ctx.engine) as conn:
        rows = conn.execute(q).all()
    tz = ctx.service.tz  # issue 15 §6: what people read is in the hall's zone, not the server box's
    shown = [views.device_view(r, now, ctx.device_silent_after_s) for r in rows]
    for view in shown:
        seen = view.get("last_seen")
        view["last_seen_local"] = datetime.fromtimestamp(seen, tz).strftime("%m-%d %H:%M:%S") if seen else None
    return {"devices": shown, "timezone": ctx.deployment.deployment.timezone}
