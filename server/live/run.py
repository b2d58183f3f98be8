"""``hallq run``: the hall server on embedded SQLite in ``var/`` and a simulated hall driving its API,
with a live summary until Ctrl-C (or ``--minutes`` / ``--once``).

Order: ``var/`` (``hallq init``'s code) → demo clock → demo accounts → the server (uvicorn thread, the
real app, the demo clock) → the simulated people and devices → the apps when a screen is present →
the summary loop. Stopping runs backwards through what was started: apps, people, server. Ctrl-C or
SIGTERM at any moment stops it (:mod:`.stopping`); a second one while stopping is ignored, so nothing is
left half-stopped, the totals are printed and the exit status is 0, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from client import ClientError, HallClient
from config import ConfigError
from server.core import WorkCalendar
from server.sim.plan import plan_day
from server.sim.scenario import load_scenario

from . import apps, stopping
from .agenda import Agenda
from .clock import DemoClock, demo_start, opening_at_or_after
from .devices import SimDevices
from .embedded import EmbeddedServer, log_to_file
from .people import LiveHall
from .site import DEMO_PIN, MANAGER, accounts, clerk_of, newest_event, prepare
from .summary import clock_line, frame, stats_line

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "config" / "scenarios" / "ordinary-day.toml"
HEARTBEAT_S = 60.0  # demo seconds between device heartbeats (the server's silence limit is 180 s)
ONCE_SPEED = 600.0  # --once: ten demo minutes a second
MIN_OPEN_S = 1800.0  # start within an opening only with this much issuing time left (else: the next one)
ONCE_OPEN_S = 2 * 3600.0  # --once: the batch must not meet the kiosks' closing time
ONCE_MARGIN_S = 300.0  # --once: clerks stay this long (demo) for the batch before serving out
ONCE_WINDOWS = 4  # --once: the first windows of the hall, …
ONCE_VISITORS_PER_WINDOW = 2  # … and this many visitors each


@dataclass
class LiveOptions:
    root: Path = Path(".")
    host: str = "127.0.0.1"
    port: int = 8080
    speed: float | None = None  # None: ×10 headless, real time when the apps open (people use them)
    minutes: float | None = None  # stop after this many real minutes
    once: bool = False  # one batch of visitors served out, then stop
    scenario: Path = DEFAULT_SCENARIO
    seed: int = 1
    apps: bool = True
    interval: float | None = None  # summary refresh, real seconds (None: 1 on a terminal, 10 otherwise)


def run_live(opts: LiveOptions, out: TextIO = sys.stdout) -> int:
    """The whole demo. Ctrl-C or SIGTERM at any moment (:mod:`.stopping`) stops what was started, in reverse
    order, prints the totals and returns 0."""
    signals = stopping.install()
    started: list = []  # what to stop, in start order: (name, stop function)
    people: LiveHall | None = None
    try:
        signals.arm()
        try:
            site = prepare(opts.root)
            scenario = load_scenario(opts.scenario)
            hall = site.deployment.hall(scenario.hall) if scenario.hall else site.hall
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 2
        except KeyError:
            print(f"场景 {opts.scenario} 的大厅 {scenario.hall!r} 不在配置中（the scenario's hall is not in "
                  f"{site.settings.config_path}）", file=sys.stderr)
            return 2
        tz = site.deployment.tz
        calendar = WorkCalendar(site.deployment.calendar)
        screen = not opts.once and apps.wanted(opts.apps)
        speed = ONCE_SPEED if opts.once else opts.speed or (1.0 if screen else 10.0)
        real_now = time.time()
        newest = newest_event(site.engine, hall.id)
        min_left = ONCE_OPEN_S if opts.once else MIN_OPEN_S
        start, shifted = demo_start(hall, calendar, tz, real_now=real_now, not_before=newest, min_left_s=min_left)
        clock = DemoClock(start, speed, paused=True)  # stands still while the server starts
        human = apps.human_window() if screen else None
        sim_windows = [w.number for w in hall.windows if w.number != human][: ONCE_WINDOWS if opts.once else None]
        acc = accounts(site, sim_windows + ([human] if human else []), now=clock.now(), screen=screen)
        site.engine.dispose()
        if site.init_output.strip() and "config" in site.init_output:  # the first run made var/
            print(f"首次运行：已在 {site.root / 'var'} 建好数据库、大厅配置和密钥（first run: made the database, "
                  "the hall configuration and the secret key in var/）", file=out)
        if shifted:
            print(shift_reason(hall, calendar, tz, real_now, min_left) + clock_line(start, tz, speed), file=out)
        log_handler = log_to_file(site.root / "var" / "live-server.log", tz=tz)
        started.append(log_handler.close)
        try:
            server = EmbeddedServer(site.settings, clock.now, host=opts.host, port=opts.port, speed=speed)
            server.start()
        except Exception as exc:
            print(exc, file=sys.stderr)
            return 1
        started.append(server.stop)
        banner = intro(server.url, hall, scenario.name or opts.scenario.stem, sim_windows, len(acc.kiosks), human)
        print(banner, file=out, flush=True)

        def plan(day: dt.date):  # the scenario's visitors, staffing and behaviour, on the demo day
            return plan_day(scenario.model_copy(update={"date": day}), site.deployment, source=str(opts.scenario))

        agenda = Agenda(clock)
        devices = SimDevices(hall.name_zh, len(acc.kiosks), sim_windows, tz)
        started.append(devices.close)
        people = LiveHall(server.url, hall, acc, agenda, devices, plan, tz=tz, seed=opts.seed, windows=sim_windows)
        started.append(people.close)
        display = HallClient(server.url, acc.display, timeout=10, retries=1)
        started.append(display.close)
        clock.go()  # the hall begins now
        agenda.start()
        started.append(agenda.stop)
        if opts.once:
            people.batch(visitors=ONCE_VISITORS_PER_WINDOW * len(sim_windows), stay_s=ONCE_MARGIN_S)
        else:
            people.plan_day(dt.datetime.fromtimestamp(clock.now(), tz).date())
        if screen:
            children = apps.launch(server.url, hall.id, acc, human, site.root)
            started.append(lambda: apps.stop(children))
        _loop(opts, out, people, agenda, display, clock, server.url, hall, calendar, tz, banner)
    except KeyboardInterrupt:
        pass
    finally:
        signals.stopping = True  # a second Ctrl-C (or SIGTERM) while stopping is ignored
        for stop in reversed(started):  # apps, agenda, display, people, devices, server, log
            stop()
    totals = stats_line(people.stats.snapshot() if people is not None else {})
    print(f"{signals.name} — {totals}", file=out, flush=True)
    return 0


def shift_reason(hall, calendar: WorkCalendar, tz, real_now: float, min_left_s: float) -> str:
    """Why the demo clock is not the real time: the hall is closed now, or an earlier run's records are
    later than now (they stay in time order: the clock continues after them)."""
    if opening_at_or_after(hall, calendar, tz, real_now, min_left_s=min_left_s) == real_now:
        return ("演示时钟接着上次演示继续（本机记录已到此刻之后，记录须按时间先后）/ the demo clock continues "
                "after the previous run (its records are later than now and stay in time order): ")
    return ("大厅此刻不开放：演示时钟从下一次开放开始 / the hall is closed now: the demo clock starts at its "
            "next opening: ")


def intro(url: str, hall, scenario: str, windows: list[int], kiosks: int, human: int | None) -> str:
    """The first lines a newcomer reads: what is simulated, where to look, how to log in."""
    clerks = f"{clerk_of(min(windows))}…{clerk_of(max(windows))}" if windows else "-"
    lines = [
        f"模拟 simulating: {hall.name_zh} — 场景 scenario「{scenario}」的群众在 {kiosks} 台取号机取号，"
        f"{len(windows)} 个窗口的工作人员叫号、办理、转办、暂停，评价器、窗口屏和叫号屏，全部经由真实 API",
        f"  (visitors at {kiosks} kiosks, clerks at {len(windows)} windows, rating pads, LEDs and the lobby display, "
        "all through the real API)",
        f"管理驾驶舱 dashboard: {url}/dashboard/   经理 manager {MANAGER} / PIN {DEMO_PIN}",
        f"手机页 phone page:    {url}/m/{hall.id}   (预约、远程取号 booking, remote tickets)",
        f"演示工作人员 demo clerks: {clerks} / PIN {DEMO_PIN}   API {url}/docs   指标 metrics {url}/metrics",
    ]
    if human is not None:
        lines.append(f"{human} 号窗口留给您 window {human} is yours: 工号 staff no. {clerk_of(human)} / PIN {DEMO_PIN}")
    return "\n".join(lines)


def _loop(opts: LiveOptions, out: TextIO, people: LiveHall, agenda: Agenda, display: HallClient,
          clock: DemoClock, url: str, hall, calendar: WorkCalendar, tz, banner: str) -> None:
    tty = out.isatty()
    interval = opts.interval or (1.0 if tty else 10.0)
    began = time.monotonic()
    next_frame = began
    next_beat = clock.now()
    while True:
        now = clock.now()
        if opts.minutes is not None and time.monotonic() - began >= opts.minutes * 60:
            return
        if people.quiet and not agenda.busy:
            if opts.once:
                if people.stats.snapshot().get("issued", 0):
                    _show(out, people, agenda, display, clock, url, hall, tz, banner, tty=False)
                return
            if now >= people.day_end:  # the day is over: on to the next opening
                nxt = opening_at_or_after(hall, calendar, tz, now + 60)
                if nxt is None:
                    return
                clock.jump_to(nxt)
                people.plan_day(dt.datetime.fromtimestamp(nxt, tz).date())
        if now >= next_beat and not opts.once:
            next_beat = now + HEARTBEAT_S
            agenda.soon(people.heartbeat)
        if time.monotonic() >= next_frame and not opts.once:
            next_frame = time.monotonic() + interval
            _show(out, people, agenda, display, clock, url, hall, tz, banner, tty=tty)
        time.sleep(0.1)  # the loop's own pace (the summary refreshes every `interval`)


def _show(out: TextIO, people: LiveHall, agenda: Agenda, display: HallClient, clock: DemoClock, url: str,
          hall, tz, banner: str, *, tty: bool) -> None:
    try:
        snap = display.snapshot(hall.id).model_dump(mode="json")
    except ClientError as exc:
        print(f"快照不可用 snapshot unavailable: {exc}", file=out, flush=True)
        return
    text = frame(snap, people.stats.snapshot(), now=clock.now(), tz=tz, speed=clock.speed, url=url,
                 errors=agenda.errors, banner=banner)
    out.write(("\x1b[H\x1b[2J" if tty else "\n") + text + "\n")
    out.flush()
