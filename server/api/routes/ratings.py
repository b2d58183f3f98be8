"""POST /halls/{hall}/tickets/{id}/rating: the visitor's 好差评 of one finished visit (issue 6; issue 9
adds the follow-ups of bad ratings and the phone channel).

Rules (DOMAIN rule 8):

* five levels, ``score`` 1–5, or ``null`` = 未评价: the pad was offered and nobody pressed a key. A rating
  is voluntary and never defaulted (004 第三十三条 "不得违背申请人意愿"), so not rating is stored as itself;
* tied to ticket, service, window and clerk (001 第四十一条, 003 (七)1), taken from the ticket as the core
  holds it, never from the request;
* one per visit: a second one → 409 ``already_rated`` (a retry with the same Idempotency-Key is answered
  from the store instead, so a lost answer is not a second rating);
* only after the visit finished (409 ``not_finished``), and only from the counter terminal or pad of the
  window that served it: a clerk's token gets 403 (``ROLE_MATRIX``: the clerk cannot rate for the visitor).

It goes through ``HallService.mutate`` like every other hall action: one transaction, audited as
``ticket.rate``, idempotent. The hall's state does not change, so no event is published.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, insert, select

from server.auth import Action, authorize
from server.core import Refused, Ticket, TicketState
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction
from server.supervision import monitor as supervision

from ..deps import Ctx, Idem, Who
from ..schemas import ERRORS, TicketId
from .common import respond

router = APIRouter(tags=["ratings"])

# 001 第四十一条 / DOMAIN rule 8: the five levels, best first
LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "very satisfied"),
    4: ("满意", "satisfied"),
    3: ("基本满意", "basically satisfied"),
    2: ("不满意", "dissatisfied"),
    1: ("非常不满意", "very dissatisfied"),
}
NOT_RATED = ("未评价", "not rated")


class RatingRequest(BaseModel):
    """``score`` 1–5, or null when the visitor did not rate (the pad's time ran out)."""

    model_config = ConfigDict(extra="forbid")

    score: Annotated[int, Field(ge=1, le=5)] | None
    channel: Literal["pad"] = "pad"


def rating_view(row: dict[str, Any]) -> dict[str, Any]:
    zh, en = NOT_RATED if row["score"] is None else LEVELS[row["score"]]
    return {**row, "label_zh": zh, "label_en": en}


@router.post("/halls/{hall}/tickets/{ticket_id}/rating", status_code=201, responses=ERRORS)
def rate(hall: str, ticket_id: TicketId, body: RatingRequest, ctx: Ctx, who: Who, idem: Idem) -> Response:
    """Record the visitor's rating (or 未评价) of a finished visit; once per visit."""
    ctx.service.config(hall)
    authorize(who, Action.RATE, hall)  # the role first: a clerk learns nothing about the ticket
    with read_transaction(ctx.engine) as conn:
        served_at = conn.execute(
            select(t.tickets.c.window).where(t.tickets.c.id == ticket_id, t.tickets.c.hall == hall)
        ).first()
    if served_at is None:
        raise Problem("unknown_ticket", f"没有票号 {ticket_id}", f"no ticket {ticket_id}", 404)
    window = served_at.window
    authorize(who, Action.RATE, hall, window)

    def command(h: Any, now: float) -> Ticket:
        ticket = h.ticket(ticket_id)
        if ticket.state is not TicketState.DONE or ticket.window != window:
            raise Refused("not_finished", f"票号 {ticket.number} 尚未办结，不能评价",
                          f"ticket {ticket.number} is not finished: it cannot be rated yet")
        return ticket

    written: dict[str, Any] = {}

    def write(conn: Connection, ticket: Ticket, now: float) -> None:
        done = conn.execute(select(t.ratings.c.score).where(t.ratings.c.ticket_id == ticket.id)).first()
        if done is not None:
            raise Problem("already_rated", f"票号 {ticket.number} 已评价过，每次办件只能评价一次",
                          f"ticket {ticket.number} was already rated: one rating per visit", 409)
        written.update(
            ticket_id=ticket.id, hall=ticket.hall, service=ticket.service, window=ticket.window,
            clerk=ticket.clerk, score=body.score, channel=body.channel, at=now,
        )
        conn.execute(insert(t.ratings).values(**written))

    out = ctx.service.mutate(
        hall,
        command,
        who=who,
        action=Action.RATE,
        window=window,
        idem=idem,
        detail={"score": body.score, "channel": body.channel},
        write=write,
        render=lambda done: (201, {"rating": rating_view(written)}),
    )
    if body.score is not None and body.score <= 2 and not out.replayed:
        supervision.followup_now(ctx.service, hall)  # issue 9: a bad rating opens its follow-up at once
    return respond(out)

