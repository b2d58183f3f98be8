"""云叫号 from a phone (public): take a walk-in ticket remotely, and ask for a 到号提醒 on a ticket.

Remote tickets (channel "phone") follow the walk-in rules — opening hours and daily caps are the core's
— and are rate-limited per person (phone number, hashed) and per client address. The number is kept in
this process's memory until the reminder has gone out, never in the database.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select

from server.booking import BookingRefused, Person
from server.booking.watcher import Recipient
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction

from .. import views
from ..deps import Ctx
from ..schemas import ServiceCode, TrackToken
from .booking import PUBLIC_ERRORS, PhoneToken, Runtime, client_address, refusals

router = APIRouter(tags=["phone"])
_PHONE = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RemoteTicketRequest(_Body):
    service: ServiceCode
    phone: _PHONE
    phone_token: PhoneToken  # the number proved with a one-time code (POST …/phone/verify)


class NotifyRequest(_Body):
    phone: _PHONE


def _phone(text: str) -> Person:
    person = Person.parse(text)
    if person.kind != "phone":
        raise BookingRefused("bad_person", "请输入 11 位手机号", "enter an 11-digit mobile number")
    return person


@router.post("/halls/{hall}/remote-tickets", status_code=201, responses=PUBLIC_ERRORS)
def remote_ticket(hall: str, body: RemoteTicketRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """Take a walk-in ticket from a phone. 201 with the public ticket and its ``track_url``; 409 ``closed``
    outside opening hours; 429 ``rate_limited`` with ``Retry-After``."""
    cfg = ctx.service.config(hall)
    person = _phone(body.phone)

    def render(done: Any) -> tuple[int, Any]:
        issued = done.result
        token = done.track_tokens.get(issued.ticket.id)
        view = views.strip_private(views.ticket_view(issued.ticket.to_dict(), cfg))
        view.update(ahead=issued.ahead, estimated_wait_s=issued.estimated_wait_s, track_token=token,
                    **views.estimate_fields(issued.estimate),
                    track_url=ctx.service.track_url(token) if token else None, seq=done.seq)
        return 201, view

    with refusals():
        out = rt.service.remote_ticket(hall, service=body.service, person=person, address=client_address(request),
                                       render=render, phone=rt.service.proven_phone(body.phone_token))
    rt.watcher.subscribe(hall, out.body["id"], Recipient(person.value, person.mask))
    rt.watcher.check(hall)
    return out.body


@router.post("/track/{token}/notify", status_code=202, responses=PUBLIC_ERRORS)
def notify(token: TrackToken, body: NotifyRequest, request: Request, ctx: Ctx, rt: Runtime) -> dict:
    """到号提醒 for the ticket behind a tracking token: one message when ``notify_ahead`` or fewer people
    are ahead (or when it is called). The number stays in memory only."""
    person = _phone(body.phone)
    with read_transaction(ctx.engine) as conn:
        row = conn.execute(select(t.tickets.c.id, t.tickets.c.hall).where(t.tickets.c.track_token == token)).first()
    if row is None:
        raise Problem("unknown_ticket", "没有这张票（二维码无效或已过期）",
                      "no such ticket (invalid or expired QR code)", 404)
    with refusals():
        rt.service.record_notify(row.hall, client_address(request))
    rt.watcher.subscribe(row.hall, row.id, Recipient(person.value, person.mask))
    rt.watcher.check(row.hall)  # already near the front: the message leaves now
    return {"subscribed": True, "to": person.mask, "ahead": rt.service.policy.notify_ahead}

