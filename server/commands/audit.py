"""hallq audit verify: recompute the audit hash chain; exit 1 at the first broken link."""

from __future__ import annotations

import argparse

from server.audit import verify
from server.storage.db import read_transaction

from .common import guarded, open_db, parser, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="审计日志 / audit trail")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    v = parser(actions, "verify", "校验审计哈希链 / verify the audit hash chain")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=run_verify)


@guarded
def run_verify(args: argparse.Namespace) -> int:
    _settings, _deployment, engine = open_db(args)
    with read_transaction(engine) as conn:
        result = verify(conn)
    engine.dispose()
    if args.json:
        print_json(
            {
                "ok": result.ok,
                "checked": result.checked,
                "broken_seq": result.broken_seq,
                "reason_zh": result.reason_zh,
                "reason_en": result.reason_en,
            }
        )
    elif result.ok:
        print(
            f"审计链完整：{result.checked} 条记录（audit chain intact: {result.checked} records）"
        )
    else:
        print(
            f"审计链断裂于第 {result.broken_seq} 条：{result.reason_zh}"
            f"（audit chain broken at record {result.broken_seq}: {result.reason_en}）"
        )
    return 0 if result.ok else 1
