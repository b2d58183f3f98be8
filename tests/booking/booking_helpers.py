"""A booking test deployment with a real calendar (holidays, 调休 working weekend days), a settable clock,
and a BookingService on a real SQLite file (imported by tests/booking)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import config
from server.auth import Principal
from server.booking import Person
from server.booking.policy import BookingPolicy
from server.booking.service import BookingService
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage.db import make_engine, upgrade

TZ = ZoneInfo("Asia/Shanghai")
SECRET = bytes(range(32))
PHONE = "13812345678"
PHONE2 = "13912345678"
ID_NUMBER = "11010519491231002X"  # the GB 11643 example number (valid check digit)
KIOSK = Principal(actor="device:1", role="kiosk", hall="t", device_id=1)

HALL_TOML = """
[deployment]
name = "预约测试"
timezone = "Asia/Shanghai"
public_base_url = "http://hall.test"

[calendar]
holidays = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"]
workdays = ["2026-09-27", "2026-10-10"]   # 调休: a Sunday and a Saturday that are working days

[[halls]]
id = "t"
name_zh = "测试大厅"
name_en = "Test hall"
hours = { weekdays = ["08:30-12:00", "13:30-17:30"], saturday = ["09:00-12:00"], issue_stop_before_close_min = 15 }
lanes = { appointment_early_min = 30, appointment_late_grace_min = 15 }

  [[halls.categories]]
  id = "c"
  name_zh = "综合"
  name_en = "General"

  [[halls.services]]
  code = "GEN"
  name_zh = "综合受理"
  name_en = "General service"
  category = "c"
  prefix = "A"
  minutes = 10
  materials = ["身份证原件"]

  [[halls.services]]
  code = "BIZ"
  name_zh = "企业开办"
  name_en = "Business registration"
  category = "c"
  prefix = "B"
  minutes = 15
  after_hours_booking = true

  [[halls.services]]
  code = "EXT"
  name_zh = "延时业务"
  name_en = "Extended service"
  category = "c"
  prefix = "C"
  minutes = 10
  extended = true

  [[halls.windows]]
  number = 1
  name_zh = "1号窗口"
  name_en = "Window 1"
  profile = [{ services = ["GEN", "EXT"] }]

  [[halls.windows]]
  number = 2
  name_zh = "2号窗口"
  name_en = "Window 2"
  profile = [{ services = ["GEN"] }]

  [[halls.windows]]
  number = 3
  name_zh = "3号窗口"
  name_en = "Window 3"
  profile = [{ services = ["BIZ"] }]
"""


def at(text: str) -> float:
    """POSIX seconds of a local time: ``at("2026-09-21 09:00")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ).timestamp()


def local(t: float) -> str:
    return dt.datetime.fromtimestamp(t, TZ).strftime("%Y-%m-%d %H:%M")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def load_deployment(tmp: Path) -> config.Deployment:
    path = tmp / "hall.toml"
    path.write_text(HALL_TOML, encoding="utf-8")
    return config.load(path)


class Clock:
    """The injected clock: tests set it; nothing reads the wall clock."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def set(self, text: str) -> None:
        self.now = at(text)


@dataclass
class Bench:
    """A BookingService over a HallService on a real SQLite file, with the injected clock."""

    clock: Clock
    halls: HallService
    booking: BookingService
    db_path: Path

    @property
    def cfg(self) -> config.HallConfig:
        return self.halls.config("t")

    def book(self, service: str, when: str, person: str = PHONE, address: str = "10.0.0.1",
             verified: bool = True) -> Any:
        """``when``: "2026-09-21 09:00" (the slot's local day and start). A phone is booked with its number
        proved (as the phone pages do with a one-time code); an ID number with ``PHONE`` as its proved
        contact, unless ``verified=False``."""
        d, hhmm = when.split(" ")
        who = Person.parse(person)
        proof = (who.key(SECRET) if who.kind == "phone" else Person.parse(PHONE).key(SECRET)) if verified else None
        return self.booking.book("t", service=service, day=day(d), start_min=minutes(hhmm),
                                 person=who, address=address, phone=proof)

    def proof(self, phone: str = PHONE) -> str:
        """The phone hash a proved phone token stands for."""
        return Person.parse(phone).key(SECRET)

    def check_in(self, *, code: str | None = None, phone: str | None = None) -> Any:
        out = self.booking.check_in("t", who=KIOSK, code=code, phone=Person.parse(phone) if phone else None,
                                    render=lambda done: (201, done.result))
        return out.body


def make_template(tmp: Path) -> Path:
    """A database at head with the test hall mirrored in, to copy for each test (migrating costs ~0.3 s)."""
    db_path = tmp / "template.db"
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    sync_config(engine, load_deployment(tmp), now=at("2026-01-01 00:00"), source="test")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return db_path


def make_bench(tmp: Path, template: Path, now: str = "2026-09-21 08:00",
               policy: BookingPolicy | None = None) -> Bench:
    deployment = load_deployment(tmp)
    db_path = tmp / "booking.db"
    shutil.copyfile(template, db_path)
    engine = make_engine(f"sqlite:///{db_path}")
    clock = Clock(at(now))
    halls = HallService(engine, deployment, clock=clock)
    return Bench(clock, halls, BookingService(halls, SECRET, policy), db_path)
