"""Appointments (预约, seed 003 §1–7): slots, book, look up, cancel (public: the phone pages), check-in
(kiosk and counter), a day's bookings (staff). Also owns the booking runtime's lifespan (merged into the
app's by FastAPI): the notifier, the reminder watcher and the no-show sweep.

People are identified by phone or ID number, sent in request bodies (never in URLs, which end up in
logs), stored as keyed hashes and shown masked.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from config import HallConfig
from server.auth import Action, authorize
from server.booking import Booking, BookingRefused, BookingState, Person
from server.booking.runtime import BookingRuntime
from server.booking.service import CheckIn
from server.booking.slots import clock
from server.booking.watcher import Recipient
from server.halls.errors import Problem

from .. import views
from ..deps import Ctx, Idem, Who
from ..schemas import ERRORS, ServiceCode
from .common import respond

log = logging.getLogger("hallq.booking")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    ctx = app.state.ctx
    try:
        runtime = await asyncio.to_thread(BookingRuntime.start, ctx.service, ctx.settings.secret(), os.environ)
    except ValueError as exc:  # HALLQ_NOTIFY / HALLQ_BOOKING_* : say which, then refuse to start
        log.error("booking settings: %s", exc)
        raise
    app.state.booking = runtime
    task = asyncio.create_task(_sweeper(runtime)) if runtime.sweep_interval_s > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        runtime.close()


async def _sweeper(runtime: BookingRuntime) -> None:
    while True:
        await asyncio.sleep(runtime.sweep_interval_s)
        await asyncio.to_thread(runtime.sweep)


router = APIRouter(tags=["booking"], lifespan=lifespan)
PUBLIC_ERRORS = {**ERRORS, 429: ERRORS[409]}


async def _runtime(request: Request) -> BookingRuntime:
    return request.app.state.booking


Runtime = Annotated[BookingRuntime, Depends(_runtime)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


PersonText = Annotated[str, StringConstraints(min_length=1, max_length=32)]
BookingCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{6,12}$")]


class BookRequest(_Body):
    service: ServiceCode
    day: dt.date
    start: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]  # "09:00"
    person: PersonText  # phone or ID number


class LookupRequest(_Body):
    code: BookingCode
    person: PersonText


class CancelRequest(_Body):
    person: PersonText


class CheckInRequest(_Body):
    """Exactly one of ``code`` (typed or scanned) and ``phone`` (the number booked with)."""

    code: BookingCode | None = None
    phone: PersonText | None = None

    @model_validator(mode="after")
    def _one(self) -> CheckInRequest:
        if (self.code is None) == (self.phone is None):
            raise ValueError("give exactly one of code and phone")
        return self


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """Rate-limit refusals carry ``Retry-After``; every other refusal is answered by the app's handler
    (status from ``server.halls.errors``)."""
    try:
        yield
    except BookingRefused as refused:
        if refused.retry_after_s is None:
            raise
        raise Problem(refused.code, refused.zh, refused.en, 429,
                      {"Retry-After": str(refused.retry_after_s)}) from None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _local(t: float | None, tz: ZoneInfo) -> str | None:
    return None if t is None else dt.datetime.fromtimestamp(t, tz).strftime("%H:%M")


def booking_view(b: Booking, cfg: HallConfig, tz: ZoneInfo, *, staff: bool = False) -> dict[str, Any]:
    """What the booker (or staff) sees. Person masked; no hashes; ids and ticket only for staff."""
    svc = cfg.service(b.service) if cfg.has_service(b.service) else None
    lanes = cfg.lanes
    view: dict[str, Any] = {
        "code": b.code, "hall": b.hall, "hall_name_zh": cfg.name_zh, "hall_name_en": cfg.name_en,
        "service": b.service, "service_name_zh": svc.name_zh if svc else b.service,
        "service_name_en": svc.name_en if svc else b.service, "day": b.day,
        "start": _local(b.slot_start, tz), "end": _local(b.slot_end, tz), "slot_start": b.slot_start,
        "slot_end": b.slot_end, "after_hours": b.after_hours, "state": b.state.value, "person": b.person_mask,
        "channel": b.channel,
        "checkin_from": _local(b.slot_start - lanes.appointment_early_min * 60, tz),
        "checkin_on_time_until": _local(b.slot_start + lanes.appointment_late_grace_min * 60, tz),
        "checkin_closes": _local(b.closes_at, tz),
        "cancellable": b.state is BookingState.BOOKED,
        "created_at": b.created_at, "cancelled_at": b.cancelled_at, "checked_in_at": b.checked_in_at,
        "materials": list(svc.materials) if svc else [],
    }
    if staff:
        view.update(id=b.id, ticket_id=b.ticket_id, no_show_at=b.no_show_at)
    return view


@router.get("/halls/{hall}/booking/slots", responses=ERRORS)
def slots(hall: str, service: ServiceCode, ctx: Ctx, rt: Runtime) -> dict:
    """Bookable slots of a service from now to the horizon, with places left (public; 003 §3: the
    materials are shown before booking)."""
    cfg = ctx.service.config(hall)
    svc, days = rt.service.offer(hall, service)
    tz = rt.service.tz
    return {
        "hall": hall, "service": svc.code, "service_name_zh": svc.name_zh, "service_name_en": svc.name_en,
        "materials": list(svc.materials), "after_hours_booking": svc.after_hours_booking,
        "early_min": cfg.lanes.appointment_early_min, "late_grace_min": cfg.lanes.appointment_late_grace_min,
        "days": [{"day": d.day.isoformat(), "weekday": d.day.isoweekday(),
                  "slots": [{"start": clock(s.start_min), "end": clock(s.end_min), "at": s.start(tz),
                             "after_hours": s.after_hours, "capacity": s.capacity, "left": left}
                            for s, left in d.slots]}
                 for d in days],
    }


def _person(text: str) -> Person:
    return Person.parse(text)


@router.post("/halls/{hall}/bookings", status_code=201, responses=PUBLIC_ERRORS)
def book(hall: str, body: BookRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Book a slot (public, 7×24). 201 with the booking code; refusals say why (full, blacklisted until …,
    already booked, outside the after-hours rules)."""
    cfg = ctx.service.config(hall)
    hours, minutes = (int(x) for x in body.start.split(":"))
    with refusals():
        booking = rt.service.book(hall, service=body.service, day=body.day, start_min=hours * 60 + minutes,
                                  person=_person(body.person), address=client_address(request))
    return {"booking": booking_view(booking, cfg, rt.service.tz)}


