"""What a person at a screen would not read as written: clipped text, or characters drawn as boxes.

The one check the kiosk and counter tests (and their screenshots) run over the real, laid-out widgets.
"""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

LAYOUT_ROUNDS = 5  # pending layout requests post more of their own: process a few rounds before measuring


def shown_text_widgets(root: QWidget) -> list[QWidget]:
    """Every visible widget under ``root`` that shows text (labels, buttons, fields), laid out."""
    for _ in range(LAYOUT_ROUNDS):  # measure what will be painted
        QApplication.processEvents()
    return [w for w in root.findChildren(QWidget) if w.isVisible() and (
        isinstance(w, QLineEdit) or (isinstance(w, QLabel | QAbstractButton) and w.text().strip()))]


def rendering_problems(root: QWidget) -> list[str]:
    """Text that would not be read as written: clipped by its widget, or a character the font lacks
    (Chinese drawn as boxes). Each problem names the widget, its text and its window."""
    problems = []
    for w in shown_text_widgets(root):
        text = w.placeholderText() if isinstance(w, QLineEdit) and not w.text() else w.text()
        name = f"{type(w).__name__}({text[:24]!r}) on {w.window().objectName()}"
        metrics = QFontMetrics(w.font())
        missing = sorted({c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))})
        if missing:
            problems.append(f"{name}: no glyph for {missing} in {w.font().family()}")
        if isinstance(w, QLabel):
            if w.wordWrap():
                need = w.heightForWidth(w.width())
                if need > w.height() + 1:
                    problems.append(f"{name}: needs {need} px height, has {w.height()}")
            elif w.sizeHint().width() > w.width() + 1:
                problems.append(f"{name}: needs {w.sizeHint().width()} px width, has {w.width()}")
        elif isinstance(w, QAbstractButton):
            need = w.sizeHint()
            if need.width() > w.width() + 1 or need.height() > w.height() + 1:
                problems.append(f"{name}: needs {need.width()}×{need.height()} px, has {w.width()}×{w.height()}")
    return problems
