"""A picture of the ticket: the same lines as the printed one (from :mod:`.layout`), the big number,
and a real QR code, at the printer's resolution (1 px = 1 dot, 203 dpi).

Used by the kiosk screen ("your ticket"), the docs and the tests. Fonts come from fontconfig:
``fc-match 'Noto Sans CJK SC'`` when it really is a Chinese font, else the first NotoSansCJK /
WenQuanYi file under the usual font directories.
"""

from __future__ import annotations

import functools
import io
import logging
import subprocess
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .layout import Align, Layout, Line, QrBlock, notice_layout, ticket_layout
from .model import NoticePrint, Paper, TicketPrint

__all__ = ["PreviewFontError", "cjk_font", "render_layout", "render_notice", "render_ticket",
           "to_png_bytes"]

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
_FALLBACK_GLOBS = ("NotoSansCJK*", "NotoSerifCJK*", "wqy-*", "*WenQuanYi*")
DOT = 24  # the printer's Chinese font is 24×24 dots; ASCII 12×24
LINE_PITCH = 32  # dots per line at ×1 (ESC 2 default spacing is about 1/6 inch)
MARGIN = 16  # blank dots above the first line and below the last


class PreviewFontError(RuntimeError):
    """No Chinese font found: install fonts-noto-cjk (Debian) or WenQuanYi."""

    def __init__(self) -> None:
        super().__init__("找不到中文字体，请安装 fonts-noto-cjk "
                         "(no Chinese font found; install fonts-noto-cjk)")


def _fc_match(pattern: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{lang}", pattern],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        file, index, langs = out.split("\n", 2)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    # fc-match always answers with *some* font (DejaVu when Noto CJK is missing): check it
    if "zh-cn" not in langs.split("|") or not Path(file).is_file():
        return None
    return file, int(index or 0)


@functools.cache
def cjk_font(bold: bool = False) -> tuple[str, int]:
    """(file, face index) of a Simplified-Chinese font; raises :class:`PreviewFontError`."""
    found = _fc_match("Noto Sans CJK SC" + (":bold" if bold else ""))
    if found:
        return found
    for root in FONT_DIRS:
        for pattern in _FALLBACK_GLOBS:
            for path in sorted(root.rglob(pattern)) if root.is_dir() else ():
                if path.suffix.lower() in (".ttc", ".otf", ".ttf"):
                    log.info("preview font (fallback search): %s", path)
                    return str(path), 0
    raise PreviewFontError()


@functools.cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    file, index = cjk_font(bold)
    return ImageFont.truetype(file, size, index=index)


def _qr_matrix(payload: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload.encode("utf-8"), optimize=0)
    qr.make(fit=True)
    return qr.get_matrix()


def render_layout(layout: Layout) -> Image.Image:
    """Draw a layout as a greyscale image ``paper.dots`` wide."""
    width = layout.paper.dots
    ops: list[tuple[int, Line | QrBlock, list[list[bool]] | None]] = []
    y = MARGIN
    for block in layout.blocks:
        if isinstance(block, QrBlock):
            matrix = _qr_matrix(block.payload)
            ops.append((y, block, matrix))
            y += len(matrix) * block.module
        else:
            ops.append((y, block, None))
            y += LINE_PITCH * block.scale
    image = Image.new("L", (width, y + MARGIN), 255)
    draw = ImageDraw.Draw(image)
    for top, block, matrix in ops:
        if isinstance(block, QrBlock):
            assert matrix is not None
            m = block.module
            left = (width - len(matrix) * m) // 2
            for r, row in enumerate(matrix):
                for c, dark in enumerate(row):
                    if dark:
                        draw.rectangle((left + c * m, top + r * m, left + (c + 1) * m - 1,
                                        top + (r + 1) * m - 1), fill=0)
            continue
        if block.text == "-" * layout.paper.columns:  # a rule: a thin line, as the dashes print
            draw.line((0, top + DOT // 2, width, top + DOT // 2), fill=96, width=1)
            continue
        font = _font(DOT * block.scale, block.bold)
        text_w = draw.textlength(block.text, font=font)
        left = (width - text_w) / 2 if block.align is Align.CENTER else 0
        draw.text((left, top), block.text, font=font, fill=0)
    return image


def render_ticket(ticket: TicketPrint, paper: Paper = Paper.MM80) -> Image.Image:
    """The ticket as printed on ``paper``."""
    return render_layout(ticket_layout(ticket, paper))


def render_notice(notice: NoticePrint, paper: Paper = Paper.MM80) -> Image.Image:
    """The one-time notice as printed on ``paper``."""
    return render_layout(notice_layout(notice, paper))


def to_png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
