"""``hallq followups [--json] [--all] [--hall H]``: the 好差评 follow-ups and their deadlines.

Lists those not closed yet (``--all``: every one), oldest first, with what is overdue now. Follow-ups are
opened by the server's supervision sweep from the bad ratings it receives.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from config.textwidth import table
from server.commands.common import check_hall, guarded, now, open_db, parser, print_json
from server.storage.db import read_transaction

from .store import listing


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(sub, "followups", "差评回访一览 / 好差评 follow-ups of bad ratings")
    p.add_argument("--hall", help="只看此大厅 / only this hall")
    p.add_argument("--all", action="store_true", help="包括已办结 / include closed ones")
    p.add_argument("--json", action="store_true", help="JSON 输出 / JSON output")
    p.set_defaults(func=run)


def overdue(item: dict[str, Any], at: float) -> str:
    """"close" / "contact" / "" — what is late at ``at``."""
    if item["state"] == "closed":
        return ""
    if at > item["close_due"]:
        return "close"
    if item["state"] == "open" and at > item["contact_due"]:
        return "contact"
    return ""


def _local(ts: float | None, tz: ZoneInfo) -> str:
    return "" if ts is None else dt.datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M")


@guarded
def run(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    hall = check_hall(deployment, args.hall)
    at = now()
    try:
        with read_transaction(engine) as conn:
            items = listing(conn, hall, None if args.all else "active")
    finally:
        engine.dispose()
    for item in items:
        item["overdue"] = overdue(item, at)
    if args.json:
        print_json({"followups": items})
        return 0
    tz = ZoneInfo(deployment.deployment.timezone)
    if not items:
        print("没有待办的差评回访 / no open follow-ups" if not args.all else "没有差评回访 / no follow-ups")
        return 0
    late = {"contact": "联系逾期 contact late", "close": "办结逾期 close late", "": ""}
    head = ["#", "大厅 hall", "票号 ticket", "业务 service", "窗口 window", "评价 score", "状态 state",
            "负责人 assignee", "联系期限 contact by", "办结期限 close by", "逾期 overdue"]
    rows = [[str(f["id"]), f["hall"], f["number"], f["service"], str(f["window"] or "-"),
             f"{f['score']} {f['score_zh']}", f"{f['state_zh']} {f['state_en']}", f["assignee"] or "-",
             _local(f["contact_due"], tz), _local(f["close_due"], tz), late[f["overdue"]]] for f in items]
    print("\n".join(table(head, rows, align="l" * len(head))))
    return 0
