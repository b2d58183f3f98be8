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
from server.booking import Booking, BookingRefused, BookingState, Person, phone_proof
from server.booking.runtime import BookingRuntime
from server.booking.service import CheckIn
from server.booking.watcher import Recipient
from server.halls.errors import Problem
from server.notify import Message
from server.readmodels.slots import SlotModels

from .. import views
from ..deps import Ctx, Idem, Who
from ..schemas import ERRORS, PersonHash, ServiceCode
from .common import respond, send_encoded

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
    slot_models = app.state.booking_slots = SlotModels(runtime.service)  # issue 14: slots from memory
    await slot_models.start()
    task = asyncio.create_task(_sweeper(runtime)) if runtime.sweep_interval_s > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await slot_models.stop()
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
# the p_… token that ``POST …/phone/verify`` gives for the right one-time code (sent in bodies, never URLs)
PhoneToken = Annotated[str, StringConstraints(pattern=r"^p_[A-Za-z0-9_-]{20,64}$")]
OneTimeCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class BookRequest(_Body):
    service: ServiceCode
    day: dt.date
    start: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]  # "09:00"
    person: PersonText  # phone or ID number
    phone_token: PhoneToken | None = None  # required for a phone; optional contact proof for an ID number


class LookupRequest(_Body):
    code: BookingCode
    phone_token: PhoneToken


class CancelRequest(_Body):
    phone_token: PhoneToken


class PhoneCodeRequest(_Body):
    phone: PersonText


class PhoneVerifyRequest(_Body):
    phone: PersonText
    code: OneTimeCode


class CheckInRequest(_Body):
    """Exactly one of ``code`` (typed or scanned) and ``phone`` (the number booked with); ``card``: the keyed
    hash of the ID card the kiosk's reader read (``vocab.cardhash``), which an unverified ID booking needs
    at a kiosk (issue 13)."""

    code: BookingCode | None = None
    phone: PersonText | None = None
    card: PersonHash | None = None

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
        # issue 13: proved phone → looked up and cancelled online; else checked in with the ID card itself
        "verified": b.verified,
        "created_at": b.created_at, "cancelled_at": b.cancelled_at, "checked_in_at": b.checked_in_at,
        "materials": list(svc.materials) if svc else [],
    }
    if staff:
        view.update(id=b.id, ticket_id=b.ticket_id, no_show_at=b.no_show_at)
    return view


SLOTS_CACHE = "public, max-age=1"  # a proxy or the browser absorbs repeats; a booking is decided on the database


@router.get("/halls/{hall}/booking/slots", responses=ERRORS)
async def slots(hall: str, service: ServiceCode, request: Request) -> Response:
    """Bookable slots of a service from now to the horizon, with places left (public; 003 §3: the
    materials are shown before booking).

    From memory (issue 14, ``server.readmodels.slots``): encoded once per change, ``ETag`` → 304 on
    ``If-None-Match``; the body is the database path's (``BookingService.offer`` + ``offer_body``, the
    reference, tests/booking/test_booking_slots_model.py)."""
    models: SlotModels = request.app.state.booking_slots
    return send_encoded(request, await models.answer(hall, service), cache=SLOTS_CACHE)


def _person(text: str) -> Person:
    return Person.parse(text)


@router.post("/halls/{hall}/bookings", status_code=201, responses=PUBLIC_ERRORS)
def book(hall: str, body: BookRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Book a slot (public, 7×24). 201 with the booking code; refusals say why (full, blacklisted until …,
    already booked, outside the after-hours rules)."""
    cfg = ctx.service.config(hall)
    hours, minutes = (int(x) for x in body.start.split(":"))
    person = _person(body.person)
    phone = rt.service.proven_phone(body.phone_token)
    if body.phone_token is not None and phone is None:
        raise expired_phone_token()
    with refusals():
        booking = rt.service.book(hall, service=body.service, day=body.day, start_min=hours * 60 + minutes,
                                  person=person, address=client_address(request), phone=phone)
    if person.kind == "phone":  # the code reaches the phone too, in case the page is lost
        svc, start = cfg.service(booking.service), _local(booking.slot_start, rt.service.tz)
        send_text(rt, hall, person, "booked",
                  f"【{cfg.name_zh}】预约成功：{booking.day} {start} {svc.name_zh}，"
                  f"预约码 {booking.code}。请按时到大厅签到。",
                  f"Booked: {svc.name_en} on {booking.day} at {start}, booking code {booking.code}.")
    return {"booking": booking_view(booking, cfg, rt.service.tz)}


def expired_phone_token() -> BookingRefused:
    return BookingRefused("phone_unverified", "手机验证已过期，请重新获取验证码",
                          "the phone proof has expired: ask for a new code")


def send_text(rt: BookingRuntime, hall: str, phone: Person, kind: str, zh: str, en: str) -> None:
    """A message to a phone through the notifier (log / sim here); a failure is logged, not raised."""
    try:
        rt.notifier.send(Message(to=phone.value, to_mask=phone.mask, hall=hall, ticket_id="", kind=kind,
                                 text_zh=zh, text_en=en))
    except Exception:
        log.exception("sending a %s message failed", kind)


@router.post("/halls/{hall}/phone/code", status_code=202, responses=PUBLIC_ERRORS)
def phone_code(hall: str, body: PhoneCodeRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Send a one-time code to a phone (public). It proves the number for booking, looking up, cancelling
    and remote tickets (``POST …/phone/verify``). Rate-limited per number and per address."""
    cfg = ctx.service.config(hall)
    phone = _person(body.phone)
    with refusals():
        code = rt.service.issue_code(hall, phone, client_address(request))
    minutes = phone_proof.CODE_TTL_S // 60
    send_text(rt, hall, phone, "code", f"【{cfg.name_zh}】验证码 {code}，{minutes} 分钟内有效。请勿告诉他人。",
              f"Your code is {code}, valid for {minutes} min. Do not share it.")
    return {"to": phone.mask, "expires_in": phone_proof.CODE_TTL_S}


@router.post("/halls/{hall}/phone/verify", responses=PUBLIC_ERRORS)
def phone_verify(hall: str, body: PhoneVerifyRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Exchange the right code for a phone token (``p_…``, 30 min), sent as ``phone_token`` in the bodies
    of the phone pages' requests. Five wrong tries kill a code."""
    ctx.service.config(hall)
    phone = _person(body.phone)
    with refusals():
        token, expires = rt.service.verify_code(hall, phone, body.code, client_address(request))
    return {"phone_token": token, "expires_at": expires, "to": phone.mask}


@router.post("/halls/{hall}/bookings/lookup", responses=PUBLIC_ERRORS)
def lookup(hall: str, body: LookupRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """我的预约: a booking by its code, for whoever proved the booking's phone (``phone_token``)."""
    cfg = ctx.service.config(hall)
    with refusals():
        booking = rt.service.lookup(hall, body.code.upper(), rt.service.proven_phone(body.phone_token),
                                    client_address(request))
    return {"booking": booking_view(booking, cfg, rt.service.tz)}


@router.post("/halls/{hall}/bookings/{code}/cancel", responses=PUBLIC_ERRORS)
def cancel(hall: str, code: BookingCode, body: CancelRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Cancel before the slot starts (003 §7); needs the proved phone of the booking (``phone_token``)."""
    cfg = ctx.service.config(hall)
    with refusals():
        booking = rt.service.cancel(hall, code.upper(), rt.service.proven_phone(body.phone_token),
                                    client_address(request))
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
                              render=render, idem=idem, card=body.card)
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
