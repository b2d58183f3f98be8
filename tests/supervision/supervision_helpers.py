"""Shared by tests/supervision: a hall config with real opening hours, a clock, a tracker driver."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import config
from server.supervision import Change, Finding, Open, reconcile
from server.supervision.tracker import Action

HERE = Path(__file__).parent
DASHBOARD_CONFIG = HERE / "hall_dashboard.toml"  # open around the clock, for real server processes
TZ = ZoneInfo("Asia/Shanghai")
MIN = 60.0
MONDAY_9 = dt.datetime(2026, 9, 21, 9, 0, tzinfo=TZ).timestamp()  # an ordinary working Monday

HALL_TOML = """
[deployment]
name = "监察测试"
timezone = "Asia/Shanghai"

[calendar]
holidays = ["2026-10-01", "2026-10-02", "2026-10-05"]
workdays = ["2026-10-10"]

[[halls]]
id = "s"
name_zh = "监察测试大厅"
name_en = "Supervision test hall"
hours = { weekdays = ["08:30-12:00", "13:30-17:30"] }
followup = { contact_working_days = 1, close_working_days = 3 }

  [[halls.categories]]
  id = "c"
  name_zh = "综合"
  name_en = "General"

  [[halls.services]]
  code = "S1"
  name_zh = "业务一"
  name_en = "Service one"
  category = "c"
  prefix = "A"
  minutes = 10
  target_wait_min = 10
  max_service_min = 15

  [[halls.services]]
  code = "S2"
  name_zh = "业务二"
  name_en = "Service two"
  category = "c"
  prefix = "B"
  minutes = 5
  target_wait_min = 30
  max_service_min = 20

  [[halls.windows]]
  number = 1
  name_zh = "1号窗口"
  name_en = "Window 1"
  profile = [{ services = ["S1"] }]

  [[halls.windows]]
  number = 2
  name_zh = "2号窗口"
  name_en = "Window 2"
  profile = [{ services = ["S2"] }, { services = ["S1"] }]
"""


def deployment() -> config.Deployment:
    return config.loads(HALL_TOML, source="supervision-test.toml")


def at(day: str, hm: str) -> float:
    """POSIX seconds of a local date and time in the hall, e.g. at("2026-09-21", "09:30")."""
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=TZ).timestamp()


class Board:
    """Stands for the warnings table: applies the tracker's changes and remembers what was pushed."""

    def __init__(self) -> None:
        self.open: dict[tuple, Open] = {}
        self.pushed: list[tuple[str, str, str, str]] = []  # (action, kind, subject, level)
        self._ids = 0

    def apply(self, findings: list[Finding]) -> list[Change]:
        changes = reconcile(self.open.values(), findings)
        for ch in changes:
            if ch.action is Action.RAISE:
                self._ids += 1
                f = ch.finding
                self.open[f.key] = Open(self._ids, f.kind, f.subject, f.level, f.since)
                self.pushed.append((ch.action.value, f.kind.value, f.subject, f.level.value))
            elif ch.action is Action.ESCALATE:
                f = ch.finding
                self.open[f.key] = replace(ch.warning, level=f.level)
                self.pushed.append((ch.action.value, f.kind.value, f.subject, f.level.value))
            else:
                w = self.open.pop(ch.warning.key)
                self.pushed.append((ch.action.value, w.kind.value, w.subject, w.level.value))
        return changes

    def known(self) -> dict:
        return {key: w.since for key, w in self.open.items()}


