"""The scenario file: what a simulated hall day looks like (TOML, validated with pydantic).

The format is documented with examples in docs/simulation.md. A scenario names a hall
configuration and a date, and says who comes (arrivals per service per hour), how long they take,
how they behave (priority/appointment shares, no-shows, transfers) and who works (staffing,
breaks). ``extends = "other.toml"`` starts from another scenario and overrides keys (tables are
merged key by key, anything else is replaced), so a variant can be one line: ``tide = false``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from config import BilingualValueError, ConfigError, Problem
from config.intervals import Intervals
from config.loader import toml_problem, validation_problems

from .distributions import Kind
from .rates import clock_seconds

Share = Annotated[float, Field(ge=0, le=1)]
HHMM = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_table(table: dict[str, float]) -> dict[str, float]:
    for key, value in table.items():
        clock_seconds(key)  # raises BilingualValueError
        if value < 0:
            raise BilingualValueError(f"{key}: 到达率不能为负", f"{key}: an arrival rate cannot be negative")
    return table


def _per_hour(value: object) -> float | dict[str, float] | None:
    """A number, or a table of "HH:MM" steps; anything else is one clear error, not one per union member."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise BilingualValueError("到达率不能为负", "an arrival rate cannot be negative")
        return float(value)
    if isinstance(value, dict) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                       for v in value.values()):
        return _check_table({str(k): float(v) for k, v in value.items()})
    raise BilingualValueError(f'应为每小时人数，或 {{ "HH:MM" = 人数 }} 的表，实为 {value!r}',
                              f'must be arrivals per hour, or a table {{ "HH:MM" = rate }}, got {value!r}')


class ServiceTime(_Model):
    """A service-time distribution; unset fields fall back to the scenario default, then to the
    hall config (mean = the service's ``minutes``)."""

    dist: Kind | None = None
    mean_min: float | None = Field(None, gt=0)
    cv: float | None = Field(None, gt=0, le=5)  # lognormal only: standard deviation / mean


class ServiceTimes(ServiceTime):
    by_service: dict[str, ServiceTime] = {}


class Arrivals(_Model):
    """One arrival stream: a service, or a category split over its services."""

    service: str | None = None
    category: str | None = None
    split: dict[str, Annotated[float, Field(gt=0)]] | None = None  # category: service → weight
    per_hour: Annotated[float | dict[str, float] | None, PlainValidator(_per_hour)] = None  # or {"HH:MM": rate}
    per_day: float | None = Field(None, gt=0)  # expected total, spread by `shape`
    shape: str | None = None  # a key of [shapes]: relative rate by time of day
    priority_share: Share | None = None  # override [visitors] for this stream
    appointment_share: Share | None = None

    @model_validator(mode="after")
    def _one_of_each(self) -> Arrivals:
        if (self.service is None) == (self.category is None):
            raise BilingualValueError("须给出 service 或 category 之一", "give exactly one of service, category")
        if self.split is not None and self.category is None:
            raise BilingualValueError("split 只能与 category 一起用", "split goes with category only")
        if (self.per_hour is None) == (self.per_day is None):
            raise BilingualValueError("须给出 per_hour 或 per_day 之一", "give exactly one of per_hour, per_day")
        if self.per_day is not None and self.shape is None:
            raise BilingualValueError("per_day 需要 shape 把人数分配到各时段",
                                      "per_day needs a shape to spread it over the day")
        return self


class Visitors(_Model):
    priority_share: Share = 0.0  # 老弱病残孕: priority lane
    appointment_share: Share = 0.0  # booked visits checked in on time: appointment lane
    no_show_share: Share = 0.0  # the called visitor never comes to the window
    return_share: Share = 0.0  # of no-shows: come back later and ask to be requeued (过号重排)
    return_after_min: float = Field(20.0, gt=0)  # mean time until they come back (exponential)
    walk_s: float = Field(20.0, ge=0)  # from the call to arriving at the window
    recall_after_s: float = Field(45.0, gt=0)  # the clerk recalls after this long, then marks no-show

    @model_validator(mode="after")
    def _shares(self) -> Visitors:
        if self.priority_share + self.appointment_share > 1:
            raise BilingualValueError("priority_share 与 appointment_share 之和不能超过 1",
                                      "priority_share + appointment_share cannot exceed 1")
        return self


