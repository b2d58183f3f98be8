"""The lists the kiosk shows, as Qt models (QtCore only): categories on the home screen, services on
the second level, and the keyword filter in front of the services.

Rows are :mod:`kiosk.catalog` items; ``DisplayRole`` is the name in the current language, so a
language switch is one ``dataChanged``. The filter is a ``QSortFilterProxyModel`` on ``SEARCH_ROLE``
(names, code, pinyin and initials), case-insensitive, substring.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from client.i18n import Lang

from .catalog import CategoryItem, ServiceItem

ID_ROLE = Qt.ItemDataRole.UserRole + 1
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 2
ICON_ROLE = Qt.ItemDataRole.UserRole + 3
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 4
COUNT_ROLE = Qt.ItemDataRole.UserRole + 5

Index = QModelIndex | QPersistentModelIndex


class _ListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: tuple = ()
        self._lang: Lang = "zh"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._items)

    def set_lang(self, lang: Lang) -> None:
        if lang != self._lang:
            self._lang = lang
            if self._items:
                self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1))

    def replace(self, items: tuple) -> None:
        self.beginResetModel()
        self._items = tuple(items)
        self.endResetModel()

    def item(self, row: int):
        return self._items[row]


class CategoryModel(_ListModel):
    """The home screen's buttons: one row per category."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        cat: CategoryItem = self._items[index.row()]
        en = self._lang == "en"
        if role == Qt.ItemDataRole.DisplayRole:
            return cat.name_en if en else cat.name_zh
        if role == DESCRIPTION_ROLE:
            return (cat.description_en if en else cat.description_zh) or ""
        if role == ID_ROLE:
            return cat.id
        if role == ICON_ROLE:
            return cat.icon
        if role == COUNT_ROLE:
            return len(cat.services)
        return None


class ServiceModel(_ListModel):
    """The second level: one row per service of a category (or of the whole hall)."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        svc: ServiceItem = self._items[index.row()]
        en = self._lang == "en"
        if role == Qt.ItemDataRole.DisplayRole:
            return svc.name_en if en else svc.name_zh
        if role == DESCRIPTION_ROLE:
            return (svc.description_en if en else svc.description_zh) or ""
        if role == ID_ROLE:
            return svc.code
        if role == SEARCH_ROLE:
            return svc.search
        return None


class ServiceFilter(QSortFilterProxyModel):
    """Keyword search over a :class:`ServiceModel` (the 无差别综合 list)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._query = ""

    def set_query(self, text: str) -> None:
        # fixed string, not a pattern: "(" or "*" typed by a visitor must not break the search
        self._query = text.strip().lower()
        self.setFilterFixedString(self._query)

    @property
    def query(self) -> str:
        return self._query
