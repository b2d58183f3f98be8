"""The structured log line (server/api/logs.py): written as text for speed, it must stay exactly the line the
dict and the JSON encoder would give — the same characters, keys and order — for any logger, level, message
and fields, with tokens redacted the same way."""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from server.api.logs import JsonFormatter

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12),
                   st.floats(), TEXT,
                   st.sampled_from(["/api/v1/halls/h/snapshot?token=c_" + "a" * 43, "Bearer d_" + "b" * 43,
                                    "/api/v1/track/Ab-_9", "雨花区政务服务中心 \"东厅\"\n"]))
FIELDS = st.dictionaries(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12),
                         VALUES, max_size=6)


def _record(name: str, level: int, msg: str, created: float, fields: dict | None) -> logging.LogRecord:
    rec = logging.LogRecord(name, level, __file__, 1, msg, None, None)
    rec.created = created
    if fields is not None:
        rec.fields = fields  # type: ignore[attr-defined]
    return rec


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(["hallq.access", "hallq.server", "uvicorn.error", "日志"]),
       level=st.sampled_from([logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR]),
       msg=st.one_of(TEXT, st.just("request"), st.just('"WebSocket /api/v1/halls/h/events?token=c_' + "x" * 43)),
       created=st.floats(1.6e9, 2.1e9), fields=st.one_of(st.none(), FIELDS))
def test_the_text_line_is_the_dict_line(name: str, level: int, msg: str, created: float, fields: dict | None) -> None:
    fmt = JsonFormatter(ZoneInfo("Asia/Shanghai"))
    rec = _record(name, level, msg, created, fields)
    line = fmt.format(rec)
    assert line == fmt.format_dict(rec)
    assert "c_" + "a" * 43 not in line and "x" * 43 not in line  # a token never reaches the log


def test_an_access_line_reads_as_the_operator_expects() -> None:
    fmt = JsonFormatter(ZoneInfo("Asia/Shanghai"))
    rec = _record("hallq.access", logging.INFO, "request", 1_772_413_385.1234,
                  {"method": "POST", "path": "/api/v1/halls/h/tickets", "status": 201, "ms": 3.21,
                   "client": "10.0.0.7"})
    line = fmt.format(rec)
    assert json.loads(line) == {"ts": 1772413385.123, "local": "2026-03-02T09:03:05.123+08:00", "level": "info",
                                "logger": "hallq.access", "msg": "request", "method": "POST",
                                "path": "/api/v1/halls/h/tickets", "status": 201, "ms": 3.21, "client": "10.0.0.7"}
