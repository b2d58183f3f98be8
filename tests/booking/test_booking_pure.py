"""Pure booking rules: people, slots, the working-day horizon, after-hours, the blacklist arithmetic,
rate limits and notices (seed 003 §1–7), each with an explicit clock."""

from __future__ import annotations

import doctest
import importlib

import pytest

from server.booking import BookingRefused, Person
from server.booking.blacklist import banned_until, check_not_banned
from server.booking.notices import due_notice
from server.booking.person import address_hash, person_hash
from server.booking.policy import BookingPolicy
from server.booking.ratelimit import check_address, check_person_today
from server.booking.slots import Horizon, after_hours, capacity, day_slots, find_slot
from server.core import Ticket, TicketState, WorkCalendar
from server.core.model import Lane
from tests.booking.booking_helpers import ID_NUMBER, PHONE, SECRET, TZ, at, day, load_deployment, local, minutes

POLICY = BookingPolicy()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    return load_deployment(tmp_path_factory.mktemp("dep"))


@pytest.fixture(scope="module")
def cfg(deployment):
    return deployment.hall("t")


@pytest.fixture(scope="module")
def cal(deployment):
    return WorkCalendar(deployment.calendar)


@pytest.mark.parametrize("module", ["person", "blacklist", "ratelimit", "codes", "policy"])
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"server.booking.{module}"))
    assert result.failed == 0 and result.attempted > 0


# -- who books: phone or ID number, keyed hash, masked --------------------------------------------------
def test_a_phone_or_id_number_is_shown_only_masked_and_stored_only_as_a_keyed_hash() -> None:
    phone = Person.parse("138 1234 5678")
    ident = Person.parse(ID_NUMBER.lower())
    assert (phone.kind, phone.mask) == ("phone", "138****5678")
    assert (ident.kind, ident.mask) == ("id", "1101**********002X")
    assert PHONE not in repr(phone) and ID_NUMBER not in repr(ident)
    key = phone.key(SECRET)
    assert len(key) == 64 and PHONE not in key
    assert key == Person.parse("+86 138-1234-5678").key(SECRET)  # the same person however typed
    assert key != phone.key(b"another deployment's secret key")  # keyed: no table of all numbers helps
    assert person_hash(SECRET, PHONE) != address_hash(SECRET, PHONE)  # separate uses, separate hashes


@pytest.mark.parametrize("text, zh", [
    ("12345", "请输入 11 位手机号或 18 位身份证号"),
    ("23812345678", "请输入 11 位手机号或 18 位身份证号"),  # not a mobile prefix
    ("110105194912310021", "身份证号校验位不对"),
])
def test_bad_numbers_are_refused_in_chinese_and_english(text: str, zh: str) -> None:
    with pytest.raises(BookingRefused) as err:
        Person.parse(text)
    assert err.value.code == "bad_person" and zh in err.value.zh and err.value.en


# -- slots per service per day with capacity ---------------------------------------------------------------
def test_a_working_day_has_half_hour_slots_in_opening_hours_with_a_capacity(cfg, cal) -> None:
    gen = cfg.service("GEN")
    slots = day_slots(cfg, cal, POLICY, gen, day("2026-09-21"))  # an ordinary Monday
    assert [s.label for s in slots][:2] == ["08:30-09:00", "09:00-09:30"]
    assert len(slots) == 7 + 8  # 08:30-12:00 and 13:30-17:30
    assert not any(s.after_hours for s in slots)
    # 2 windows serve GEN, 10 min each: 6 visitors per slot, half of them for bookings (003 §2)
    assert {s.capacity for s in slots} == {3} == {capacity(cfg, gen, POLICY)}
    assert capacity(cfg, cfg.service("BIZ"), POLICY) == 1


def test_saturday_slots_only_for_extended_services_and_holidays_have_none(cfg, cal) -> None:
    saturday = day("2026-09-26")
    assert day_slots(cfg, cal, POLICY, cfg.service("GEN"), saturday) == []
    assert [s.label for s in day_slots(cfg, cal, POLICY, cfg.service("EXT"), saturday)] == [
        "09:00-09:30", "09:30-10:00", "10:00-10:30", "10:30-11:00", "11:00-11:30", "11:30-12:00"]
    assert day_slots(cfg, cal, POLICY, cfg.service("GEN"), day("2026-10-01")) == []  # 国庆 holiday


def test_a_make_up_working_weekend_day_has_weekday_slots(cfg, cal) -> None:
    """调休: Sunday 2026-09-27 and Saturday 2026-10-10 are working days in the calendar."""
    for d in ("2026-09-27", "2026-10-10"):
        assert len(day_slots(cfg, cal, POLICY, cfg.service("GEN"), day(d))) == 15


