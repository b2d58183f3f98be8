"""``hallq kiosk --server URL --token TOKEN [--config FILE] [--screenshot FILE.png]``."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from .app import Kiosk

log = logging.getLogger("hallq.kiosk")


def register(sub: argparse._SubParsersAction) -> None:
    from client.appkit import common_arguments

    p = sub.add_parser("kiosk", help="触摸屏取号机 / touchscreen ticket kiosk",
                       description="触摸屏取号机 / touchscreen ticket kiosk (PySide6)")
    common_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from client import logs
    from client.appkit import (
        make_application,
        parse_size,
        quit_on_signals,
        read_token,
        server_url,
        show_window,
    )
    from config.errors import ConfigError
    from drivers.terminal import Devices, default_terminal_config, load_terminal, open_devices

    logs.configure()
    cfg = None
    path = args.config or (str(default_terminal_config()) if default_terminal_config().exists() else None)
    try:
        cfg = load_terminal(path) if path else None
        devices = open_devices(cfg) if cfg is not None else Devices()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    server = server_url(args, cfg)
    hall = args.hall or (cfg.hall if cfg is not None else None)

    app = make_application()
    from .app import Kiosk
    from .timings import Timings

    timings = Timings(heartbeat_ms=round(cfg.heartbeat_interval_s * 1000)) if cfg is not None else Timings()
    try:
        kiosk = Kiosk.create(server, read_token(args, cfg), devices, hall=hall, lang=args.lang, timings=timings)
    except ValueError as exc:  # a malformed --server
        devices.close()
        print(str(exc), file=sys.stderr)
        return 2
    window = kiosk.window
    width, height = parse_size(args.size, (1920, 1080))
    try:
        if args.screenshot:
            return _screenshot(kiosk, args.screenshot, width, height)
        quit_on_signals(app)
        kiosk.start()
        show_window(window, args, (width, height))
        return app.exec()
    finally:
        kiosk.close()


def _screenshot(kiosk: Kiosk, path: str, width: int, height: int) -> int:
    """The category screen once the server's categories arrived (or, unreachable, with its banner)."""
    from client.appkit import screenshot_when

    def connect(done: Callable[[], None]) -> None:
        kiosk.controller.catalog_ready.connect(lambda _c: done())
        kiosk.controller.server_state.connect(lambda ok: None if ok else done())

    return screenshot_when(kiosk.window, path, (width, height), connect=connect,
                           begin=kiosk.controller.load_catalog)
