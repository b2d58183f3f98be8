"""What every hallq PySide6 app shares: the command line, the Qt application, fonts, screenshots.

The kiosk, the counter terminal and the lobby display each call :func:`common_arguments` for their
parser and :func:`make_application` before building windows. Qt is imported lazily so that
``hallq diag`` and the server never load it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtWidgets import QApplication, QWidget

# Preferred CJK families, best first: Debian's fonts-noto-cjk, then WenQuanYi, then what Windows ships.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei")


def common_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags every app takes: where the server is, who we are, what to show."""
    parser.add_argument("--server", default=os.environ.get("HALLQ_SERVER", "http://127.0.0.1:8080"),
                        help="server base URL (env HALLQ_SERVER)")
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


def save_screenshot(widget: QWidget, path: str | Path) -> Path:
    """Render a widget (shown or not) to a PNG file, processing pending events first."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    pixmap = widget.grab()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(out), "PNG"):
        raise OSError(f"could not write screenshot {out}")
    return out


def fontconfig_file(family: str) -> str | None:
    """Path of the font file fontconfig picks for a family (for Pillow, which has no fontconfig)."""
    if not shutil.which("fc-match"):
        return None
    done = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=5)
    return done.stdout.strip() or None
