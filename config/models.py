"""The hall configuration as frozen pydantic models (contract §1; keys in docs/configuration.md).

* Deployment         the whole file: [deployment], [calendar], [[halls]]
  - DeploymentInfo   name, timezone, public_base_url
  - CalendarConfig   holidays and 调休 working days
  - HallConfig       one hall: hours, lanes, recall, tide, categories, services, windows
    - Hours, LaneRules, RecallRules, TideRules
    - Category, ServiceConfig, WindowConfig → ProfileTier

Unknown keys are errors everywhere (``extra="forbid"``): a typo must not silently fall back to a
default. Cross-checks between sections (unique codes, profiles naming real services …) live in
:mod:`config.checks`, so each one reports its own key path.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from .errors import BilingualValueError
from .intervals import Intervals

HallId = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", max_length=40)]
ServiceCode = Annotated[str, Field(pattern=r"^[A-Z0-9_]+$", max_length=20)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Minutes = Annotated[float, Field(ge=0, le=24 * 60)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BilingualValueError(f"未知时区 {name!r}（应如 Asia/Shanghai）",
                                  f"unknown time zone {name!r} (e.g. Asia/Shanghai)") from exc
    return name


class DeploymentInfo(_Model):
    name: Text
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "Asia/Shanghai"
    # ticket tracking URLs are built on it (QR code on the ticket)
    public_base_url: Annotated[str, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")] = "http://127.0.0.1:8080"


class CalendarConfig(_Model):
    """Working-day calendar (工作日历): 法定节假日 and 调休 weekend working days."""

    holidays: list[dt.date] = []
    workdays: list[dt.date] = []


class Hours(_Model):
    """Opening hours, "5+X" (004 第三十五条)."""

    weekdays: Intervals  # Monday–Friday and 调休 workdays, every service
    saturday: Intervals = []  # the "X": only services with extended = true
    sunday: Intervals = []  # idem
    # 延时服务 on working days (e.g. 午间不打烊 "12:00-13:30"), only services with extended = true
    weekday_extended: Intervals = []
    # 节假日受理 (004 第三十五条): hours on holidays, only for services with holiday = true;
    # None → the saturday intervals
    holiday: Intervals | None = None
    # kiosks stop issuing this many minutes before each interval ends (not before a 24:00 end)
    issue_stop_before_close_min: Annotated[int, Field(ge=0, le=180)] = 15


class LaneRules(_Model):
    """Who goes ahead (DOMAIN rule 4; 003 §11); docs/dispatch.md explains both rules.

    ``rule = "bounded"`` (default): priority tickets first, but an ordinary ticket that has waited
    its bound, max(``ordinary_bound_min``, ``ordinary_bound_factor`` × the service's
    ``target_wait_min``), goes ahead of everyone queued after it. ``rule = "bonus"``: the older
    rule, effective wait = time waited + lane bonus (``priority_bonus_min``).
    """

    rule: Literal["bounded", "bonus"] = "bounded"
    ordinary_bound_min: Annotated[float, Field(gt=0, le=24 * 60)] = 60
    ordinary_bound_factor: Annotated[float, Field(ge=0, le=20)] = 6
    priority_bonus_min: Minutes = 20  # rule = "bonus" only
    appointment_bonus_min: Minutes = 30
    appointment_early_min: Minutes = 30  # check-in accepted from this long before the slot …
    appointment_late_grace_min: Minutes = 15  # … to this long after; later → normal lane
    # 000 第二十七条 适老化: a visitor this old (by the ID card laid on the kiosk's reader) is offered the
    # green-channel ticket in one tap; None: the kiosk offers nothing by age (issue 18)
    priority_age: Annotated[int, Field(ge=50, le=100)] | None = None


class RecallRules(_Model):
    max_recalls: Annotated[int, Field(ge=0, le=10)] = 2  # recall up to N times, then only no-show
    requeue_behind: Annotated[int, Field(ge=0, le=100)] = 3  # 过号重排: behind K waiting tickets …
    requeue_within_min: Minutes = 60  # … if back within this long after the no-show


class TideRules(_Model):
    """潮汐窗口 (000 第十八条): thresholds with sustain timers and hysteresis."""

    enabled: bool = False
    open_waiting: Annotated[int, Field(ge=1)] = 12
    open_wait_min: Annotated[float, Field(gt=0)] = 25
    open_sustain_min: Minutes = 5
    close_waiting: Annotated[int, Field(ge=0)] = 4
    close_wait_min: Annotated[float, Field(ge=0)] = 10
    close_sustain_min: Minutes = 10
    # > 0: Erlang C mode instead of counts (see docs/dispatch.md)
    target_wait_min: Minutes = 0
    max_per_service: Annotated[int, Field(ge=1, le=50)] = 2
    # tide.requested (no staffed eligible window) is repeated at most this often per service
    request_repeat_min: Annotated[float, Field(gt=0)] = 10
    # Erlang C mode: arrival rate = tickets issued in this many recent minutes; also the horizon over
    # which the controller weighs a tide window's gain against its donor's loss
    rate_window_min: Annotated[float, Field(gt=0, le=240)] = 30
    # open only when the receiving service gains this many times what the donor window's own
    # services lose; give the window back when they would gain more than the tide service loses
    gain_ratio: Annotated[float, Field(ge=1, le=10)] = 1.5


class FollowupRules(_Model):
    """好差评 follow-up deadlines, in working days after the day of the bad rating (003 (七)1:
    "实名差评回访整改率达到100%"); overdue follow-ups raise supervision warnings (docs/supervision.md)."""

    contact_working_days: Annotated[int, Field(ge=0, le=30)] = 1  # contact the visitor by the end of …
    close_working_days: Annotated[int, Field(ge=1, le=60)] = 15  # … and close with a reply by the end of


class Category(_Model):
    """A kiosk home button = a window type of seed 004 第二条."""

    id: HallId
    name_zh: Text
    name_en: Text
    icon: str = ""
    description_zh: str = ""
    description_en: str = ""
    # services listed under this button besides those whose category is this one (e.g. the
    # 无差别综合 button lists everything the all-purpose windows accept)
    extra_services: list[ServiceCode] = []


class ServiceConfig(_Model):
    code: ServiceCode
    name_zh: Text
    name_en: Text
    category: HallId
    prefix: Annotated[str, Field(pattern=r"^[A-Z]$")]
    minutes: Annotated[float, Field(gt=0, le=480)]  # default service time before measurements
    daily_cap: Annotated[int, Field(ge=1, le=999)] = 999  # numbers are prefix + 3 digits
    extended: bool = False  # offered on the "X" days/hours
    holiday: bool = False  # offered on holidays
    hours: Intervals = []  # replaces the hall's working-day intervals for this service
    target_wait_min: Annotated[float, Field(gt=0)] = 20  # supervision
    max_service_min: Annotated[float, Field(gt=0)] = 40  # supervision
    after_hours_booking: bool = False  # 003 §5
    # “凭身份证取号，每人每天限取 N 个” (issue 18): at most N tickets a day per person (by ID card) for
    # this service; the kiosk then issues it only with a card laid. None: no per-person limit
    per_person_daily: Annotated[int, Field(ge=1, le=20)] | None = None
    materials: list[Text] = []  # 一次性告知 (003 §14, 004 第二十五条)
    description_zh: str = ""
    description_en: str = ""


class WindowKind(enum.StrEnum):
    COMPREHENSIVE = "comprehensive"  # 综合窗口
    DEDICATED = "dedicated"  # 专项窗口
    CONSULT = "consult"  # 综合咨询
    COMPLAINT = "complaint"  # 办不成事反映
    GENERAL = "general"  # 无差别综合（全科无差别受理）


class ProfileTier(_Model):
    """Services served together, by effective wait; ``after_wait_min``: jump ahead once the
    tier's longest-waiting ticket has waited longer than this."""

    services: Annotated[list[ServiceCode], Field(min_length=1)]
    after_wait_min: Annotated[float, Field(gt=0)] | None = None


