"""Appointments (预约), remote tickets and 到号提醒: seed 003 §1–7, DOMAIN rules 1–3 and 11.

Pure (explicit ``now``, no I/O, no randomness — tested with an injected clock):

* policy      BookingPolicy: every number the rules use (slot length, horizons, blacklist, limits)
* person      Person: phone or ID number → keyed hash and masked form (138****5678)
* model       Booking, BookingState (booked → checked_in | late | cancelled | no_show)
* slots       slots per service per day with capacity; in-hours and after-hours; the booking horizon
* offer       the public slots page: bookable slots with places left, and its JSON body (shared by the
              database path and the in-memory read model, server/readmodels/slots.py)
* rules       book, cancel, check-in lane; one booking per person per service per day
* blacklist   003 §7: three no-shows within half a year → no booking for a year
* ratelimit   per person and per client address
* notices     when a subscribed ticket gets its 到号提醒
* codes       booking codes

I/O: ``store`` (tables; ``booking_changes`` numbers each booking and cancel per hall), ``service``
(BookingService: transactions, check-in and remote tickets through
``HallService.mutate``), ``watcher`` (NoticeWatcher: subscriptions and sending), ``runtime`` (wiring).
"""

from .errors import BookingRefused
from .model import Booking, BookingState
from .person import Person
from .policy import BookingPolicy

__all__ = ["Booking", "BookingPolicy", "BookingRefused", "BookingState", "Person"]
