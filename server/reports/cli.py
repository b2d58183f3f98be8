"""``hallq report --from DATE --to DATE [--by …] [--period …] [--format …] [--hall H] [--output FILE]``.

Managers' statistics (004 第五条): whoever can read the database file can run it, which on a hall's
server box is the administrator; over the network the same report is ``GET …/reports`` (managers only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.commands.common import EXIT_USAGE, check_hall, fail, guarded, open_db, parser
from server.storage.db import read_transaction

from .figures import By, Period
from .render import FORMATS, RENDERERS
from .report import build, parse_range


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(sub, "report", "统计报表 / statistics report (managers)")
    p.add_argument("--from", dest="first", required=True, metavar="DATE", help="起始日期 / first day YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, metavar="DATE", help="结束日期 / last day YYYY-MM-DD")
    p.add_argument("--by", choices=[b.value for b in By if b is not By.NONE],
                   help="分组 / group by")
    p.add_argument("--period", choices=[p.value for p in Period], default="all",
                   help="按日/周/月 / split by day, ISO week or month (default: the whole range)")
    p.add_argument("--format", choices=FORMATS, default="table", help="输出格式 / output format")
    p.add_argument("--hall", help="大厅 / hall id (needed when the config has several)")
    p.add_argument("--output", "-o", metavar="FILE", help="写入文件 / write to FILE (xlsx: needed on a terminal)")
    p.set_defaults(func=run)


@guarded
def run(args: argparse.Namespace) -> int:
    first, last = parse_range(args.first, args.last)
    _settings, deployment, engine = open_db(args)
    hall = check_hall(deployment, args.hall)
    if hall is None:
        if len(deployment.halls) > 1:
            known = ", ".join(h.id for h in deployment.halls)
            return fail(f"配置中有多个大厅，请用 --hall 指定（{known}）",
                        f"the config has several halls: choose one with --hall ({known})", EXIT_USAGE)
        hall = deployment.halls[0].id
    if args.format == "xlsx" and args.output is None and sys.stdout.isatty():
        return fail("xlsx 是二进制文件，请用 --output 指定文件", "xlsx is binary: give --output FILE", EXIT_USAGE)
    try:
        with read_transaction(engine) as conn:
            report = build(conn, deployment.hall(hall), first, last, Period(args.period), By(args.by or "none"))
    finally:
        engine.dispose()
    out = RENDERERS[args.format](report)
    if args.output:
        target = Path(args.output)
        target.write_bytes(out) if isinstance(out, bytes) else target.write_text(out, encoding="utf-8")
    elif isinstance(out, bytes):
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(out)
    return 0
