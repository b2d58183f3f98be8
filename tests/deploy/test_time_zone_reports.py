"""Reports, follow-ups, the status screen, the live demo's clock line and the server's log lines in the
hall's zone (issue 15 §6: every human-facing time in the hall's zone from its config), on a server box whose
clock zone is another: the process's ``TZ`` is America/New_York (12 hours from Shanghai in September, so
day and hour both differ) while the hall is in Asia/Shanghai.

A visit at 08:40 on Tuesday 2026-09-22 in the hall is 20:40 on Monday in New York: it must count on the
22nd, and its follow-up deadlines, the status screen's clock and the log's ``local`` field must read the
hall's clock. (The hall's hours and working days — DOMAIN rule 12, "5+X", 004 第三十五条 — are the hall's
too: 08:40 is open at 08:30–12:00 on the hall's clock only.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from hallq.cli import main
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage.db import make_engine, upgrade
from tests.supervision.supervision_helpers import HALL_TOML, Clock, Seeder, at, deployment

pytestmark = pytest.mark.timeout(120)

HALL = ZoneInfo("Asia/Shanghai")
MACHINE = "America/New_York"


@pytest.fixture
def machine_zone() -> Iterator[None]:
    """This process's clock zone set to New York for one test (``time.localtime``, naive datetimes)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = MACHINE
    time.tzset()
    assert time.strftime("%Z", time.localtime(at("2026-09-22", "08:40"))) == "EDT"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """Hall ``s``: one visit on Tuesday 2026-09-22 08:40–08:50 (hall time), rated 2 (不满意): a follow-up."""
    path = tmp_path_factory.mktemp("zone-reports")
    (path / "hall.toml").write_text(HALL_TOML, encoding="utf-8")
    url = f"sqlite:///{path / 'hallq.db'}"
    engine = make_engine(url)
    upgrade(engine)
    dep = deployment()
    clock = Clock(at("2026-09-22", "08:30"))
    sync_config(engine, dep, now=clock())
    seed = Seeder(HallService(engine, dep, clock=clock), "s", clock)
    seed.sign_in(1, "c1")
    clock.now = at("2026-09-22", "08:40")
    ticket = seed.issue("S1")
    clock.now = at("2026-09-22", "08:45")
    seed.call(1)
    seed.start(1)
    clock.now = at("2026-09-22", "08:50")
    seed.finish(1)
    seed.rate(ticket.id, 2)
    engine.dispose()
    yield url, str(path / "hall.toml"), ticket.id


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def test_report_counts_the_visit_on_the_hall_day(hall, machine_zone, capsys) -> None:
    url, config_path, _ = hall
    out = run(capsys, "report", "--db", url, "--config", config_path, "--from", "2026-09-21", "--to", "2026-09-22",
              "--period", "day", "--format", "csv")
    rows = {r["期间 period"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["2026-09-22"]["取号人数 visitors"] == "1"  # New York's day was the 21st
    assert "2026-09-21" not in rows or rows["2026-09-21"]["取号人数 visitors"] == "0"


def test_followup_deadlines_in_the_hall_zone(hall, machine_zone, capsys) -> None:
    url, config_path, ticket_id = hall
    (item,) = json.loads(run(capsys, "followups", "--db", url, "--config", config_path, "--json"))["followups"]
    assert item["ticket_id"] == ticket_id
    text = run(capsys, "followups", "--db", url, "--config", config_path)
    for due in (item["contact_due"], item["close_due"]):
        assert dt.datetime.fromtimestamp(due, HALL).strftime("%Y-%m-%d %H:%M") in text
        assert dt.datetime.fromtimestamp(due, ZoneInfo(MACHINE)).strftime("%Y-%m-%d %H:%M") not in text


def test_status_screen_and_demo_clock_in_the_hall_zone(hall, machine_zone, capsys) -> None:
    from server.live.summary import clock_line

    url, config_path, _ = hall
    before = dt.datetime.now(HALL)
    frame = run(capsys, "status", "--db", url, "--config", config_path, "--once")
    after = dt.datetime.now(HALL)
    header = frame.splitlines()[0]
    assert any(f"{t:%Y-%m-%d %H:%M}" in header for t in (before, after)), header
    line = clock_line(at("2026-09-22", "08:40"), deployment().tz, 60.0)
    assert "2026-09-22" in line and "08:40" in line


def test_log_lines_carry_the_hall_local_time(machine_zone) -> None:
    """The JSON log's ``local`` field: the hall's clock with its offset, whatever the box's zone."""
    from server.api.logs import JsonFormatter, configure, use_zone

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure("INFO")
        use_zone(deployment().tz)
        (handler,) = root.handlers
        assert isinstance(handler.formatter, JsonFormatter)
        record = logging.LogRecord("hallq.test", logging.INFO, __file__, 1, "见到 seen", None, None)
        record.created = at("2026-09-22", "08:40") + 5.25
        line = json.loads(handler.formatter.format(record))
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert line["local"] == "2026-09-22T08:40:05.250+08:00"
    assert line["ts"] == round(record.created, 3)
