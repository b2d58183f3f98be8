"""The people of the simulated hall — visitors at the kiosks, clerks at the windows — acting only through
the real HTTP API, as the kiosk and counter apps do.

Who comes when, for what, and how they behave comes from a simulator scenario (``server.sim``: the
ordinary-day arrival rates per service, priority share, no-shows and returns, walking time, service-time
distributions, transfers, staffing shifts, breaks), planned for each demo day:

* a **visitor** takes a ticket at a kiosk (normal or priority lane; refused when closed or full), walks
  up when called — or does not come (the clerk recalls, then marks the no-show); some come back later and
  ask to be requeued (过号重排);
* a **clerk** signs in for each shift (taking the window over, A/B post, if it is held by someone else),
  calls, starts, serves for the drawn service time, finishes with an outcome or transfers, lets the
  visitor rate on the pad, pauses for breaks with a public reason and return time (去向留言), serves out
  the queue after the shift and signs out.

An idle clerk waits to be woken by a ticket for a service of their window, and otherwise presses call
every five demo minutes (tide windows, and tickets from the apps, do not wake them).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from client import ApiError, HallClient
from config import HallConfig
from server.sim.engine import SimSetup
from server.sim.rates import thinning

from .agenda import Agenda
from .devices import SimDevices
from .site import DEMO_PIN, Accounts

log = logging.getLogger("hallq.live")

RESYNC_S = 60.0  # demo seconds before a clerk whose request was refused unexpectedly looks again
IDLE_POLL_S = 300.0  # demo seconds: an idle clerk glances at the queue (tide windows, tickets from the apps)
OUTCOMES = (("completed", 70), ("accepted", 20), ("supplement", 7), ("consulted", 3))
PAUSE_REASONS = ("到后台取材料", "临时离开（系统维护）", "业务咨询协调")
STALE = frozenset({"called", "recalled"})  # a current ticket left over from an earlier run


class Stats:
    """What the simulated people did, counted (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, what: str, n: int = 1) -> None:
        with self._lock:
            self._counts[what] += n

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


@dataclass
class Destiny:
    """A visitor's behaviour, drawn on arrival (so that it does not depend on how the hall serves them)."""

    service_s: float
    no_show: bool = False
    return_after_s: float | None = None
    transfer_to: str | None = None
    transfer_service_s: float = 0.0


@dataclass
class Desk:
    """One window and its (simulated) clerk."""

    number: int
    staff_no: str
    client: HallClient
    services: frozenset[str]
    shifts: list[tuple[float, float]] = field(default_factory=list)
    breaks: list[tuple[float, float, str]] = field(default_factory=list)  # (at, seconds, reason)
    shift_end: float = 0.0
    on_duty: bool = False
    current: str | None = None
    service: str | None = None
    idle: bool = False
    generation: int = 0  # a pending poll or wake of an older generation is stale
    lock: threading.Lock = field(default_factory=threading.Lock)


