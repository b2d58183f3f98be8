"""ID cards at the kiosk (issue 18): the kiosks' card key, what a laid card is booked for today, and
check-in by card. The kiosk sends the card's keyed hash (``vocab.cardhash``), never the number; answers
carry no hash and no number either.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from server.auth import Action, authorize
from server.booking import BookingRefused
from server.cards import booking_for_card, derive_card_key
from server.storage.db import read_transaction

from ..deps import Ctx, Idem, Who
from ..schemas import ERRORS, PersonHash, _Body
from . import booking as booking_routes
from .booking import CheckInRequest, Runtime, booking_view

router = APIRouter(tags=["cards"])

#: what a kiosk shows of a card's booking before the one-tap check-in: no code, no person, no ids
_SHOWN = ("service", "service_name_zh", "service_name_en", "day", "start", "end", "state")


class CardRequest(_Body):
    person_hash: PersonHash


@router.get("/devices/card-key", responses=ERRORS)
def card_key(ctx: Ctx, who: Who) -> dict:
    """The key a kiosk hashes ID numbers with (derived from the deployment's secret; kiosk tokens only).
    The kiosk keeps it in memory; a revoked token cannot fetch it again."""
    authorize(who, Action.CARD_USE)
    return {"card_key": derive_card_key(ctx.settings.secret()).hex()}


def _today_booking(hall: str, person_hash: str, ctx: Any, rt: Any):
    cfg = ctx.service.config(hall)
    with read_transaction(ctx.engine) as conn:
        return booking_for_card(conn, hall, person_hash, rt.service.now(), rt.service.tz,
                                cfg.lanes.appointment_early_min)


@router.post("/halls/{hall}/cards/lookup", responses=ERRORS)
def lookup(hall: str, body: CardRequest, ctx: Ctx, who: Who, rt: Runtime) -> dict:
    """Today's booking (to check in now) of the person whose card was laid, or ``null``."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.CARD_USE, hall)
    booking = _today_booking(hall, body.person_hash, ctx, rt)
    if booking is None:
        return {"booking": None}
    view = booking_view(booking.at(rt.service.now()), cfg, rt.service.tz)
    return {"booking": {k: view[k] for k in _SHOWN}}


@router.post("/halls/{hall}/cards/check-in", status_code=201, responses=ERRORS)
def check_in(hall: str, body: CardRequest, ctx: Ctx, who: Who, idem: Idem, rt: Runtime) -> Response:
    """预约签到 with the ID card the booking was made with: the booking service's own check-in of that
    booking (same rules, answer and audit as by code)."""
    ctx.service.config(hall)
    authorize(who, Action.CHECK_IN, hall)
    booking = _today_booking(hall, body.person_hash, ctx, rt)
    if booking is None:
        raise BookingRefused("unknown_booking", "没有找到该身份证今天的预约，请现场取号",
                             "no booking today for this ID card: please take a walk-in ticket")
    # the card itself is the proof an unverified ID booking needs at a kiosk (issue 13)
    return booking_routes.check_in(hall, CheckInRequest(code=booking.code, card=body.person_hash), ctx, who,
                                   idem, rt)
