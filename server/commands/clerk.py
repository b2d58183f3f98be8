"""hallq clerk add …: staff accounts (clerk, manager, maintenance) with argon2-hashed PINs."""

from __future__ import annotations

import argparse
from pathlib import Path

from server.auth import STAFF_ROLES, add_clerk
from server.halls.errors import Problem

from .admin import register_clerk_actions
from .common import check_hall, guarded, now, open_db, parser, print_json, windows_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clerk", help="工作人员 / staff accounts")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = parser(actions, "add", "添加工作人员 / add a clerk, manager or maintenance account")
    add.add_argument("--staff-no", required=True, help="工号 / staff number")
    add.add_argument(
        "--name", required=True, help="姓名 / name (shown publicly at the window, 004 第十四条)"
    )
    add.add_argument(
        "--pin", required=True, help="6–12 位数字密码，不能是连续或重复数字 / 6-12 digit PIN, "
        "not a sequence or repetition (stored as an argon2 hash)"
    )
    add.add_argument("--role", choices=STAFF_ROLES, default="clerk")
    add.add_argument(
        "--windows", type=windows_arg, default=[], help="授权窗口 / authorised windows, e.g. 1,2"
    )
    add.add_argument("--hall", help="大厅 / hall id (default: every hall)")
    add.add_argument(
        "--photo", default="", help="照片文件 / photo file shown with the window information"
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=run_clerk_add)
    register_clerk_actions(actions)  # list, disable, enable, reset-pin, set (server/commands/admin.py)


@guarded
def run_clerk_add(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    hall = check_hall(deployment, args.hall)
    halls = [deployment.hall(hall)] if hall else deployment.halls
    unknown = [n for n in args.windows if not any(h.has_window(n) for h in halls)]
    if unknown:
        where = hall or "任何大厅 / any hall"
        raise Problem("unknown_window", f"{where} 没有窗口 {unknown}", f"{where} has no window(s) {unknown}", 404)
    if args.photo and not Path(args.photo).is_file():
        raise Problem("no_photo", f"照片文件不存在：{args.photo}", f"no such photo file: {args.photo}", 404)
    clerk_id = add_clerk(
        engine,
        staff_no=args.staff_no,
        name=args.name,
        pin=args.pin,
        role=args.role,
        windows=args.windows,
        hall=hall,
        photo=str(Path(args.photo).resolve()) if args.photo else "",
        now=now(),
        by="cli",
    )
    engine.dispose()
    if args.json:
        print_json(
            {
                "id": clerk_id,
                "staff_no": args.staff_no,
                "role": args.role,
                "windows": args.windows,
                "hall": hall,
            }
        )
    else:
        print(
            f"已添加 / added {args.role} {args.staff_no} {args.name}"
            f" windows={','.join(map(str, args.windows)) or '-'} hall={hall or '*'}"
        )
    return 0
