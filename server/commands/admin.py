"""``hallq device list|rename|disable|enable|remove`` and ``hallq clerk list|disable|enable|reset-pin|set``:
administration without SQL (issue 15 §4), the same functions as the dashboard's (server/auth/admin.py),
audited as ``cli``. Times are shown in the hall's time zone. Disabling or removing puts an
``access.revoked`` event on the hall's stream, so running servers close that principal's event streams.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.auth import STAFF_ROLES, LoginPolicy, Principal, admin, unlock
from server.halls.errors import Problem

from .common import check_hall, guarded, now, open_db, parser, print_json, windows_arg

CLI = Principal(actor="cli", role="admin", hall=None)


def _local(ts: float | None, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M") if ts else "-"


def _announce(args: argparse.Namespace, deployment: Any, engine: Any, change: admin.Change) -> None:
    """Tell running servers (through the hall's event log) to close the revoked principal's streams."""
    if change.revoked is None:
        return
    from server.api.revocation import announce
    from server.halls.service import HallService

    announce(HallService(engine, deployment), change, CLI)


def register_device_actions(actions: argparse._SubParsersAction) -> None:
    p = parser(actions, "list", "设备一览（含已停用）/ every device, disabled ones too")
    p.add_argument("--hall")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_device_list)
    p = parser(actions, "rename", "改名（同一大厅内不重名）/ rename (unique within the hall)")
    p.add_argument("id", type=int)
    p.add_argument("name")
    p.set_defaults(func=run_device_rename)
    for name, help_text in (
        ("disable", "停用：令牌立即失效 / disable: its token stops working at once"),
        ("enable", "重新启用 / enable again"),
        ("remove", "删除设备（不再计为失联）/ remove for good (no longer counted as silent)"),
    ):
        p = parser(actions, name, help_text)
        p.add_argument("id", type=int)
        p.set_defaults(func=run_device_state, state=name)


def register_clerk_actions(actions: argparse._SubParsersAction) -> None:
    p = parser(actions, "list", "工作人员一览 / staff accounts")
    p.add_argument("--hall")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_clerk_list)
    for name, help_text in (
        ("disable", "停用账号：会话立即结束 / disable: sessions end at once"),
        ("enable", "重新启用 / enable again"),
    ):
        p = parser(actions, name, help_text)
        p.add_argument("staff_no")
        p.set_defaults(func=run_clerk_state, state=name)
    p = parser(actions, "reset-pin", "重设密码（解除锁定，结束会话）/ new PIN (lifts a lock, ends sessions)")
    p.add_argument("staff_no")
    p.add_argument("--pin", required=True,
                   help="6–12 位数字，不可为顺序或重复数字 / 6-12 digits, not a sequence or repeats")
    p.set_defaults(func=run_clerk_pin)
    p = parser(actions, "unlock", "解除锁定：清除错误次数 / lift a lock and forget the failed PIN guesses")
    p.add_argument("staff_no")
    p.set_defaults(func=run_clerk_unlock)
    p = parser(actions, "set", "修改授权窗口或角色 / change authorised windows or role")
    p.add_argument("staff_no")
    p.add_argument("--windows", type=windows_arg, help="如 1,2,5 / e.g. 1,2,5")
    p.add_argument("--role", choices=STAFF_ROLES)
    p.set_defaults(func=run_clerk_set)


@guarded
def run_device_list(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    rows = admin.list_devices(engine, check_hall(deployment, args.hall))
    engine.dispose()
    tz = deployment.tz
    if args.json:
        print_json(
            [
                {**r, "created_local": _local(r["created_at"], tz), "last_seen_local": _local(r["last_seen"], tz)}
                for r in rows
            ]
        )
        return 0
    print(
        f"{'#':>4}  {'种类 kind':<10} {'名称 name':<20} {'大厅 hall':<10} {'窗口':>4}  {'状态 state':<12} "
        f"最近心跳 last seen ({deployment.deployment.timezone})"
    )
    for r in rows:
        state = "启用 enabled" if r["active"] else "停用 disabled"
        print(
            f"{r['id']:>4}  {r['kind']:<10} {r['name']:<20} {r['hall']:<10} {r['window'] or '-':>4}  {state:<12} "
            f"{_local(r['last_seen'], tz)}"
        )
    return 0


@guarded
def run_device_rename(args: argparse.Namespace) -> int:
    _settings, _deployment, engine = open_db(args)
    change = admin.rename_device(engine, args.id, args.name, who=CLI, now=now())
    engine.dispose()
    print(f"已改名 / renamed device {args.id}: {change.before['name']} → {change.after['name']}")
    return 0


@guarded
def run_device_state(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    if args.state == "remove":
        change = admin.remove_device(engine, args.id, who=CLI, now=now())
    else:
        change = admin.set_device_active(engine, args.id, args.state == "enable", who=CLI, now=now())
    _announce(args, deployment, engine, change)
    engine.dispose()
    done = {"remove": "已删除 / removed", "disable": "已停用 / disabled", "enable": "已启用 / enabled"}[args.state]
    print(f"{done} device {args.id}")
    return 0


@guarded
def run_clerk_list(args: argparse.Namespace) -> int:
    settings, deployment, engine = open_db(args)
    policy = LoginPolicy.of(settings.lockout_failures, settings.lockout_minutes, settings.token_hours,
                            dict(os.environ))  # as the server's (server/app.py)
    rows = admin.list_clerks(engine, check_hall(deployment, args.hall), throttle_policy=policy.throttle, now=now())
    engine.dispose()
    tz = deployment.tz
    if args.json:
        print_json(rows)
        return 0
    print(f"{'工号 staff':<10} {'姓名 name':<12} {'角色 role':<12} {'大厅':<8} {'窗口 windows':<14} 状态 state")
    for r in rows:
        state = "启用 enabled" if r["active"] else "停用 disabled"
        if r["locked_until"] and r["locked_until"] > now():
            state += "，已锁定 locked（hallq clerk unlock）"  # until a manager unlocks
        elif r["throttled_until"]:
            state += f"，密码错误限速至 throttled until {_local(r['throttled_until'], tz)}"
        windows = ",".join(map(str, r["windows"])) or "-"
        print(f"{r['staff_no']:<10} {r['name']:<12} {r['role']:<12} {r['hall'] or '*':<8} {windows:<14} {state}")
    return 0


def _halls(deployment: Any) -> tuple[str, ...]:
    return tuple(h.id for h in deployment.halls)


@guarded
def run_clerk_state(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    change = admin.set_clerk_active(
        engine, args.staff_no, args.state == "enable", who=CLI, now=now(), all_halls=_halls(deployment)
    )
    _announce(args, deployment, engine, change)
    engine.dispose()
    print(f"{'已启用 / enabled' if args.state == 'enable' else '已停用 / disabled'} {args.staff_no}")
    return 0


@guarded
def run_clerk_pin(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    change = admin.reset_pin(engine, args.staff_no, args.pin, who=CLI, now=now(), all_halls=_halls(deployment))
    _announce(args, deployment, engine, change)
    engine.dispose()
    print(f"已重设密码 / PIN reset for {args.staff_no}（其会话已结束 / their sessions ended）")
    return 0


@guarded
def run_clerk_unlock(args: argparse.Namespace) -> int:
    """A clerk locked out by wrong PINs (theirs or an attacker's) can log in again at once (audited)."""
    _settings, _deployment, engine = open_db(args)
    found = unlock(engine, args.staff_no, by=CLI.actor, now=now())
    engine.dispose()
    if not found:
        raise Problem("unknown_staff", f"没有工号 {args.staff_no}", f"no staff number {args.staff_no}", 404)
    print(f"已解除锁定 / unlocked {args.staff_no}")
    return 0


@guarded
def run_clerk_set(args: argparse.Namespace) -> int:
    if args.windows is None and args.role is None:
        raise Problem("nothing_to_change", "请给出 --windows 或 --role", "give --windows or --role", 422)
    _settings, deployment, engine = open_db(args)
    known = {w.number for h in deployment.halls for w in h.windows}
    change = admin.set_clerk_access(
        engine, args.staff_no, windows=args.windows, role=args.role, who=CLI, now=now(), known_windows=known
    )
    engine.dispose()
    print(f"已修改 / changed {args.staff_no}: {change.before} → {change.after}")
    return 0
