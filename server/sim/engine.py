"""The hall day on a virtual clock: SimPy processes driving the real ``server.core.Hall``.

Processes (generators on one ``simpy.Environment`` whose ``now`` is POSIX seconds):

* arrivals   one per stream; non-homogeneous Poisson by thinning; each visitor's whole "destiny"
             (lane, service time, no-show, return, transfer) is drawn on arrival from that stream's
             own random generator, so two runs with the same seed meet the same visitors whatever
             the dispatch does (common random numbers: tide vs no tide is a paired comparison)
* clerk      one per staffed window: sign in for each shift, call as soon as free, recall and mark
             no-shows, serve, finish or transfer, take breaks (pause/resume), serve out the queue
             for up to ``overtime`` after the shift, sign out
* come_back  a no-show visitor who returns and asks to be requeued (过号重排)
* controller the tide controller's tick every ``tick_s``, and draining the core's events

An idle clerk blocks on a SimPy event registered under each service its window can call; issuing,
transferring or requeueing a ticket wakes exactly one idle clerk for that service (the one idle
longest), so an idle hall costs nothing per simulated second.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import simpy

from config import HallConfig
from server.core import Call, Hall, Lane, Outcome, Refused, WorkCalendar, events

from .distributions import Sampler
from .rates import RateProfile, thinning
from .record import SimLog, TideSpan, Visit, WindowLog

Process = Generator[simpy.Event, object, None]


@dataclass(frozen=True, slots=True)
class Stream:
    """Visitors arriving for one service."""

    service: str
    profile: RateProfile
    priority_share: float = 0.0
    appointment_share: float = 0.0


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How visitors behave once they hold a ticket (all shares are probabilities)."""

    no_show_share: float = 0.0
    return_share: float = 0.0  # of no-shows
    return_after_s: float = 1200.0  # mean, exponential
    walk_s: float = 0.0  # call → arrival at the window
    recall_after_s: float = 45.0


@dataclass(frozen=True, slots=True)
class Break:
    at: float  # virtual POSIX seconds
    seconds: float
    reason: str


@dataclass(slots=True)
class SimSetup:
    """Everything a run needs, resolved to absolute virtual times (see ``scenario`` and ``quick``)."""

    hall: HallConfig
    calendar: WorkCalendar
    tz: ZoneInfo
    day_start: float  # local midnight of the first simulated day
    arrivals_end: float  # no arrivals from here on
    cutoff: float  # the run stops here whatever happens
    seed: int
    streams: list[Stream]
    service_time: dict[str, Sampler]  # service code → seconds
    shifts: dict[int, list[tuple[float, float]]]  # window → (sign in, sign out), ascending
    transfers: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # from → (to, share)
    behaviour: Behaviour = Behaviour()
    breaks: dict[int, list[Break]] = field(default_factory=dict)
    overtime_s: float = 3600.0
    tick_s: float = 30.0
    tide: bool = True  # call Hall.tick (the config's tide.enabled decides whether it acts)
    check_hours: bool = True


@dataclass(slots=True)
class _Destiny:
    service_s: float
    no_show: bool = False
    return_after_s: float | None = None
    transfer_to: str | None = None
    transfer_service_s: float = 0.0


class SimClock:
    """The core's clock in a simulation: SimPy's virtual ``now`` (POSIX seconds)."""

    def __init__(self, env: simpy.Environment) -> None:
        self._env = env

    def now(self) -> float:
        return float(self._env.now)


