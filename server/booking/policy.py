"""The booking policy: every number the booking rules use, in one place, with the seed it follows.

Hall-specific rules (hours, lanes, the after-hours list) come from the hall configuration; these are
the deployment-wide numbers that the configuration does not (yet) carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class BookingPolicy:
    slot_min: int = 30  # length of a booking slot
    # share of a slot's service capacity that bookings may take: walk-ins keep the rest, because
    # 003 §2: 预约办理与现场办理同时运行，预约办理不能作为现场办理的前置条件
    appointment_share: float = 0.5
    horizon_working_days: int = 5  # in-hours slots: from today to the 5th working day after it
    # 003 §6: 至多提前 5 个工作日、至少提前 1 个工作日进行预约 (after-hours slots)
    after_hours_min_working_days: int = 1
    after_hours_max_working_days: int = 5
    # after-hours slots lie between the hall's earliest weekday opening and this long after its
    # latest weekday closing, outside the service's own hours that day (003 §4: 工作时间之外)
    after_hours_evening_min: int = 120
    after_hours_capacity: int = 1  # each after-hours slot is arranged by hand (003 §6 《预约登记表》)
    # 003 §7: 没有办理业务也没有取消预约的，半年内达到 3 次，列入黑名单，一年内不再享受预约服务
    no_show_limit: int = 3
    no_show_window_months: int = 6
    blacklist_months: int = 12
    notify_ahead: int = 3  # 到号提醒: a message when this few people (or fewer) are ahead
    remote_per_person_day: int = 3  # remote walk-in tickets per person per hall per day …
    remote_per_ip_hour: int = 20  # … and public requests per client address per hour
    booking_per_ip_hour: int = 20  # bookings, look-ups and cancels per client address per hour
    code_length: int = 8  # booking code: the kiosk accepts 6–12 characters (kiosk/booking.py)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BookingPolicy:
        """Defaults, overridden by ``HALLQ_BOOKING_<FIELD>`` variables (e.g. ``HALLQ_BOOKING_NOTIFY_AHEAD=5``).

        >>> BookingPolicy.from_env({"HALLQ_BOOKING_NOTIFY_AHEAD": "5"}).notify_ahead
        5
        """
        values: dict[str, int | float] = {}
        for f in fields(cls):
            var = f"HALLQ_BOOKING_{f.name.upper()}"
            if var not in env:
                continue
            kind = type(getattr(cls(), f.name))
            try:
                value = kind(env[var])
            except ValueError:
                raise ValueError(f"{var}={env[var]!r}：应为{'整数' if kind is int else '数字'}"
                                 f"（{var} must be {'an integer' if kind is int else 'a number'}）") from None
            if value < 0 or (f.name in _POSITIVE and value <= 0):
                raise ValueError(f"{var}={env[var]!r}：应为正数（{var} must be positive）")
            values[f.name] = value
        return cls(**values)


_POSITIVE = frozenset({"slot_min", "appointment_share", "no_show_limit", "no_show_window_months",
                       "blacklist_months", "remote_per_person_day", "remote_per_ip_hour", "booking_per_ip_hour",
                       "code_length"})
