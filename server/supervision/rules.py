"""The supervision rules (电子监察, DOMAIN rule 9): one function per :class:`Kind`, pure, explicit clock.

``evaluate(situation, now, known)`` returns every condition that holds at ``now``. Levels:

============  ==========================================  ==========================================
kind          yellow                                      red
============  ==========================================  ==========================================
wait          longest wait of a service > target_wait_min  > 2 × target_wait_min
service       a visit at a window > max_service_min         > 2 × max_service_min
pause         paused past the announced return (until)      > 15 min past it
unstaffed     open window whose clerk's login ended         that for > 15 min; or open with no clerk
device_fault  a part reports WARN or UNKNOWN                a part reports FAIL
device_silent no heartbeat for silent_after_s (hall open)   for 5 × silent_after_s
followup      not contacted by contact_due                  not closed by close_due
============  ==========================================  ==========================================

"Open window with no clerk" is defined in docs/supervision.md: a window whose status is open or paused
with no clerk recorded (the core never makes one; stored state from a crash or a hand edit can), or a
staffed window whose clerk holds no live login any more (logged out or the 12 h login expired without
signing the window out: the window looks staffed to the lobby and nobody is there).

``known`` maps the (kind, subject) of warnings already open to their ``since``: a condition whose start
is not in the data (a login that was revoked) keeps the time it was first seen, so it can turn red.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from zoneinfo import ZoneInfo

from config import HallConfig
from server.core import TicketState, WindowStatus, WorkCalendar

from .measures import wait_start
from .model import DeviceInfo, Finding, Kind, Level, Situation

RED_FACTOR = 2.0  # wait and service time: red at twice the target / limit
PAUSE_RED_AFTER_S = 15 * 60  # a pause this long past its announced return is red
UNSTAFFED_RED_AFTER_S = 15 * 60  # a staffed-looking window with nobody logged in this long is red
SILENT_RED_FACTOR = 5  # a device silent for 5 × the silence threshold (15 min by default) is red

Known = Mapping[tuple[Kind, str], float]


def _minutes(seconds: float) -> int:
    return int(seconds // 60)


def _clock(ts: float, tz: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M")


def waits(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """Per service: the longest current wait against ``target_wait_min`` (003 (七)3)."""
    by_id = {t.id: t for t in s.tickets}
    oldest: dict[str, float] = {}
    count: dict[str, int] = {}
    for t in s.tickets:
        if t.state is not TicketState.WAITING:
            continue
        before = by_id.get(t.transferred_from) if t.transferred_from else None
        start = wait_start(issued_at=t.issued_at, queued_at=t.queued_at,
                           transferred_at=before.finished_at if before is not None else None)
        oldest[t.service] = min(start, oldest.get(t.service, start))
        count[t.service] = count.get(t.service, 0) + 1
    for code, start in oldest.items():
        if not s.config.has_service(code):
            continue
        svc = s.config.service(code)
        target = svc.target_wait_min * 60
        waited = now - start
        if waited <= target:
            continue
        level = Level.RED if waited > RED_FACTOR * target else Level.YELLOW
        yield Finding(
            Kind.WAIT, code, level, start + target,
            f"{svc.name_zh} 等候超时：最长已等 {_minutes(waited)} 分钟（目标 {svc.target_wait_min:g} 分钟），"
            f"{count[code]} 人等候",
            f"{svc.name_en}: longest wait {_minutes(waited)} min (target {svc.target_wait_min:g} min), "
            f"{count[code]} waiting",
            {"service": code, "waited_s": round(waited), "target_s": target, "waiting": count[code]},
        )


def services(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """Per visit being served: time at the window against the service's ``max_service_min``."""
    for t in s.tickets:
        if t.state is not TicketState.SERVING or t.started_at is None or not s.config.has_service(t.service):
            continue
        svc = s.config.service(t.service)
        limit = svc.max_service_min * 60
        took = now - t.started_at
        if took <= limit:
            continue
        level = Level.RED if took > RED_FACTOR * limit else Level.YELLOW
        yield Finding(
            Kind.SERVICE, t.id, level, t.started_at + limit,
            f"{t.window} 号窗口 {t.number}（{svc.name_zh}）已办理 {_minutes(took)} 分钟"
            f"（上限 {svc.max_service_min:g} 分钟）",
            f"window {t.window}: {t.number} ({svc.name_en}) in service for {_minutes(took)} min "
            f"(limit {svc.max_service_min:g} min)",
            {"ticket": t.id, "number": t.number, "service": t.service, "window": t.window, "clerk": t.clerk,
             "service_s": round(took), "limit_s": limit},
        )


