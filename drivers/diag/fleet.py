"""``hallq devices [--json]``: the device fleet as the server sees it (each terminal, its kind, last
heartbeat, state, and the health of its parts), for maintenance staff and managers.

It asks the server (``GET /api/v1/devices``), so it needs a maintenance or manager token:
``--token``/``HALLQ_TOKEN``, or ``--staff-no`` with the PIN from ``HALLQ_PIN`` or a prompt.
Exit status 1 when a device FAILs or is silent (no heartbeat lately), so a cron job can alert.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from typing import Any

EXIT_OK, EXIT_ATTENTION, EXIT_USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("devices", help="设备列表与状态 / the device fleet and its state",
                       description="列出大厅设备及其心跳与状态 / list the hall's devices, last heartbeat and state")
    p.add_argument("--server", default=os.environ.get("HALLQ_SERVER", "http://127.0.0.1:8080"),
                   help="服务器 / server URL (env HALLQ_SERVER)")
    p.add_argument("--token", default=os.environ.get("HALLQ_TOKEN"),
                   help="运维或管理人员令牌 / maintenance or manager token (env HALLQ_TOKEN)")
    p.add_argument("--staff-no", help="以工号登录（PIN 取自 HALLQ_PIN 或提示输入）/ log in with a staff number "
                                      "(PIN from HALLQ_PIN or a prompt)")
    p.add_argument("--hall", help="大厅 / hall id (default: all the caller may see)")
    p.add_argument("--json", action="store_true", help="打印服务器的 JSON / print the server's JSON")
    p.set_defaults(func=run)


def state(device: dict[str, Any]) -> str:
    """SILENT when the server has no recent heartbeat, else the worst part's level (OK with no parts)."""
    from drivers.diag.checks import overall
    from drivers.diag.report import health_from_dict

    if device.get("silent"):
        return "SILENT"
    return overall([health_from_dict(h) for h in device.get("health") or []]).value


def render(devices: list[dict[str, Any]], now: float) -> str:
    from config.textwidth import table
    from drivers.diag.report import format_line, health_from_dict

    headers = ["#", "名称 name", "类型 kind", "大厅 hall", "窗口 win", "最后心跳 last seen", "状态 state"]
    rows: list[list[str]] = []
    parts: list[list[str]] = []
    for d in devices:
        seen = d.get("last_seen")
        # the server formats it in the hall's time zone (this machine's clock zone may be another)
        local = d.get("last_seen_local") or f"{datetime.fromtimestamp(seen):%m-%d %H:%M:%S}" if seen else ""
        when = "从未 never" if seen is None else f"{local} ({max(0, round(now - seen))} 秒前 s ago)"
        label = state(d)
        if label == "SILENT":
            label = "SILENT 无心跳"
        rows.append([str(d.get("id", "")), str(d.get("name", "")), str(d.get("kind", "")),
                     str(d.get("hall") or "-"), str(d.get("window") or "-"), when, label])
        parts.append([format_line(health_from_dict(h)) for h in d.get("health") or []])
    head, *body = table(headers, rows, align="l" * len(headers))
    out = [head]
    for row, lines in zip(body, parts, strict=True):
        out.append(row)
        out += [f"    {line}" for line in lines]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    import json
    import time

    from client import ApiError, ClientError, HallClient

    if not (args.token or args.staff_no):
        print("错误：需要 --token（或 HALLQ_TOKEN）或 --staff-no（error: give --token, HALLQ_TOKEN or --staff-no）",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        with HallClient(args.server, args.token, timeout=10.0, retries=1) as client:
            if args.staff_no:
                client.login(args.staff_no, os.environ.get("HALLQ_PIN") or getpass.getpass(f"PIN ({args.staff_no}): "))
            devices = [d.raw for d in client.devices(args.hall)]
    except ValueError as exc:  # a server URL that is not http(s)://
        print(f"错误（error）：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except ClientError as exc:
        print(f"错误：{exc.zh}（error: {exc.en}）", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ApiError) and 400 <= exc.status < 500 else EXIT_ATTENTION
    if args.json:
        print(json.dumps({"devices": devices}, ensure_ascii=False, indent=2))
    elif devices:
        print(render(devices, time.time()))
    else:
        print("没有登记的设备（hallq device add …）/ no devices registered (hallq device add …)")
    states = [state(d) for d in devices]
    attention = sum(s in ("FAIL", "SILENT") for s in states)
    if attention:
        print(f"需要处理 / need attention: {states.count('FAIL')} FAIL, {states.count('SILENT')} SILENT",
              file=sys.stderr)
    return EXIT_ATTENTION if attention else EXIT_OK
