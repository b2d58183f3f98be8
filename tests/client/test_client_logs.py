"""A terminal's log lines carry the hall's time, not the box's (issue 15 §6): a maintenance worker reading
a kiosk's log beside the server's must find the same clock times for the same moment."""

from __future__ import annotations

import io
import logging
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from client import logs

STAMP = re.compile(r"^(\S+) INFO hallq\.test (.*)$")


@pytest.fixture
def box_in_utc() -> Iterator[io.StringIO]:
    """The terminal PC's clock zone is UTC (a common image default); the root logger is restored after."""
    saved_tz, root = os.environ.get("TZ"), logging.getLogger()
    saved = (root.handlers[:], root.level)
    os.environ["TZ"] = "UTC"
    time.tzset()
    out = io.StringIO()
    try:
        logs.configure(stream=out, force=True)
        yield out
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        if saved_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved_tz
        time.tzset()


def _logged(out: io.StringIO) -> list[datetime]:
    return [datetime.fromisoformat(STAMP.match(line).group(1)) for line in out.getvalue().splitlines()]


def test_lines_show_the_hall_zone_once_known(box_in_utc: io.StringIO) -> None:
    log = logging.getLogger("hallq.test")
    log.info("before the hall is known")  # the deployment default: Asia/Shanghai
    logs.use_zone("Asia/Urumqi")  # a hall in Xinjiang keeps its own clock (+06:00)
    t0 = time.time()
    log.info("after GET /halls")
    t1 = time.time()
    first, second = _logged(box_in_utc)
    assert first.utcoffset().total_seconds() == 8 * 3600
    assert second.utcoffset().total_seconds() == 6 * 3600
    assert t0 - 0.001 <= second.timestamp() <= t1 + 0.001  # the same instant, written in the hall's clock
