"""BookingService: the booking rules against the database and the hall (I/O).

Bookings, look-ups and cancels are their own transactions (a per-hall lock on PostgreSQL, the database
write lock on SQLite), so capacity and "one per person per service per day" hold with several server
processes. Check-in and remote tickets issue a ticket, so they go through ``HallService.mutate`` — the
one transaction path of the hall — and write their booking / request rows in that same transaction
(its ``write`` hook): a ticket and the record that it was checked in commit together or not at all.

Public requests (the phone pages) are first admitted against the per-address limit; admission is
recorded even when the request is then refused, so guessing booking codes costs requests too.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection

from config import HallConfig, ServiceConfig
from server.audit import AuditRecord, append
from server.auth import Principal
from server.cards.links import link_booking_person, person_for_card
from server.core import FINAL, Hall, Issued, Lane, Ticket, TicketState, WorkCalendar
from server.halls.service import SYSTEM, Answer, HallService, Render
from server.storage.db import read_transaction, write_transaction

from . import phone_proof, rules, store
from .blacklist import shift_months
from .codes import new_code
from .errors import BookingRefused
from .model import Booking, BookingState
from .offer import DayOffer, offer_days
from .person import Person, address_hash
from .policy import BookingPolicy
from .ratelimit import check_address, check_person_today
from .slots import Horizon

log = logging.getLogger("hallq.booking")
BOOKING_KINDS = ("booking", "lookup", "cancel")
CODE_KINDS = ("code", "verify")
REMOTE_KINDS = ("remote", "notify")
CHECK_IN = "booking.check_in"  # audit action names
REMOTE = "ticket.remote"


@dataclass(frozen=True, slots=True)
class CheckIn:
    """What a check-in did: the ticket issued and the booking as now recorded."""

    issued: Issued
    booking: Booking

    @property
    def ticket(self) -> Ticket:  # HallService audits and stores the ticket it finds here
        return self.issued.ticket

    @property
    def late(self) -> bool:
        return self.booking.state is BookingState.LATE


def _audit(action: str, person: Person, booking: Booking) -> AuditRecord:
    """留痕 (001 第十四条): who (masked), what, which slot — never the number."""
    return _audit_masked(action, person.mask, booking)


def _audit_masked(action: str, mask: str, booking: Booking) -> AuditRecord:
    return AuditRecord(action, f"{booking.channel}:{mask}", "public", booking.hall, None, None,
                       {"booking": booking.code, "service": booking.service, "slot": booking.slot_start,
                        "after_hours": booking.after_hours, "verified": booking.verified})


def public_principal(person: Person) -> Principal:
    """The audit trail's "who" for a citizen on the phone pages: the masked number, never the number."""
    return Principal(actor=f"phone:{person.mask}", role="public", hall=None)