class HallDay:
    """One simulation run. ``HallDay(setup).run()`` returns the :class:`SimLog`."""

    def __init__(self, setup: SimSetup) -> None:
        self.setup = setup
        self.env = simpy.Environment(initial_time=setup.day_start)
        self.clock = SimClock(self.env)
        self.hall = Hall(setup.hall, setup.calendar, setup.tz)
        self.log = SimLog(start=setup.day_start)
        self._destiny: dict[str, _Destiny] = {}
        self._visit: dict[str, Visit] = {}  # ticket id → its current visit
        self._waiting: dict[str, int] = {}  # service → waiting count, for the trace
        self._profile: dict[int, tuple[str, ...]] = {
            w.number: tuple(dict.fromkeys(s for tier in w.profile for s in tier.services))
            for w in setup.hall.windows
        }
        self._idle: dict[str, dict[int, simpy.Event]] = {s.code: {} for s in setup.hall.services}
        self._idle_window: dict[int, tuple[simpy.Event, tuple[str, ...]]] = {}
        self._signed_in: dict[int, float] = {}
        self._active = 0  # arrival streams and clerks still running
        self._done = self.env.event()
        self._appointments = 0
        self._staffed = self.env.event()  # fired at a sign-in when nobody was signed in

    # -- running -----------------------------------------------------------------------------
    def run(self) -> SimLog:
        s = self.setup
        for i, stream in enumerate(s.streams):
            self._start(self._arrivals(i, stream))
        for number, shifts in sorted(s.shifts.items()):
            if shifts:
                self.log.windows[number] = WindowLog(number)
                self._start(self._clerk(number, shifts, s.breaks.get(number, [])))
        self.env.process(self._controller())
        if self._active:
            self.env.run(until=self.env.any_of([self._done, self.env.timeout(s.cutoff - self.env.now)]))
        now = self.clock.now()
        for number, since in self._signed_in.items():  # cut off while still signed in
            self.log.windows[number].staffed_s += now - since
        self._drain()
        self.log.end = now
        return self.log

    def _start(self, process: Process) -> None:
        self._active += 1
        self.env.process(process)

    def _stopped(self) -> None:
        self._active -= 1
        if self._active == 0 and not self._done.triggered:
            self._done.succeed()

    # -- visitors ----------------------------------------------------------------------------
    def _arrivals(self, index: int, stream: Stream) -> Process:
        s = self.setup
        times = random.Random(f"{s.seed}/arrivals/{index}/{stream.service}")
        people = random.Random(f"{s.seed}/visitors/{index}/{stream.service}")
        for t in thinning(stream.profile, times, self.env.now, s.arrivals_end, s.day_start):
            yield self.env.timeout(t - self.env.now)
            self._arrive(stream, people)
        self._stopped()

    def _draw(self, service: str, rng: random.Random) -> _Destiny:
        s, b = self.setup, self.setup.behaviour
        destiny = _Destiny(service_s=s.service_time[service](rng))
        if b.no_show_share and rng.random() < b.no_show_share:
            destiny.no_show = True
            if b.return_share and rng.random() < b.return_share:
                destiny.return_after_s = rng.expovariate(1 / b.return_after_s)
        u = rng.random() if service in s.transfers else 1.0
        for to, share in s.transfers.get(service, ()):
            if u < share:
                destiny.transfer_to = to
                destiny.transfer_service_s = s.service_time[to](rng)
                break
            u -= share
        return destiny

    def _arrive(self, stream: Stream, rng: random.Random) -> None:
        u = rng.random()
        destiny = self._draw(stream.service, rng)  # drawn even if refused: keeps the stream aligned
        if u < stream.priority_share:
            lane, channel, booking = Lane.PRIORITY, "kiosk", None
        elif u < stream.priority_share + stream.appointment_share:
            self._appointments += 1
            lane, channel, booking = Lane.APPOINTMENT, "appointment", f"sim-{self._appointments}"
        else:
            lane, channel, booking = Lane.NORMAL, "kiosk", None
        now = self.clock.now()
        try:
            issued = self.hall.issue(stream.service, lane, now=now, channel=channel,
                                     appointment_id=booking, check_hours=self.setup.check_hours)
        except Refused as refused:  # e.g. closed, daily_cap: the visitor goes home without a ticket
            self.log.refused[refused.code] += 1
            self.log.refused_by_service[stream.service] += 1
            return
        ticket = issued.ticket
        self._destiny[ticket.id] = destiny
        est = issued.estimate
        low, high = est.range_min() if est is not None else (None, None)
        self._enqueue(Visit(ticket.id, ticket.service, ticket.lane.value, now, issued.estimated_wait_s,
                            None if low is None else low * 60, None if high is None else high * 60,
                            est is not None and est.beyond_closing))

    def _enqueue(self, visit: Visit) -> None:
        self._visit[visit.ticket] = visit
        self.log.visits.append(visit)
        self._count(visit.service, +1)
        self._wake(visit.service)

    def _come_back(self, ticket_id: str, after_s: float) -> Process:
        yield self.env.timeout(after_s)
        try:
            ticket = self.hall.requeue(ticket_id, now=self.clock.now())
        except Refused:  # requeue_expired (or the day is over): the visitor leaves
            self.log.requeue_expired += 1
            return
        self._destiny[ticket_id].no_show = False  # this time they are here
        self._enqueue(Visit(ticket.id, ticket.service, ticket.lane.value, self.clock.now(),
                            kind="requeued"))

    # -- clerks ------------------------------------------------------------------------------
    def _clerk(self, number: int, shifts: list[tuple[float, float]], breaks: Iterable[Break]) -> Process:
        env, hall, wlog = self.env, self.hall, self.log.windows[number]
        pending = deque(sorted(breaks, key=lambda b: b.at))
        for sign_in_at, sign_out_at in shifts:
            if sign_in_at > env.now:
                yield env.timeout(sign_in_at - env.now)
            hall.sign_in(number, f"sim-clerk-{number}", now=self.clock.now())
            self._signed_in[number] = since = self.clock.now()
            if not self._staffed.triggered:
                self._staffed.succeed()
            overtime_end = sign_out_at + self.setup.overtime_s
            while True:
                now = self.clock.now()
                if pending and pending[0].at <= now:
                    brk = pending.popleft()
                    if now < sign_out_at:
                        yield from self._break(number, brk)
                    continue
                call = hall.call_next(number, now=now) if now < overtime_end else None
                if call is not None:
                    yield from self._serve(number, call)
                    continue
                if now >= sign_out_at:
                    break
                deadline = min(sign_out_at, pending[0].at if pending else math.inf)
                yield self._wait_for_work(number, deadline)
                self._unregister(number)
            hall.sign_out(number, now=self.clock.now())
            del self._signed_in[number]
            wlog.staffed_s += self.clock.now() - since
        self._stopped()

    def _break(self, number: int, brk: Break) -> Process:
        now = self.clock.now()
        self.hall.pause(number, brk.reason, now + brk.seconds, now=now)
        yield self.env.timeout(brk.seconds)
        self.hall.resume(number, now=self.clock.now())
        self.log.windows[number].paused_s += brk.seconds

    def _serve(self, number: int, call: Call) -> Process:
        env, hall, b = self.env, self.hall, self.setup.behaviour
        ticket = call.ticket
        called_at = self.clock.now()
        visit = self._visit.pop(ticket.id)
        visit.called_at, visit.window = called_at, number
        self._count(ticket.service, -1)
        destiny = self._destiny[ticket.id]
        wlog = self.log.windows[number]
        if destiny.no_show:
            for _ in range(self.setup.hall.recall.max_recalls):
                yield env.timeout(b.recall_after_s)
                hall.recall(number, now=self.clock.now())
            yield env.timeout(b.recall_after_s)
            hall.no_show(number, now=self.clock.now())
            visit.end = "no_show"
            wlog.no_shows += 1
            if destiny.return_after_s is not None:
                env.process(self._come_back(ticket.id, destiny.return_after_s))
            else:
                del self._destiny[ticket.id]
        else:
            if b.walk_s:
                yield env.timeout(b.walk_s)
            hall.start(number, now=self.clock.now())
            visit.started_at = self.clock.now()
            yield env.timeout(destiny.service_s)
            now = self.clock.now()
            visit.finished_at = now
            wlog.served += 1
            if destiny.transfer_to is not None and self._transfer(number, destiny):
                visit.end = "transferred"
            else:
                hall.finish(number, Outcome.COMPLETED, now=now)
                visit.end = "finished"
            del self._destiny[ticket.id]
        wlog.busy_s += self.clock.now() - called_at

    def _transfer(self, number: int, destiny: _Destiny) -> bool:
        """Transfer the current visit; False when the core refuses (the visit is then finished)."""
        now = self.clock.now()
        try:
            ticket = self.hall.transfer(number, destiny.transfer_to or "", now=now,
                                        note="模拟转办 / simulated transfer")
        except Refused as refused:
            self.log.refused[f"transfer_{refused.code}"] += 1
            return False
        self._destiny[ticket.id] = _Destiny(service_s=destiny.transfer_service_s)
        # the counter tells the visitor the next queue's estimate, "beyond closing" included
        told = self.hall.estimate(ticket.id, now=now).beyond_closing
        self._enqueue(Visit(ticket.id, ticket.service, ticket.lane.value, now, kind="transferred",
                            told_beyond_closing=told))
        return True

    # -- waking idle clerks ------------------------------------------------------------------
    def _services_of(self, number: int) -> tuple[str, ...]:
        tide = self.hall.window(number).tide_service
        profile = self._profile[number]
        return profile if tide is None or tide in profile else (tide, *profile)

    def _wait_for_work(self, number: int, deadline: float) -> simpy.Event:
        event = self.env.event()
        services = self._services_of(number)
        for code in services:
            self._idle[code][number] = event
        self._idle_window[number] = (event, services)
        if deadline < math.inf:
            self.env.timeout(deadline - self.env.now).callbacks.append(
                lambda _timeout: event.triggered or event.succeed())
        return event

    def _unregister(self, number: int) -> None:
        _event, services = self._idle_window.pop(number)
        for code in services:
            self._idle[code].pop(number, None)

    def _wake(self, service: str) -> None:
        """One new waiting ticket: wake the clerk idle longest among those who can call it.

        A clerk is idle only after ``call_next`` found nothing for its window, so one ticket can
        give work to at most one of them.
        """
        for event in self._idle[service].values():
            if not event.triggered:
                event.succeed()
                return

    def _wake_window(self, number: int) -> None:
        idle = self._idle_window.get(number)
        if idle is not None and not idle[0].triggered:
            idle[0].succeed()

    # -- the tide controller and the core's events -------------------------------------------
    def _controller(self) -> Process:
        """Tick while any window is signed in: the controller can only move staffed windows, and
        a night of empty ticks would cost more than the day (each tick looks at every service)."""
        while not self._done.triggered:
            if not self._signed_in:
                self._staffed = self.env.event()
                yield self._staffed
            yield self.env.timeout(self.setup.tick_s)
            if self.setup.tide:
                self.hall.tick(now=self.clock.now())
            self._drain()

    def _drain(self) -> None:
        for event in self.hall.drain_events():
            if isinstance(event, events.TideOpened):
                self.log.tide.append(TideSpan(event.window.number, event.service, event.at,
                                              event.reason_zh, event.reason_en))
                self._wake_window(event.window.number)  # it may now call the tide service
            elif isinstance(event, events.TideClosed):
                for span in reversed(self.log.tide):
                    if span.window == event.window.number and span.closed_at is None:
                        span.closed_at = event.at
                        break
                self._wake_window(event.window.number)  # re-register under its own services
            elif isinstance(event, events.TideRequested):
                self.log.tide_requests += 1

    def _count(self, service: str, delta: int) -> None:
        count = self._waiting.get(service, 0) + delta
        self._waiting[service] = count
        self.log.trace_t.append(self.clock.now())
        self.log.trace_service.append(service)
        self.log.trace_count.append(count)


def simulate(setup: SimSetup) -> SimLog:
    """Run one simulated day (or quick-form stretch) and return what happened."""
    return HallDay(setup).run()