class LiveHall:
    def __init__(self, url: str, hall: HallConfig, accounts: Accounts, agenda: Agenda, devices: SimDevices,
                 plan: Callable[[dt.date], SimSetup], *, tz: dt.tzinfo, seed: int, windows: list[int],
                 timeout: float = 10.0) -> None:
        self.hall = hall
        self.agenda = agenda
        self.clock = agenda.clock
        self.devices = devices
        self.plan = plan
        self.tz = tz
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.setup: SimSetup | None = None
        self.day_end = 0.0  # the last shift end of the planned day
        self.pending_arrivals = 0
        self._lock = threading.Lock()
        self._destiny: dict[str, Destiny] = {}
        self._names = {s.code: s.name_zh for s in hall.services}
        self._kiosks = [HallClient(url, tok, timeout=timeout, retries=1) for tok in accounts.kiosks]
        self._next_kiosk = itertools.cycle(range(len(self._kiosks)))
        # the windows' own pads and counter terminals (not those of a window left to a person)
        self._pads = {n: HallClient(url, accounts.pads[n], timeout=timeout, retries=1) for n in windows}
        self._counters = {n: HallClient(url, accounts.counters[n], timeout=timeout, retries=1) for n in windows}
        self.desks = {
            n: Desk(n, accounts.clerks[n], HallClient(url, timeout=timeout, retries=1),
                    frozenset(hall.window(n).services()))
            for n in windows
        }

    # -- a day ------------------------------------------------------------------------------------
    def plan_day(self, day: dt.date, *, arrivals: bool = True) -> None:
        """Schedule the day's visitors (from now on) and clerks' shifts."""
        setup = self.plan(day)
        self.setup = setup
        now = self.clock.now()
        n = 0
        if arrivals:
            for stream in setup.streams:
                rng = random.Random(f"{self.rng.random()}/{stream.service}")
                for at in thinning(stream.profile, rng, now, setup.day_start + 86400, setup.day_start):
                    lane = "priority" if rng.random() < stream.priority_share else "normal"
                    self.agenda.at(at, self._arrival(stream.service, lane, self._destiny_for(stream.service, rng)))
                    n += 1
        with self._lock:
            self.pending_arrivals += n
        self.day_end = now
        for number, desk in self.desks.items():
            desk.shifts = [(a, b) for a, b in setup.shifts.get(number, []) if b > now]
            desk.breaks = sorted((b.at, b.seconds, b.reason) for b in setup.breaks.get(number, []) if b.at > now)
            if desk.shifts:
                self.day_end = max(self.day_end, desk.shifts[-1][1])
                self._next_shift(desk)

    def batch(self, visitors: int, *, stay_s: float) -> None:
        """``--once``: ``visitors`` right now; every clerk signs in, stays ``stay_s`` (demo) and then serves
        out the queue and signs out."""
        setup = self.plan(dt.datetime.fromtimestamp(self.clock.now(), self.tz).date())
        self.setup = setup
        served = sorted({s for d in self.desks.values() for s in d.services})
        for i in range(visitors):
            service = served[i % len(served)]
            self.agenda.soon(self._arrival(service, "priority" if i % 5 == 4 else "normal",
                                           Destiny(service_s=self.rng.uniform(60, 300))))
        with self._lock:
            self.pending_arrivals += visitors
        for desk in self.desks.values():
            desk.shifts = [(self.clock.now(), self.clock.now() + stay_s)]
            self._next_shift(desk)

    @property
    def quiet(self) -> bool:
        """Nobody due to arrive, no clerk on duty (the day, or the ``--once`` batch, is over)."""
        with self._lock:
            return self.pending_arrivals == 0 and not any(d.on_duty or d.shifts for d in self.desks.values())

    def close(self) -> None:
        for c in [*self._kiosks, *self._pads.values(), *self._counters.values()]:
            c.close()
        for d in self.desks.values():
            d.client.close()

    # -- visitors ---------------------------------------------------------------------------------
    def _destiny_for(self, service: str, rng: random.Random) -> Destiny:
        assert self.setup is not None
        b = self.setup.behaviour
        d = Destiny(service_s=self.setup.service_time[service](rng))
        if rng.random() < b.no_show_share:
            d.no_show = True
            if rng.random() < b.return_share:
                d.return_after_s = rng.expovariate(1 / b.return_after_s)
        for to, share in self.setup.transfers.get(service, []):
            if rng.random() < share:
                d.transfer_to, d.transfer_service_s = to, self.setup.service_time[to](rng)
                break
        return d

    def _arrival(self, service: str, lane: str, destiny: Destiny) -> Callable[[], None]:
        def arrive() -> None:
            with self._lock:
                self.pending_arrivals -= 1
            kiosk = next(self._next_kiosk)
            try:
                ticket = self._kiosks[kiosk].issue(self.hall.id, service, lane)
            except ApiError as exc:  # closed, daily_cap: the kiosk says so and the visitor leaves
                self.stats.add(f"refused:{exc.code}")
                return
            self.stats.add("issued")
            self.devices.print_ticket(kiosk, ticket, self._names[service])
            with self._lock:
                self._destiny[ticket.id] = destiny
            self._wake(service)

        return arrive

    def _come_back(self, ticket_id: str, service: str) -> Callable[[], None]:
        def back() -> None:  # 过号重排 at the kiosk
            try:
                self._kiosks[0].requeue(self.hall.id, ticket_id)
            except ApiError as exc:  # requeue_expired …
                self.stats.add(f"refused:{exc.code}")
                return
            self.stats.add("requeued")
            with self._lock:
                self._destiny[ticket_id] = Destiny(service_s=self.rng.uniform(120, 600))
            self._wake(service)

        return back

    def _wake(self, service: str) -> None:
        """A ticket for ``service`` is waiting: wake one idle clerk whose window serves it."""
        for desk in self.desks.values():
            with desk.lock:
                if desk.idle and service in desk.services:
                    desk.idle = False
                    desk.generation += 1
                    gen = desk.generation
                else:
                    continue
            self._desk_at(desk, self.clock.now(), lambda desk=desk, gen=gen: self._free(desk, gen))
            return

    # -- clerks -----------------------------------------------------------------------------------
    def _desk_at(self, desk: Desk, when: float, action: Callable[[], None]) -> None:
        """Schedule a clerk's next step. A refusal nobody expected (the window was changed by someone
        else: a manager, a person at the counter app) is counted, and the clerk looks at the window again
        a minute later and carries on from what it shows (:meth:`_sign_in` handles any state)."""

        def step() -> None:
            try:
                action()
            except ApiError as exc:
                self.stats.add(f"errors:{exc.code}")
                log.warning("window %s: %s (%s); looking again", desk.number, exc.code, exc.en)
                with desk.lock:
                    desk.idle = False
                    desk.generation += 1
                desk.current = desk.service = None
                self.agenda.at(self.clock.now() + RESYNC_S, lambda: self._desk_at(
                    desk, self.clock.now(), lambda: self._sign_in(desk, desk.shift_end)))

        self.agenda.at(when, step)

    def _next_shift(self, desk: Desk) -> None:
        if desk.shifts:
            start, end = desk.shifts.pop(0)
            self._desk_at(desk, start, lambda: self._sign_in(desk, end))

    def _act(self, desk: Desk, fn: Callable[[HallClient], object]) -> object:
        """A clerk's request; an expired token (the demo clock jumps over nights) → log in again, once."""
        if desk.client.token is None:
            desk.client.login(desk.staff_no, DEMO_PIN)
        try:
            return fn(desk.client)
        except ApiError as exc:
            if exc.status != 401:
                raise
            desk.client.login(desk.staff_no, DEMO_PIN)
            return fn(desk.client)

    def _sign_in(self, desk: Desk, shift_end: float) -> None:
        h, n = self.hall.id, desk.number
        info = self._act(desk, lambda c: c.window(h, n))
        if info.status == "closed":
            self._act(desk, lambda c: c.sign_in(h, n))
        elif info.clerk is None or info.clerk.staff_no != desk.staff_no:
            self._act(desk, lambda c: c.takeover(h, n))  # A/B post: someone left it signed in
            self.stats.add("takeovers")
        if info.status == "paused":
            self._act(desk, lambda c: c.resume(h, n))
        current = info.current
        if current is not None:  # left over from an earlier run: that visitor is long gone or done
            if str(current.state) in STALE:
                self._act(desk, lambda c: c.no_show(h, n))
            else:
                self._act(desk, lambda c: c.finish(h, n, "completed"))
        desk.on_duty, desk.shift_end = True, shift_end
        self.stats.add("sign_ins")
        self.devices.show_idle(n)
        self._free(desk, desk.generation)

    def _free(self, desk: Desk, generation: int) -> None:
        """The clerk is free: take a due break, or call the next visitor, or wait, or end the shift."""
        with desk.lock:
            if generation != desk.generation or not desk.on_duty:
                return  # a stale poll, or woken twice
            desk.idle = False
        h, n, now = self.hall.id, desk.number, self.clock.now()
        if desk.breaks and desk.breaks[0][0] <= now and now < desk.shift_end:
            _at, seconds, reason = desk.breaks.pop(0)
            back = now + seconds
            self._act(desk, lambda c: c.pause(h, n, reason or self.rng.choice(PAUSE_REASONS), until=back))
            self.stats.add("pauses")
            self._desk_at(desk, back, lambda: self._resume(desk))
            return
        call = self._act(desk, lambda c: c.call(h, n))
        if call is None:
            if now >= desk.shift_end:  # the queue is served out: end of the shift
                self._act(desk, lambda c: c.sign_out(h, n))
                desk.on_duty = False
                self.stats.add("sign_outs")
                self._next_shift(desk)
                return
            with desk.lock:
                desk.idle = True
                desk.generation += 1
                gen = desk.generation
            self._desk_at(desk, now + IDLE_POLL_S, lambda: self._free(desk, gen))
            return
        ticket = call.ticket
        desk.current, desk.service = ticket.id, ticket.service
        self.stats.add("called")
        self.devices.show_call(n, ticket.number)
        with self._lock:
            destiny = self._destiny.pop(ticket.id, None) or Destiny(service_s=self.rng.uniform(120, 600))
        behaviour = self.setup.behaviour if self.setup else None
        if destiny.no_show:
            wait = behaviour.recall_after_s if behaviour else 45.0
            self._desk_at(desk, now + wait, lambda: self._recall(desk, destiny, wait))
        else:
            walk = behaviour.walk_s if behaviour else 20.0
            self._desk_at(desk, now + walk, lambda: self._start(desk, destiny))

    def _recall(self, desk: Desk, destiny: Destiny, wait: float) -> None:
        h, n = self.hall.id, desk.number
        try:
            self._act(desk, lambda c: c.recall(h, n))
            self.stats.add("recalled")
            self._desk_at(desk, self.clock.now() + wait, lambda: self._recall(desk, destiny, wait))
            return
        except ApiError as exc:
            if exc.code != "recall_limit":
                raise
        self._act(desk, lambda c: c.no_show(h, n))
        self.stats.add("no_shows")
        if destiny.return_after_s is not None and desk.current and desk.service:
            self.agenda.at(self.clock.now() + destiny.return_after_s, self._come_back(desk.current, desk.service))
        desk.current = None
        self._free(desk, desk.generation)

    def _start(self, desk: Desk, destiny: Destiny) -> None:
        self._act(desk, lambda c: c.start(self.hall.id, desk.number))
        self.stats.add("started")
        self._desk_at(desk, self.clock.now() + destiny.service_s, lambda: self._finish(desk, destiny))

    def _finish(self, desk: Desk, destiny: Destiny) -> None:
        h, n = self.hall.id, desk.number
        visit = desk.current
        if destiny.transfer_to is not None:
            moved = self._act(desk, lambda c: c.transfer(h, n, destiny.transfer_to, note="演示转办"))
            with self._lock:
                self._destiny[moved.ticket.id] = Destiny(service_s=destiny.transfer_service_s)
            self.stats.add("transferred")
            self._wake(destiny.transfer_to)
        else:
            outcome = self.rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            self._act(desk, lambda c: c.finish(h, n, outcome))
            self.stats.add("finished")
            if visit is not None and n in self._pads:
                score = self.devices.rate(n, visit, self.rng)  # 好差评 on the pad, voluntary
                self._pads[n].rate(h, visit, score)
                self.stats.add("rated" if score is not None else "not_rated")
        desk.current = desk.service = None
        self.devices.show_idle(n)
        self._free(desk, desk.generation)

    def _resume(self, desk: Desk) -> None:
        self._act(desk, lambda c: c.resume(self.hall.id, desk.number))
        self._free(desk, desk.generation)

    # -- devices ----------------------------------------------------------------------------------
    def heartbeat(self) -> None:
        """Every device's health to the server, as the terminals' heartbeats do."""
        health = self.devices.health()
        for i, c in enumerate(self._kiosks):
            c.heartbeat(health[f"kiosk{i}"])
        for n, c in self._counters.items():
            c.heartbeat(health[f"counter{n}"])
        for n, c in self._pads.items():
            c.heartbeat(health[f"pad{n}"])
