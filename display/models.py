"""The board's data as Qt models (QtCore only): calls, windows, waiting counts.

* :class:`CallsModel`   (table) the latest calls, newest first; a recall moves its ticket back to the top
* :class:`WindowsModel` (table) every window this screen shows: number, name, current ticket, state, clerk
* :class:`WaitingModel` (list)  waiting visitors per service

``Qt.DisplayRole`` gives the text in the board's language; :data:`ItemRole` gives the underlying
:mod:`display.state` object, which the painted views use. Models are fed by :class:`display.board.Board`
and never talk to the server. Checked with pytest-qt's ``qtmodeltester``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QImage

from client.i18n import Lang, T
from client.models import ServiceWaiting
from vocab import WindowStatus

from . import texts
from .state import Call, Clerk, Message, WindowRow

Index = QModelIndex | QPersistentModelIndex
ItemRole = Qt.ItemDataRole.UserRole + 1  # the display.state object of the row
LookRole = Qt.ItemDataRole.UserRole + 2  # WindowsModel: the row's Look; CallsModel: spoken (bool | None)

DEFAULT_CALL_HISTORY = 30


class Look(enum.StrEnum):
    """How a window looks on the grid (colour and wording)."""

    CLOSED = "closed"
    IDLE = "idle"
    CALLING = "calling"
    SERVING = "serving"
    PAUSED = "paused"


def look_of(row: WindowRow) -> Look:
    if row.status is WindowStatus.CLOSED:
        return Look.CLOSED
    if row.status is WindowStatus.PAUSED:
        return Look.PAUSED
    if row.calling:
        return Look.CALLING
    return Look.SERVING if row.current is not None else Look.IDLE


class ServiceNames:
    """Service code → its name in both languages (from the snapshot's waiting list)."""

    def __init__(self, counts: Iterable[ServiceWaiting] = ()) -> None:
        self._names = {c.service: T(c.name_zh, c.name_en) for c in counts}

    def get(self, code: str | None, lang: Lang) -> str:
        if not code:
            return ""
        name = self._names.get(code)
        return name.text(lang) if name is not None else code

    def pair(self, code: str) -> T:
        return self._names.get(code, T(code, code))


def _no_parent_rows(parent: Index, n: int) -> int:
    return 0 if parent.isValid() else n


# -- calls --------------------------------------------------------------------------------------------
class CallsModel(QAbstractTableModel):
    class Col(enum.IntEnum):
        NUMBER = 0
        WINDOW = 1
        SERVICE = 2
        KIND = 3

    HEADERS: ClassVar[tuple[T, ...]] = (T("号码", "Number"), T("窗口", "Window"), T("业务", "Service"),
                                        T("类别", "Kind"))

    def __init__(self, *, limit: int = DEFAULT_CALL_HISTORY, lang: Lang = "zh", parent: Any = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.lang: Lang = lang
        self.services = ServiceNames()
        self._calls: list[Call] = []
        self._spoken: dict[tuple[int, str], bool] = {}  # (seq, ticket id) → spoken (True) or skipped

    # -- reading
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return _no_parent_rows(parent, len(self._calls))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Col)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._calls):
            return None
        call = self._calls[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = self.Col(index.column())
            if col is self.Col.NUMBER:
                return call.number
            if col is self.Col.WINDOW:
                return texts.CALL_ARROW.format(window=call.window).text(self.lang)
            if col is self.Col.SERVICE:
                return self.services.get(call.service, self.lang)
            return texts.RECALL_TAG.text(self.lang) if call.recall else ""
        if role == ItemRole:
            return call
        if role == LookRole:
            return self._spoken.get((call.seq, call.ticket_id))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.Col):
            return self.HEADERS[section].text(self.lang)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._calls):
            return str(section + 1)
        return None

    def calls(self) -> list[Call]:
        """Newest first."""
        return list(self._calls)

    def latest(self) -> Call | None:
        return self._calls[0] if self._calls else None

    def spoken(self, call: Call) -> bool | None:
        """True: handed to the speaker; False: shown only (a missed call no longer current); None: neither."""
        return self._spoken.get((call.seq, call.ticket_id))

    # -- changing
    def add(self, call: Call) -> None:
        """Put a call on top; an earlier entry of the same ticket leaves (a recall moves it up)."""
        for row in [i for i, c in enumerate(self._calls) if c.ticket_id == call.ticket_id][::-1]:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._calls[row]
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._calls.insert(0, call)
        self.endInsertRows()
        if len(self._calls) > self.limit:
            self.beginRemoveRows(QModelIndex(), self.limit, len(self._calls) - 1)
            for gone in self._calls[self.limit:]:
                self._spoken.pop((gone.seq, gone.ticket_id), None)
            del self._calls[self.limit:]
            self.endRemoveRows()

    def mark(self, call: Call, spoken: bool) -> None:
        self._spoken[(call.seq, call.ticket_id)] = spoken
        for row, c in enumerate(self._calls):
            if c is call or (c.seq, c.ticket_id) == (call.seq, call.ticket_id):
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.Col) - 1), [LookRole])

    def set_services(self, services: ServiceNames) -> None:
        self.services = services
        if self._calls:
            col = self.Col.SERVICE
            self.dataChanged.emit(self.index(0, col), self.index(len(self._calls) - 1, col))


