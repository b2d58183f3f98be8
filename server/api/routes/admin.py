"""Administration without SQL (issue 15 §4): devices for maintenance and managers, staff accounts for managers.

``GET /admin/devices[?hall=]``, ``POST /admin/devices`` ``{"kind","name","hall","window"}`` (the token is in
the answer, once), ``PATCH /admin/devices/{id}`` ``{"name"?, "active"?}``, ``DELETE /admin/devices/{id}``;
``GET /admin/clerks[?hall=]``, ``PATCH /admin/clerks/{staff_no}`` ``{"active"?, "windows"?, "role"?}``,
``POST /admin/clerks/{staff_no}/pin`` ``{"pin"}``, ``POST /admin/clerks/{staff_no}/unlock``. Each change is
audited with its before and after (server/auth/admin.py); disabling or removing ends the principal's open event
streams in every process.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import Field, StringConstraints

from server.auth import Action, Principal, add_device, admin, authorize, unlock
from server.halls.errors import Problem

from ..deps import Ctx, Who
from ..revocation import announce
from ..schemas import ERRORS, _Body, _text

router = APIRouter(tags=["admin"], prefix="/admin")
Pin = Annotated[str, StringConstraints(pattern=r"^\d{1,32}$")]  # length and strength: auth.pins (a clear reason)


class DeviceAdd(_Body):
    kind: Literal["kiosk", "counter", "display", "pad"]
    name: _text(64, 1)
    hall: str
    window: Annotated[int, Field(ge=1, le=999)] | None = None


class DeviceChange(_Body):
    name: _text(64, 1) | None = None
    active: bool | None = None


class ClerkChange(_Body):
    active: bool | None = None
    windows: list[Annotated[int, Field(ge=1, le=999)]] | None = None
    role: Literal["clerk", "manager", "maintenance"] | None = None


class PinReset(_Body):
    pin: Pin


def _forget_principals(ctx: Ctx) -> None:
    """A changed account or device is looked up afresh by this process's next request (the hot paths keep
    a resolved token for up to a second, deps.principal_cached); other processes drop revoked tokens when
    the revocation reaches them."""
    ctx.who_cache.clear()


def _hall_scope(ctx: Ctx, who: Principal, hall: str | None) -> str | None:
    if hall is None:
        return who.hall
    ctx.service.config(hall)  # 404 for an unknown hall
    return hall


def _device_hall(ctx: Ctx, device_id: int) -> str:
    for d in admin.list_devices(ctx.engine):
        if d["id"] == device_id:
            return d["hall"]
    raise Problem("not_found", f"没有 {device_id} 号设备", f"no device {device_id}", 404)


@router.get("/devices", responses=ERRORS)
def devices(ctx: Ctx, who: Who, hall: str | None = None) -> dict:
    """Every device of the hall, disabled ones too (``active``); the fleet's health is ``GET /devices``."""
    authorize(who, Action.DEVICES_ADMIN, hall)
    return {"devices": admin.list_devices(ctx.engine, _hall_scope(ctx, who, hall))}


@router.post("/devices", status_code=201, responses=ERRORS)
def device_add(body: DeviceAdd, ctx: Ctx, who: Who) -> dict:
    """A new device and its token, shown in this answer only (stored hashed)."""
    authorize(who, Action.DEVICES_ADMIN, body.hall)
    cfg = ctx.service.config(body.hall)
    if body.window is not None and not cfg.has_window(body.window):
        raise Problem("unknown_window", f"没有 {body.window} 号窗口", f"no window {body.window}", 404)
    admin.check_new_device_name(ctx.engine, body.hall, body.name)
    made = add_device(
        ctx.engine,
        kind=body.kind,
        name=body.name,
        hall=body.hall,
        window=body.window,
        now=ctx.service.clock(),
        by=who.actor,
    )
    return {
        "id": made.id,
        "kind": made.kind,
        "name": made.name,
        "hall": made.hall,
        "window": made.window,
        "token": made.token,
    }


