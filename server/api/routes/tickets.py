"""Tickets: issue (kiosk), read, cancel, requeue (过号重排)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select

from server.auth import Action, authorize
from server.cards import card_detail, per_person_write, require_card
from server.core import Lane
from server.halls.errors import Problem
from server.halls.repo import TICKET_FIELDS
from server.storage import schema as t
from server.storage.db import read_transaction

from .. import views
from ..deps import Ctx, Idem, Who
from ..schemas import ERRORS, IssuedBody, IssueRequest, TicketId
from .common import respond

router = APIRouter(tags=["tickets"])


@router.post(
    "/halls/{hall}/tickets", status_code=201, responses={201: {"model": IssuedBody}, **ERRORS}
)
def issue(hall: str, body: IssueRequest, ctx: Ctx, who: Who, idem: Idem) -> Response:
    """Take a ticket. 409 ``closed`` outside opening hours (the message says them), ``daily_cap`` when full."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.ISSUE, hall)
    require_card(cfg, body.service, body.person_hash)  # issue 18: 凭身份证取号 services

    def render(done):
        issued = done.result
        view = views.ticket_view(issued.ticket.to_dict(), cfg)
        token = done.track_tokens.get(issued.ticket.id)
        view.update(
            ahead=issued.ahead,
            estimated_wait_s=issued.estimated_wait_s,
            **views.estimate_fields(issued.estimate),
            track_url=ctx.service.track_url(token) if token else None,
            seq=done.seq,
        )
        return 201, view

    return respond(
        ctx.service.mutate(
            hall,
            lambda h, now: h.issue(body.service, Lane(body.lane), now=now, channel=body.channel),
            who=who,
            action=Action.ISSUE,
            idem=idem,
            render=render,
            detail={"service": body.service, "lane": body.lane, "channel": body.channel,
                    **card_detail(body.card, body.person_hash)},
            write=per_person_write(cfg, body.service, body.person_hash, ctx.service.tz),
        )
    )


@router.get("/halls/{hall}/tickets/{ticket_id}", responses=ERRORS)
def get_ticket(hall: str, ticket_id: TicketId, ctx: Ctx, who: Who) -> dict:
    """A ticket with its history (every state change, from the event log)."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.READ_TICKET, hall)
    with read_transaction(ctx.engine) as conn:
        row = conn.execute(
            select(t.tickets).where(t.tickets.c.id == ticket_id, t.tickets.c.hall == hall)
        ).first()
        if row is None:
            raise Problem("unknown_ticket", f"没有票号 {ticket_id}", f"no ticket {ticket_id}", 404)
        view = views.ticket_view({f: getattr(row, f) for f in TICKET_FIELDS}, cfg)
        view["history"] = views.ticket_history(conn, ticket_id)
    return view


def _ticket_action(action: Action, method: str):
    def handler(hall: str, ticket_id: TicketId, ctx: Ctx, who: Who, idem: Idem) -> Response:
        cfg = ctx.service.config(hall)
        authorize(who, action, hall)
        return respond(
            ctx.service.mutate(
                hall,
                lambda h, now: getattr(h, method)(ticket_id, now=now),
                who=who,
                action=action,
                idem=idem,
                detail={"ticket": ticket_id},
                render=lambda done: (
                    200,
                    {"ticket": views.ticket_view(done.result.to_dict(), cfg), "seq": done.seq},
                ),
            )
        )

    return handler


router.add_api_route(
    "/halls/{hall}/tickets/{ticket_id}/cancel",
    _ticket_action(Action.CANCEL, "cancel"),
    methods=["POST"],
    responses=ERRORS,
    summary="Cancel a waiting ticket",
)
router.add_api_route(
    "/halls/{hall}/tickets/{ticket_id}/requeue",
    _ticket_action(Action.REQUEUE, "requeue"),
    methods=["POST"],
    responses=ERRORS,
    summary="过号重排: put a no-show back in the queue behind K tickets (within the time limit)",
)