# -- windows ------------------------------------------------------------------------------------------
class WindowsModel(QAbstractTableModel):
    class Col(enum.IntEnum):
        NUMBER = 0
        NAME = 1
        CURRENT = 2
        STATE = 3
        CLERK = 4

    HEADERS: ClassVar[tuple[T, ...]] = (T("窗口", "Window"), T("名称", "Name"), T("当前号", "Current"),
                                        T("状态", "State"), T("工作人员", "Staff"))

    def __init__(self, *, lang: Lang = "zh", tz: ZoneInfo | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang
        self.tz = tz or ZoneInfo("Asia/Shanghai")
        self.services = ServiceNames()
        self._rows: list[WindowRow] = []
        self._clerks: dict[str, Clerk] = {}
        self._photos: dict[str, QImage] = {}  # staff number → photo (kept across snapshots)

    # -- reading
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return _no_parent_rows(parent, len(self._rows))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Col)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, self.Col(index.column()))
        if role == ItemRole:
            return row
        if role == LookRole:
            return look_of(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.Col):
            return self.HEADERS[section].text(self.lang)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(self._rows[section].number)
        return None

    def text(self, row: WindowRow, col: WindowsModel.Col) -> str:
        lang = self.lang
        if col is self.Col.NUMBER:
            return texts.WINDOW_NO.format(n=row.number).text(lang)
        if col is self.Col.NAME:
            return row.name_en if lang == "en" else row.name_zh
        if col is self.Col.CURRENT:
            return row.current.number if row.current is not None and row.status is not WindowStatus.CLOSED else ""
        if col is self.Col.STATE:
            return " · ".join(self.state_lines(row))
        return self.clerk_text(row)

    def state_lines(self, row: WindowRow) -> list[str]:
        """What the grid writes under the window: its state, a pause's reason and return time, a tide."""
        lang = self.lang
        look = look_of(row)
        lines = []
        if look is Look.PAUSED:
            reason = row.pause_reason.strip()
            lines.append((texts.STATE_PAUSED.format(reason=reason) if reason else texts.PAUSED_NO_REASON).text(lang))
            if row.pause_until is not None:
                back = datetime.fromtimestamp(row.pause_until, self.tz).strftime("%H:%M")
                lines.append(texts.BACK_AT.format(time=back).text(lang))
        else:
            lines.append({
                Look.CLOSED: texts.STATE_CLOSED,
                Look.IDLE: texts.STATE_IDLE,
                Look.CALLING: texts.STATE_CALLING,
                Look.SERVING: texts.STATE_SERVING,
            }[look].text(lang))
        if row.tide_service:
            lines.append(texts.TIDE.format(service=self.services.get(row.tide_service, lang)).text(lang))
        return lines

    def clerk_text(self, row: WindowRow) -> str:
        if row.clerk_no is None or row.status is WindowStatus.CLOSED:
            return ""
        clerk = self._clerks.get(row.clerk_no)
        if clerk is None or not clerk.name:
            return texts.CLERK_NO_NAME.format(staff_no=row.clerk_no).text(self.lang)
        return texts.CLERK.format(name=clerk.name, staff_no=clerk.staff_no).text(self.lang)

    def photo(self, row: WindowRow) -> QImage | None:
        """The photo of the clerk shown with the window (004 第十四条), if there is one to show."""
        if row.clerk_no is None or row.status is WindowStatus.CLOSED:
            return None
        return self._photos.get(row.clerk_no)

    def rows(self) -> list[WindowRow]:
        return list(self._rows)

    def row_of(self, number: int) -> WindowRow | None:
        return next((r for r in self._rows if r.number == number), None)

    def calling(self) -> dict[int, str]:
        """Window → the ticket it is calling now (the board's own view, for :class:`CatchUp`)."""
        return {r.number: r.current.id for r in self._rows if r.calling and r.current is not None}

    def unknown_clerks(self) -> set[str]:
        return {r.clerk_no for r in self._rows if r.clerk_no and r.clerk_no not in self._clerks}

    # -- changing
    def reset(self, rows: list[WindowRow], clerks: dict[str, Clerk], services: ServiceNames) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._clerks = dict(clerks)
        self.services = services
        self.endResetModel()

    def apply(self, window: Message, tickets: list[Message]) -> WindowRow | None:
        """An event's window snapshot; returns the updated row, or None if this screen does not show it."""
        for i, row in enumerate(self._rows):
            if row.number == window["number"]:
                new = row.updated(window, tickets)
                if new != row:
                    self._rows[i] = new
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.Col) - 1))
                return new
        return None

    def set_photo(self, staff_no: str, image: QImage) -> None:
        self._photos[staff_no] = image
        self._clerk_changed({staff_no})

    def add_clerks(self, clerks: dict[str, Clerk]) -> None:
        new = {k: v for k, v in clerks.items() if self._clerks.get(k) != v}
        if not new:
            return
        self._clerks.update(new)
        self._clerk_changed(set(new))

    def _clerk_changed(self, staff: set[str]) -> None:
        col = self.Col.CLERK
        for i, row in enumerate(self._rows):
            if row.clerk_no in staff:
                self.dataChanged.emit(self.index(i, col), self.index(i, col))


