"""``hallq kiosk --server URL --token TOKEN [--config FILE] [--screenshot FILE.png]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtWidgets import QApplication

    from drivers.terminal import TerminalConfig

    from .app import Kiosk

log = logging.getLogger("hallq.kiosk")

SCREENSHOT_WAIT_MS = 10_000  # --screenshot: how long to wait for the server's categories
DEFAULT_SERVER = "http://127.0.0.1:8080"


def register(sub: argparse._SubParsersAction) -> None:
    from server.client.appkit import common_arguments

    p = sub.add_parser("kiosk", help="触摸屏取号机 / touchscreen ticket kiosk",
                       description="触摸屏取号机 / touchscreen ticket kiosk (PySide6)")
    common_arguments(p)
    # no default here: an unset --server falls back to HALLQ_SERVER, then the terminal file's [server] url
    p.set_defaults(func=run, server=None)


def _token(args: argparse.Namespace, cfg: TerminalConfig | None) -> str | None:
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
    from drivers.terminal import Devices, default_terminal_config, load_terminal, open_devices
    from server.client.appkit import make_application, parse_size

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    cfg = None
    path = args.config or (str(default_terminal_config()) if default_terminal_config().exists() else None)
    try:
        cfg = load_terminal(path) if path else None
        devices = open_devices(cfg) if cfg is not None else Devices()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    server = args.server or os.environ.get("HALLQ_SERVER") or (cfg.server.url if cfg is not None else None) \
        or DEFAULT_SERVER
    hall = args.hall or (cfg.hall if cfg is not None else None)

    app = make_application()
    from .app import Kiosk
    from .timings import Timings

    timings = Timings(heartbeat_ms=round(cfg.heartbeat_interval_s * 1000)) if cfg is not None else Timings()
    try:
        kiosk = Kiosk.create(server, _token(args, cfg), devices, hall=hall, lang=args.lang, timings=timings)
    except ValueError as exc:  # a malformed --server
        devices.close()
        print(str(exc), file=sys.stderr)
        return 2
    window = kiosk.window
    width, height = parse_size(args.size, (1920, 1080))
    try:
        if args.screenshot:
            return _screenshot(kiosk, args.screenshot, width, height)
        _quit_on_signals(app)
        kiosk.start()
        if args.windowed or args.size:
            window.resize(width, height)
            window.show()
        else:
            window.showFullScreen()
        return app.exec()
    finally:
        kiosk.close()


def _quit_on_signals(app: QApplication) -> None:
    """SIGTERM (systemd stop) and SIGINT end the event loop, so the devices are closed on the way out.

    Python runs signal handlers only between bytecodes, and Qt's loop runs none while idle: a
    half-second timer gives it the chance.
    """
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(500)


def _screenshot(kiosk: Kiosk, path: str, width: int, height: int) -> int:
    from PySide6.QtCore import QEventLoop, QTimer

    from server.client.appkit import save_screenshot

    loop = QEventLoop()
    kiosk.controller.catalog_ready.connect(lambda _c: loop.quit())
    kiosk.controller.server_state.connect(lambda ok: None if ok else loop.quit())
    QTimer.singleShot(SCREENSHOT_WAIT_MS, loop.quit)
    kiosk.window.resize(width, height)
    kiosk.window.show()
    kiosk.controller.load_catalog()
    loop.exec()
    out = save_screenshot(kiosk.window, path)
    print(out)
    return 0
