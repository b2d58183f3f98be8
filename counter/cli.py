"""``hallq counter --server URL --token TOKEN --window N [--config FILE] [--screenshot FILE.png]``."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from .app import Counter

log = logging.getLogger("hallq.counter")


def register(sub: argparse._SubParsersAction) -> None:
    from client.appkit import common_arguments

    p = sub.add_parser("counter", help="窗口叫号终端 / counter terminal for clerks",
                       description="窗口叫号终端：登录、叫号、重呼、过号、办结、转办、暂停、A/B 岗接管、好差评 / "
                                   "counter terminal for clerks (PySide6)")
    common_arguments(p)
    p.add_argument("--window", type=int, default=None, metavar="N",
                   help="the window this counter serves (default: the terminal config's window)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from client import logs
    from client.appkit import make_application, parse_size, read_token, server_url, show_window
    from config.errors import ConfigError
    from drivers.terminal import Devices, Role, load_terminal, open_devices

    logs.configure()
    try:
        cfg = load_terminal(args.config) if args.config else None
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if cfg is not None and cfg.role is not Role.COUNTER:
        print(f"{args.config}: 终端配置的 role 应为 counter，实为 {cfg.role}（the terminal config's role must be "
              f"counter, not {cfg.role}）", file=sys.stderr)
        return 2
    window = args.window or (cfg.window if cfg is not None else None)
    if window is None:
        print("请用 --window N 或终端配置的 window 指定窗口号（give the window with --window N or in the terminal "
              "config）", file=sys.stderr)
        return 2
    token = read_token(args, cfg)
    if not token:
        print("请用 --token 或终端配置的 server.token_file 提供柜台设备令牌（`hallq device add --kind counter "
              "--window N`）/ a counter device token is needed: --token or server.token_file", file=sys.stderr)
        return 2
    server = server_url(args, cfg)
    hall = args.hall or (cfg.hall if cfg is not None else None)
    try:
        devices = open_devices(cfg) if cfg is not None else Devices()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2

    app = make_application()
    from .app import Counter

    try:
        counter = Counter.create(server, token, window, devices, hall=hall, lang=args.lang,
                                 heartbeat=not args.screenshot)
    except ValueError as exc:  # a malformed --server
        devices.close()
        print(str(exc), file=sys.stderr)
        return 2
    width, height = parse_size(args.size, (1366, 768))
    try:
        if args.screenshot:
            return _screenshot(counter, args.screenshot, width, height)
        counter.start()
        show_window(counter.window, args, (width, height))
        return app.exec()
    finally:
        counter.close()


def _screenshot(counter: Counter, path: str, width: int, height: int) -> int:
    """The login screen once the hall listing arrived (or, unreachable, with its offline banner)."""
    from client.appkit import screenshot_when

    ctrl = counter.controller

    def connect(done: Callable[[], None]) -> None:
        ctrl.changed.connect(lambda: done() if ctrl.listing is not None or not ctrl.reachable else None)

    return screenshot_when(counter.window, path, (width, height), connect=connect, begin=ctrl.load_listing)