def pauses(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """A paused window past the return time it announced (004 第十三条 去向留言)."""
    for w in s.windows:
        if w.status is not WindowStatus.PAUSED or w.pause_until is None or now <= w.pause_until:
            continue
        late = now - w.pause_until
        level = Level.RED if late > PAUSE_RED_AFTER_S else Level.YELLOW
        back = _clock(w.pause_until, s.tz)
        yield Finding(
            Kind.PAUSE, str(w.number), level, w.pause_until,
            f"{w.number} 号窗口暂停（{w.pause_reason}），已超过预计恢复时间 {back} {_minutes(late)} 分钟",
            f"window {w.number} paused ({w.pause_reason}), {_minutes(late)} min past its announced "
            f"return at {back}",
            {"window": w.number, "clerk": w.clerk, "pause_until": w.pause_until, "late_s": round(late)},
        )


def unstaffed(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """An open (or paused) window with nobody at it; see the module docstring for the definition."""
    for w in s.windows:
        if w.status is WindowStatus.CLOSED:
            continue
        key = (Kind.UNSTAFFED, str(w.number))
        if w.clerk is None:
            yield Finding(Kind.UNSTAFFED, str(w.number), Level.RED, known.get(key, now),
                          f"{w.number} 号窗口显示开放，但无人签到",
                          f"window {w.number} shows open but nobody is signed in",
                          {"window": w.number, "clerk": None})
        elif w.clerk not in s.on_duty:
            since = known.get(key, now)
            level = Level.RED if now - since > UNSTAFFED_RED_AFTER_S else Level.YELLOW
            yield Finding(Kind.UNSTAFFED, str(w.number), level, since,
                          f"{w.number} 号窗口开放中，但工作人员 {w.clerk} 已退出登录或登录已过期",
                          f"window {w.number} is open but clerk {w.clerk} has logged out or their login expired",
                          {"window": w.number, "clerk": w.clerk})


def _device_label(d: DeviceInfo) -> tuple[str, str]:
    where_zh = f"，{d.window} 号窗口" if d.window is not None else ""
    where_en = f", window {d.window}" if d.window is not None else ""
    return f"{d.name}（{d.kind}{where_zh}）", f"{d.name} ({d.kind}{where_en})"


def device_faults(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """The parts a device reported in its last heartbeat (drivers' Health: OK/WARN/FAIL/UNKNOWN)."""
    for d in s.devices:
        bad = [h for h in d.health if h.get("level") in ("WARN", "FAIL", "UNKNOWN")]
        if not bad:
            continue
        level = Level.RED if any(h.get("level") == "FAIL" for h in bad) else Level.YELLOW
        zh, en = _device_label(d)
        parts_zh = "；".join(f"{h.get('device', '?')} {h.get('level')}：{h.get('detail_zh', '')}" for h in bad)
        parts_en = "; ".join(f"{h.get('device', '?')} {h.get('level')}: {h.get('detail_en', '')}" for h in bad)
        yield Finding(Kind.DEVICE_FAULT, str(d.id), level, d.last_seen if d.last_seen is not None else now,
                      f"设备 {zh} 故障：{parts_zh}", f"device {en} failing: {parts_en}",
                      {"device": d.id, "window": d.window,
                       "parts": [{"device": h.get("device"), "level": h.get("level")} for h in bad]})


def device_silence(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """No heartbeat for ``silent_after_s`` while the hall is open (issue 4 part 7)."""
    if not s.hall_open:
        return  # devices are switched off at night: silence outside opening hours is not a fault
    for d in s.devices:
        last = d.last_seen if d.last_seen is not None else d.created_at
        quiet = now - last
        if quiet <= s.silent_after_s:
            continue
        level = Level.RED if quiet > SILENT_RED_FACTOR * s.silent_after_s else Level.YELLOW
        zh, en = _device_label(d)
        if d.last_seen is None:
            text = (f"设备 {zh} 登记后从未上报心跳（{_minutes(quiet)} 分钟）",
                    f"device {en} has never sent a heartbeat ({_minutes(quiet)} min since it was added)")
        else:
            text = (f"设备 {zh} 已 {_minutes(quiet)} 分钟无心跳",
                    f"device {en}: no heartbeat for {_minutes(quiet)} min")
        yield Finding(Kind.DEVICE_SILENT, str(d.id), level, last + s.silent_after_s, *text,
                      {"device": d.id, "window": d.window, "last_seen": d.last_seen, "quiet_s": round(quiet)})


def followups(s: Situation, now: float, known: Known) -> Iterator[Finding]:
    """A bad rating's follow-up past its deadlines (003 (七)1: 实名差评回访整改率达到100%)."""
    for f in s.followups:
        if f.state == "closed":
            continue
        svc = s.config.service(f.service).name_zh if s.config.has_service(f.service) else f.service
        svc_en = s.config.service(f.service).name_en if s.config.has_service(f.service) else f.service
        facts = {"followup": f.id, "number": f.number, "service": f.service, "window": f.window,
                 "contact_due": f.contact_due, "close_due": f.close_due}
        if now > f.close_due:
            yield Finding(Kind.FOLLOWUP, str(f.id), Level.RED, f.close_due,
                          f"差评回访 #{f.id}（{f.number}，{svc}）未在 {_clock(f.close_due, s.tz)} 前办结",
                          f"follow-up #{f.id} ({f.number}, {svc_en}) was not closed by "
                          f"{_clock(f.close_due, s.tz)}", facts)
        elif f.state == "open" and now > f.contact_due:
            yield Finding(Kind.FOLLOWUP, str(f.id), Level.YELLOW, f.contact_due,
                          f"差评回访 #{f.id}（{f.number}，{svc}）未在 {_clock(f.contact_due, s.tz)} 前联系评价人",
                          f"follow-up #{f.id} ({f.number}, {svc_en}): the visitor was not contacted by "
                          f"{_clock(f.contact_due, s.tz)}", facts)


RULES: dict[Kind, Callable[[Situation, float, Known], Iterator[Finding]]] = {
    Kind.WAIT: waits,
    Kind.SERVICE: services,
    Kind.PAUSE: pauses,
    Kind.UNSTAFFED: unstaffed,
    Kind.DEVICE_FAULT: device_faults,
    Kind.DEVICE_SILENT: device_silence,
    Kind.FOLLOWUP: followups,
}


def evaluate(s: Situation, now: float, known: Known | None = None) -> list[Finding]:
    """Every condition that holds at ``now``, in the order of :data:`RULES`."""
    known = known or {}
    return [f for rule in RULES.values() for f in rule(s, now, known)]


def hall_open(config: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, now: float) -> bool:
    """Whether any service of the hall is offered at ``now`` (its opening hours, not the issue stop)."""
    local = dt.datetime.fromtimestamp(now, tz)
    minute = local.hour * 60 + local.minute + local.second / 60
    return any(iv.start <= minute < iv.end
               for svc in config.services for iv in calendar.intervals(config.hours, svc, local.date()))
