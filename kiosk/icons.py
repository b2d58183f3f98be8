"""Category icons drawn with QPainter on a 100 × 100 grid, in one colour, at any size.

The names are the ``icon`` keys of the hall config (config/hall.toml); an unknown or empty name gets
the document icon, so a new category never shows a hole.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap

Draw = Callable[[QPainter], None]


def _house(p: QPainter) -> None:
    p.drawPolyline([QPointF(12, 50), QPointF(50, 16), QPointF(88, 50)])
    p.drawRect(QRectF(24, 46, 52, 40))
    p.drawRect(QRectF(43, 62, 14, 24))


def _market(p: QPainter) -> None:
    p.drawRect(QRectF(18, 44, 64, 42))
    path = QPainterPath(QPointF(12, 44))
    for i in range(4):
        x = 12 + i * 19
        path.lineTo(x + 19, 44)
        path.lineTo(x + 15, 24)
        path.lineTo(x + 4, 24)
        path.lineTo(x, 44)
    p.drawPath(path)
    p.drawRect(QRectF(40, 60, 20, 26))


def _construction(p: QPainter) -> None:
    p.drawLine(QPointF(30, 88), QPointF(30, 14))
    p.drawLine(QPointF(14, 20), QPointF(88, 20))
    p.drawLine(QPointF(30, 34), QPointF(46, 20))
    p.drawLine(QPointF(76, 20), QPointF(76, 48))
    p.drawRect(QRectF(66, 48, 20, 14))
    p.drawLine(QPointF(16, 88), QPointF(52, 88))


def _person(p: QPainter, x: float, y: float, s: float) -> None:
    p.drawEllipse(QPointF(x, y), 9 * s, 9 * s)
    path = QPainterPath(QPointF(x - 16 * s, y + 44 * s))
    path.cubicTo(QPointF(x - 16 * s, y + 14 * s), QPointF(x + 16 * s, y + 14 * s), QPointF(x + 16 * s, y + 44 * s))
    p.drawPath(path)


def _family(p: QPainter) -> None:
    _person(p, 36, 30, 1.0)
    _person(p, 68, 44, 0.75)


def _all(p: QPainter) -> None:
    for x in (18, 54):
        for y in (18, 54):
            p.drawRoundedRect(QRectF(x, y, 28, 28), 5, 5)


def _police(p: QPainter) -> None:
    path = QPainterPath(QPointF(50, 10))
    path.lineTo(84, 22)
    path.cubicTo(QPointF(84, 60), QPointF(68, 80), QPointF(50, 90))
    path.cubicTo(QPointF(32, 80), QPointF(16, 60), QPointF(16, 22))
    path.closeSubpath()
    p.drawPath(path)
    p.drawPolyline([QPointF(36, 50), QPointF(46, 60), QPointF(66, 38)])


def _text(p: QPainter, rect: QRectF, text: str) -> None:
    font = QFont(p.font())
    font.setPixelSize(int(rect.height() * 0.8))
    font.setBold(True)
    p.setFont(font)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _tax(p: QPainter) -> None:
    p.drawPolyline([QPointF(66, 12), QPointF(22, 12), QPointF(22, 88), QPointF(78, 88), QPointF(78, 24),
                    QPointF(66, 12), QPointF(66, 24), QPointF(78, 24)])
    _text(p, QRectF(22, 34, 56, 44), "¥")


def _card(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(10, 24, 80, 54), 8, 8)
    p.drawLine(QPointF(10, 40), QPointF(90, 40))
    p.drawLine(QPointF(20, 62), QPointF(48, 62))


def _medical(p: QPainter) -> None:
    upright, across = QPainterPath(), QPainterPath()
    upright.addRoundedRect(QRectF(38, 12, 24, 76), 4, 4)
    across.addRoundedRect(QRectF(12, 38, 76, 24), 4, 4)
    p.drawPath(upright.united(across))


def _fund(p: QPainter) -> None:
    p.drawEllipse(QPointF(50, 50), 36, 36)
    _text(p, QRectF(22, 28, 56, 44), "¥")


def _bubble(p: QPainter, mark: str) -> None:
    path = QPainterPath()
    path.addRoundedRect(QRectF(12, 14, 76, 56), 14, 14)
    tail = QPainterPath(QPointF(30, 68))
    tail.lineTo(24, 88)
    tail.lineTo(46, 68)
    p.drawPath(path.united(tail))
    _text(p, QRectF(12, 18, 76, 48), mark)


def _consult(p: QPainter) -> None:
    _bubble(p, "?")


def _feedback(p: QPainter) -> None:
    _bubble(p, "!")


def _priority(p: QPainter) -> None:
    path = QPainterPath(QPointF(50, 86))
    path.cubicTo(QPointF(10, 58), QPointF(8, 30), QPointF(28, 20))
    path.cubicTo(QPointF(40, 14), QPointF(50, 24), QPointF(50, 32))
    path.cubicTo(QPointF(50, 24), QPointF(60, 14), QPointF(72, 20))
    path.cubicTo(QPointF(92, 30), QPointF(90, 58), QPointF(50, 86))
    p.drawPath(path)


def _booking(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(14, 20, 72, 66), 6, 6)
    p.drawLine(QPointF(14, 38), QPointF(86, 38))
    p.drawLine(QPointF(32, 12), QPointF(32, 28))
    p.drawLine(QPointF(68, 12), QPointF(68, 28))
    p.drawPolyline([QPointF(34, 62), QPointF(46, 74), QPointF(68, 50)])


def _document(p: QPainter) -> None:
    p.drawRect(QRectF(22, 12, 56, 76))
    for y in (32, 48, 64):
        p.drawLine(QPointF(34, y), QPointF(66, y))


def _requeue(p: QPainter) -> None:
    """A circular arrow: back into the queue."""
    p.drawArc(QRectF(16, 16, 68, 68), 100 * 16, 290 * 16)
    p.drawPolyline([QPointF(38, 8), QPointF(52, 17), QPointF(40, 30)])


ICONS: dict[str, Draw] = {
    "house": _house, "market": _market, "construction": _construction, "family": _family, "all": _all,
    "police": _police, "tax": _tax, "card": _card, "medical": _medical, "fund": _fund,
    "consult": _consult, "feedback": _feedback, "priority": _priority, "booking": _booking,
    "document": _document, "requeue": _requeue,
}


def icon_pixmap(name: str, size: int, colour: str, device_pixel_ratio: float = 1.0) -> QPixmap:
    """The icon ``name`` as a transparent square pixmap of ``size`` logical pixels."""
    draw = ICONS.get(name) or _document
    pixmap = QPixmap(round(size * device_pixel_ratio), round(size * device_pixel_ratio))
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 100, size / 100)
    pen = QPen(QColor(colour), 6)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    draw(p)
    p.end()
    return pixmap