class Transfer(_Model):
    from_: str = Field(alias="from")
    to: str
    share: float = Field(gt=0, le=1)  # of visits to `from` that end with a transfer to `to`


class Shift(_Model):
    window: int
    hours: Intervals  # "HH:MM-HH:MM" when this window is staffed (instead of its services' hours)


class Staffing(_Model):
    absent: list[int] = []  # windows nobody staffs on this day
    shifts: list[Shift] = []  # windows staffed other than during the hall's opening hours
    overtime_min: float = Field(60.0, ge=0)  # at a shift's end, keep calling while tickets wait, this long


class Break(_Model):
    windows: list[int] | None = None  # None: every staffed window
    at: HHMM
    minutes: float = Field(gt=0)
    spread_min: float = Field(0.0, ge=0)  # each window starts its break at a random moment in [at, at+spread]
    reason: str = "短暂离开 / short break"  # 去向留言 shown on the window display

    @field_validator("at")
    @classmethod
    def _at(cls, v: str) -> str:
        clock_seconds(v)
        return v


class Scenario(_Model):
    name: str = ""
    description: str = ""
    config: str | None = None  # hall configuration file, relative to this file; default: shipped
    hall: str | None = None  # hall id; default: the first hall
    date: dt.date
    seed: int = 1
    tide: bool = True  # false: the same hall with its tide controller switched off
    # bounded: priority first, ordinary waits bounded; lanes: the older bonus rule; fifo: lanes off
    policy: Literal["bounded", "lanes", "fifo"] = "bounded"
    tick_s: float = Field(60.0, ge=1, le=600)  # how often the tide controller runs (hall: every 30–60 s)
    shapes: dict[str, dict[str, float]] = {}
    arrivals: list[Arrivals] = Field(min_length=1)
    service_time: ServiceTimes = ServiceTimes()
    visitors: Visitors = Visitors()
    transfers: list[Transfer] = []
    staffing: Staffing = Staffing()
    breaks: list[Break] = []

    @field_validator("shapes")
    @classmethod
    def _shapes(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for table in v.values():
            _check_table(table)
        return v


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: tables merge key by key, everything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's table with its ``extends`` chain applied (each parent validated on its own first,
    so a problem in a parent is reported against the parent's file)."""
    source = str(path)
    if path.resolve() in chain:
        raise ConfigError([Problem(source, "extends", "场景继承形成循环", "scenario extends itself (a cycle)")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(source, "", f"无法读取场景文件：{exc}",
                                   f"cannot read the scenario file: {exc}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([toml_problem(source, exc)]) from None
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError([Problem(source, "extends", f"应为文件名字符串，实为 {parent!r}",
                                   f"must be a file name string, got {parent!r}")])
    parent_path = path.parent / parent
    if not parent_path.is_file():
        raise ConfigError([Problem(source, "extends", f"找不到场景文件 {parent_path}",
                                   f"no scenario file {parent_path}")])
    base = _read(parent_path, (*chain, path.resolve()))
    validate_scenario(base, source=str(parent_path))
    return _merge(base, data)


def validate_scenario(data: dict[str, Any], *, source: str = "<scenario>") -> Scenario:
    """Structure check of a scenario table; problems as :class:`config.ConfigError`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, data, source=source, root=Scenario)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (following ``extends``) and validate its structure.

    Checks against the hall configuration (services, windows exist …) happen in
    :func:`server.sim.plan.plan_day`, once the hall is known.
    """
    path = Path(path)
    return validate_scenario(_read(path), source=str(path))