class BookingService:
    def __init__(self, halls: HallService, secret: bytes, policy: BookingPolicy | None = None, *,
                 randbelow: Callable[[int], int] = secrets.randbelow) -> None:
        self.halls = halls
        self.engine = halls.engine
        self.tz = halls.tz
        self.secret = secret
        self.policy = policy or BookingPolicy()
        self._randbelow = randbelow
        # (hall, change) after each committed booking or cancel (the slot read model, issue 14)
        self.listeners: list[Callable[[str, store.SlotChange], None]] = []

    @property
    def calendar(self) -> WorkCalendar:
        """The hall service's: a configuration reload replaces it (holidays, 调休)."""
        return self.halls.calendar

    def now(self) -> float:
        return self.halls.clock()

    def config(self, hall_id: str) -> HallConfig:
        return self.halls.config(hall_id)

    # -- slots ------------------------------------------------------------------------------------------
    def offer(self, hall_id: str, service: str) -> tuple[ServiceConfig, list[DayOffer]]:
        """The bookable slots of a service from now on, with the places left in each, read from the
        database: the reference for the in-memory read model (``server.readmodels.slots``)."""
        cfg = self.config(hall_id)
        svc = rules.service_of(cfg, service)
        now = self.now()
        horizon = Horizon.of(self.calendar, self.policy, dt.datetime.fromtimestamp(now, self.tz).date())
        with read_transaction(self.engine) as conn:
            taken = store.taken(conn, hall_id, svc.code, [d.isoformat() for d in horizon.days()])
        return svc, offer_days(cfg, self.calendar, self.policy, self.tz, svc, now, lambda at: taken.get(at, 0))

    def _changed(self, hall_id: str, change: store.SlotChange) -> None:
        """After the commit: this process's slot read model applies the change before the answer goes out."""
        for listener in list(self.listeners):
            try:
                listener(hall_id, change)
            except Exception:
                log.exception("a slot-change listener failed")

    # -- book, look up, cancel ------------------------------------------------------------------------------
    def book(self, hall_id: str, *, service: str, day: dt.date, start_min: int, person: Person, address: str,
             channel: str = "web", phone: str | None = None) -> Booking:
        """``phone``: the phone hash a phone token proves (``phone_proof.proven_phone``), or None.

        A phone booking needs its own number proved. An ID booking may carry a proved contact phone; without
        one it is *unverified*: nothing about the ID's other bookings or blacklist state is consulted or
        revealed (the asker may be a stranger), it cannot be looked up or cancelled online, its no-shows do
        not count to 003 §7, and a kiosk checks it in only with the ID card itself."""
        cfg = self.config(hall_id)
        key = person.key(self.secret)
        if person.kind == "phone" and (phone is None or not secrets.compare_digest(phone, key)):
            raise phone_proof.unverified()
        self._admit(hall_id, "booking", address, BOOKING_KINDS, self.policy.booking_per_ip_hour)
        verified = phone is not None
        with write_transaction(self.engine) as conn:
            now = self.now()
            store.lock_bookings(conn, hall_id)
            history = self._history(conn, key, now) if verified else []
            slot = rules.decide_booking(
                cfg, self.calendar, self.tz, self.policy, service=service, day=day, start_min=start_min,
                history=history, taken=lambda s: store.taken(conn, hall_id, s.service, [s.day.isoformat()])
                .get(s.start(self.tz), 0), now=now)
            code = self._fresh_code(conn)
            booking = rules.new_booking(cfg, self.calendar, self.tz, slot, code=code, person=person,
                                        secret=self.secret, channel=channel, now=now)
            booking = replace(booking, verified=verified, phone_hash=phone)
            store.insert_booking(conn, booking)
            change = store.record_change(conn, hall_id, booking.service, booking.slot_start, +1, now)
            link_booking_person(conn, self.secret, person, key, now)  # issue 18: check-in by ID card
            append(conn, _audit("booking.book", person, booking), at=now)
        self._changed(hall_id, change)
        return booking

    def lookup(self, hall_id: str, code: str, phone: str | None, address: str) -> Booking:
        """A booking by its code, for the person who proved the booking's phone (``phone``: its hash)."""
        self.config(hall_id)
        if phone is None:
            raise phone_proof.unverified()
        self._admit(hall_id, "lookup", address, BOOKING_KINDS, self.policy.booking_per_ip_hour)
        with read_transaction(self.engine) as conn:
            return self._own(conn, hall_id, code, phone).at(self.now())

    def cancel(self, hall_id: str, code: str, phone: str | None, address: str) -> Booking:
        self.config(hall_id)
        if phone is None:
            raise phone_proof.unverified()
        self._admit(hall_id, "cancel", address, BOOKING_KINDS, self.policy.booking_per_ip_hour)
        with write_transaction(self.engine) as conn:
            now = self.now()
            store.lock_bookings(conn, hall_id)  # the change's number (PostgreSQL: per hall, in commit order)
            booking = self._own(conn, hall_id, code, phone)
            cancelled = rules.cancel(booking, now, self.tz)
            if not store.update_booking(conn, cancelled, expect=BookingState.BOOKED):
                raise BookingRefused("not_cancellable", "该预约刚刚已签到或取消", "this booking was just checked in "
                                     "or cancelled")
            change = store.record_change(conn, hall_id, booking.service, booking.slot_start, -1, now)
            append(conn, _audit_masked("booking.cancel", booking.person_mask, cancelled), at=now)
        self._changed(hall_id, change)
        return cancelled

    def of_day(self, hall_id: str, day: str) -> list[Booking]:
        """A hall's bookings of a day (staff view; people only masked)."""
        self.config(hall_id)
        with read_transaction(self.engine) as conn:
            now = self.now()
            return [b.at(now) for b in store.of_day(conn, hall_id, day)]

    # -- check-in at the kiosk or counter -------------------------------------------------------------------
    def check_in(self, hall_id: str, *, who: Principal, code: str | None = None, phone: Person | None = None,
                 render: Render, idem: Any = None, card: str | None = None) -> Answer:
        """Issue the booked visitor's ticket: appointment lane on time, walk-in lane when late.

        An unverified booking (an ID number without a proved phone: anyone could have typed it) is checked
        in at a kiosk only with ``card``, the keyed hash of the ID card the kiosk's reader read
        (``vocab.cardhash``; ``POST …/cards/check-in`` sends it), which must belong to the booking's person
        (``server.cards.links``); at a counter the clerk looks at the card."""
        cfg = self.config(hall_id)
        booking = self._find_for_checkin(hall_id, code, phone)
        if not booking.verified and who.role == "kiosk" and not self._card_matches(card, booking):
            raise BookingRefused("card_required", "该预约需刷预约人本人的身份证签到，或到窗口签到",
                                 "this booking is checked in with the booker's own ID card, or at a counter")
        late_channel = "counter" if who.role in ("counter", "clerk", "manager") else "kiosk"

        def command(hall: Hall, now: float) -> CheckIn:
            lane = rules.checkin_lane_for(cfg, booking, now, self.tz)
            if lane is Lane.APPOINTMENT:  # booked for this time: issued even outside the kiosk's hours
                issued = hall.issue(booking.service, Lane.APPOINTMENT, now=now, channel="appointment",
                                    appointment_id=booking.id, check_hours=False)
            else:  # 003 §2: late → an ordinary walk-in ticket, under the walk-in rules (hours included)
                issued = hall.issue(booking.service, Lane.NORMAL, now=now, channel=late_channel,
                                    appointment_id=booking.id)
            return CheckIn(issued, rules.checked_in(booking, lane, issued.ticket.id, now))

        def write(conn: Connection, result: CheckIn, now: float) -> None:
            if not store.update_booking(conn, result.booking, expect=BookingState.BOOKED):
                raise BookingRefused("already_checked_in", "该预约刚刚已签到或取消",
                                     "this booking was just checked in or cancelled")

        return self.halls.mutate(hall_id, command, who=who, action=CHECK_IN, render=render, idem=idem,
                                 write=write, detail={"booking": booking.code})

    def _card_matches(self, card: str | None, booking: Booking) -> bool:
        if card is None:
            return False
        with read_transaction(self.engine) as conn:
            person = person_for_card(conn, card)
        return person is not None and secrets.compare_digest(person, booking.person_hash)

    def _find_for_checkin(self, hall_id: str, code: str | None, phone: Person | None) -> Booking:
        with read_transaction(self.engine) as conn:
            now = self.now()
            if code is not None:
                booking = store.by_code(conn, hall_id, code)
            else:
                assert phone is not None
                midnight = dt.datetime.combine(dt.datetime.fromtimestamp(now, self.tz).date(), dt.time(),
                                               self.tz).timestamp()
                mine = [b for b in store.for_phone(conn, phone.key(self.secret), since=midnight)
                        if b.hall == hall_id]
                booking = rules.pick_for_checkin(mine, now, self.tz,
                                                 self.config(hall_id).lanes.appointment_early_min)
        if booking is None:
            what_zh, what_en = ("预约码", "booking code") if code is not None else ("手机号今天的预约", "booking "
                                                                                "today for this phone number")
            raise BookingRefused("unknown_booking", f"没有找到该{what_zh}，请核对或现场取号",
                                 f"no {what_en} found: check it or take a walk-in ticket")
        return booking

    # -- remote walk-in tickets (云叫号) ---------------------------------------------------------------------
    def remote_ticket(self, hall_id: str, *, service: str, person: Person, address: str,
                      render: Render, phone: str | None = None) -> Answer:
        """A walk-in ticket taken from a phone (channel "phone"), within opening hours (the core checks
        them), rate-limited per person and per client address; ``phone``: the proved phone hash."""
        cfg = self.config(hall_id)
        rules.service_of(cfg, service)
        if person.kind != "phone":
            raise BookingRefused("bad_person", "远程取号请填写手机号（用于到号提醒）",
                                 "remote tickets need a mobile number (for the reminder)")
        if phone is None or not secrets.compare_digest(phone, person.key(self.secret)):
            raise phone_proof.unverified()
        addr = self._admit(hall_id, "remote", address, REMOTE_KINDS, self.policy.remote_per_ip_hour)
        key = person.key(self.secret)
        with read_transaction(self.engine) as conn:  # cheap refusal before the hall is touched
            self._check_person(conn, hall_id, key, service, self.now())

        def write(conn: Connection, issued: Issued, now: float) -> None:
            self._check_person(conn, hall_id, key, service, now, exclude=issued.ticket.id)
            store.record_request(conn, hall=hall_id, kind="remote_ticket", address_hash=addr, person_hash=key,
                                 service=service, ticket_id=issued.ticket.id, at=now)

        return self.halls.mutate(
            hall_id, lambda hall, now: hall.issue(service, Lane.NORMAL, now=now, channel="phone"),
            who=public_principal(person), action=REMOTE, render=render, write=write,
            detail={"service": service, "channel": "phone"})

    def _check_person(self, conn: Connection, hall_id: str, key: str, service: str, now: float,
                      exclude: str | None = None) -> None:
        midnight = dt.datetime.combine(dt.datetime.fromtimestamp(now, self.tz).date(), dt.time(), self.tz)
        taken = [(at, tid) for at, tid in store.person_remote_tickets(conn, hall_id, key,
                                                                      since=midnight.timestamp())
                 if tid != exclude]
        check_person_today([at for at, _ in taken], now=now, limit=self.policy.remote_per_person_day, tz=self.tz)
        states = store.ticket_states(conn, [tid for _, tid in taken if tid])
        for svc, _number, state in states.values():
            if svc == service and TicketState(state) not in FINAL:  # no number: the page shows the ticket
                raise BookingRefused("already_queued", "您已有一张该业务的号在排队，请勿重复取号",
                                     "you already have a ticket in this queue")

    # -- helpers ------------------------------------------------------------------------------------------------
    def _admit(self, hall_id: str, kind: str, address: str, kinds: tuple[str, ...], limit: int) -> str:
        """Count this request against its client address (hashed), or refuse it (429)."""
        addr = address_hash(self.secret, address)
        with write_transaction(self.engine) as conn:
            now = self.now()
            check_address(store.address_times(conn, addr, kinds, since=now - 3600), now=now, limit=limit)
            store.record_request(conn, hall=hall_id, kind=kind, address_hash=addr, at=now)
        return addr

    def record_notify(self, hall_id: str, address: str) -> None:
        self._admit(hall_id, "notify", address, REMOTE_KINDS, self.policy.remote_per_ip_hour)

    def _history(self, conn: Connection, key: str, now: float) -> list[Booking]:
        """A person's verified bookings (003 §7 counts only bookings the person provably made)."""
        months = self.policy.no_show_window_months + self.policy.blacklist_months
        return [b for b in store.for_person(conn, key, since=shift_months(now, -months, self.tz)) if b.verified]

    def _own(self, conn: Connection, hall_id: str, code: str, phone: str) -> Booking:
        booking = store.by_code(conn, hall_id, code.strip().upper())
        if booking is None or not booking.verified or not secrets.compare_digest(booking.phone_hash or "", phone):
            raise BookingRefused("unknown_booking", "没有找到该预约：请核对预约码和验证过的手机号",
                                 "no such booking: check the code and the phone number you proved")
        return booking

    # -- one-time codes (phone_proof.py) -------------------------------------------------------------------
    def issue_code(self, hall_id: str, phone: Person, address: str) -> str:
        """A one-time code for ``phone`` (the caller sends it), rate-limited per phone and per address."""
        self.config(hall_id)
        if phone.kind != "phone":
            raise BookingRefused("bad_person", "请输入 11 位手机号", "enter an 11-digit mobile number")
        addr = self._admit(hall_id, "code", address, CODE_KINDS, self.policy.booking_per_ip_hour)
        with write_transaction(self.engine) as conn:
            return phone_proof.issue_code(conn, self.secret, phone, addr, now=self.now(),
                                          randbelow=self._randbelow)

    def verify_code(self, hall_id: str, phone: Person, code: str, address: str) -> tuple[str, float]:
        self.config(hall_id)
        self._admit(hall_id, "verify", address, CODE_KINDS, self.policy.booking_per_ip_hour)
        with write_transaction(self.engine) as conn:
            earned = phone_proof.verify(conn, self.secret, phone, code, now=self.now())
        if earned is None:  # refused after the commit: the wrong try stays counted
            raise phone_proof.bad_code()
        return earned

    def proven_phone(self, token: str | None) -> str | None:
        with read_transaction(self.engine) as conn:
            return phone_proof.proven_phone(conn, token, now=self.now())

    def _fresh_code(self, conn: Connection) -> str:
        while True:
            code = new_code(self._randbelow, self.policy.code_length)
            if not store.code_exists(conn, code):
                return code

    def sweep(self) -> int:
        """Write down the no-shows whose check-in window has closed (audited, by the system); purge old
        rate-limit rows."""
        with write_transaction(self.engine) as conn:
            now = self.now()
            missed = store.sweep_no_shows(conn, now)
            append(conn, [AuditRecord("booking.no_show", SYSTEM.actor, SYSTEM.role, b.hall, None, None,
                                      {"booking": b.code, "service": b.service, "slot": b.slot_start})
                          for b in missed], at=now)
            store.purge_requests(conn, before=now - 2 * 86400)
            store.purge_changes(conn, before=now - 2 * 86400)
            phone_proof.purge(conn, before=now - 2 * 86400)
        return len(missed)