# -- waiting ------------------------------------------------------------------------------------------
class WaitingModel(QAbstractListModel):
    """Waiting visitors per service; counts follow the events after the snapshot they were reset to."""

    def __init__(self, *, lang: Lang = "zh", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang
        self._counts: list[ServiceWaiting] = []
        self._shown: set[str] | None = None  # services this screen lists (None: all)
        self._all: list[ServiceWaiting] = []
        self.as_of = 0  # the seq the counts are correct at

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return _no_parent_rows(parent, len(self._counts))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._counts):
            return None
        count = self._counts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = count.name_en if self.lang == "en" else count.name_zh
            return f"{name} {texts.PEOPLE.format(n=count.total).text(self.lang)}"
        if role == ItemRole:
            return count
        return None

    def counts(self) -> list[ServiceWaiting]:
        return list(self._counts)

    def total(self, service: str) -> int | None:
        return next((c.total for c in self._all if c.service == service), None)

    def reset(self, counts: list[ServiceWaiting], as_of: int) -> None:
        self.beginResetModel()
        self._all = list(counts)
        self.as_of = as_of
        self._counts = self._visible()
        self.endResetModel()

    def show_only(self, services: set[str] | None) -> None:
        """List only these services (a zone screen: the services its windows serve)."""
        self.beginResetModel()
        self._shown = set(services) if services is not None else None
        self._counts = self._visible()
        self.endResetModel()

    def apply(self, seq: int, counts: dict[str, dict[str, int]]) -> None:
        """An event's waiting counts (:func:`~display.state.waiting_counts_in`): service → lane → count."""
        if seq <= self.as_of:
            return  # already counted in the snapshot the counts came from
        self.as_of = seq
        for service, lanes in counts.items():
            self._all = [c.with_counts(lanes) if c.service == service else c for c in self._all]
            self._counts = self._visible()  # same rows, one count changed
            for i, c in enumerate(self._counts):
                if c.service == service:
                    self.dataChanged.emit(self.index(i), self.index(i))

    def _visible(self) -> list[ServiceWaiting]:
        return [c for c in self._all if self._shown is None or c.service in self._shown]
