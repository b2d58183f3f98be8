"""What supervision (电子监察) reasons about: the kinds of warning, their levels, a finding, and the plain
facts the rules read (DOMAIN rule 9; 001 第十四条, 003 (七)3, 000 第三十八条).

* Kind       the seven conditions watched (one rule each in :mod:`.rules`)
* Level      yellow, then red (黄牌 / 红牌)
* Finding    a condition that holds now: kind + subject, level, since when, message in zh/en
* Situation  everything the rules read, gathered by :mod:`.store` from the database (pure data)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from config import HallConfig
from server.core import Ticket, WindowState


class Level(enum.StrEnum):
    YELLOW = "yellow"  # 黄色预警
    RED = "red"  # 红色预警

    @property
    def rank(self) -> int:
        return 1 if self is Level.YELLOW else 2


class Kind(enum.StrEnum):
    WAIT = "wait_over_target"  # a service's longest wait is over its target_wait_min
    SERVICE = "service_over_limit"  # a visit at a window is over its service's max_service_min
    PAUSE = "pause_overdue"  # a paused window is past its announced return (去向留言)
    UNSTAFFED = "window_unstaffed"  # an open window with nobody at it
    DEVICE_FAULT = "device_fault"  # a device reports a failing part
    DEVICE_SILENT = "device_silent"  # a device stopped sending heartbeats
    FOLLOWUP = "followup_overdue"  # a bad rating's follow-up is past a deadline


KIND_NAMES: dict[Kind, tuple[str, str]] = {
    Kind.WAIT: ("等候超时", "wait over target"),
    Kind.SERVICE: ("办理超时", "service over limit"),
    Kind.PAUSE: ("暂停超时", "pause overdue"),
    Kind.UNSTAFFED: ("窗口无人", "window unstaffed"),
    Kind.DEVICE_FAULT: ("设备故障", "device fault"),
    Kind.DEVICE_SILENT: ("设备失联", "device silent"),
    Kind.FOLLOWUP: ("差评回访逾期", "follow-up overdue"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A condition that holds at the time of the check. ``subject`` names what it is about within the
    hall (service code, window number, ticket id, device id, follow-up id) so that (kind, subject) is one
    warning."""

    kind: Kind
    subject: str
    level: Level
    since: float
    zh: str
    en: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[Kind, str]:
        return self.kind, self.subject


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: int
    kind: str
    name: str
    window: int | None
    created_at: float
    last_seen: float | None
    health: list[dict[str, Any]]  # drivers.health.Health.as_dict() per part, as last reported


@dataclass(frozen=True, slots=True)
class FollowupInfo:
    id: int
    number: str
    service: str
    window: int | None
    state: str  # open | contacted | closed
    contact_due: float
    close_due: float


@dataclass(frozen=True, slots=True)
class Situation:
    """One hall at one moment, as the rules see it."""

    config: HallConfig
    tickets: list[Ticket]  # not done with yet, and those they were transferred from (Hall.open_tickets)
    windows: list[WindowState]
    devices: list[DeviceInfo] = field(default_factory=list)
    followups: list[FollowupInfo] = field(default_factory=list)
    on_duty: frozenset[str] = frozenset()  # staff numbers holding a live (unexpired, unrevoked) token
    hall_open: bool = True  # within the hall's opening hours today (device silence is watched then only)
    silent_after_s: float = 180.0
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))  # for times in messages
