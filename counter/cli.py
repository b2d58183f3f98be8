"""``hallq counter --server URL --token TOKEN --window N [--config FILE] [--screenshot FILE.png]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

log = logging.getLogger("hallq.counter")

SCREENSHOT_WAIT_MS = 10_000  # --screenshot: how long to wait for the server's hall listing
DEFAULT_SERVER = "http://127.0.0.1:8080"


def register(sub: argparse._SubParsersAction) -> None:
    from server.client.appkit import common_arguments

    p = sub.add_parser("counter", help="窗口叫号终端 / counter terminal for clerks",
                       description="窗口叫号终端：登录、叫号、重呼、过号、办结、转办、暂停、A/B 岗接管、好差评 / "
                                   "counter terminal for clerks (PySide6)")
    common_arguments(p)
    p.set_defaults(server=None)  # given, else $HALLQ_SERVER, else the terminal config's [server] url
    p.add_argument("--window", type=int, default=None, metavar="N",
                   help="the window this counter serves (default: the terminal config's window)")
    p.set_defaults(func=run)


def _token(args: argparse.Namespace, cfg: Any) -> str | None:
    if args.token:
        return args.token
    if cfg is not None and cfg.server.token_file:
        try:
            with open(cfg.server.token_file, encoding="utf-8") as f:
                return f.read().strip() or None
        except OSError as exc:
            print(f"无法读取令牌文件 (cannot read the token file) {cfg.server.token_file}: {exc}", file=sys.stderr)
    return None


def run(args: argparse.Namespace) -> int:
    from config.errors import ConfigError
    from drivers.terminal import Devices, Role, load_terminal, open_devices
    from server.client.appkit import make_application, parse_size, save_screenshot

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
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
    token = _token(args, cfg)
    if not token:
        print("请用 --token 或终端配置的 server.token_file 提供柜台设备令牌（`hallq device add --kind counter "
              "--window N`）/ a counter device token is needed: --token or server.token_file", file=sys.stderr)
        return 2
    server = args.server or os.environ.get("HALLQ_SERVER") or (cfg.server.url if cfg is not None else DEFAULT_SERVER)
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
            return _screenshot(counter, args.screenshot, width, height, save_screenshot)
        counter.start()
        counter.window.resize(width, height)
        if args.windowed or args.size:
            counter.window.show()
        else:
            counter.window.showFullScreen()
        return app.exec()
    finally:
        counter.close()


def _screenshot(counter: Any, path: str, width: int, height: int, save: Any) -> int:
    """The login screen once the hall listing arrived (or, unreachable, with its offline banner)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    ctrl = counter.controller
    ctrl.changed.connect(lambda: loop.quit() if ctrl.listing is not None or not ctrl.reachable else None)
    QTimer.singleShot(SCREENSHOT_WAIT_MS, loop.quit)
    counter.window.resize(width, height)
    counter.window.show()
    ctrl.load_listing()
    loop.exec()
    print(save(counter.window, path))
    return 0
