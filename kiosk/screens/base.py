"""What every screen has: a language, a mode (elder / portrait) and a spoken prompt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from client.i18n import Lang

from ..widgets import label


class Screen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "page")
        self.lang: Lang = "zh"
        self.elder = False
        self.portrait = False

    def retranslate(self, lang: Lang) -> None:
        self.lang = lang

    def apply_mode(self, elder: bool, portrait: bool) -> None:
        self.elder = elder
        self.portrait = portrait

    def voice(self, lang: Lang) -> str | None:
        """Guidance the announcer says when this screen appears in elder mode (None: nothing)."""
        return None


def header(kind: str = "header") -> tuple[QFrame, QHBoxLayout, QLabel]:
    """A coloured strip with a title on the left; callers add buttons on the right."""
    frame = QFrame()
    frame.setProperty("kind", kind)
    row = QHBoxLayout(frame)
    row.setContentsMargins(32, 16, 24, 16)
    row.setSpacing(16)
    title = label("", "title", align=Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
    row.addWidget(title, 1)
    return frame, row, title


def entry_field(kind: str, padding: int) -> tuple[QFrame, QLabel]:
    """The panel that shows what the visitor typed (a code, a phone number, a ticket number), centred
    in one line: the frame to lay out and the label to set."""
    field = QFrame()
    field.setProperty("kind", "panel")
    shown = label("", kind, wrap=False, align=Qt.AlignmentFlag.AlignCenter)
    row = QHBoxLayout(field)
    row.setContentsMargins(24, padding, 24, padding)
    row.addWidget(shown)
    return field, shown
