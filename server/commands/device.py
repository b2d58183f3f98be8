"""hallq device add …: a kiosk, counter, display or pad and its token, printed once (stored hashed);
hallq device rotate --id N: a new token, the old one revoked at once (its open event streams close within
a few seconds). Tokens expire after ``--expires-days`` (365 by default)."""

from __future__ import annotations

import argparse

from server.auth import DEVICE_KINDS, NewDevice, add_device, rotate_device_token
from server.auth.admin import check_new_device_name
from server.halls.errors import Problem

from .admin import register_device_actions
from .common import check_hall, guarded, now, open_db, parser, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("device", help="终端设备 / devices")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = parser(
        actions,
        "add",
        "添加设备并打印其令牌（只显示一次）/ add a device and print its token (once)",
    )
    add.add_argument("--kind", choices=DEVICE_KINDS, required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--hall", help="大厅 / hall id (default: the first hall of the config)")
    add.add_argument("--window", type=int, help="所在窗口 / the window (counter and pad devices)")
    add.add_argument(
        "--expires-days", type=float, default=365,
        help="令牌有效天数 / days the token is valid (default 365; 0 = never); renew with `device rotate`",
    )
    add.add_argument("--json", action="store_true", help='print {"token": …, …}')
    add.set_defaults(func=run_device_add)
    register_device_actions(actions)  # list, rename, disable, enable, remove (server/commands/admin.py)
    rotate = parser(
        actions,
        "rotate",
        "更换设备令牌：旧令牌立即失效 / give a device a new token; the old one stops working at once",
    )
    rotate.add_argument("--id", type=int, required=True, help="设备编号 / device id (hallq device add prints it)")
    rotate.add_argument(
        "--expires-days", type=float, default=365,
        help="新令牌有效天数 / days the new token is valid (default 365; 0 = never)",
    )
    rotate.add_argument("--json", action="store_true", help='print {"token": …, …}')
    rotate.set_defaults(func=run_device_rotate)


def _expiry(days: float, at: float) -> float | None:
    return at + days * 86400 if days > 0 else None


def _show(device: NewDevice, as_json: bool, expires_at: float | None, verb: str) -> None:
    if as_json:
        print_json({"token": device.token, "id": device.id, "kind": device.kind, "name": device.name,
                    "hall": device.hall, "window": device.window, "expires_at": expires_at})
        return
    print(f"{verb} {device.kind} #{device.id} {device.name} hall={device.hall} window={device.window or '-'}")
    print("令牌（只显示这一次，请妥善保存）/ token (shown only this once):")
    print(device.token)


@guarded
def run_device_rotate(args: argparse.Namespace) -> int:
    _settings, _deployment, engine = open_db(args)
    at = now()
    expires = _expiry(args.expires_days, at)
    device = rotate_device_token(engine, args.id, now=at, by="cli", expires_at=expires)
    engine.dispose()
    _show(device, args.json, expires, "已更换令牌 / new token for")
    return 0


@guarded
def run_device_add(args: argparse.Namespace) -> int:
    _settings, deployment, engine = open_db(args)
    hall = check_hall(deployment, args.hall) or deployment.halls[0].id
    if args.window is not None and not deployment.hall(hall).has_window(args.window):
        raise Problem(
            "unknown_window",
            f"大厅 {hall} 没有 {args.window} 号窗口",
            f"hall {hall} has no window {args.window}",
            404,
        )
    check_new_device_name(engine, hall, args.name)  # a second "kiosk-1" would stay silent for ever
    at = now()
    expires = _expiry(args.expires_days, at)
    device = add_device(engine, kind=args.kind, name=args.name, hall=hall, window=args.window, now=at,
                        by="cli", expires_at=expires)
    engine.dispose()
    _show(device, args.json, expires, "已添加 / added")
    return 0
