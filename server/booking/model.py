"""A booking (预约) and its states. Plain data; the rules that move it are in :mod:`.rules`.

::

    booked ──check-in on time──► checked_in     (appointment lane ticket)
      │    ──check-in late──────► late           (walk-in lane ticket: the visitor came, 003 §7 not hit)
      │    ──cancel before slot─► cancelled
      └────check-in window closes► no_show        (counts towards the 003 §7 blacklist)
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, replace
from typing import Any


class BookingState(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    LATE = "late"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


@dataclass(frozen=True, slots=True)
class Booking:
    id: str
    code: str  # what the visitor types or scans at the kiosk
    hall: str
    service: str
    day: str  # local date of the slot, "YYYY-MM-DD"
    slot_start: float  # POSIX seconds
    slot_end: float
    closes_at: float  # end of the check-in window: a booking still open then is a no-show
    person_hash: str  # HMAC of the phone or ID number (person.py)
    person_mask: str  # 138****5678: the only form shown
    channel: str  # web | phone | counter
    state: BookingState
    after_hours: bool
    created_at: float
    cancelled_at: float | None = None
    checked_in_at: float | None = None
    ticket_id: str | None = None
    no_show_at: float | None = None
    # issue 13: the phone was proved with a one-time code (phone bookings; the contact phone of an ID
    # booking). Only verified bookings are looked up or cancelled online and count to the 003 §7 blacklist
    verified: bool = False
    phone_hash: str | None = None  # HMAC of the verified phone (== person_hash for a phone booking)

    def state_at(self, now: float) -> BookingState:
        """The state at ``now``: an open booking whose check-in window has closed is a no-show even
        before the periodic sweep writes it down (decided on read)."""
        if self.state is BookingState.BOOKED and now >= self.closes_at:
            return BookingState.NO_SHOW
        return self.state

    def no_show_time(self, now: float) -> float | None:
        """When this booking became a no-show (the close of its check-in window), if it is one."""
        if self.state_at(now) is not BookingState.NO_SHOW:
            return None
        return self.no_show_at if self.no_show_at is not None else self.closes_at

    def at(self, now: float) -> Booking:
        """This booking as seen at ``now`` (no-show decided on read)."""
        state = self.state_at(now)
        if state is self.state:
            return self
        return replace(self, state=state, no_show_at=self.closes_at)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["state"] = self.state.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Booking:
        return cls(**{**d, "state": BookingState(d["state"])})
