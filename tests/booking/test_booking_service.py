"""The booking rules through BookingService on a real SQLite database and the real hall core, with an
injected clock (nothing here reads the wall clock): book 7×24, capacity, one per person per service per
day, cancel before the slot, no-shows and the 003 §7 blacklist, check-in lanes, remote tickets."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from server.audit import verify
from server.booking import BookingRefused, BookingState, Person
from server.core import Lane, Refused
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction
from tests.booking.booking_helpers import ID_NUMBER, KIOSK, PHONE, PHONE2, SECRET, Bench, at, day, local, make_bench
from vocab.cardhash import card_hash, derive_card_key


@pytest.fixture
def bench(tmp_path: Path, template_db: Path) -> Bench:
    return make_bench(tmp_path, template_db)


def refused(fn, *args, **kwargs) -> BookingRefused | Problem | Refused:
    with pytest.raises((BookingRefused, Problem, Refused)) as err:
        fn(*args, **kwargs)
    return err.value


# -- booking -------------------------------------------------------------------------------------------------------
def test_booking_is_open_around_the_clock(bench: Bench) -> None:
    """003 §4: 预约实行 7×24 小时服务 — booking at 03:00 on a Sunday works."""
    bench.clock.set("2026-09-20 03:00")
    booking = bench.book("GEN", "2026-09-21 09:00")
    assert booking.state is BookingState.BOOKED and booking.person_mask == "138****5678"
    assert len(booking.code) == 8 and not booking.code.isdigit()
    assert local(booking.slot_start) == "2026-09-21 09:00" and local(booking.closes_at) == "2026-09-21 17:15"


def test_a_slot_takes_only_its_capacity_and_shows_what_is_left(bench: Bench) -> None:
    for i in range(3):
        bench.book("GEN", "2026-09-21 09:00", person=f"1381234{i:04d}")
    err = refused(bench.book, "GEN", "2026-09-21 09:00", person="13900000000")
    assert err.code == "slot_full" and "已约满" in err.zh
    _, days = bench.booking.offer("t", "GEN")
    monday = next(d for d in days if d.day == day("2026-09-21"))
    left = {s.label: n for s, n in monday.slots}
    assert left["09:00-09:30"] == 0 and left["09:30-10:00"] == 3
    assert "08:30-09:00" in left  # 08:00 now: the first slot still lies ahead


def test_one_booking_per_person_per_service_per_day(bench: Bench) -> None:
    first = bench.book("GEN", "2026-09-21 09:00")
    err = refused(bench.book, "GEN", "2026-09-21 15:00", person="138 1234 5678")  # same person, typed otherwise
    assert err.code == "already_booked" and first.code not in err.zh  # issue 13: refusals name no code
    assert bench.book("BIZ", "2026-09-21 09:00").service == "BIZ"  # another service the same day
    assert bench.book("GEN", "2026-09-22 09:00").day == "2026-09-22"  # the same service another day
    assert bench.book("GEN", "2026-09-21 09:00", person=ID_NUMBER).person_mask == "1101**********002X"


def test_cancel_any_time_before_the_slot_frees_the_place(bench: Bench) -> None:
    """003 §7: 如无法按时到达大厅办理，应在第一时间内取消预约."""
    b = bench.book("BIZ", "2026-09-21 09:00")  # capacity 1
    assert refused(bench.book, "BIZ", "2026-09-21 09:00", person=PHONE2).code == "slot_full"
    bench.clock.set("2026-09-21 08:59:59")
    cancelled = bench.booking.cancel("t", b.code, bench.proof(), "10.0.0.1")
    assert cancelled.state is BookingState.CANCELLED
    assert bench.book("BIZ", "2026-09-21 09:30", person=PHONE).state is BookingState.BOOKED  # may book again
    assert bench.book("BIZ", "2026-09-21 09:00", person=PHONE2).state is BookingState.BOOKED  # the place is free


def test_cancel_needs_the_proved_phone_and_is_refused_once_the_slot_started(bench: Bench) -> None:
    b = bench.book("GEN", "2026-09-21 09:00")
    err = refused(bench.booking.cancel, "t", b.code, bench.proof(PHONE2), "10.0.0.1")
    assert err.code == "unknown_booking"
    assert refused(bench.booking.cancel, "t", b.code, None, "10.0.0.1").code == "phone_unverified"
    bench.clock.set("2026-09-21 09:00")
    err = refused(bench.booking.cancel, "t", b.code, bench.proof(), "10.0.0.1")
    assert err.code == "not_cancellable" and "09:00" in err.zh
    bench.clock.set("2026-09-21 17:15")
    err = refused(bench.booking.cancel, "t", b.code, bench.proof(), "10.0.0.1")
    assert err.code == "not_cancellable" and "未到" in err.zh


def test_no_show_is_decided_when_the_check_in_window_closes_on_read_and_by_the_sweep(bench: Bench) -> None:
    b = bench.book("GEN", "2026-09-21 09:00")
    bench.clock.set("2026-09-21 17:14:59")
    assert bench.booking.lookup("t", b.code, bench.proof(), "10.0.0.1").state is BookingState.BOOKED
    assert bench.booking.sweep() == 0
    bench.clock.set("2026-09-21 17:15")  # the kiosks' last issue time: nothing could check in any more
    assert bench.booking.lookup("t", b.code, bench.proof(), "10.0.0.1").state is BookingState.NO_SHOW
    with read_transaction(bench.halls.engine) as conn:  # decided on read, not yet written
        assert conn.execute(select(t.appointments.c.state)).scalar_one() == "booked"
    assert bench.booking.sweep() == 1
    with read_transaction(bench.halls.engine) as conn:
        row = conn.execute(select(t.appointments.c.state, t.appointments.c.no_show_at)).one()
    assert row.state == "no_show" and local(row.no_show_at) == "2026-09-21 17:15"


def _no_show(bench: Bench, slot: str) -> None:
    """Book ``slot`` the evening before, never come, and let the day end."""
    d, _ = slot.split(" ")
    bench.clock.now = at(f"{d} 08:00") - 12 * 3600
    bench.book("GEN", slot)
    bench.clock.set(f"{d} 23:00")
    bench.booking.sweep()


def test_the_third_no_show_within_half_a_year_blacklists_for_exactly_a_year(bench: Bench) -> None:
    """003 §7: 没有办理业务也没有取消预约的，半年内达到 3 次，列入黑名单，一年内不再享受预约服务."""
    _no_show(bench, "2026-01-06 09:00")
    _no_show(bench, "2026-03-03 09:00")
    bench.clock.set("2026-07-03 07:00")
    spare = bench.book("GEN", "2026-07-06 09:00")  # two no-shows: booking still works
    bench.booking.cancel("t", spare.code, bench.proof(), "10.0.0.1")
    _no_show(bench, "2026-07-03 09:00")  # the third, inside six months of the first
    bench.clock.set("2027-07-03 17:14:59")
    err = refused(bench.book, "GEN", "2027-07-05 09:00")
    assert err.code == "blacklisted" and "2027-07-03 17:15" in err.zh and "2027-07-03 17:15" in err.en
    assert bench.book("GEN", "2027-07-05 09:00", person=ID_NUMBER).state is BookingState.BOOKED  # someone else
    bench.clock.set("2027-07-03 17:15")  # exactly one year after the third no-show
    assert bench.book("GEN", "2027-07-05 09:00").state is BookingState.BOOKED


def test_a_third_no_show_just_outside_six_months_does_not_blacklist(bench: Bench) -> None:
    _no_show(bench, "2026-01-06 09:00")
    _no_show(bench, "2026-03-03 09:00")
    _no_show(bench, "2026-07-06 09:00")  # closes 2026-07-06 17:15: exactly six months after the first
    bench.clock.set("2026-07-07 08:00")
    assert bench.book("GEN", "2026-07-07 09:00").state is BookingState.BOOKED


def test_a_late_arrival_who_checks_in_is_not_a_no_show(bench: Bench) -> None:
    _no_show(bench, "2026-01-06 09:00")
    _no_show(bench, "2026-03-03 09:00")
    bench.clock.set("2026-03-04 08:00")
    b = bench.book("GEN", "2026-03-04 09:00")
    bench.clock.set("2026-03-04 10:00")  # an hour late: walk-in queue, but the visitor came (办理业务)
    assert bench.check_in(code=b.code).late
    bench.clock.set("2026-03-05 08:00")
    assert bench.book("GEN", "2026-03-05 09:00").state is BookingState.BOOKED


# -- check-in at the kiosk ---------------------------------------------------------------------------------------------
def test_check_in_on_time_gives_an_appointment_lane_ticket(bench: Bench) -> None:
    b = bench.book("GEN", "2026-09-21 09:00")
    bench.clock.set("2026-09-21 08:29")
    err = refused(bench.check_in, code=b.code)
    assert err.code == "appointment_early" and "1 分钟后" in err.zh
    bench.clock.set("2026-09-21 08:30")  # 30 min before the slot: the window opens
    result = bench.check_in(code=b.code)
    assert result.issued.ticket.lane is Lane.APPOINTMENT and result.issued.ticket.channel == "appointment"
    assert result.issued.ticket.appointment_id == b.id and not result.late
    assert result.booking.state is BookingState.CHECKED_IN
    assert refused(bench.check_in, code=b.code).code == "already_checked_in"


def test_check_in_within_the_grace_is_on_time_and_after_it_is_a_walk_in(bench: Bench) -> None:
    a = bench.book("GEN", "2026-09-21 09:00")
    b = bench.book("GEN", "2026-09-21 09:00", person=PHONE2)
    bench.clock.set("2026-09-21 09:15")
    assert bench.check_in(code=a.code).issued.ticket.lane is Lane.APPOINTMENT
    bench.clock.set("2026-09-21 09:15:01")
    late = bench.check_in(code=b.code)
    assert late.late and late.issued.ticket.lane is Lane.NORMAL and late.booking.state is BookingState.LATE
    with bench.halls.view("t") as (hall, _seq, _now):  # the on-time visitor is called first
        assert [(tk.appointment_id, tk.lane) for tk in hall.waiting("GEN")] == [
            (a.id, Lane.APPOINTMENT), (b.id, Lane.NORMAL)]


def test_check_in_by_phone_number_finds_todays_booking(bench: Bench) -> None:
    bench.book("GEN", "2026-09-22 09:00")
    b = bench.book("BIZ", "2026-09-21 10:00")
    bench.clock.set("2026-09-21 09:45")
    result = bench.check_in(phone=PHONE)
    assert result.booking.code == b.code and result.issued.ticket.service == "BIZ"
    assert refused(bench.check_in, phone=PHONE2).code == "unknown_booking"


def test_check_in_is_refused_on_another_day_and_after_the_window_closed(bench: Bench) -> None:
    b = bench.book("GEN", "2026-09-22 09:00")
    bench.clock.set("2026-09-21 10:00")
    assert refused(bench.check_in, code=b.code).code == "not_today"
    bench.clock.set("2026-09-22 17:15")
    err = refused(bench.check_in, code=b.code)
    assert err.code == "checkin_closed" and "现场取号" in err.zh


def test_an_after_hours_booking_checks_in_while_the_kiosks_are_closed(bench: Bench) -> None:
    bench.clock.set("2026-09-20 10:00")  # Sunday: Monday is the 1st working day ahead
    b = bench.book("BIZ", "2026-09-21 18:00")
    assert b.after_hours
    bench.clock.set("2026-09-21 17:50")
    result = bench.check_in(code=b.code)
    assert result.issued.ticket.lane is Lane.APPOINTMENT
    with bench.halls.view("t") as (hall, _seq, now):
        assert not hall.is_open("BIZ", now=now)  # a walk-in could not get this ticket now


def test_a_cancelled_booking_cannot_check_in(bench: Bench) -> None:
    b = bench.book("GEN", "2026-09-21 09:00")
    bench.booking.cancel("t", b.code, bench.proof(), "10.0.0.1")
    bench.clock.set("2026-09-21 09:00")
    assert refused(bench.check_in, code=b.code).code == "booking_cancelled"


# -- remote walk-in tickets -------------------------------------------------------------------------------------------
def remote(bench: Bench, service: str = "GEN", phone: str = PHONE, address: str = "10.0.0.9"):
    return bench.booking.remote_ticket("t", service=service, person=Person.parse(phone), address=address,
                                       phone=bench.proof(phone),
                                       render=lambda done: (201, done.result)).body


def test_remote_tickets_follow_opening_hours(bench: Bench) -> None:
    bench.clock.set("2026-09-21 07:00")
    err = refused(remote, bench)
    assert err.code == "closed" and "08:30" in err.zh
    bench.clock.set("2026-09-21 09:00")
    issued = remote(bench)
    assert issued.ticket.channel == "phone" and issued.ticket.lane is Lane.NORMAL


def test_remote_tickets_are_limited_per_person(bench: Bench) -> None:
    bench.clock.set("2026-09-21 09:00")
    first = remote(bench)
    err = refused(remote, bench)
    assert err.code == "already_queued" and first.ticket.number not in err.zh  # issue 13: nor a ticket
    remote(bench, service="BIZ")  # another queue: fine
    bench.halls.mutate("t", lambda h, now: h.cancel(first.ticket.id, now=now), who=KIOSK, action="ticket.cancel")
    remote(bench)  # the first one is gone: a third ticket today
    err = refused(remote, bench, service="EXT")
    assert err.code == "rate_limited" and err.retry_after_s == 15 * 3600  # until midnight
    assert remote(bench, phone=PHONE2).ticket.number  # someone else


def test_remote_tickets_are_limited_per_client_address_and_nothing_personal_is_stored(bench: Bench) -> None:
    bench.clock.set("2026-09-21 09:00")
    for i in range(bench.booking.policy.remote_per_ip_hour):
        remote(bench, phone=f"1371234{i:04d}", address="192.0.2.7")
    err = refused(remote, bench, phone=PHONE2, address="192.0.2.7")
    assert err.code == "rate_limited" and err.retry_after_s == 3600 and "分钟后再试" in err.zh
    remote(bench, phone=PHONE2, address="192.0.2.8")
    bench.clock.now += 3600
    remote(bench, phone="13600000000", address="192.0.2.7")
    raw = b"".join(p.read_bytes() for p in bench.db_path.parent.glob("booking.db*"))
    for secret in (PHONE2.encode(), b"13712340001", b"192.0.2.7"):
        assert secret not in raw


def test_booking_stores_neither_phone_nor_id_number(bench: Bench) -> None:
    bench.book("GEN", "2026-09-21 09:00")
    bench.book("GEN", "2026-09-21 09:00", person=ID_NUMBER)
    raw = b"".join(p.read_bytes() for p in bench.db_path.parent.glob("booking.db*"))
    assert PHONE.encode() not in raw and ID_NUMBER.encode() not in raw
    assert b"138****5678" in raw and b"1101**********002X" in raw


def test_staff_see_the_days_bookings_in_slot_order_masked(bench: Bench) -> None:
    bench.book("GEN", "2026-09-21 10:00")
    bench.book("BIZ", "2026-09-21 09:00", person=ID_NUMBER)
    bench.book("GEN", "2026-09-22 09:00")
    listed = bench.booking.of_day("t", "2026-09-21")
    assert [(local(b.slot_start), b.service, b.person_mask) for b in listed] == [
        ("2026-09-21 09:00", "BIZ", "1101**********002X"), ("2026-09-21 10:00", "GEN", "138****5678")]


def test_every_booking_action_is_in_the_audit_chain_with_the_number_masked(bench: Bench) -> None:
    """留痕 (001 第十四条): book, cancel, check-in and the no-show decision are recorded with who and when."""
    kept = bench.book("GEN", "2026-09-21 09:00")
    dropped = bench.book("BIZ", "2026-09-21 09:00")
    missed = bench.book("GEN", "2026-09-21 10:00", person=PHONE2)
    bench.booking.cancel("t", dropped.code, bench.proof(), "10.0.0.1")
    bench.clock.set("2026-09-21 08:45")
    bench.check_in(code=kept.code)
    bench.clock.set("2026-09-21 17:15")
    assert bench.booking.sweep() == 1
    with read_transaction(bench.halls.engine) as conn:
        rows = conn.execute(select(t.audit_log.c.action, t.audit_log.c.actor, t.audit_log.c.detail)
                            .where(t.audit_log.c.action.like("booking.%")).order_by(t.audit_log.c.seq)).all()
        assert verify(conn).ok
    assert [(r.action, r.actor) for r in rows] == [
        ("booking.book", "web:138****5678"), ("booking.book", "web:138****5678"), ("booking.book", "web:139****5678"),
        ("booking.cancel", "web:138****5678"), ("booking.check_in", "device:1"), ("booking.no_show", "system")]
    assert missed.code in rows[-1].detail and all(PHONE not in r.detail and PHONE2 not in r.detail for r in rows)


# -- issue 13: only the person can change their bookings -----------------------------------------------------------
def test_a_phone_booking_needs_its_number_proved(bench: Bench) -> None:
    err = refused(bench.booking.book, "t", service="GEN", day=day("2026-09-21"), start_min=9 * 60,
                  person=Person.parse(PHONE), address="10.0.0.1", phone=bench.proof(PHONE2))
    assert err.code == "phone_unverified"


def test_unverified_id_bookings_neither_count_to_nor_reveal_the_blacklist(bench: Bench) -> None:
    """A stranger typing someone's ID number: their no-shows do not count (003 §7 counts bookings the
    person provably made), and the person's blacklist state is not consulted for them."""
    for d in ("2026-09-21", "2026-09-22", "2026-09-23"):
        bench.book("GEN", f"{d} 09:00", person=ID_NUMBER, verified=False)
    bench.clock.set("2026-09-24 08:00")  # three unverified no-shows behind
    for d in ("2026-09-24", "2026-09-25", "2026-09-28"):  # not blacklisted: the person books (proved)
        assert bench.book("GEN", f"{d} 09:00", person=ID_NUMBER).verified
    bench.clock.set("2026-09-29 08:00")  # three proved no-shows behind
    assert refused(bench.book, "GEN", "2026-09-29 09:00", person=ID_NUMBER).code == "blacklisted"  # told to them
    assert not bench.book("GEN", "2026-09-29 09:00", person=ID_NUMBER, verified=False).verified  # a stranger: nothing


def test_a_kiosk_checks_in_an_unverified_id_booking_only_with_the_card(bench: Bench) -> None:
    b = bench.book("GEN", "2026-09-21 09:00", person=ID_NUMBER, verified=False)
    bench.clock.set("2026-09-21 08:45")
    assert refused(bench.check_in, code=b.code).code == "card_required"
    assert refused(bench.booking.check_in, "t", who=KIOSK, code=b.code, card="0" * 64,
                   render=lambda done: (201, done.result)).code == "card_required"
    card = card_hash(derive_card_key(SECRET), ID_NUMBER)  # what the kiosk's reader sends (vocab.cardhash)
    out = bench.booking.check_in("t", who=KIOSK, code=b.code, card=card, render=lambda done: (201, done.result))
    assert out.body.booking.state is BookingState.CHECKED_IN