class WindowConfig(_Model):
    number: Annotated[int, Field(ge=1, le=999)]
    name_zh: Text
    name_en: Text
    kind: WindowKind = WindowKind.COMPREHENSIVE
    zone: str = ""
    green_channel: bool = False  # 绿色通道: takes priority tickets first
    tide_eligible: bool = False
    profile: Annotated[list[ProfileTier], Field(min_length=1)]

    def services(self) -> list[str]:
        """Every service of the profile, in tier order."""
        return [code for tier in self.profile for code in tier.services]


class HallConfig(_Model):
    id: HallId
    name_zh: Text
    name_en: Text
    hours: Hours
    lanes: LaneRules = LaneRules()
    recall: RecallRules = RecallRules()
    tide: TideRules = TideRules()
    followup: FollowupRules = FollowupRules()
    categories: Annotated[list[Category], Field(min_length=1)]
    services: Annotated[list[ServiceConfig], Field(min_length=1)]
    windows: Annotated[list[WindowConfig], Field(min_length=1)]
    # the lobby displays' notice line (公告), changed live with `hallq config apply` (docs/deploy.md)
    notices: Annotated[list[Text], Field(max_length=20)] = []

    _services: dict[str, ServiceConfig] = PrivateAttr(default_factory=dict)
    _windows: dict[int, WindowConfig] = PrivateAttr(default_factory=dict)
    _categories: dict[str, Category] = PrivateAttr(default_factory=dict)

    # The lookups below read the private dicts from ``__pydantic_private__`` directly: ``self._services``
    # goes through BaseModel.__getattr__, which probes the PrivateAttr for ``__get__`` and catches the
    # AttributeError — 7–8 µs a lookup against 0.2 µs (pydantic 2.14), and a ticket's issue makes about
    # twenty (issue 14's profile: 7 % of the server's CPU per ticket).
    def model_post_init(self, context: object, /) -> None:
        self._services = {s.code: s for s in reversed(self.services)}  # first one wins
        self._windows = {w.number: w for w in reversed(self.windows)}
        self._categories = {c.id: c for c in reversed(self.categories)}

    def service(self, code: str) -> ServiceConfig:
        try:
            return self.__pydantic_private__["_services"][code]  # type: ignore[index]
        except KeyError:
            raise KeyError(f"hall {self.id!r} has no service {code!r}") from None

    def window(self, number: int) -> WindowConfig:
        try:
            return self.__pydantic_private__["_windows"][number]  # type: ignore[index]
        except KeyError:
            raise KeyError(f"hall {self.id!r} has no window {number!r}") from None

    def category(self, category_id: str) -> Category:
        try:
            return self.__pydantic_private__["_categories"][category_id]  # type: ignore[index]
        except KeyError:
            raise KeyError(f"hall {self.id!r} has no category {category_id!r}") from None

    def has_service(self, code: str) -> bool:
        return code in self.__pydantic_private__["_services"]  # type: ignore[index]

    def has_window(self, number: int) -> bool:
        return number in self.__pydantic_private__["_windows"]  # type: ignore[index]

    def services_in(self, category_id: str) -> list[ServiceConfig]:
        """What a kiosk category button lists: its own services, then its ``extra_services``."""
        own = [s for s in self.services if s.category == category_id]
        extra = self.category(category_id).extra_services
        services = self.__pydantic_private__["_services"]  # type: ignore[index]
        return own + [services[c] for c in extra if c in services and services[c].category != category_id]


class BackupConfig(_Model):
    """``hallq backup`` (docs/deploy.md "Backups"): where the copies go and how many are kept."""

    # relative paths are from the server's working directory (/srv/hallq); better another disk
    destination: Annotated[str, Field(min_length=1)] = "var/backups"
    keep: Annotated[int, Field(ge=1, le=1000)] = 30  # newest copies kept; older ones are deleted


class Deployment(_Model):
    deployment: DeploymentInfo
    calendar: CalendarConfig = CalendarConfig()
    backup: BackupConfig = BackupConfig()
    halls: Annotated[list[HallConfig], Field(min_length=1)]

    def hall(self, hall_id: str) -> HallConfig:
        for hall in self.halls:
            if hall.id == hall_id:
                return hall
        raise KeyError(f"no hall {hall_id!r}; halls: {', '.join(h.id for h in self.halls)}")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.deployment.timezone)
