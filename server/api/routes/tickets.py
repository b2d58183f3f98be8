"""Tickets: issue (kiosk), read, cancel, requeue (过号重排: by id, or by the number or QR on the ticket)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import StringConstraints
from sqlalchemy import select

from server.auth import Action, Principal, authorize
from server.cards import card_detail, per_person_write, require_card
from server.core import Lane
from server.halls.errors import Problem
from server.halls.repo import TICKET_FIELDS
from server.storage import schema as t
from server.storage.db import read_transaction

from .. import views
from ..context import AppContext
from ..deps import Ctx, Idem, IdemFast, Who, WhoFast
from ..schemas import ERRORS, IssuedBody, IssueRequest, TicketId, _Body
from .common import respond

router = APIRouter(tags=["tickets"])


@router.post(
    "/halls/{hall}/tickets", status_code=201, responses={201: {"model": IssuedBody}, **ERRORS}
)
async def issue(hall: str, body: IssueRequest, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    """Take a ticket. 409 ``closed`` outside opening hours (the message says them), ``daily_cap`` when full."""
    return respond(await ctx.service.submit(hall, **issue_job(ctx, hall, body, who), who=who, idem=idem))


def issue_job(ctx: AppContext, hall: str, body: IssueRequest, who: Principal) -> dict[str, Any]:
    """Everything an issue hands to the hall's writer but the caller and its key (``submit``'s keywords);
    raises the request's Problems (unknown hall, role, 凭身份证取号) before anything is queued. One place
    for this route and the lean POST path (server/api/fastpath.py)."""
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

    return {
        "command": lambda h, now: h.issue(body.service, Lane(body.lane), now=now, channel=body.channel),
        "action": Action.ISSUE,
        "render": render,
        "detail": {"service": body.service, "lane": body.lane, "channel": body.channel,
                   **card_detail(body.card, body.person_hash)},
        "write": per_person_write(cfg, body.service, body.person_hash, ctx.service.tz),
    }


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
    async def handler(hall: str, ticket_id: TicketId, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
        cfg = ctx.service.config(hall)
        authorize(who, action, hall)
        return respond(
            await ctx.service.submit(
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


# ── 过号重排 where the visitor is: the kiosk (scanned ticket QR or typed number) and the counter ──────
# The ticket-id route above needs the id, which a visitor does not have. This one takes what is printed
# on the ticket: its number (today's, in this hall) or its tracking QR (the URL a kiosk's scanner types,
# or the bare token). Role rule: the same as the id route, Action.REQUEUE = kiosk devices and the people
# and terminals at a window, each only in their own hall (authorize) — a number is no secret, but the
# kiosk and the counter are in the hall, where the paper ticket is, and the hall's rule (within
# requeue_within_min of the no-show, behind requeue_behind others) is the same from every place.

_NUMBER = re.compile(r"^[A-Z]{1,4}[0-9]{3,5}$")
_TRACK = re.compile(r"(?:^|/t/)([A-Za-z0-9_-]{1,64})/?$")
_CONTINUATION = re.compile(r"(-T[0-9]+)+$")


class RequeueRequest(_Body):
    """Exactly one of ``number`` ("A012", today's) or ``track`` (the ticket's QR: URL or token)."""

    number: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=16)] | None = None
    track: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None


def _not_found(what: str) -> Problem:
    return Problem("unknown_ticket", f"今天本大厅没有 {what} 号，请核对票上的号码",
                   f"no ticket {what} in this hall today: please check the number on your ticket", 404)


_NOT_MISSED = {  # what a visitor is told when the ticket is not a missed one (plain words, no state names)
    "waiting": ("{n} 号还在排队，不需要重排，请留意叫号",
                "{n} is still in the queue: no need to rejoin, listen for your number"),
    "called": ("{n} 号正在叫号，请马上到窗口", "{n} is being called now: please go to the window"),
    "recalled": ("{n} 号正在叫号，请马上到窗口", "{n} is being called now: please go to the window"),
    "serving": ("{n} 号正在办理", "{n} is being served"),
    "done": ("{n} 号已经办理完毕", "{n} has already been served"),
    "transferred": ("{n} 号已转到其他业务", "{n} was transferred to another service"),
    "cancelled": ("{n} 号已取消，请重新取号", "{n} was cancelled: please take a new ticket"),
}


@router.post("/halls/{hall}/tickets/requeue", responses=ERRORS)
def requeue_by_ticket(hall: str, body: RequeueRequest, ctx: Ctx, who: Who, idem: Idem) -> Response:
    """过号重排 by what is printed on the ticket. 200 ``{"ticket", "ahead", "estimated_wait_s",
    "wait_low_min", "wait_high_min", "beyond_closing", "closes_at", "track_url", "requeue_behind",
    "requeue_within_min", "seq"}``; 404 ``unknown_ticket``; 409
    ``requeue_expired`` (too late: the message says the limit), ``not_missed`` (the ticket is waiting,
    called, served, cancelled: the message says which)."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.REQUEUE, hall)
    if (body.number is None) == (body.track is None):
        raise Problem("invalid_request", "请给出票号或扫描票上的二维码（二选一）",
                      "give either the ticket number or the ticket's QR code", 422)
    start_id: str | None = None
    if body.track is not None:
        m = _TRACK.search(body.track)
        with read_transaction(ctx.engine) as conn:
            row = conn.execute(select(t.tickets.c.id).where(
                t.tickets.c.track_token == (m.group(1) if m else ""), t.tickets.c.hall == hall)).first()
        if row is None:
            raise Problem("unknown_ticket", "这个二维码不是本大厅今天的票，请输入票上的号码",
                          "this QR code is not a ticket of this hall today: please type the number instead", 404)
        start_id = row.id
    elif not _NUMBER.match(body.number or ""):
        raise Problem("invalid_request", "票号应为字母加数字，如 A012",
                      "a ticket number is letters then digits, e.g. A012", 422)

    def command(h, now: float):
        day = ctx.service.local_day(now)
        if start_id is not None:
            chosen = h.ticket(start_id) if any(x.id == start_id for x in h.tickets()) else None
            if chosen is None or chosen.day != day:
                raise _not_found("")
        else:
            same = sorted((x for x in h.tickets() if x.number == body.number and x.day == day),
                          key=lambda x: len(x.id))  # the first ticket, then its transfer continuations
            if not same:
                raise _not_found(body.number)
            chosen = same[0]
        while chosen.transferred_to:  # the visitor's latest ticket of the chain
            chosen = h.ticket(chosen.transferred_to)
        if chosen.state != "no_show":
            zh, en = _NOT_MISSED.get(str(chosen.state), ("{n} 号不能重排", "{n} cannot rejoin the queue"))
            raise Problem("not_missed", zh.format(n=chosen.number), en.format(n=chosen.number), 409)
        ticket = h.requeue(chosen.id, now=now)
        return ticket, h.estimate(ticket.id, now=now)

    def render(done):
        ticket, estimate = done.result
        root = _CONTINUATION.sub("", ticket.id)
        with read_transaction(ctx.engine) as conn:
            token = conn.execute(select(t.tickets.c.track_token).where(t.tickets.c.id == root)).scalar()
        return 200, {"ticket": views.ticket_view(ticket.to_dict(), cfg), "ahead": estimate.ahead,
                     "estimated_wait_s": int(estimate.wait_s), **views.estimate_fields(estimate),
                     "track_url": ctx.service.track_url(token) if token else None,
                     "requeue_behind": cfg.recall.requeue_behind,
                     "requeue_within_min": cfg.recall.requeue_within_min, "seq": done.seq}

    return respond(ctx.service.mutate(hall, command, who=who, action=Action.REQUEUE, idem=idem, render=render,
                                      detail={"number": body.number, "track": body.track is not None}))
