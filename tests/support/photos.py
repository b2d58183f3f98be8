"""Clerk photos for tests and screenshots (004 第十四条: the photo is public window information)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter


def solid_photo(path: Path, width: int, height: int, colour: str) -> QColor:
    """A one-colour PNG of ``width``×``height``: easy to find again in a screenshot. Returns the colour."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    if not image.save(str(path)):
        raise OSError(f"cannot write {path}")
    return QColor(colour)


def portrait(path: Path, n: int) -> str:
    """A made-up ID-style photo (plain background, head and shoulders), 3:4, as PNG; returns the path."""
    image = QImage(150, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#dfe9f5" if n % 2 else "#f2f2f2"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(["#1f3a5f", "#2b2b2b", "#3d4b5c"][n % 3]))
    p.drawEllipse(QRectF(15, 140, 120, 110))  # shoulders
    p.setBrush(QColor(["#f1c7a8", "#e8b896", "#f5d0b5"][n % 3]))
    p.drawEllipse(QRectF(45, 45, 60, 78))  # face
    p.setBrush(QColor("#1b1b1b"))
    p.drawChord(QRectF(42, 38, 66, 50), 0, 180 * 16)  # hair
    p.end()
    if not image.save(str(path)):
        raise OSError(f"cannot write {path}")
    return str(path)
