"""The Hall: one hall's tickets and windows, the actions on them, and the events they cause.

Pure: every mutating call takes ``now`` (POSIX seconds); there is no I/O, no wall clock and no
randomness. A refused call (:class:`Refused`) changes nothing and emits nothing: every check runs
before the first change. Returned tickets and windows are copies; the hall's own state changes only
through its methods. ``Hall(config, …, tickets=…, windows=…, tide_memory=…)`` rebuilds every
derived structure from stored state and then decides exactly as the hall that stored it.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from config import Deployment, HallConfig, ServiceConfig

from . import events as ev
from .dispatch import Profile, pick
from .errors import Refused
from .hours import WorkCalendar, local_time
from .lanes import bonus_s, ordinary_bound_s
from .lifecycle import next_state
from .model import (
    AT_WINDOW,
    FINAL,
    Call,
    Estimate,
    Issued,
    Lane,
    Outcome,
    Ticket,
    TicketState,
    WindowState,
    WindowStatus,
)
from .numbering import Numbering, continuation_id, format_number, ticket_id
from .queues import Queues
from .tide import Load, Move, TideController, queue_cost
from .wait import Capacity, ServiceTimes, estimate_range, estimate_seconds, first_free_s

_REQUEUE_GAP_S = 0.001  # a requeued ticket sorts just behind the K-th waiting ticket


class Hall:
    def __init__(self, config: HallConfig, calendar: WorkCalendar, tz: ZoneInfo,
                 tickets: Iterable[Ticket] = (), windows: Iterable[WindowState] = (),
                 tide_memory: dict | None = None) -> None:
        self.config = config
        self.calendar = calendar
        self.tz = tz
        self.id = config.id
        self._bonus = {lane: bonus_s(config.lanes, lane) for lane in Lane}
        bounds = {s.code: ordinary_bound_s(config.lanes, s) for s in config.services}
        # service → seconds an ordinary ticket may wait (rule "bounded"); None under rule "bonus"
        self._bounds: dict[str, float] | None = (
            None if config.lanes.rule != "bounded" else {k: v for k, v in bounds.items() if v is not None})
        self._profiles = {w.number: Profile.of(w) for w in config.windows}
        self._eligible = [w.number for w in config.windows if w.tide_eligible]
        self._able: dict[str, list[int]] = {}  # service → windows whose profile has it
        for p in self._profiles.values():
            for code in p.services:
                self._able.setdefault(code, []).append(p.number)
        self._capacity = Capacity(self._profiles.values())
        self._times = ServiceTimes({s.code: s.minutes * 60.0 for s in config.services})
        self._numbers = Numbering()
        self._queues = Queues()
        self._tickets: dict[str, Ticket] = {}
        self._windows = {w.number: WindowState(w.number) for w in config.windows}
        self._arrivals: dict[str, deque[float]] = {s.code: deque() for s in config.services}
        self._events: list[ev.Event] = []
        self._tide_by_service: dict[str, list[int]] = {}  # tide windows per service, by number
        self.catch_up(tickets, windows, tide_memory)  # all the rows, into the empty hall

    def catch_up(self, tickets: Iterable[Ticket], windows: Iterable[WindowState], tide_memory: dict | None) -> None:
        """Take rows into this Hall: in :meth:`__init__` all of them, later the ones another process
        committed (the tickets and windows it changed, and the tide memory), going over those only. A
        server process behind the load balancer does this before each batch the other wrote before; a
        rebuild went over the whole day (40 ms for 3,000 waiting tickets).
        Service times and arrival times are kept in time order; the rest is as a rebuild's
        (tests/server/test_hall_catch_up.py compares the two after random work of two processes)."""
        changed = sorted(tickets, key=lambda t: (t.issued_at, t.id))
        arrivals: dict[str, list[float]] = {}
        finished = []
        for t in changed:
            old = self._tickets.get(t.id)
            if t.id in self._queues:
                self._queues.remove(t.id)
            t = t.copy()
            self._tickets[t.id] = t
            self._numbers.observe(t)
            if old is None and t.transferred_from is None and t.service in self._arrivals:
                arrivals.setdefault(t.service, []).append(t.issued_at)
            if t.state is TicketState.WAITING and self.config.has_service(t.service):
                self._enqueue(t)
            if t.state is TicketState.DONE and t.started_at is not None and t.finished_at is not None \
                    and (old is None or old.state is not TicketState.DONE):
                finished.append(t)
        for code, times in arrivals.items():
            self._arrivals[code] = deque(sorted([*self._arrivals[code], *times]))
        for t in sorted(finished, key=lambda t: (t.finished_at, t.id)):
            self._times.record(t.service, t.finished_at - t.started_at)
        for w in windows:
            if w.number in self._windows:  # a window removed from the config is forgotten
                self._windows[w.number] = w.copy()
        self._tide = TideController(self.config.tide, tide_memory)
        self._settle_windows(changed)

    def _settle_windows(self, tickets: Iterable[Ticket]) -> None:
        """Windows consistent with the tickets (stored state from an older config or a torn write), a called
        ticket among ``tickets`` whose window lost it given back, the tide windows per service."""
        for ws in self._windows.values():
            current = self._tickets.get(ws.current) if ws.current is not None else None
            if current is None or current.state not in AT_WINDOW or current.window != ws.number:
                ws.current = None
            if ws.tide_service is not None and not self.config.has_service(ws.tide_service):
                ws.tide_service, ws.tide_manual, ws.tide_since = None, False, None
        for t in tickets:
            t = self._tickets[t.id]
            ws = self._windows.get(t.window) if t.window is not None else None
            if t.state in AT_WINDOW and ws is not None and ws.current is None \
                    and ws.status is not WindowStatus.CLOSED:
                ws.current = t.id
        self._tide_by_service = {}
        for n, w in sorted(self._windows.items()):
            if w.tide_service is not None:
                self._tide_by_service.setdefault(w.tide_service, []).append(n)

    @classmethod
    def for_deployment(cls, deployment: Deployment, hall_id: str, **state) -> Hall:
        """The hall ``hall_id`` of a loaded deployment, with its calendar and time zone."""
        return cls(deployment.hall(hall_id), WorkCalendar(deployment.calendar), deployment.tz, **state)

    # ───────────────────────────── visitors ─────────────────────────────

    def issue(self, service: str, lane: Lane = Lane.NORMAL, *, now: float, channel: str = "kiosk",
              appointment_id: str | None = None, check_hours: bool = True) -> Issued:
        """A new ticket. Refused when the service is unknown, not issuing now (``closed``, with
        today's hours) or out of numbers for today (``daily_cap``)."""
        svc = self._service(service)
        lane = _lane(lane)
        local = local_time(now, self.tz)
        if check_hours and not self.calendar.is_open(self.config.hours, svc, local):
            zh, en = self.calendar.hours_text(self.config.hours, svc, local.date())
            raise Refused("closed", f"现在不能取 {svc.name_zh} 的号。{zh}",
                          f"no tickets for {svc.name_en} now. {en}")
        day = local.date().isoformat()
        if self._numbers.peek(day, svc.code) > svc.daily_cap:
            raise Refused("daily_cap", f"今日 {svc.name_zh} 号源已满（{svc.daily_cap} 个），请改日或预约办理",
                          f"today's {svc.daily_cap} tickets for {svc.name_en} are all taken: "
                          "please come another day or book")
        number = format_number(svc.prefix, self._numbers.take(day, svc.code))
        t = Ticket(ticket_id(self.id, day, number), self.id, day, svc.code, number, lane, channel,
                   TicketState.WAITING, now, now, appointment_id=appointment_id)
        self._tickets[t.id] = t
        key = self._enqueue(t)
        self._arrivals[svc.code].append(now)
        ahead = self._queues.rank(svc.code, (key, t.id))
        estimate = self._estimate_full(svc.code, ahead, now, lane)
        snap = t.copy()
        self._emit(ev.TicketIssued(at=now, hall=self.id, ticket=snap, ahead=ahead,
                                   estimated_wait_s=estimate.wait_s))
        return Issued(snap, ahead, estimate.wait_s, estimate)

    def cancel(self, ticket_id: str, *, now: float) -> Ticket:
        """The visitor gives up a waiting ticket (web, phone or kiosk)."""
        t = self._ticket(ticket_id)
        t_state = next_state(t.id, t.state, "cancel")
        self._queues.remove(t.id)
        t.state = t_state
        t.finished_at = now
        self._emit(ev.TicketCancelled(at=now, hall=self.id, ticket=t.copy()))
        return t.copy()

    def requeue(self, ticket_id: str, *, now: float) -> Ticket:
        """过号重排: a no-show who comes back within ``requeue_within_min`` goes behind the next
        ``requeue_behind`` waiting tickets of the service (never ahead of its old place)."""
        t = self._ticket(ticket_id)
        new_state = next_state(t.id, t.state, "requeue")
        rules = self.config.recall
        svc = self._service(t.service)
        missed = now - (t.finished_at if t.finished_at is not None else now)
        if missed > rules.requeue_within_min * 60:
            raise Refused("requeue_expired",
                          f"票号 {t.number} 过号已 {int(missed // 60)} 分钟，超过 {rules.requeue_within_min:g} "
                          "分钟，不能重排，请重新取号",
                          f"ticket {t.number} was missed {int(missed // 60)} min ago, more than "
                          f"{rules.requeue_within_min:g} min: please take a new ticket")
        bonus = self._bonus[t.lane]
        key = t.queued_at - bonus
        k = rules.requeue_behind
        # behind the K-th waiting ticket in call order; under strict priority, of its own class
        # (priority, or ordinary): the classes' keys lie a week apart, and a key taken from the other
        # class would move queued_at a week into the future or the past
        lanes = None
        if self._bounds is not None:
            lanes = (Lane.PRIORITY,) if t.lane is Lane.PRIORITY else (Lane.APPOINTMENT, Lane.NORMAL)
        if k > 0:
            target = self._queues.nth(svc.code, k, lanes) or self._queues.last(svc.code, lanes)
            if target is not None:
                key = max(key, target[0] + _REQUEUE_GAP_S)
        else:
            head = self._queues.nth(svc.code, 1, lanes)
            if head is not None:
                key = min(key, head[0] - _REQUEUE_GAP_S)
        t.state = new_state
        t.queued_at = key + bonus
        t.window = t.clerk = t.called_at = t.finished_at = None
        t.recalls = 0
        t.requeues += 1
        real_key = self._enqueue(t)
        behind = self._queues.rank(svc.code, (real_key, t.id))
        self._emit(ev.TicketRequeued(at=now, hall=self.id, ticket=t.copy(), behind=behind))
        return t.copy()

    # ───────────────────────────── windows ─────────────────────────────

    def sign_in(self, window: int, clerk: str, *, now: float) -> WindowState:
        ws = self._window(window)
        if ws.status is not WindowStatus.CLOSED:
            if ws.clerk == clerk:
                return ws.copy()  # already signed in: nothing changes, nothing to record
            raise Refused("window_taken", f"{window} 号窗口已由 {ws.clerk} 签到，请使用 A/B 岗接管",
                          f"window {window} is signed in by {ws.clerk}: use takeover (A/B post)")
        ws.status = WindowStatus.OPEN
        ws.clerk = clerk
        self._emit(ev.WindowOpened(at=now, hall=self.id, window=ws.copy()))
        return ws.copy()

    def sign_out(self, window: int, *, now: float) -> WindowState:
        ws = self._window(window)
        if ws.status is WindowStatus.CLOSED:
            raise _window_closed(window)
        if ws.current is not None:
            raise _window_busy(window, self._tickets[ws.current])
        if ws.tide_service is not None:
            self._tide_release(ws, now, None, "窗口签退", "the window signed out")
        clerk = ws.clerk
        ws.status = WindowStatus.CLOSED
        ws.clerk = None
        ws.pause_reason = ""
        ws.pause_until = None
        self._emit(ev.WindowClosed(at=now, hall=self.id, window=ws.copy(), clerk=clerk))
        return ws.copy()

    def call_next(self, window: int, *, now: float) -> Call | None:
        """Call the next ticket for the window (:mod:`.dispatch`); None when nobody waits for it."""
        ws = self._window(window)
        self._check_can_serve(ws)
        if ws.current is not None:
            raise _window_busy(window, self._tickets[ws.current])
        chosen = pick(self._profiles[window], ws, self._queues, self._tickets, self.config, now, self._bounds)
        if chosen is None:
            return None
        t = self._tickets[chosen.ticket_id]
        t.state = next_state(t.id, t.state, "call")
        self._queues.remove(t.id)
        t.window = window
        t.clerk = ws.clerk
        t.called_at = now
        t.recalls = 0
        ws.current = t.id
        snap = t.copy()
        self._emit(ev.TicketCalled(at=now, hall=self.id, ticket=snap, window=ws.copy(),
                                   reason_zh=chosen.reason_zh, reason_en=chosen.reason_en))
        return Call(snap, chosen.reason_zh, chosen.reason_en)

    def recall(self, window: int, *, now: float) -> Ticket:
        """Call the current ticket again, up to ``max_recalls`` times; then only no-show."""
        ws, t = self._current(window)
        new_state = next_state(t.id, t.state, "recall")
        limit = self.config.recall.max_recalls
        if t.recalls >= limit:
            raise Refused("recall_limit", f"票号 {t.number} 已重呼 {t.recalls} 次（上限 {limit} 次），请标记过号",
                          f"ticket {t.number} was recalled {t.recalls} times (limit {limit}): "
                          "mark it as a no-show")
        t.state = new_state
        t.recalls += 1
        return self._ticket_event(ev.TicketRecalled, t, ws, now)

    def no_show(self, window: int, *, now: float) -> Ticket:
        ws, t = self._current(window)
        t.state = next_state(t.id, t.state, "no_show")
        t.finished_at = now
        ws.current = None
        return self._ticket_event(ev.TicketNoShow, t, ws, now)

    def start(self, window: int, *, now: float) -> Ticket:
        """The called visitor has arrived at the window."""
        ws, t = self._current(window)
        t.state = next_state(t.id, t.state, "start")
        t.started_at = now
        return self._ticket_event(ev.TicketStarted, t, ws, now)

    def finish(self, window: int, outcome: Outcome, *, now: float) -> Ticket:
        ws, t = self._current(window)
        new_state = next_state(t.id, t.state, "finish")
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise Refused("unknown_outcome", f"未知办理结果 {outcome!r}",
                          f"unknown outcome {outcome!r}; one of {', '.join(Outcome)}") from None
        t.state = new_state
        t.finished_at = now
        t.outcome = outcome
        ws.current = None
        if t.started_at is not None:
            self._times.record(t.service, now - t.started_at)
        return self._ticket_event(ev.TicketFinished, t, ws, now)

    def transfer(self, window: int, service: str, *, now: float, note: str = "") -> Ticket:
        """Hand the visitor on to another service: the ticket becomes TRANSFERRED and a waiting
        continuation (same number, id ``-T1``) keeps its place in time (queued_at)."""
        ws, t = self._current(window)
        new_state = next_state(t.id, t.state, "transfer")
        target = self._service(service)
        if target.code == t.service:
            raise Refused("same_service", f"票号 {t.number} 已是 {target.name_zh}，无需转办",
                          f"ticket {t.number} already is for {target.name_en}: nothing to transfer")
        cont = Ticket(continuation_id(t.id), self.id, t.day, target.code, t.number, t.lane, t.channel,
                      TicketState.WAITING, t.issued_at, t.queued_at, transferred_from=t.id,
                      appointment_id=t.appointment_id, note=note)
        t.state = new_state
        t.finished_at = now
        t.transferred_to = cont.id
        ws.current = None
        self._tickets[cont.id] = cont
        self._enqueue(cont)
        self._emit(ev.TicketTransferred(at=now, hall=self.id, ticket=t.copy(), continuation=cont.copy(),
                                        window=ws.copy()))
        return cont.copy()

    def pause(self, window: int, reason: str, until: float | None, *, now: float) -> WindowState:
        """去向留言 (004 第十三条): the window shows why and until when."""
        ws = self._window(window)
        self._check_can_serve(ws)
        if ws.current is not None:
            raise _window_busy(window, self._tickets[ws.current])
        if not reason.strip():
            raise Refused("pause_reason_missing", "暂停服务须说明去向或原因", "a pause needs a reason")
        ws.status = WindowStatus.PAUSED
        ws.pause_reason = reason.strip()
        ws.pause_until = until
        self._emit(ev.WindowPaused(at=now, hall=self.id, window=ws.copy()))
        return ws.copy()

    def resume(self, window: int, *, now: float) -> WindowState:
        ws = self._window(window)
        if ws.status is not WindowStatus.PAUSED:
            raise Refused("window_not_paused", f"{window} 号窗口未暂停", f"window {window} is not paused")
        ws.status = WindowStatus.OPEN
        ws.pause_reason = ""
        ws.pause_until = None
        self._emit(ev.WindowResumed(at=now, hall=self.id, window=ws.copy()))
        return ws.copy()

    def takeover(self, window: int, clerk: str, *, now: float) -> WindowState:
        """A/B 岗 (004 第十二条): another clerk takes the window, its pause and its current ticket."""
        ws = self._window(window)
        if ws.status is WindowStatus.CLOSED:
            raise _window_closed(window)
        if ws.clerk == clerk:
            raise Refused("same_clerk", f"{clerk} 已在 {window} 号窗口", f"{clerk} already holds window {window}")
        previous = ws.clerk
        ws.clerk = clerk
        ws.status = WindowStatus.OPEN
        ws.pause_reason = ""
        ws.pause_until = None
        current = None
        if ws.current is not None:
            t = self._tickets[ws.current]
            t.clerk = clerk
            current = t.copy()
        self._emit(ev.WindowTakeover(at=now, hall=self.id, window=ws.copy(), previous_clerk=previous,
                                     ticket=current))
        return ws.copy()

    # ───────────────────────────── tide windows ─────────────────────────────

    def tick(self, *, now: float) -> None:
        """Run the tide controller (call every 30–60 s); does nothing if tide windows are off."""
        if self.config.tide.enabled:
            self._tide.tick(_TidePort(self), (s.code for s in self.config.services), now)

    def open_tide(self, window: int, service: str, *, now: float, by: str | None = None) -> WindowState:
        """A manager makes ``window`` the tide window of ``service`` (re-assigning it if it was one
        for another service). Manual tide windows are never closed automatically."""
        ws = self._window(window)
        svc = self._service(service)
        if not self.config.window(window).tide_eligible:
            raise Refused("tide_not_eligible", f"{window} 号窗口不是可调配的潮汐窗口",
                          f"window {window} is not tide-eligible")
        if ws.status is WindowStatus.CLOSED:
            raise _window_closed(window)
        if svc.code in self._profiles[window].first_tier:
            raise Refused("tide_redundant", f"{window} 号窗口本来就首选办理 {svc.name_zh}",
                          f"window {window} already serves {svc.name_en} first")
        if ws.tide_service == svc.code:
            raise Refused("tide_already_open", f"{window} 号窗口已是 {svc.name_zh} 的潮汐窗口",
                          f"window {window} already is a tide window for {svc.name_en}")
        who = by or "管理员"
        if ws.tide_service is not None:
            self._tide_release(ws, now, by, f"{who} 改派至 {svc.name_zh}",
                               f"reassigned to {svc.name_en} by {by or 'a manager'}")
        self._tide_assign(ws, svc, now, by, f"{who} 手动开启潮汐窗口",
                          f"opened by hand by {by or 'a manager'}")
        return ws.copy()

    def close_tide(self, window: int, *, now: float, by: str | None = None) -> WindowState:
        ws = self._window(window)
        if ws.tide_service is None:
            raise Refused("tide_not_open", f"{window} 号窗口不是潮汐窗口", f"window {window} is not a tide window")
        self._tide_release(ws, now, by, f"{by or '管理员'} 手动关闭潮汐窗口",
                           f"closed by hand by {by or 'a manager'}")
        return ws.copy()

    @property
    def tide_memory(self) -> dict:
        """The tide controller's timers, JSON-able: store it and pass it back to ``Hall(…)``."""
        return self._tide.memory

    # ───────────────────────────── queries ─────────────────────────────

    def ticket(self, ticket_id: str) -> Ticket:
        return self._ticket(ticket_id).copy()

    def tickets(self) -> list[Ticket]:
        return [t.copy() for t in self._tickets.values()]

    def open_tickets(self) -> list[Ticket]:
        """Copies of the tickets not done with yet (no final state), then of the tickets they were
        transferred from: what supervision looks at, without copying the day's finished visits (its sweep
        runs under the hall lock; copying a busy day's 13,000 tickets held the kiosks up for 0.2 s)."""
        live = [t for t in self._tickets.values() if t.state not in FINAL]
        sources = dict.fromkeys(t.transferred_from for t in live if t.transferred_from)
        return [t.copy() for t in live] + [self._tickets[s].copy() for s in sources if s in self._tickets]

    def window(self, number: int) -> WindowState:
        return self._window(number).copy()

    def windows(self) -> list[WindowState]:
        return [self._windows[n].copy() for n in sorted(self._windows)]

    def waiting(self, service: str | None = None, lane: Lane | None = None) -> list[Ticket]:
        """Waiting tickets in call order (of one service; or all, by effective wait)."""
        lanes = (_lane(lane),) if lane is not None else tuple(Lane)
        codes = [self._service(service).code] if service is not None else \
            [s.code for s in self.config.services]
        merged = heapq.merge(*(self._queues.ordered(code, lanes) for code in codes))
        return [self._tickets[tid].copy() for _, tid in merged]

    def waiting_count(self, service: str, lane: Lane | None = None) -> int:
        return self._queues.count(self._service(service).code, lane)

    def ahead_of(self, ticket_id: str) -> int:
        """People before this ticket in its service's call order (0 once it is no longer waiting)."""
        t = self._ticket(ticket_id)
        if t.id not in self._queues:
            return 0
        service, _, key = self._queues.entry(t.id)
        return self._queues.rank(service, (key, t.id))

    def estimate_for(self, ticket_id: str) -> tuple[int, int]:
        """(people ahead, seconds) for a ticket already waiting; (0, 0) once it is no longer waiting."""
        t = self._ticket(ticket_id)
        if t.id not in self._queues:
            return 0, 0
        ahead = self.ahead_of(t.id)
        return ahead, self._estimate(t.service, ahead)

    def estimate(self, ticket_id: str, *, now: float) -> Estimate:
        """The full estimate (point, printed range, beyond closing) for a waiting ticket, for the
        phone page; all zero once it is no longer waiting."""
        t = self._ticket(ticket_id)
        if t.id not in self._queues:
            return Estimate(0, 0, 0, 0)
        return self._estimate_full(t.service, self.ahead_of(t.id), now, t.lane)

    def estimate_new(self, service: str, lane: Lane = Lane.NORMAL, *, now: float) -> Estimate:
        """The full estimate for a ticket issued now (what the kiosk shows before printing)."""
        svc = self._service(service)
        ahead = self._queues.rank(svc.code, (now - self._bonus[_lane(lane)], "\U0010ffff"))
        return self._estimate_full(svc.code, ahead, now, _lane(lane))

    def estimate_wait(self, service: str, lane: Lane = Lane.NORMAL, *, now: float) -> tuple[int, int]:
        """(people ahead, seconds) for a ticket issued now."""
        svc = self._service(service)
        key = now - self._bonus[_lane(lane)]
        ahead = self._queues.rank(svc.code, (key, "\U0010ffff"))  # after every equal key
        return ahead, self._estimate(svc.code, ahead)

    def is_open(self, service: str, *, now: float) -> bool:
        """Whether kiosks may issue tickets for ``service`` now."""
        return self.calendar.is_open(self.config.hours, self._service(service), local_time(now, self.tz))

    def hours_text(self, service: str, *, now: float) -> tuple[str, str]:
        """Today's hours of a service, (Chinese, English)."""
        return self.calendar.hours_text(self.config.hours, self._service(service),
                                        local_time(now, self.tz).date())

    def mean_service_s(self, service: str) -> float:
        """Mean of the last 20 finished visits (the configured minutes before any)."""
        return self._times.mean(self._service(service).code)

    def drain_events(self) -> list[ev.Event]:
        out, self._events = self._events, []
        return out

    # ───────────────────────────── internals ─────────────────────────────

    def _emit(self, event: ev.Event) -> None:
        self._events.append(event)

    def _ticket_event(self, cls: type, t: Ticket, ws: WindowState, now: float) -> Ticket:
        snap = t.copy()
        self._emit(cls(at=now, hall=self.id, ticket=snap, window=ws.copy()))
        return snap

    def _enqueue(self, t: Ticket) -> float:
        key = t.queued_at - self._bonus[t.lane]
        self._queues.add(t.id, t.service, t.lane, key)
        return key

    def _estimate(self, service: str, ahead: int) -> int:
        capacity, idle = self._capacity.of(service, self._windows, self._tide_windows(service),
                                           self._queues.counts, self._times.mean)
        return estimate_range(ahead, self._times.mean(service), capacity, idle)[0]

    def _estimate_full(self, service: str, ahead: int, now: float, lane: Lane = Lane.NORMAL) -> Estimate:
        capacity, idle = self._capacity.of(service, self._windows, self._tide_windows(service),
                                           self._queues.counts, self._times.mean)
        point, low, high = estimate_range(ahead, self._times.mean(service), capacity, idle)
        if lane is Lane.PRIORITY and self._bounds is not None and ahead == 0 and point > 0:
            point = min(max(self._first_free(service, now, point), low), high)
        closes = self._closes_at(service, now)
        return Estimate(ahead, point, low, high, closes is not None and now + high >= closes, closes)

    def _first_free(self, service: str, now: float, fallback: int) -> int:
        """A priority ticket first in its lane is called by the first window able to serve it that
        frees up (strict priority, rule "bounded"): the median of that moment, from how long each
        busy window's visit has lasted (:func:`.wait.first_free_s`); 0 when one is idle."""
        remaining: list[list[float]] = []
        for number in {*self._able.get(service, ()), *self._tide_windows(service)}:
            w = self._windows[number]
            if w.status is WindowStatus.CLOSED:
                continue
            if w.status is WindowStatus.PAUSED:
                if w.pause_until is None:
                    continue
                remaining.append([max(0.0, w.pause_until - now)])
            elif w.current is None:
                return 0
            else:
                t = self._tickets[w.current]
                elapsed = now - t.started_at if t.started_at is not None else 0.0
                remaining.append(self._times.remaining(t.service, elapsed))
        return round(first_free_s(remaining)) if remaining else fallback

    def _closes_at(self, service: str, now: float) -> float | None:
        """When the service's current opening hours end today: None when open around the clock, and
        ``now`` when it is not open now (a ticket issued or transferred after hours may well wait
        past closing). Intervals that touch are one: 午间不打烊 runs the morning into the afternoon."""
        local = local_time(now, self.tz)
        minute = local.hour * 60 + local.minute + local.second / 60
        merged: list[list[int]] = []
        for iv in sorted(self.calendar.intervals(self.config.hours, self.config.service(service), local.date())):
            if merged and iv.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], iv.end)
            else:
                merged.append([iv.start, iv.end])
        for start, end in merged:
            if start <= minute < end:
                if end >= 24 * 60:
                    return None
                midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
                return midnight.timestamp() + end * 60
        return now

    def _tide_windows(self, service: str) -> list[int]:
        return self._tide_by_service.get(service, [])

    def _service(self, code: str) -> ServiceConfig:
        try:
            return self.config.service(code)
        except KeyError:
            raise Refused("unknown_service", f"没有业务代码 {code!r}", f"no service {code!r}") from None

    def _ticket(self, ticket_id: str) -> Ticket:
        t = self._tickets.get(ticket_id)
        if t is None:
            raise Refused("unknown_ticket", f"没有票号 {ticket_id}", f"no ticket {ticket_id}")
        return t

    def _window(self, number: int) -> WindowState:
        ws = self._windows.get(number)
        if ws is None:
            raise Refused("unknown_window", f"没有 {number} 号窗口", f"no window {number}")
        return ws

    def _check_can_serve(self, ws: WindowState) -> None:
        if ws.status is WindowStatus.CLOSED:
            raise _window_closed(ws.number)
        if ws.status is WindowStatus.PAUSED:
            raise Refused("window_paused", f"{ws.number} 号窗口暂停服务中（{ws.pause_reason}），请先恢复",
                          f"window {ws.number} is paused ({ws.pause_reason}): resume first")

    def _current(self, window: int) -> tuple[WindowState, Ticket]:
        ws = self._window(window)
        if ws.current is None:
            raise Refused("no_current", f"{window} 号窗口当前没有票号", f"window {window} has no current ticket")
        t = self._tickets[ws.current]
        assert t.state in AT_WINDOW, (t.id, t.state)
        return ws, t

    def _tide_assign(self, ws: WindowState, svc: ServiceConfig, now: float, by: str | None,
                     zh: str, en: str, manual: bool = True) -> None:
        ws.tide_service = svc.code
        ws.tide_manual = manual
        ws.tide_since = now
        self._tide_by_service[svc.code] = sorted([*self._tide_windows(svc.code), ws.number])
        self._emit(ev.TideOpened(at=now, hall=self.id, window=ws.copy(), service=svc.code, manual=manual,
                                 by=by, reason_zh=f"{ws.number} 号窗口转为 {svc.name_zh} 潮汐窗口：{zh}",
                                 reason_en=f"window {ws.number} becomes a tide window for {svc.name_en}: {en}"))

    def _tide_release(self, ws: WindowState, now: float, by: str | None, zh: str, en: str,
                      manual: bool = True) -> None:
        service = ws.tide_service
        assert service is not None
        svc = self.config.service(service)
        ws.tide_service = None
        ws.tide_manual = False
        ws.tide_since = None
        self._tide_by_service[service] = [n for n in self._tide_windows(service) if n != ws.number]
        self._emit(ev.TideClosed(at=now, hall=self.id, window=ws.copy(), service=service, manual=manual,
                                 by=by, reason_zh=f"{ws.number} 号窗口结束 {svc.name_zh} 潮汐服务：{zh}",
                                 reason_en=f"window {ws.number} ends tide service for {svc.name_en}: {en}"))