def test_after_hours_slots_only_for_listed_services_outside_their_hours(cfg, cal) -> None:
    """003 §5: 工作时间之外可预约事项，实行清单制管理 — BIZ is on the list, GEN is not."""
    monday = day("2026-09-21")
    assert after_hours(cal, cfg.hours, cfg.service("GEN"), monday, POLICY) == []
    spans = [str(iv) for iv in after_hours(cal, cfg.hours, cfg.service("BIZ"), monday, POLICY)]
    assert spans == ["12:00-13:30", "17:30-19:30"]  # lunch break and two hours after closing
    sunday = [str(iv) for iv in after_hours(cal, cfg.hours, cfg.service("BIZ"), day("2026-09-20"), POLICY)]
    assert sunday == ["08:30-19:30"]
    biz = day_slots(cfg, cal, POLICY, cfg.service("BIZ"), monday)
    evening = [s for s in biz if s.after_hours]
    assert [s.label for s in evening][-1] == "19:00-19:30" and {s.capacity for s in evening} == {1}


def test_after_hours_booking_is_1_to_5_working_days_ahead_counted_with_the_calendar(cfg, cal) -> None:
    """003 §6: 至多提前 5 个工作日、至少提前 1 个工作日进行预约. From Wednesday 2026-09-30 the next
    working days skip the 国庆 holidays: 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13."""
    biz = cfg.service("BIZ")
    now = at("2026-09-30 10:00")
    horizon = Horizon.of(cal, POLICY, day("2026-09-30"))
    assert (horizon.after_hours_first, horizon.after_hours_last) == (day("2026-10-08"), day("2026-10-13"))

    def ask(d: str, hhmm: str = "18:00") -> str:
        try:
            return find_slot(cfg, cal, TZ, POLICY, biz, day(d), minutes(hhmm), now).label
        except BookingRefused as refused:
            return refused.code

    assert ask("2026-09-30") == "after_hours_too_soon"  # same day
    assert ask("2026-10-03", "10:00") == "after_hours_too_soon"  # a holiday before the first working day
    assert ask("2026-10-08") == "18:00-18:30"  # 1st working day
    assert ask("2026-10-13") == "18:00-18:30"  # 5th working day
    assert ask("2026-10-14") == "after_hours_too_far"  # 6th
    gen = cfg.service("GEN")
    with pytest.raises(BookingRefused) as err:
        find_slot(cfg, cal, TZ, POLICY, gen, day("2026-10-08"), minutes("18:00"), now)
    assert err.value.code == "after_hours_not_listed" and "清单" in err.value.zh


def test_in_hours_slots_from_now_to_the_fifth_working_day(cfg, cal) -> None:
    gen = cfg.service("GEN")
    now = at("2026-09-21 09:10")  # Monday
    with pytest.raises(BookingRefused) as err:
        find_slot(cfg, cal, TZ, POLICY, gen, day("2026-09-21"), minutes("09:00"), now)
    assert err.value.code == "slot_past"
    assert find_slot(cfg, cal, TZ, POLICY, gen, day("2026-09-21"), minutes("09:30"), now).label == "09:30-10:00"
    assert find_slot(cfg, cal, TZ, POLICY, gen, day("2026-09-27"), minutes("09:00"), now)  # 5th: 调休 Sunday
    with pytest.raises(BookingRefused) as err:
        find_slot(cfg, cal, TZ, POLICY, gen, day("2026-09-28"), minutes("09:00"), now)
    assert err.value.code == "too_far" and "2026-09-27" in err.value.zh
    with pytest.raises(BookingRefused) as err:
        find_slot(cfg, cal, TZ, POLICY, gen, day("2026-09-22"), minutes("09:10"), now)
    assert err.value.code == "unknown_slot"


# -- 003 §7 blacklist arithmetic ----------------------------------------------------------------------------
def test_three_no_shows_inside_half_a_year_blacklist_for_a_year_and_the_refusal_says_until_when() -> None:
    shows = [at("2026-01-06 17:15"), at("2026-03-03 17:15"), at("2026-07-03 17:15")]
    until = banned_until(shows, TZ, POLICY)
    assert until is not None and local(until) == "2027-07-03 17:15"
    with pytest.raises(BookingRefused) as err:
        check_not_banned(shows, until - 1, TZ, POLICY)
    assert err.value.code == "blacklisted" and "2027-07-03 17:15" in err.value.zh and "2027-07-03 17:15" in err.value.en
    check_not_banned(shows, until, TZ, POLICY)  # exactly a year later: booking again


