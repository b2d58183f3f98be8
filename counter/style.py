"""The counter terminal's look: one stylesheet from ``client.theme`` (the NORMAL scale: a clerk
at a desk monitor, not a kiosk at arm's length).

Widgets carry dynamic properties instead of fonts and colours:

* ``role``  title | main | body | small | number — font size
* ``kind``  action | call | quiet | choice | header | panel | banner-warning | banner-danger |
  banner-info | status-ok | status-error | status-info — colours
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from client import theme

NUMBER_PT = 72  # the current visitor's number
DISABLED_BG = "#c9d1db"  # readable (INK on it > 10:1) but plainly unavailable


def stylesheet() -> str:
    s, t = theme.NORMAL, theme
    return f"""
QWidget#counter, QStackedWidget, QWidget[kind="page"] {{ background-color: {t.PAPER}; }}
QLabel {{ color: {t.INK}; background-color: transparent; }}
*[role="title"]  {{ font-size: {s.title_pt}pt; font-weight: bold; }}
*[role="main"]   {{ font-size: {s.main_pt}pt; font-weight: bold; }}
*[role="body"]   {{ font-size: {s.body_pt}pt; }}
*[role="small"]  {{ font-size: {s.small_pt}pt; }}
*[role="number"] {{ font-size: {NUMBER_PT}pt; font-weight: bold; color: {t.PRIMARY}; }}
*[role="number"][priority="true"] {{ color: {t.PRIORITY}; }}
QLabel[tone="muted"] {{ color: {t.MUTED}; }}

QFrame[kind="header"] {{ background-color: {t.PRIMARY}; }}
QFrame[kind="header"] QLabel {{ color: {t.ON_PRIMARY}; }}
QFrame[kind="panel"] {{ background-color: {t.SURFACE}; border-radius: 12px; }}
QFrame[kind="banner-warning"] {{ background-color: {t.WARNING}; border-radius: 6px; }}
QFrame[kind="banner-warning"] QLabel {{ color: {t.ON_WARNING}; }}
QFrame[kind="banner-danger"] {{ background-color: {t.DANGER}; border-radius: 6px; }}
QFrame[kind="banner-danger"] QLabel {{ color: {t.ON_DANGER}; }}
QFrame[kind="banner-info"] {{ background-color: {t.SURFACE}; border: 2px solid {t.PRIMARY}; border-radius: 6px; }}
QLabel[kind="status-ok"] {{ color: {t.PRIORITY}; }}
QLabel[kind="status-error"] {{ color: {t.DANGER}; font-weight: bold; }}
QLabel[kind="status-info"] {{ color: {t.MUTED}; }}

QPushButton {{
    min-height: {s.target_px}px; padding: 6px 14px; border-radius: 8px; font-size: {s.body_pt}pt;
}}
QPushButton[kind="call"] {{ background-color: {t.PRIMARY}; color: {t.ON_PRIMARY}; border: none;
    font-size: {s.main_pt}pt; font-weight: bold; }}
QPushButton[kind="action"] {{ background-color: {t.PRIMARY}; color: {t.ON_PRIMARY}; border: none; }}
QPushButton[kind="quiet"] {{ background-color: {t.SURFACE}; color: {t.PRIMARY}; border: 2px solid {t.PRIMARY}; }}
QPushButton[kind="choice"] {{ background-color: {t.PAPER}; color: {t.INK}; border: 2px solid {t.MUTED};
    min-height: 28px; padding: 4px 10px; }}
QPushButton[kind="choice"]:checked {{
    background-color: {t.PRIMARY}; color: {t.ON_PRIMARY}; border-color: {t.PRIMARY};
}}
QPushButton[kind="header"] {{ background-color: {t.ON_PRIMARY}; color: {t.PRIMARY}; border: none;
    min-height: 0; padding: 4px 10px; }}
QPushButton:disabled {{ background-color: {DISABLED_BG}; color: {t.INK}; border: none; }}

QLineEdit, QTimeEdit {{
    background-color: {t.PAPER}; color: {t.INK}; border: 2px solid {t.PRIMARY}; border-radius: 6px;
    padding: 4px 8px; font-size: {s.body_pt}pt; min-height: 36px;
}}
QListWidget {{ background-color: {t.PAPER}; color: {t.INK}; font-size: {s.body_pt}pt;
    border: 2px solid {t.MUTED}; border-radius: 6px; }}
QListWidget::item {{ padding: 6px; }}
QCheckBox {{ color: {t.INK}; font-size: {s.body_pt}pt; }}
"""


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property (``kind``, ``priority``) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