@router.post("/halls/{hall}/bookings/lookup", responses=PUBLIC_ERRORS)
def lookup(hall: str, body: LookupRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """我的预约: a booking by code + the phone or ID number it was made with (both must match)."""
    cfg = ctx.service.config(hall)
    with refusals():
        booking = rt.service.lookup(hall, body.code.upper(), _person(body.person), client_address(request))
    return {"booking": booking_view(booking, cfg, rt.service.tz)}


@router.post("/halls/{hall}/bookings/{code}/cancel", responses=PUBLIC_ERRORS)
def cancel(hall: str, code: BookingCode, body: CancelRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Cancel before the slot starts (003 §7); needs the phone or ID number the booking was made with."""
    cfg = ctx.service.config(hall)
    with refusals():
        booking = rt.service.cancel(hall, code.upper(), _person(body.person), client_address(request))
    return {"booking": booking_view(booking, cfg, rt.service.tz)}


@router.post("/halls/{hall}/bookings/check-in", status_code=201, responses=ERRORS)
def check_in(hall: str, body: CheckInRequest, ctx: Ctx, who: Who, idem: Idem, rt: Runtime) -> Response:
    """Kiosk or counter check-in by booking code or phone number. On time → appointment lane; later than
    the grace → walk-in lane (said in ``message``); too early → 409 ``appointment_early``."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.CHECK_IN, hall)
    tz = rt.service.tz
    phone = _person(body.phone) if body.phone is not None else None
    if phone is not None and phone.kind != "phone":
        raise BookingRefused("bad_person", "请输入 11 位手机号", "enter an 11-digit mobile number")

    def render(done: Any) -> tuple[int, Any]:
        result: CheckIn = done.result
        ticket = views.ticket_view(result.issued.ticket.to_dict(), cfg)
        token = done.track_tokens.get(result.issued.ticket.id)
        ticket.update(ahead=result.issued.ahead, estimated_wait_s=result.issued.estimated_wait_s,
                      **views.estimate_fields(result.issued.estimate),
                      track_url=ctx.service.track_url(token) if token else None, seq=done.seq)
        if who.in_public:  # a kiosk shows and prints it: no appointment id
            ticket = views.strip_private(ticket)
        grace = f"{cfg.lanes.appointment_late_grace_min:g}"
        if result.late:
            message = {"zh": f"您已超过预约时间 {grace} 分钟以上，本次按现场取号排普通队列（预约已签到，不计爽约）",
                       "en": f"you are more than {grace} min late for your booking: this ticket is in the "
                             "walk-in queue (your booking counts as kept)"}
        else:
            message = {"zh": "签到成功，已进入预约通道", "en": "checked in: you are in the appointment lane"}
        return 201, {**ticket, "booking": booking_view(result.booking, cfg, tz), "late": result.late,
                     "message": message}

    out = rt.service.check_in(hall, who=who, code=body.code.upper() if body.code else None, phone=phone,
                              render=render, idem=idem)
    if phone is not None and not out.replayed and isinstance(out.body, dict):
        rt.watcher.subscribe(hall, out.body["id"], Recipient(phone.value, phone.mask))
        rt.watcher.check(hall)
    return respond(out)


@router.get("/halls/{hall}/bookings", responses=ERRORS)
def day_bookings(hall: str, ctx: Ctx, who: Who, rt: Runtime, day: dt.date | None = None) -> dict:
    """A day's bookings for staff (default today), people masked."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.BOOKINGS_READ, hall)
    tz = rt.service.tz
    day_s = (day or dt.datetime.fromtimestamp(rt.service.now(), tz).date()).isoformat()
    return {"day": day_s, "bookings": [booking_view(b, cfg, tz, staff=True) for b in rt.service.of_day(hall, day_s)]}
