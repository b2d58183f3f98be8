"""Booking refusals: a stable ``code`` for programs, Chinese and English text for people.

The HTTP layer maps codes to statuses in one table (``server/api/routes/booking.py``).

=========================== ================================================================
code                        when
=========================== ================================================================
bad_person                  not a mainland mobile number nor a valid 18-digit ID number
unknown_service             no such service in this hall
unknown_slot                no slot at that day and time for the service
slot_past                   the slot has already started
slot_full                   the slot's capacity is booked
too_far                     beyond the booking horizon (5 working days)
after_hours_not_listed      outside working hours, and the service is not on the 003 §5 list
after_hours_too_soon        after-hours slot less than 1 working day ahead (003 §6)
after_hours_too_far         after-hours slot more than 5 working days ahead (003 §6)
blacklisted                 3 no-shows within half a year: no booking until the date said (003 §7)
already_booked              one booking per person per service per day
unknown_booking             no booking with that code for that person
not_cancellable             the slot has started, or the booking is no longer open
booking_cancelled           check-in of a cancelled booking
not_today                   check-in on another day than the booking's
checkin_closed              the booking's check-in window has closed (it is a no-show)
already_checked_in          the booking was checked in already
rate_limited                too many requests from this person or address (``retry_after_s``)
phone_unverified            the phone is not proved by a one-time code (issue 13)
bad_code                    a wrong, used or expired one-time code
card_required               an unverified ID booking at a kiosk without the booker's own ID card
=========================== ================================================================
"""

from __future__ import annotations

from server.core import Refused


class BookingRefused(Refused):
    """A booking action the rules will not do; ``str()`` is ``"zh (en)"``. Nothing was changed.

    A :class:`~server.core.Refused`, so that a refusal raised inside ``HallService.mutate`` (check-in,
    remote tickets) rolls back and answers like the core's own refusals."""

    def __init__(self, code: str, zh: str, en: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(code, zh, en)
        self.retry_after_s = retry_after_s
