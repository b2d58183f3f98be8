"""Visual rules shared by the kiosk, counter and display: colours, sizes, elder mode, contrast.

Elder mode numbers come from the kiosk issue (DOMAIN rule 13, 001 第五条 / 000 第二十七条 适老化):
main functions ≥ 30 pt, body ≥ 18 pt, line spacing ≥ 1.3, touch targets ≥ 60 × 60 px at 96 dpi,
colour contrast ≥ 4.5:1 (WCAG 2.x AA for normal text).
"""

from __future__ import annotations

from dataclasses import dataclass

# Palette: dark text on light surfaces, government blue for actions, green for the green channel.
INK = "#1a1a1a"
PAPER = "#ffffff"
SURFACE = "#f2f5f9"
PRIMARY = "#0b4f9c"        # 政务蓝
ON_PRIMARY = "#ffffff"
PRIORITY = "#0a6b35"       # 绿色通道
ON_PRIORITY = "#ffffff"
WARNING = "#8a4b00"
ON_WARNING = "#ffffff"
DANGER = "#a4161a"
ON_DANGER = "#ffffff"
MUTED = "#4a5562"
BOARD_BG = "#0b1e3a"       # lobby display
BOARD_INK = "#ffffff"
BOARD_ACCENT = "#ffd23f"


@dataclass(frozen=True, slots=True)
class Scale:
    """Font sizes (points) and touch-target size (px at 96 dpi) for one mode."""

    title_pt: int
    main_pt: int
    body_pt: int
    small_pt: int
    target_px: int
    line_spacing: float


NORMAL = Scale(title_pt=28, main_pt=22, body_pt=14, small_pt=11, target_px=48, line_spacing=1.2)
ELDER = Scale(title_pt=40, main_pt=30, body_pt=18, small_pt=18, target_px=60, line_spacing=1.3)

ELDER_MIN_MAIN_PT = 30
ELDER_MIN_BODY_PT = 18
ELDER_MIN_TARGET_PX = 60
ELDER_MIN_LINE_SPACING = 1.3
MIN_CONTRAST = 4.5


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two colours.

    >>> round(contrast("#000000", "#ffffff"), 1)
    21.0
    >>> contrast(PRIMARY, ON_PRIMARY) >= MIN_CONTRAST
    True
    """
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
