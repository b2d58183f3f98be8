"""What every hallq PySide6 app shares: the command line, the Qt application, fonts, screenshots.

The kiosk, the counter terminal and the lobby display each call :func:`common_arguments` for their
parser, :func:`server_url` and :func:`read_token` for where to connect and as whom,
:func:`make_application` before building windows, :func:`show_window` or :func:`screenshot_when` to put
them up, and :func:`tear_down` to take them apart. Qt is imported lazily so that ``hallq diag`` and the
server never load it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .tokens import TokenFileUnreadable, resolve_token

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from client.http import HallClient
    from client.qt import QtHallLink

class _Closable(Protocol):
    def close(self) -> None: ...


class _Stoppable(Protocol):
    def stop(self, timeout: float) -> Any: ...


# Preferred CJK families, best first: Debian's fonts-noto-cjk, then WenQuanYi, then what Windows ships.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei")

ENV_SERVER = "HALLQ_SERVER"
DEFAULT_SERVER = "http://127.0.0.1:8080"
SCREENSHOT_WAIT_MS = 10_000  # --screenshot: how long to wait for the server's first answer
SETTLE_PASSES = 20  # save_screenshot: event passes before the grab (the kiosk needs ~3)
LINK_STOP_S = 15  # tear_down: how long a link's running requests may take to finish


def common_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags every app takes: where the server is, who we are, what to show."""
    # no default here: an unset --server falls back to HALLQ_SERVER, then the terminal file (server_url)
    parser.add_argument("--server", default=None,
                        help=f"server base URL (default: env {ENV_SERVER}, then the terminal file's [server] url, "
                             f"then {DEFAULT_SERVER})")
    parser.add_argument("--token", default=os.environ.get("HALLQ_TOKEN"),
                        help="device token from `hallq device add` (env HALLQ_TOKEN)")
    parser.add_argument("--config", default=os.environ.get("HALLQ_TERMINAL_CONFIG"),
                        help="terminal config file (devices, hall id, language)")
    parser.add_argument("--hall", default=None, help="hall id (default: the first hall)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="UI language")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the first screen to FILE.png and exit (works offscreen)")
    parser.add_argument("--size", default=None, metavar="WxH", help="window size, e.g. 1920x1080")
    parser.add_argument("--windowed", action="store_true", help="not full screen")


def server_url(args: argparse.Namespace, cfg: Any | None) -> str:
    """``--server``, else ``$HALLQ_SERVER``, else the terminal file's ``[server] url``, else the local server.

    ``cfg`` is the terminal's config (:class:`drivers.terminal.TerminalConfig`): anything with ``server.url``.
    """
    return args.server or os.environ.get(ENV_SERVER) or (cfg.server.url if cfg is not None else DEFAULT_SERVER)


def read_token(args: argparse.Namespace, cfg: Any | None) -> str | None:
    """``--token``, else the contents of the terminal file's ``server.token_file``, else None.

    An unreadable token file is said on stderr and counts as no token: the app decides whether it can run
    without one (the kiosk and the display can, read-only; the counter cannot).
    """
    try:
        return resolve_token(args.token, cfg.server.token_file if cfg is not None else None)
    except TokenFileUnreadable as exc:
        print(exc, file=sys.stderr)
        return None


def has_display() -> bool:
    """A screen is present (X11 or Wayland); otherwise apps render offscreen."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication: offscreen when there is no screen, with a CJK default font."""
    if not has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or ["hallq"])
    apply_cjk_font(app)
    return app  # type: ignore[return-value]


def cjk_family() -> str | None:
    """The installed CJK font family Qt will use, or None (Chinese would render as boxes)."""
    from PySide6.QtGui import QFontDatabase

    families = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in families), None)


def apply_cjk_font(app: QApplication) -> None:
    from PySide6.QtGui import QFont

    family = cjk_family()
    if family is None:
        # Qt's offscreen platform reads fonts from fontconfig; tell the operator what to install.
        import logging

        logging.getLogger(__name__).warning(
            "no CJK font found: Chinese will render as boxes; install fonts-noto-cjk (apt-get install fonts-noto-cjk)")
        return
    font = QFont(family)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)


def parse_size(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    if not text:
        return default
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise SystemExit(f"--size 应为 宽x高，如 1920x1080 (--size must be WxH, e.g. 1920x1080): {text!r}") from exc
    return w, h


def show_window(window: QWidget, args: argparse.Namespace, size: tuple[int, int]) -> None:
    """``--windowed`` or ``--size``: a window of ``size``; otherwise full screen, as in the hall."""
    if args.windowed or args.size:
        window.resize(*size)
        window.show()
    else:
        # A kiosk session has no window manager (deploy/kiosk): Qt's full-screen request is a hint only a
        # window manager acts on, so without one the window opened at its size hint (828×752 on a 1920×1080
        # screen). Taking the screen's geometry first makes full screen hold with or without a manager.
        from PySide6.QtGui import QGuiApplication

        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()


def quit_on_signals(app: QApplication) -> None:
    """SIGTERM (systemd stop) and SIGINT end the event loop, so the devices are closed on the way out.

    Python runs signal handlers only between bytecodes, and Qt's loop runs none while idle: a
    half-second timer gives it the chance. The quit is posted, not called: a signal that arrives while the
    app is still starting (before ``exec``) would otherwise be lost — ``quit()`` does nothing while no
    loop runs — and the app would run on until systemd's SIGKILL.
    """
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: QTimer.singleShot(0, app.quit))
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(500)


def screenshot_when(window: QWidget, path: str, size: tuple[int, int], *,
                    connect: Callable[[Callable[[], None]], None], begin: Callable[[], None]) -> int:
    """``--screenshot``: show ``window`` at ``size``, call ``begin`` and save a PNG once the first answer came.

    ``connect(done)`` hooks ``done`` to the app's signals for "the server answered" and "it is unreachable";
    either way (or after ``SCREENSHOT_WAIT_MS``) the window is saved and its path printed. Exit status 0.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    connect(loop.quit)
    QTimer.singleShot(SCREENSHOT_WAIT_MS, loop.quit)
    window.resize(*size)
    window.show()
    begin()
    loop.exec()
    print(save_screenshot(window, path))
    return 0


def tear_down(model: QObject, *, links: Sequence[QtHallLink], clients: Sequence[HallClient], devices: _Closable,
              window: QWidget, heartbeat: _Stoppable | None = None, heartbeat_timeout: float = LINK_STOP_S) -> None:
    """The apps' one shut-down order, once their own timers are stopped: mute the model, wait for running
    requests (bounded), stop the heartbeat, close clients and devices, then the window."""
    model.blockSignals(True)  # answers still queued for the GUI thread change nothing now
    for link in links:
        link.stop(timeout=LINK_STOP_S)
    if heartbeat is not None:
        heartbeat.stop(timeout=heartbeat_timeout)
    for client in clients:
        client.close()
    devices.close()
    window.close()
    window.deleteLater()


def save_screenshot(widget: QWidget, path: str | Path) -> Path:
    """Render a widget (shown or not) to a PNG file, once its layout has settled.

    One pass of pending events is not enough: a layout step posts the next one (the kiosk's tile pages
    are cut on a zero-delay timer after the catalog arrives, then placed, then shown), and a grab after
    one pass showed the kiosk's category page empty. A few passes let those chains run out."""
    from PySide6.QtWidgets import QApplication

    for _ in range(SETTLE_PASSES):
        QApplication.processEvents()
    pixmap = widget.grab()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(out), "PNG"):
        raise OSError(f"could not write screenshot {out}")
    return out
