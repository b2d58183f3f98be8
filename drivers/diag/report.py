"""Diagnostic verdicts as text lines and as JSON (``hallq diag``, ``hallq devices``).

>>> from drivers.health import Health, Level
>>> print(format_line(Health("printer", Level.FAIL, "打印机缺纸", "paper out")))
FAIL 打印机        打印机缺纸 (paper out)
"""

from __future__ import annotations

import json
from typing import Any

from config.textwidth import pad, width
from drivers.health import Health, Level

from .checks import DEVICE_LABELS, label, overall

__all__ = ["as_document", "format_line", "health_from_dict", "heartbeat_reports", "json_safe"]

#: what the server's heartbeat accepts (server/api/schemas.py HeartbeatRequest): devices per beat, text lengths
HEARTBEAT_LIMITS = {"devices": 32, "device": 32, "detail": 500}

_LABEL_WIDTH = max(width(zh) for zh, _ in DEVICE_LABELS.values())


def format_line(health: Health) -> str:
    """``OK   打印机    打印机正常 (printer ready)``: verdict, device, Chinese detail, English detail.

    Always one line: a driver's multi-line detail (a backend's error text) is joined up.
    """
    zh, _ = label(health.device)
    detail = health.detail_zh if health.detail_en in ("", health.detail_zh) else \
        f"{health.detail_zh} ({health.detail_en})"
    return f"{health.level.value:<4} {pad(zh, _LABEL_WIDTH)}  {' '.join(detail.split())}"


def json_safe(value: Any) -> Any:
    """Facts as plain JSON values (a driver may put a Path or an enum in them)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def as_document(healths: list[Health], **about: Any) -> dict[str, Any]:
    """``{…about, "devices": [Health dicts with their names], "overall": "OK|WARN|FAIL"}``."""
    devices = []
    for h in healths:
        zh, en = label(h.device)
        devices.append({**json_safe(h.as_dict()), "name_zh": zh, "name_en": en})
    return {**about, "devices": devices, "overall": overall(healths).value}


def heartbeat_reports(healths: list[Health]) -> list[dict[str, Any]]:
    """Health as the heartbeat body: plain JSON, trimmed to the server's limits, so that one
    over-long detail (a backend's error text) never costs the whole beat."""
    cap = HEARTBEAT_LIMITS
    return [
        {**json_safe(h.as_dict()), "device": h.device[: cap["device"]],
         "detail_zh": h.detail_zh[: cap["detail"]], "detail_en": h.detail_en[: cap["detail"]]}
        for h in healths[: cap["devices"]]
    ]


def health_from_dict(data: dict[str, Any]) -> Health:
    """A Health back from its ``as_dict()`` form (what the server stores and lists)."""
    try:
        level = Level(str(data.get("level")))
    except ValueError:
        level = Level.UNKNOWN
    return Health(str(data.get("device", "?")), level, str(data.get("detail_zh", "")),
                  str(data.get("detail_en", "")), dict(data.get("facts") or {}))
