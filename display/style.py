"""The board's look: colours (``theme.BOARD_*`` and a few more), fonts, and the scale unit.

Resolution independence: every size is given in pixels *of a 1920×1080 board* and multiplied by the
window's unit ``min(width / 1920, height / 1080)``, so a 4K TV and a 1366×768 panel show the same
board; cards size their text from their own height. Every text colour is used on a background it has
at least 4.5:1 contrast with (WCAG AA, DOMAIN rule 13; ``tests/display`` checks :data:`PAIRS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from client import theme

from .models import Look

DESIGN_W, DESIGN_H = 1920, 1080

# Legibility across the hall. Signage rule of thumb: 25 mm of letter height per 10 m of distance. A
# 55-inch 1080p TV has ~0.63 mm per pixel and the board is read from 3–5 m (12.5 mm at 5 m ≈ 20 px); no
# text on the board has glyphs under 32 px (20 mm: ~8 m) at 1080p. A CJK ideograph of Noto Sans CJK is
# 0.88 of the font's pixel size tall, a digit or capital 0.73: 46 px gives 40 px and 34 px of glyph.
MIN_GLYPH_PX = 32
MIN_TEXT = 46  # the smallest font size (px at 1080p) of any text on the board
HEADING = 56

BG = theme.BOARD_BG
INK = theme.BOARD_INK
ACCENT = theme.BOARD_ACCENT
PANEL = "#15315c"  # cards and panels on BG
MUTED = "#c3cfe0"  # secondary text, on BG or PANEL
ALERT_BG = theme.DANGER
ALERT_INK = theme.ON_DANGER


@dataclass(frozen=True, slots=True)
class Tone:
    """Colours of one window state: the card's band and the text on it."""

    band: str
    ink: str


TONES: dict[Look, Tone] = {
    Look.CALLING: Tone(ACCENT, BG),
    Look.SERVING: Tone("#17663e", INK),
    Look.IDLE: Tone(PANEL, INK),
    Look.PAUSED: Tone("#9a4a00", INK),
    Look.CLOSED: Tone("#36465c", "#d5dde8"),
}

#: (text, background) pairs the board paints; each must reach theme.MIN_CONTRAST
PAIRS: list[tuple[str, str]] = [
    (INK, BG), (INK, PANEL), (MUTED, BG), (MUTED, PANEL), (ACCENT, BG), (ACCENT, PANEL), (BG, ACCENT),
    (ALERT_INK, ALERT_BG), *((t.ink, t.band) for t in TONES.values()),
]


def unit_for(width: int, height: int) -> float:
    """Pixels per design pixel for a board of this size."""
    return max(0.2, min(width / DESIGN_W, height / DESIGN_H))


def font(px: float, *, bold: bool = False) -> QFont:
    """The app's (CJK) family at a pixel size."""
    f = QFont(QApplication.font())
    f.setPixelSize(max(6, round(px)))
    f.setBold(bold)
    return f


def colour(hex_colour: str) -> QColor:
    return QColor(hex_colour)