class Clock:
    """An injected clock that moves only when told to."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Seeder:
    """Drives a hall through the real HallService (one transaction per action, events, audit) with an
    injected clock, and records ratings the way the rating route does (from the ticket as stored)."""

    def __init__(self, service, hall: str, clock: Clock) -> None:
        from server.auth import Principal

        self.service, self.hall, self.clock = service, hall, clock
        self.kiosk = Principal(actor="device:1", role="kiosk", hall=hall, device_id=1)
        self.staff = Principal(actor="clerk:m1", role="manager", hall=hall, windows=frozenset(range(1, 100)),
                               staff_no="m1")

    def _do(self, command, action: str, who=None):
        box = {}

        def run(hall, now):
            box["result"] = command(hall, now)
            return box["result"]

        self.service.mutate(self.hall, run, who=who or self.staff, action=action)
        return box["result"]

    def issue(self, service: str, lane: str = "normal", channel: str = "kiosk"):
        from server.core import Lane

        return self._do(lambda h, now: h.issue(service, Lane(lane), now=now, channel=channel), "ticket.issue",
                        self.kiosk).ticket

    def sign_in(self, window: int, clerk: str) -> None:
        self._do(lambda h, now: h.sign_in(window, clerk, now=now), "window.sign_in")

    def sign_out(self, window: int) -> None:
        self._do(lambda h, now: h.sign_out(window, now=now), "window.sign_out")

    def call(self, window: int):
        return self._do(lambda h, now: h.call_next(window, now=now), "window.call")

    def start(self, window: int):
        return self._do(lambda h, now: h.start(window, now=now), "window.start")

    def finish(self, window: int, outcome: str = "completed"):
        from server.core import Outcome

        return self._do(lambda h, now: h.finish(window, Outcome(outcome), now=now), "window.finish")

    def no_show(self, window: int):
        return self._do(lambda h, now: h.no_show(window, now=now), "window.no_show")

    def cancel(self, ticket_id: str):
        return self._do(lambda h, now: h.cancel(ticket_id, now=now), "ticket.cancel")

    def transfer(self, window: int, service: str):
        return self._do(lambda h, now: h.transfer(window, service, now=now), "window.transfer")

    def rate(self, ticket_id: str, score: int | None) -> None:
        """The window's rating pad rates the visit through the ratings API's handler (POST
        …/tickets/{id}/rating: authorisation, once per visit, the follow-up of a bad rating opened at
        once), on this seeder's service and clock. Only the HTTP framing and the pad's token are left
        out: a pad device row would need heartbeats, or it would show as a silent device."""
        from sqlalchemy import select

        from server.api.routes.ratings import RatingRequest, rate
        from server.auth import Principal
        from server.storage import schema as t
        from server.storage.db import read_transaction

        with read_transaction(self.service.engine) as conn:
            window = conn.execute(select(t.tickets.c.window).where(t.tickets.c.id == ticket_id)).scalar_one()
        pad = Principal(actor=f"device:{900 + window}", role="pad", hall=self.hall, windows=frozenset({window}),
                        device_id=900 + window)  # as the bearer token of window's pad would resolve
        r = rate(self.hall, ticket_id, RatingRequest(score=score), self._context(), pad, None)
        assert r.status_code == 201, r.body

    def _context(self):
        from pathlib import Path

        from server.api.context import AppContext
        from server.api.fanout import Fanout
        from server.auth import LoginPolicy
        from server.settings import Settings

        settings = Settings(str(self.service.engine.url), Path("unused.toml"), Path("unused.key"))
        return AppContext(settings, self.service.engine, self.service.deployment, self.service,
                          Fanout(self.service.engine), LoginPolicy())

    def visit(self, window: int, clerk: str, service: str, *, wait: float, serve: float, gap: float = 60.0,
              outcome: str = "completed"):
        """Issue, wait ``wait`` s, call, walk up in ``gap`` s, serve ``serve`` s, finish: the finished ticket."""
        self.issue(service)
        self.clock.now += wait
        if self.window_closed(window):
            self.sign_in(window, clerk)
        self.call(window)
        self.clock.now += gap
        self.start(window)
        self.clock.now += serve
        return self.finish(window, outcome)

    def window_closed(self, window: int) -> bool:
        with self.service.view(self.hall) as (hall, _seq, _now):
            return hall.window(window).clerk is None
