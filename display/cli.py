"""``hallq display --server URL --token TOKEN [--zone A | --windows 1-8] [--screenshot FILE.png]``.

The terminal file (``--config``, else ``$HALLQ_TERMINAL_CONFIG``, else ``var/terminal.toml`` when it is a
display's, else the shipped ``config/terminal-display.toml``) gives the hall, the server, the token file
and the announcer; flags override it. Exit status 2: a bad flag, notices file or terminal file.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from .app import Display

log = logging.getLogger("hallq.display")


def register(sub: argparse._SubParsersAction) -> None:
    from client.appkit import common_arguments

    p = sub.add_parser("display", help="大厅叫号屏（含语音播报）/ lobby call display with voice",
                       description="大厅叫号屏：最新叫号、窗口状态、等候人数、公告、语音播报 / lobby call display "
                                   "(PySide6): latest calls, windows, waiting counts, notices, voice")
    common_arguments(p)
    p.add_argument("--zone", help="只显示这些区域的窗口，如 A 或 A,B / only windows of these zones")
    p.add_argument("--windows", help="只显示这些窗口，如 1-8,12 / only these windows")
    p.add_argument("--notice", action="append", default=[], metavar="TEXT",
                   help="公告（可重复）/ a notice line (repeatable)")
    p.add_argument("--notices", metavar="FILE", help="公告文件，每行一条，# 开头为注释 / notices file, one per line")
    p.add_argument("--announcer", metavar="URL",
                   help="播报设备地址，替代终端配置 / announcer URL instead of the terminal file's")
    p.add_argument("--mute", action="store_true", help="不播报语音 / no voice")
    p.add_argument("--tz", default=None,
                   help="时钟时区，默认为大厅的时区 / time zone of the clock (default: the hall's, from the server)")
    p.set_defaults(func=run)


def _fail(zh: str, en: str) -> int:
    print(f"{zh} ({en})", file=sys.stderr)
    return 2


def _config_path(args: argparse.Namespace) -> Path | None:
    from config.errors import ConfigError
    from drivers.terminal import ENV_CONFIG, LOCAL_CONFIG, Role, load_terminal, shipped_terminal_config

    if args.config:
        return Path(args.config)
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    if LOCAL_CONFIG.exists():
        try:
            if load_terminal(LOCAL_CONFIG).role is Role.DISPLAY:
                return LOCAL_CONFIG
        except ConfigError:  # another terminal's broken file: a display falls back to its own example
            log.info("%s is not a display's terminal file; using the shipped display file", LOCAL_CONFIG)
    return shipped_terminal_config("display")


def read_notices(path: str) -> list[str]:
    """One notice per line; blank lines and ``#`` comments skipped. Raises OSError/UnicodeDecodeError."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def run(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from client import logs
    from client.appkit import make_application, parse_size, read_token, server_url, show_window
    from config.errors import ConfigError
    from drivers.announcer import open_announcer
    from drivers.errors import DeviceConfigError, DeviceError
    from drivers.terminal import Devices, Role, load_terminal, open_device, open_devices

    from .filter import FilterError, WindowFilter

    logs.configure()
    try:
        window_filter = WindowFilter.parse(zone=args.zone, windows=args.windows)
    except FilterError as exc:
        return _fail(exc.zh, exc.en)
    try:
        if args.tz:
            logs.use_zone(ZoneInfo(args.tz))  # the board's clock and the log lines
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(f"未知时区 {args.tz!r}（应如 Asia/Shanghai）",
                     f"unknown time zone {args.tz!r} (e.g. Asia/Shanghai)")
    notices = [n for n in args.notice if n.strip()]
    if args.notices:
        try:
            notices += read_notices(args.notices)
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"无法读取公告文件 {args.notices}：{exc}",
                         f"cannot read the notices file {args.notices}: {exc}")
    size = parse_size(args.size, (1920, 1080))

    path = _config_path(args)
    try:
        cfg = load_terminal(path) if path is not None else None
        if cfg is not None and cfg.role is not Role.DISPLAY:
            return _fail(f"终端配置 {path} 的 role 为 {cfg.role}，叫号屏需要 display",
                         f"terminal file {path} has role {cfg.role}; a display needs role = \"display\"")
        devices = Devices()
        if args.mute or args.screenshot:  # a screenshot speaks nothing
            pass
        elif args.announcer:
            devices.announcer = (open_device("announcer", cfg, args.announcer) if cfg is not None
                                 else open_announcer(args.announcer))
        elif cfg is not None:
            devices = open_devices(cfg, only=("announcer",))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except DeviceConfigError as exc:
        return _fail(f"播报设备地址无效：{exc.zh}", f"bad announcer URL: {exc.en}")
    except DeviceError as exc:
        return _fail(f"播报设备无法打开：{exc.zh}", f"announcer cannot be opened: {exc.en}")

    server = server_url(args, cfg)
    hall = args.hall or (cfg.hall if cfg is not None else None)
    token = read_token(args, cfg)

    beat = cfg.heartbeat_interval_s if cfg is not None and token and not args.screenshot else None

    app = make_application()
    from .app import Display

    try:
        display = Display.create(server, token, devices, hall=hall, window_filter=window_filter, notices=notices,
                                 lang=args.lang, tz=args.tz,
                                 heartbeat_s=beat)
    except ValueError as exc:  # a malformed --server
        devices.close()
        print(str(exc), file=sys.stderr)
        return 2
    try:
        if args.screenshot:
            return _screenshot(display, args.screenshot, size)
        display.start()
        show_window(display.window, args, size)
        return app.exec()
    finally:
        display.close()


def _screenshot(display: Display, path: str, size: tuple[int, int]) -> int:
    """The board once the hall's snapshot arrived (or, unreachable, with its offline banner)."""
    from client.appkit import screenshot_when

    def connect(done: Callable[[], None]) -> None:
        display.board.ready.connect(done)
        display.board.offline_changed.connect(lambda offline: done() if offline else None)

    return screenshot_when(display.window, path, size, connect=connect, begin=display.start)