class _TidePort:
    """The hall as the tide controller sees it (:class:`.tide.TidePort`)."""

    def __init__(self, hall: Hall) -> None:
        self.h = hall

    def tide_load(self, service: str, now: float) -> Load:
        h = self.h
        svc = h.config.service(service)
        arrivals = h._arrivals[service]
        horizon = now - h.config.tide.rate_window_min * 60
        while arrivals and arrivals[0] < horizon:
            arrivals.popleft()
        tide = h._tide_windows(service)
        auto = sorted((h._windows[n].tide_since or 0.0, n) for n in tide if not h._windows[n].tide_manual)
        waiting = h._queues.count(service)
        capacity, idle = h._capacity.of(service, h._windows, tide, h._queues.counts, h._times.mean)
        # the wait of whoever joins the queue now (behind all the waiting: a normal ticket's key is
        # now); with nobody waiting there is no queue to relieve
        mean = h._times.mean(service)
        wait_s = estimate_seconds(waiting, mean, capacity, idle) if waiting else 0
        return Load(service, svc.name_zh, svc.name_en, waiting, wait_s, capacity,
                    len(arrivals), mean, len(tide), tuple(n for _, n in auto))

    def _rate(self, service: str, now: float) -> float:
        """Tickets issued per second over the last ``rate_window_min``."""
        arrivals = self.h._arrivals[service]
        window_s = self.h.config.tide.rate_window_min * 60
        while arrivals and arrivals[0] < now - window_s:
            arrivals.popleft()
        return len(arrivals) / window_s

    def _cost(self, service: str, now: float, *, without: int | None = None, back: int | None = None,
              plus: float = 0.0) -> float:
        """Person-seconds of waiting ``service`` accrues over the horizon (:func:`.tide.queue_cost`)."""
        h = self.h
        capacity = h._capacity.staffed(service, h._windows, h._tide_windows(service), h._queues.counts,
                                       h._times.mean, without=without, back=back) + plus
        return queue_cost(h._queues.count(service), self._rate(service, now), h._times.mean(service),
                          capacity, h.config.tide.rate_window_min * 60)

    def tide_candidates(self, service: str, now: float) -> list[Move]:
        """Windows that may become ``service``'s tide window — staffed and not paused, tide-eligible, not
        already a tide window, without ``service`` in their first tier — weighed and best first:
        largest gain − loss, then idle before busy, then the lowest number."""
        h = self.h
        horizon = h.config.tide.rate_window_min * 60
        found = []
        for number in h._eligible:
            w = h._windows[number]
            profile = h._profiles[number]
            if w.status is not WindowStatus.OPEN or w.tide_service is not None or service in profile.first_tier:
                continue
            gain = self._cost(service, now) - self._cost(service, now, without=number, plus=1.0)
            if w.current is not None:  # it starts on the tide service only once its visit ends
                residual = h._times.mean(h._tickets[w.current].service) / 2
                gain *= max(0.0, 1 - residual / horizon)
            loss = sum(self._cost(s, now, without=number) - self._cost(s, now)
                       for s in profile.services if s != service)
            found.append((-(gain - loss), w.current is not None, number, Move(number, gain, loss)))
        return [move for *_, move in sorted(found)]

    def tide_keep(self, window: int, now: float) -> Move:
        """What tide window ``window`` is worth where it is: its tide service's loss if it went back
        (``gain_s``) against what its own services would gain (``loss_s``)."""
        h = self.h
        service = h._windows[window].tide_service
        assert service is not None
        keep = self._cost(service, now, back=window) - self._cost(service, now)
        back = sum(self._cost(s, now) - self._cost(s, now, back=window)
                   for s in h._profiles[window].services if s != service)
        return Move(window, keep, back)

    def tide_auto_windows(self) -> list[int]:
        return [n for n, w in sorted(self.h._windows.items()) if w.tide_service is not None and not w.tide_manual]

    def tide_open(self, window: int, service: str, now: float, zh: str, en: str) -> None:
        h = self.h
        h._tide_assign(h._windows[window], h.config.service(service), now, None, zh, en, manual=False)

    def tide_close(self, window: int, now: float, zh: str, en: str) -> None:
        self.h._tide_release(self.h._windows[window], now, None, zh, en, manual=False)

    def tide_request(self, load: Load, now: float, zh: str, en: str) -> None:
        h = self.h
        h._emit(ev.TideRequested(at=now, hall=h.id, service=load.service, waiting=load.waiting,
                                 estimated_wait_s=load.ewt_s, reason_zh=zh, reason_en=en))


def _window_closed(number: int) -> Refused:
    return Refused("window_closed", f"{number} 号窗口未签到", f"nobody is signed in at window {number}")


def _window_busy(number: int, current: Ticket) -> Refused:
    return Refused("window_busy", f"{number} 号窗口还有票号 {current.number} 未处理完",
                   f"window {number} still has ticket {current.number}")


def _lane(value: Lane | str) -> Lane:
    try:
        return Lane(value)
    except ValueError:
        raise Refused("unknown_lane", f"未知通道 {value!r}",
                      f"unknown lane {value!r}; one of {', '.join(Lane)}") from None