@router.patch("/devices/{device_id}", responses=ERRORS)
def device_change(device_id: int, body: DeviceChange, ctx: Ctx, who: Who) -> dict:
    """Rename (unique per hall) and/or disable/enable a device; disabling ends its access at once."""
    authorize(who, Action.DEVICES_ADMIN, _device_hall(ctx, device_id))
    now = ctx.service.clock()
    if body.name is not None:
        admin.rename_device(ctx.engine, device_id, body.name, who=who, now=now)
    if body.active is not None:
        announce(ctx.service, admin.set_device_active(ctx.engine, device_id, body.active, who=who, now=now), who)
    _forget_principals(ctx)
    return next(d for d in admin.list_devices(ctx.engine) if d["id"] == device_id)


@router.delete("/devices/{device_id}", status_code=204, responses=ERRORS)
def device_remove(device_id: int, ctx: Ctx, who: Who) -> Response:
    """Remove a device for good: its token ends, it is no longer listed nor ever reported silent."""
    authorize(who, Action.DEVICES_ADMIN, _device_hall(ctx, device_id))
    announce(ctx.service, admin.remove_device(ctx.engine, device_id, who=who, now=ctx.service.clock()), who)
    _forget_principals(ctx)
    return Response(status_code=204)


@router.get("/clerks", responses=ERRORS)
def clerks(ctx: Ctx, who: Who, hall: str | None = None) -> dict:
    """Staff accounts of the hall (and those of every hall): no PIN hashes; ``locked_until`` and
    ``throttled_until`` say who wrong PINs keep out (lifted by ``POST …/unlock``)."""
    authorize(who, Action.CLERKS_ADMIN, hall)
    rows = admin.list_clerks(ctx.engine, _hall_scope(ctx, who, hall), throttle_policy=ctx.login_policy.throttle,
                             now=ctx.service.clock())
    return {"clerks": rows}


def _clerk_view(ctx: Ctx, staff_no: str) -> dict:
    rows = admin.list_clerks(ctx.engine, throttle_policy=ctx.login_policy.throttle, now=ctx.service.clock())
    return next(c for c in rows if c["staff_no"] == staff_no)


@router.patch("/clerks/{staff_no}", responses=ERRORS)
def clerk_change(staff_no: str, body: ClerkChange, ctx: Ctx, who: Who) -> dict:
    """Disable/enable an account, change its windows or role; disabling ends its sessions at once."""
    authorize(who, Action.CLERKS_ADMIN)
    now, halls = ctx.service.clock(), tuple(ctx.service.configs)
    known = {w.number for h in ctx.deployment.halls for w in h.windows}
    if body.windows is not None or body.role is not None:
        admin.set_clerk_access(
            ctx.engine, staff_no, windows=body.windows, role=body.role, who=who, now=now, known_windows=known
        )
    if body.active is not None:
        change = admin.set_clerk_active(ctx.engine, staff_no, body.active, who=who, now=now, all_halls=halls)
        announce(ctx.service, change, who)
    _forget_principals(ctx)
    return _clerk_view(ctx, staff_no)


@router.post("/clerks/{staff_no}/unlock", status_code=204, responses=ERRORS)
def clerk_unlock(staff_no: str, ctx: Ctx, who: Who) -> Response:
    """Lift a lock from wrong PINs and forget the guesses, from every address (a manager's act, audited)."""
    authorize(who, Action.CLERKS_ADMIN)
    if not unlock(ctx.engine, staff_no, by=who.actor, now=ctx.service.clock()):
        raise Problem("unknown_staff", f"没有工号 {staff_no}", f"no staff number {staff_no}", 404)
    return Response(status_code=204)


@router.post("/clerks/{staff_no}/pin", status_code=204, responses=ERRORS)
def clerk_pin(staff_no: str, body: PinReset, ctx: Ctx, who: Who) -> Response:
    """A new PIN (say it to the clerk in person); their open sessions end."""
    authorize(who, Action.CLERKS_ADMIN)
    change = admin.reset_pin(
        ctx.engine, staff_no, body.pin, who=who, now=ctx.service.clock(), all_halls=tuple(ctx.service.configs)
    )
    announce(ctx.service, change, who)
    _forget_principals(ctx)
    return Response(status_code=204)
