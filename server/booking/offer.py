"""What the public slots page shows (``GET …/booking/slots``): the bookable slots of a service from now to
the horizon with the places left in each, and the page's JSON body. Pure: explicit ``now`` and a
``taken(slot start)`` count, so that the database path (``BookingService.offer``, the reference) and the
in-memory read model (``server.readmodels.slots``) build the same answer byte for byte.

Places left: 003 §2 — a slot holds ``capacity`` bookings; every booking not cancelled holds a place
(checked in, late and no-show ones too: the place was used or forfeited, never given back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from config import HallConfig, ServiceConfig
from server.core import WorkCalendar

from .policy import BookingPolicy
from .slots import Horizon, Slot, clock, day_slots, local_instant


@dataclass(frozen=True, slots=True)
class DayOffer:
    day: dt.date
    slots: list[tuple[Slot, int]]  # (slot, places left)


def offer_days(cfg: HallConfig, calendar: WorkCalendar, policy: BookingPolicy, tz: ZoneInfo,
               svc: ServiceConfig, now: float, taken: Callable[[float], int]) -> list[DayOffer]:
    """The days with a slot that can still be booked at ``now``; ``taken(start)``: bookings of the slot
    starting at ``start`` (POSIX seconds) that hold a place."""
    horizon = Horizon.of(calendar, policy, dt.datetime.fromtimestamp(now, tz).date())
    out = []
    for day in horizon.days():
        slots = [(s, max(0, s.capacity - taken(s.start(tz))))
                 for s in day_slots(cfg, calendar, policy, svc, day)
                 if horizon.allows(s) and s.start(tz) > now]
        if slots:
            out.append(DayOffer(day, slots))
    return out


def same_until(days: list[DayOffer], now: float, tz: ZoneInfo) -> float:
    """Until when the offer made at ``now`` stays the same while no booking changes: the soonest slot's
    start (it then drops out) or the next local midnight (the horizon moves), whichever comes first."""
    today = dt.datetime.fromtimestamp(now, tz).date()
    midnight = local_instant(today + dt.timedelta(days=1), 0, tz)
    starts = [s.start(tz) for d in days for s, _ in d.slots]
    return min([midnight, *starts])


def offer_body(hall: str, cfg: HallConfig, svc: ServiceConfig, days: list[DayOffer], tz: ZoneInfo) -> dict[str, Any]:
    """The JSON body of ``GET …/booking/slots`` (003 §3: the materials are shown before booking)."""
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
