"""Home: the hall's categories as big buttons, the priority lane, booking check-in, and the two toggles.

In priority mode (after the green button) the same categories are shown under a green header:
DOMAIN rule 4 / 003 §11 and 000 第二十七条 (one tap to the priority lane), then the service.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from client.i18n import Lang

from .. import texts
from ..models import CategoryModel
from ..style import repolish
from ..widgets import Tile, TileGrid, button, label
from .base import Screen, header


class HomeScreen(Screen):
    category_chosen = Signal(str)
    priority_clicked = Signal()
    leave_priority = Signal()
    booking_clicked = Signal()
    requeue_clicked = Signal()
    language_clicked = Signal()
    elder_toggled = Signal(bool)

    def __init__(self, model: CategoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall_name = ("", "")
        self.priority = False
        self.header, row, self.title = header()
        self.language = button("", "quiet", "main")
        self.elder_button = button("", "quiet", "main")
        self.elder_button.setCheckable(True)
        row.addWidget(self.language)
        row.addWidget(self.elder_button)
        self.language.clicked.connect(self.language_clicked)
        self.elder_button.toggled.connect(self.elder_toggled)

        self.prompt = label("", "main")
        self.leave = button("", "quiet", "main")
        self.leave.clicked.connect(self.leave_priority)
        self.leave.hide()
        prompt_row = QHBoxLayout()
        prompt_row.addWidget(self.prompt, 1)
        prompt_row.addWidget(self.leave)

        self.grid = TileGrid(model)
        self.grid.activated.connect(self.category_chosen)
        self.grid.set_count_text(lambda n: texts.SERVICES_COUNT.format(n=n).text(self.lang))

        self.priority_tile = Tile("priority", "priority")
        self.priority_tile.clicked.connect(self.priority_clicked)
        self.booking_tile = Tile("booking", "booking")
        self.booking_tile.clicked.connect(self.booking_clicked)
        self.requeue_tile = Tile("booking", "requeue")  # 过号重排 (issue 16): the same quiet look as booking
        self.requeue_tile.clicked.connect(self.requeue_clicked)
        # the row of ways in besides the categories; another (an ID-card reader…) goes in with add_way
        self.bottom = QHBoxLayout()
        self.bottom.setSpacing(16)
        self.ways: list[Tile] = []
        self.add_way(self.priority_tile, 3)
        self.add_way(self.booking_tile, 2)
        self.add_way(self.requeue_tile, 2)

        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 28)
        body.setSpacing(18)
        body.addLayout(prompt_row)
        body.addWidget(self.grid, 1)  # pages of tiles, with 上一页/下一页 when they do not all fit
        body.addLayout(self.bottom)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)

    def add_way(self, tile: Tile, stretch: int = 2) -> None:
        """A big button in the bottom row (hidden in the priority lane, which is for the categories)."""
        self.bottom.addWidget(tile, stretch)
        self.ways.append(tile)

    # -- state from the window -------------------------------------------------------------------
    def set_hall_name(self, zh: str, en: str) -> None:
        self.hall_name = (zh, en)
        self.title.setText(en if self.lang == "en" else zh)

    def set_priority(self, on: bool) -> None:
        self.priority = on
        self.header.setProperty("kind", "header-priority" if on else "header")
        repolish(self.header)
        self.leave.setVisible(on)
        for tile in self.ways:
            tile.setVisible(not on)
        self._texts()

    def set_elder(self, on: bool) -> None:
        self.elder_button.blockSignals(True)
        self.elder_button.setChecked(on)
        self.elder_button.blockSignals(False)
        self._texts()

    def set_issuing(self, enabled: bool) -> None:
        """Server unreachable: the buttons stay visible but cannot be pressed (no ticket)."""
        for tile in [*self.grid.tiles, *self.ways]:
            tile.setEnabled(enabled)

    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self.grid.retitle()
        self.grid.retranslate(lang)
        self._texts()

    def _texts(self) -> None:
        lang = self.lang
        self.title.setText(self.hall_name[1] if lang == "en" else self.hall_name[0])
        self.language.setText(texts.OTHER_LANGUAGE.text(lang))
        on = self.elder_button.isChecked()
        self.elder_button.setText(("✓ " if on else "") + texts.ELDER.text(lang))
        self.prompt.setText((texts.PRIORITY_PROMPT if self.priority else texts.HOME_PROMPT).text(lang))
        self.leave.setText(texts.PRIORITY_LEAVE.text(lang))
        self.priority_tile.set_texts(texts.PRIORITY.text(lang))
        self.booking_tile.set_texts(texts.BOOKING.text(lang), texts.BOOKING_SUB.text(lang))
        self.requeue_tile.set_texts(texts.REQUEUE.text(lang), texts.REQUEUE_SUB.text(lang))

    def apply_mode(self, elder: bool, portrait: bool) -> None:
        super().apply_mode(elder, portrait)
        self.grid.set_columns(2 if portrait else (3 if elder else 4))
        icon = 84 if elder else 64
        self.grid.set_icon_size(icon)
        for tile in self.ways:
            tile.set_icon_size(icon)
        # portrait: one above the other, so the priority button's long label stays on one line
        self.bottom.setDirection(QHBoxLayout.Direction.TopToBottom if portrait else QHBoxLayout.Direction.LeftToRight)

    def voice(self, lang: Lang) -> str | None:
        return (texts.PRIORITY_VOICE if self.priority else texts.HOME_VOICE).text(lang)
