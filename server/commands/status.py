"""hallq status [--hall ID] [--once] [--json]: a live summary of a hall in the terminal, read straight
from the database (works beside any number of server processes)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from typing import Any

from config.textwidth import table
from server.api.views import snapshot
from server.storage.db import read_transaction

from .common import check_hall, guarded, open_db, parser, print_json

_STATUS = {"open": "开放 open", "paused": "暂停 paused", "closed": "关闭 closed"}


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(sub, "status", "大厅实时概况 / live summary of a hall")
    p.add_argument("--hall", help="大厅 / hall id (default: the first hall)")
    p.add_argument("--once", action="store_true", help="只打印一帧 / print one frame and exit")
    p.add_argument(
        "--json", action="store_true", help="打印快照 JSON / print the snapshot as JSON (once)"
    )
    p.add_argument("--interval", type=float, default=1.0, help="刷新秒数 / refresh seconds")
    p.set_defaults(func=run)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """The status screen's tables: every column left-aligned, a rule under the header."""
    return table(headers, rows, align="l" * len(headers), rule=True)


def render(snap: dict[str, Any], tz: Any, *, now: float | None = None) -> str:
    """``now``: the time to show (``hallq run`` passes its demo clock); default the real time."""
    shown = (datetime.fromtimestamp(now, tz) if now is not None else datetime.now(tz)).strftime("%Y-%m-%d %H:%M:%S")
    out = [f"{snap['name_zh']} / {snap['name_en']}    {shown}    seq={snap['seq']}", ""]
    rows = []
    for w in snap["windows"]:
        clerk = w["clerk"]
        pause = ""
        if w["status"] == "paused":
            until = (
                datetime.fromtimestamp(w["pause_until"], tz).strftime("%H:%M")
                if w["pause_until"]
                else ""
            )
            pause = f"{w['pause_reason']} {('→ ' + until) if until else ''}".strip()
        rows.append(
            [
                str(w["number"]),
                w["name_zh"],
                _STATUS.get(w["status"], w["status"]),
                w["current"]["number"] + f" ({w['current']['state']})" if w["current"] else "-",
                f"{clerk['name']} {clerk['staff_no']}" if clerk else "-",
                w["tide_service"] or "",
                pause,
            ]
        )
    out += _table(
        [
            "窗口#",
            "名称 name",
            "状态 status",
            "当前 current",
            "工作人员 clerk",
            "潮汐 tide",
            "暂停 pause",
        ],
        rows,
    )
    out.append("")
    queue = [
        [
            q["prefix"],
            q["service"],
            q["name_zh"],
            str(q["normal"]),
            str(q["priority"]),
            str(q["appointment"]),
            str(q["total"]),
        ]
        for q in snap["waiting"]
        if q["total"]
    ]
    total = sum(q["total"] for q in snap["waiting"])
    out.append(f"等候 waiting: {total}")
    if queue:
        out += _table(
            [
                "",
                "业务 code",
                "名称 name",
                "普通 normal",
                "优先 priority",
                "预约 appt",
                "合计 total",
            ],
            queue,
        )
    if snap["tides"]:
        out.append("")
        out.append(
            "潮汐窗口 tide windows: "
            + ", ".join(
                f"{t['window']}→{t['service']}{' (手动 manual)' if t['manual'] else ''}"
                for t in snap["tides"]
            )
        )
    return "\n".join(out)


@guarded
def run(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    hall = deployment.hall(check_hall(deployment, args.hall) or deployment.halls[0].id)
    tz = deployment.tz
    try:
        while True:
            with read_transaction(engine) as conn:
                snap = snapshot(conn, hall)
            if args.json:
                print_json(snap)
                return 0
            frame = render(snap, tz)
            if args.once:
                print(frame)
                return 0
            sys.stdout.write("\x1b[H\x1b[2J" + frame + "\n\n(Ctrl-C 退出 / to quit)\n")
            sys.stdout.flush()
            time.sleep(args.interval)  # a terminal refresh rate, not synchronisation
    except KeyboardInterrupt:
        return 0
    finally:
        engine.dispose()
