"""The second level: the services of one category, with keyword search for a long list (无差别综合).

The search box takes letters from the on-screen keyboard (pinyin initials such as BDC, or English),
and Chinese from an IME or a keyboard when the kiosk has one; see :mod:`kiosk.catalog` for matching.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QLineEdit, QVBoxLayout, QWidget

from client.i18n import Lang

from .. import texts
from ..catalog import CategoryItem
from ..models import ServiceFilter, ServiceModel
from ..style import repolish
from ..widgets import KeyPad, TileGrid, button, label
from .base import Screen, header

LETTERS = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"]


class ServicesScreen(Screen):
    service_chosen = Signal(str)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category: CategoryItem | None = None
        self.priority = False
        self.model = ServiceModel(self)
        self.filter = ServiceFilter(self)
        self.filter.setSourceModel(self.model)

        self.header, row, self.title = header()
        self.back_button = button("", "quiet", "main")
        self.back_button.clicked.connect(self.back)
        row.addWidget(self.back_button)

        self.prompt = label("", "main")
        self.grid = TileGrid(self.filter, with_icons=False)
        self.grid.activated.connect(self.service_chosen)
        self.none = label("", "body", tone="muted")
        self.none.hide()
        inner = QWidget()  # the list: pages of tiles (上一页/下一页 when they do not all fit)
        inner.setProperty("kind", "page")
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addWidget(self.none)
        inner_layout.addWidget(self.grid, 1)

        self.search = QLineEdit()
        self.search.setProperty("role", "main")
        self.search.setClearButtonEnabled(False)
        self.search.textChanged.connect(self._query)
        self.keys = KeyPad(LETTERS)
        self.keys.key.connect(lambda ch: self.search.setText(self.search.text() + ch.lower()))
        self.keys.delete.connect(lambda: self.search.setText(self.search.text()[:-1]))
        self.keys.clear.connect(self.search.clear)
        self.search_panel = QWidget()
        self.search_panel.setProperty("kind", "page")
        panel = QVBoxLayout(self.search_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(12)
        panel.addWidget(self.search)
        panel.addWidget(self.keys)
        panel.addStretch(1)

        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(24)
        self.split.addWidget(inner, 3)
        self.split.addWidget(self.search_panel, 2)

        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 28)
        body.setSpacing(18)
        body.addWidget(self.prompt)
        body.addLayout(self.split, 1)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)

    def show_category(self, category: CategoryItem, *, priority: bool) -> None:
        self.category = category
        self.priority = priority
        self.header.setProperty("kind", "header-priority" if priority else "header")
        repolish(self.header)
        self.search.clear()
        self.model.replace(category.services)
        self.search_panel.setVisible(category.searchable)
        self._columns()
        self._texts()

    def _query(self, text: str) -> None:
        self.filter.set_query(text)
        empty = self.filter.rowCount() == 0
        self.none.setVisible(empty)
        if empty:
            self.none.setText(texts.SEARCH_NONE.format(q=text.strip()).text(self.lang))

    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self.model.set_lang(lang)
        self.grid.retranslate(lang)
        self._texts()

    def _texts(self) -> None:
        lang = self.lang
        cat = self.category
        name = (cat.name_en if lang == "en" else cat.name_zh) if cat else ""
        self.title.setText(f"{texts.PRIORITY.text(lang)} · {name}" if self.priority else name)
        self.prompt.setText(texts.SERVICES_PROMPT.text(lang))
        self.back_button.setText(texts.BACK.text(lang))
        self.search.setPlaceholderText(texts.SEARCH_PLACEHOLDER.text(lang))
        self.keys.delete_key.setText(texts.KEY_DELETE.text(lang))
        self.keys.clear_key.setText(texts.KEY_CLEAR.text(lang))
        if self.none.isVisible():
            self._query(self.search.text())

    def apply_mode(self, elder: bool, portrait: bool) -> None:
        super().apply_mode(elder, portrait)
        self.split.setDirection(QBoxLayout.Direction.BottomToTop if portrait else QBoxLayout.Direction.LeftToRight)
        self.split.setStretchFactor(self.search_panel, 0 if portrait else 2)  # portrait: the list takes the rest
        self._columns()

    def _columns(self) -> None:
        searching = self.category is not None and self.category.searchable
        columns = 2 if self.portrait or searching else 3
        self.grid.set_columns(columns - 1 if self.elder else columns)

    def voice(self, lang: Lang) -> str | None:
        return texts.SERVICES_VOICE.text(lang)
