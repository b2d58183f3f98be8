"""A small test hall with every kind of window, and a clock for it (imported by tests/core)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import config
from server.core import Hall, WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2026, 9, 21, 9, 0, tzinfo=TZ).timestamp()  # an ordinary working Monday
MIN = 60.0

HALL_TOML = """
[deployment]
name = "测试"
timezone = "Asia/Shanghai"

[calendar]
holidays = ["2026-10-01"]
workdays = ["2026-10-10"]

[[halls]]
id = "t"
name_zh = "测试大厅"
name_en = "Test hall"
hours = { weekdays = ["08:30-12:00", "13:30-17:30"], saturday = ["09:00-12:00"] }
lanes = { priority_bonus_min = 20, appointment_bonus_min = 30 }
recall = { max_recalls = 2, requeue_behind = 2, requeue_within_min = 30 }

  [halls.tide]
  enabled = true
  open_waiting = 6
  open_wait_min = 240
  open_sustain_min = 5
  close_waiting = 2
  close_wait_min = 200
  close_sustain_min = 10
  max_per_service = 2
  request_repeat_min = 10

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
  daily_cap = 50

  [[halls.services]]
  code = "S2"
  name_zh = "业务二"
  name_en = "Service two"
  category = "c"
  prefix = "B"
  minutes = 10

  [[halls.services]]
  code = "S3"
  name_zh = "业务三"
  name_en = "Service three"
  category = "c"
  prefix = "C"
  minutes = 5
  extended = true

  [[halls.services]]
  code = "S4"
  name_zh = "业务四"
  name_en = "Service four"
  category = "c"
  prefix = "D"
  minutes = 8

  [[halls.windows]]
  number = 1
  name_zh = "1号"
  name_en = "W1"
  profile = [{ services = ["S1", "S2"] }]

  [[halls.windows]]
  number = 2
  name_zh = "2号"
  name_en = "W2"
  profile = [{ services = ["S2"] }, { services = ["S1"], after_wait_min = 20 }]

  [[halls.windows]]
  number = 3
  name_zh = "3号 绿色通道"
  name_en = "W3 green channel"
  green_channel = true
  profile = [{ services = ["S3"] }, { services = ["S1", "S2"] }]

  [[halls.windows]]
  number = 4
  name_zh = "4号"
  name_en = "W4"
  tide_eligible = true
  profile = [{ services = ["S4"] }]

  [[halls.windows]]
  number = 5
  name_zh = "5号"
  name_en = "W5"
  tide_eligible = true
  profile = [{ services = ["S4"] }, { services = ["S3"] }]
"""

DEPLOYMENT = config.loads(HALL_TOML, source="tests/core/core_helpers.py")
HALL_CONFIG = DEPLOYMENT.hall("t")
CALENDAR = WorkCalendar(DEPLOYMENT.calendar)


def make_hall(config: config.HallConfig = HALL_CONFIG, **state) -> Hall:
    return Hall(config, CALENDAR, TZ, **state)


def with_tide(**changes) -> config.HallConfig:
    """The test hall with other tide rules."""
    return HALL_CONFIG.model_copy(update={"tide": HALL_CONFIG.tide.model_copy(update=changes)})


def kinds(hall: Hall) -> list[str]:
    return [e.kind for e in hall.drain_events()]