def test_a_third_no_show_exactly_six_months_after_the_first_does_not_count() -> None:
    assert banned_until([at("2026-01-06 17:15"), at("2026-03-03 17:15"), at("2026-07-06 17:15")], TZ, POLICY) is None
    assert banned_until([at("2026-01-06 17:15"), at("2026-03-03 17:15"), at("2026-07-06 17:14")], TZ, POLICY)
    assert banned_until([at("2026-01-06 17:15"), at("2026-03-03 17:15")], TZ, POLICY) is None


def test_month_ends_are_clamped() -> None:
    """08-31 minus six months is 02-28: a no-show on 02-28 is inside the half year, one on 02-27 not."""
    third = at("2026-08-31 17:00")
    assert banned_until([at("2026-02-28 17:01"), at("2026-05-01 17:00"), third], TZ, POLICY)
    assert banned_until([at("2026-02-28 17:00"), at("2026-05-01 17:00"), third], TZ, POLICY) is None


# -- rate limits -------------------------------------------------------------------------------------------------
def test_per_address_limit_is_a_sliding_hour_and_says_when_to_retry() -> None:
    now = at("2026-09-21 10:00")
    times = [now - 3000, now - 600, now - 60]
    check_address(times, now=now, limit=4)
    with pytest.raises(BookingRefused) as err:
        check_address(times, now=now, limit=3)
    assert err.value.code == "rate_limited" and err.value.retry_after_s == 600
    check_address(times, now=now + 600, limit=3)  # the oldest has aged out


def test_per_person_limit_is_per_local_day() -> None:
    times = [at("2026-09-21 09:00"), at("2026-09-21 10:00"), at("2026-09-21 11:00")]
    with pytest.raises(BookingRefused) as err:
        check_person_today(times, now=at("2026-09-21 23:00"), limit=3, tz=TZ)
    assert err.value.retry_after_s == 3600  # midnight
    check_person_today(times, now=at("2026-09-22 00:00"), limit=3, tz=TZ)


# -- 到号提醒 ---------------------------------------------------------------------------------------------------------
def _ticket(state: TicketState, window: int | None = None) -> Ticket:
    return Ticket("t-20260921-A007", "t", "2026-09-21", "GEN", "A007", Lane.NORMAL, "phone", state, 0.0, 0.0,
                  window=window)


def test_a_notice_is_due_when_few_enough_are_ahead_or_when_called(cfg) -> None:
    assert due_notice(cfg, _ticket(TicketState.WAITING), 4, 3) is None
    near = due_notice(cfg, _ticket(TicketState.WAITING), 3, 3)
    assert near is not None and near.kind == "near" and "前面还有 3 人" in near.zh and "A007" in near.zh
    called = due_notice(cfg, _ticket(TicketState.CALLED, window=2), 0, 3)
    assert called is not None and "请 A007 号到 2 号窗口办理" in called.zh and "window 2" in called.en
    assert due_notice(cfg, _ticket(TicketState.DONE), 0, 3) is None


def test_policy_overrides_from_the_environment_are_checked() -> None:
    assert BookingPolicy.from_env({"HALLQ_BOOKING_REMOTE_PER_IP_HOUR": "5"}).remote_per_ip_hour == 5
    with pytest.raises(ValueError, match="HALLQ_BOOKING_SLOT_MIN"):
        BookingPolicy.from_env({"HALLQ_BOOKING_SLOT_MIN": "half an hour"})
    with pytest.raises(ValueError, match="positive"):
        BookingPolicy.from_env({"HALLQ_BOOKING_NO_SHOW_LIMIT": "0"})


def test_a_midnight_slot_checks_in_from_half_past_eleven_the_day_before(cfg) -> None:
    """A 24-hour hall (001 第五条): the check-in window of a 00:00 slot starts on the previous day."""
    from server.booking import Booking, BookingState
    from server.booking.rules import checkin_lane_for, pick_for_checkin

    b = Booking("t-X", "X", "t", "GEN", "2026-09-22", at("2026-09-22 00:00"), at("2026-09-22 00:30"),
                at("2026-09-22 00:15"), "h", "138****5678", "web", BookingState.BOOKED, False, 0.0)
    with pytest.raises(BookingRefused) as err:
        checkin_lane_for(cfg, b, at("2026-09-21 23:29"), TZ)
    assert err.value.code == "not_today" and "2026-09-22" in err.value.zh
    assert checkin_lane_for(cfg, b, at("2026-09-21 23:45"), TZ) is Lane.APPOINTMENT
    assert pick_for_checkin([b], at("2026-09-21 23:45"), TZ, 30) == b
    assert pick_for_checkin([b], at("2026-09-21 23:29"), TZ, 30) is None
