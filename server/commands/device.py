"""hallq device add …: a kiosk, counter, display or pad and its token, printed once (stored hashed)."""

from __future__ import annotations

import argparse

from server.auth import DEVICE_KINDS, add_device
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
    add.add_argument("--json", action="store_true", help='print {"token": …, …}')
    add.set_defaults(func=run_device_add)
    register_device_actions(actions)  # list, rename, disable, enable, remove (server/commands/admin.py)


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
    device = add_device(
        engine, kind=args.kind, name=args.name, hall=hall, window=args.window, now=now(), by="cli"
    )
    engine.dispose()
    if args.json:
        print_json(
            {
                "token": device.token,
                "id": device.id,
                "kind": device.kind,
                "name": device.name,
                "hall": device.hall,
                "window": device.window,
            }
        )
    else:
        print(
            f"已添加 / added {device.kind} #{device.id} {device.name} hall={device.hall}"
            f" window={device.window or '-'}"
        )
        print("令牌（只显示这一次，请妥善保存）/ token (shown only this once):")
        print(device.token)
    return 0
