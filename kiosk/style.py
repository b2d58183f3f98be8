"""The kiosk's look: one stylesheet built from ``client.theme`` for the NORMAL or ELDER scale.

Widgets carry two dynamic properties instead of hard-coded fonts and colours:

* ``role``  title | main | body | small | number — the font size (``main`` = a main function,
  ≥ 30 pt in elder mode; ``body`` ≥ 18 pt), see ``theme.ELDER``
* ``kind``  tile | priority | booking | action | quiet | key | banner-danger | banner-warning |
  photo | panel — the colours

Font sizes are in points, which Qt turns into pixels by the screen's DPI, and layouts stretch: that is
what makes the screens resolution-independent. Line spacing: stylesheets have no line-height for
QLabel; the CJK font's own line pitch is used, 1.45 em for Noto Sans CJK SC (≥ 1.3 for elder mode;
tests/kiosk measure it on every label).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from client import theme
from client.theme import Scale

if TYPE_CHECKING:  # pragma: no cover - the stylesheet itself needs no Qt
    from PySide6.QtWidgets import QWidget

NUMBER_PT = {False: 96, True: 100}  # the ticket number, normal / elder (already huge: the rest must fit)
# A disabled control must stay readable (INK on it > 10:1, PRIMARY > 6:1) but look unavailable.
DISABLED_BG = "#c9d1db"


def scale(elder: bool) -> Scale:
    return theme.ELDER if elder else theme.NORMAL


def stylesheet(elder: bool) -> str:
    s = scale(elder)
    t = theme
    pad = 12 if elder else 8
    radius = 18
    return f"""
QWidget#kiosk, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget, QWidget[kind="page"] {{
    background-color: {t.PAPER};
}}
QLabel {{ color: {t.INK}; background-color: transparent; }}
*[role="title"]  {{ font-size: {s.title_pt}pt; font-weight: bold; }}
*[role="main"]   {{ font-size: {s.main_pt}pt; font-weight: bold; }}
*[role="body"]   {{ font-size: {s.body_pt}pt; }}
*[role="small"]  {{ font-size: {s.small_pt}pt; }}
*[role="number"] {{ font-size: {NUMBER_PT[elder]}pt; font-weight: bold; }}
QLabel[tone="muted"] {{ color: {t.MUTED}; }}

QFrame[kind="tile"] {{ background-color: {t.PRIMARY}; border-radius: {radius}px; }}
QFrame[kind="tile"] QLabel {{ color: {t.ON_PRIMARY}; }}
QFrame[kind="priority"] {{ background-color: {t.PRIORITY}; border-radius: {radius}px; }}
QFrame[kind="priority"] QLabel {{ color: {t.ON_PRIORITY}; }}
QFrame[kind="booking"] {{ background-color: {t.SURFACE}; border: 3px solid {t.PRIMARY}; border-radius: {radius}px; }}
QFrame[kind="booking"] QLabel {{ color: {t.PRIMARY}; }}
QFrame[pressed="true"] {{ border: 6px solid {t.INK}; }}
QFrame[kind="tile"]:disabled, QFrame[kind="priority"]:disabled {{ background-color: {t.MUTED}; }}
QFrame[kind="booking"]:disabled {{ background-color: {DISABLED_BG}; border: none; }}

QPushButton {{
    min-height: {s.target_px}px; min-width: {s.target_px}px; padding: {pad}px {pad * 2}px;
    border-radius: 12px; font-size: {s.body_pt}pt;
}}
QPushButton[kind="action"] {{ background-color: {t.PRIMARY}; color: {t.ON_PRIMARY}; border: none; }}
QPushButton[kind="quiet"] {{ background-color: {t.SURFACE}; color: {t.PRIMARY}; border: 2px solid {t.PRIMARY}; }}
QPushButton[kind="quiet"]:checked {{ background-color: {t.BOARD_ACCENT}; color: {t.INK}; border-color: {t.INK}; }}
QPushButton[kind="pager"] {{ background-color: {t.PRIMARY}; color: {t.ON_PRIMARY}; border: none; min-height: 60px; }}
QPushButton[kind="key"] {{ background-color: {t.SURFACE}; color: {t.INK}; border: 2px solid {t.MUTED}; padding: 4px; }}
QPushButton[kind="cell"] {{
    background-color: {t.SURFACE}; color: {t.INK}; border: 2px solid {t.MUTED}; border-radius: 0; padding: 4px;
}}
QPushButton[kind="cell"][done="true"] {{ background-color: {t.PRIORITY}; color: {t.ON_PRIORITY}; }}
QPushButton:disabled {{ background-color: {DISABLED_BG}; color: {t.INK}; border: none; }}

QLineEdit {{
    background-color: {t.PAPER}; color: {t.INK}; border: 3px solid {t.PRIMARY}; border-radius: 10px;
    padding: {pad}px; font-size: {s.main_pt}pt; min-height: {s.target_px}px; placeholder-text-color: {t.MUTED};
}}

QFrame[kind="banner-danger"] {{ background-color: {t.DANGER}; }}
QFrame[kind="banner-danger"] QLabel {{ color: {t.ON_DANGER}; }}
QFrame[kind="banner-warning"] {{ background-color: {t.WARNING}; }}
QFrame[kind="banner-warning"] QLabel {{ color: {t.ON_WARNING}; }}
QFrame[kind="photo"] {{ background-color: {t.WARNING}; border-radius: 12px; }}
QFrame[kind="photo"] QLabel {{ color: {t.ON_WARNING}; }}
QFrame[kind="panel"] {{ background-color: {t.SURFACE}; border-radius: 16px; }}
QFrame[kind="header"] {{ background-color: {t.PRIMARY}; }}
QFrame[kind="header"] QLabel {{ color: {t.ON_PRIMARY}; }}
QFrame[kind="header-priority"] {{ background-color: {t.PRIORITY}; }}
QFrame[kind="header-priority"] QLabel {{ color: {t.ON_PRIORITY}; }}
"""


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property (``kind``, ``pressed``…) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
