"""Cross-checks between sections of a structurally valid configuration (contract §1).

Each check yields ``(key path, zh, en)``; the loader adds the file name. Key paths name list items
by their identity, as the loader does for structural errors: ``halls[county]``, ``services[MA01]``,
``windows[number=5]``, ``categories[market]``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .models import Deployment, HallConfig

Found = tuple[str, str, str]


def cross_check(dep: Deployment) -> list[Found]:
    found: list[Found] = list(_calendar(dep))
    for key, count in Counter(h.id for h in dep.halls).items():
        if count > 1:
            found.append((f"halls[{key}].id", f"大厅 id \"{key}\" 重复",
                          f"hall id \"{key}\" is used twice"))
    for hall in dep.halls:
        found.extend(_hall(hall, f"halls[{hall.id}]"))
    return found


def _calendar(dep: Deployment) -> Iterator[Found]:
    for i, day in enumerate(dep.calendar.workdays):
        if day in dep.calendar.holidays:
            yield (f"calendar.workdays[{i}]", f"{day} 同时列为节假日和调休工作日",
                   f"{day} is listed both as a holiday and as a working day")


def _duplicates(values: list, what_zh: str, what_en: str, path_of) -> Iterator[Found]:
    for value, count in Counter(values).items():
        if count > 1:
            yield (path_of(value), f"{what_zh} \"{value}\" 重复",
                   f"{what_en} \"{value}\" is used twice")


def _hall(hall: HallConfig, at: str) -> Iterator[Found]:
    yield from _duplicates([c.id for c in hall.categories], "类别 id", "category id",
                           lambda v: f"{at}.categories[{v}].id")
    yield from _duplicates([s.code for s in hall.services], "业务代码", "service code",
                           lambda v: f"{at}.services[{v}].code")
    prefix_owner: dict[str, str] = {}
    for s in hall.services:
        owner = prefix_owner.get(s.prefix)
        if owner is not None and owner != s.code:
            yield (f"{at}.services[{s.code}].prefix",
                   f"号码前缀 \"{s.prefix}\" 已被业务 {owner} 使用",
                   f"ticket prefix \"{s.prefix}\" is already used by service {owner}")
        prefix_owner.setdefault(s.prefix, s.code)
    yield from _duplicates([w.number for w in hall.windows], "窗口号", "window number",
                           lambda v: f"{at}.windows[number={v}].number")

    categories = {c.id for c in hall.categories}
    codes = {s.code for s in hall.services}
    for s in hall.services:
        if s.category not in categories:
            yield (f"{at}.services[{s.code}].category", f"未知类别 \"{s.category}\"",
                   f"unknown category \"{s.category}\"")
    for c in hall.categories:
        for i, code in enumerate(c.extra_services):
            if code not in codes:
                yield (f"{at}.categories[{c.id}].extra_services[{i}]", f"未知业务代码 \"{code}\"",
                       f"unknown service code \"{code}\"")

    served: set[str] = set()
    for w in hall.windows:
        seen: set[str] = set()
        for t, tier in enumerate(w.profile):
            for i, code in enumerate(tier.services):
                path = f"{at}.windows[number={w.number}].profile[{t}].services[{i}]"
                if code not in codes:
                    yield (path, f"未知业务代码 \"{code}\"", f"unknown service code \"{code}\"")
                elif code in seen:
                    yield (path, f"业务 \"{code}\" 在本窗口的工作配置中出现两次",
                           f"service \"{code}\" appears twice in this window's profile")
                seen.add(code)
        served |= seen
    for s in hall.services:
        if s.code not in served:
            yield (f"{at}.services[{s.code}]",
                   "没有任何窗口的工作配置（profile）包含此业务，票号将无人叫",
                   "no window's profile includes this service: its tickets would never be called")

    hours = hall.hours
    for ext in hours.weekday_extended:
        for base in hours.weekdays:
            if ext.start < base.end and base.start < ext.end:
                yield (f"{at}.hours.weekday_extended", f"延时时段 {ext} 与工作日时段 {base} 重叠",
                       f"extended interval {ext} overlaps working-day interval {base}")

    tide = hall.tide
    # hysteresis (000 第十八条 tide windows must not flap): close thresholds below open ones
    if tide.close_waiting >= tide.open_waiting:
        yield (f"{at}.tide.close_waiting",
               f"应小于 open_waiting（{tide.open_waiting}），否则潮汐窗口会反复开关",
               f"must be less than open_waiting ({tide.open_waiting}) or tide windows would "
               "flap")
    if tide.close_wait_min >= tide.open_wait_min:
        yield (f"{at}.tide.close_wait_min",
               f"应小于 open_wait_min（{tide.open_wait_min:g}），否则潮汐窗口会反复开关",
               f"must be less than open_wait_min ({tide.open_wait_min:g}) or tide windows "
               "would flap")
    follow = hall.followup  # 003 (七)1: the visitor is contacted before the follow-up can close
    if follow.contact_working_days > follow.close_working_days:
        yield (f"{at}.followup.contact_working_days",
               f"不能大于 close_working_days（{follow.close_working_days}）",
               f"must not be greater than close_working_days ({follow.close_working_days})")
