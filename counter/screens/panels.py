"""The sheets that slide in under the current visitor when an action needs more than one key:

* FinishPanel      the outcome (办结 / 受理 / 补正告知 / 不予受理 / 咨询), keys 1–5
* SupplementPanel  补正告知: tick the missing materials, print the one-time notice and finish
* TransferPanel    the service to transfer to, with a note for the next window
* PausePanel       去向留言: where to (会议, 临时离开, 午休, 业务培训, other) and back at when
* RequeuePanel     过号重排: the number of a visitor who missed the call and came back, and the rule

Each announces a complete intent through a signal, or ``back``; none talks to the server.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from client.i18n import Lang, T
from vocab import Outcome

from .. import texts
from ..widgets import button, label

OUTCOME_KEYS: dict[Outcome, str] = {o: str(i) for i, o in enumerate(Outcome, 1)}
CHOICES_MAX_PX = 160  # about three rows of services, four of materials; more scroll
SERVICE_COLUMNS = 4


def _scrolling(content: QWidget, name: str) -> QScrollArea:
    """``content`` in a scroll area at most :data:`CHOICES_MAX_PX` tall: a hall with two dozen services or a
    long materials list must not push the current visitor off the screen."""
    scroll = QScrollArea()
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setWidget(content)
    scroll.setMaximumHeight(CHOICES_MAX_PX)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    return scroll


def _fit(scroll: QScrollArea) -> None:
    """As tall as the choices, up to the cap: a short list is never cut off by a squeezed layout."""
    content = scroll.widget()
    content.adjustSize()
    scroll.setMinimumHeight(min(content.sizeHint().height() + 2 * scroll.frameWidth(), CHOICES_MAX_PX))


def _row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    for i, w in enumerate(widgets):
        row.addWidget(w, 1 if (stretch_first and i == 0) else 0)
    return row


class Panel(QWidget):
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "page")
        self.lang: Lang = "zh"
        self.back_button = button("", "quiet", name="back")
        self.back_button.clicked.connect(self.back.emit)

    def key(self, key: int) -> bool:
        """A key pressed while this panel is up; True if it was used."""
        if key == Qt.Key.Key_Escape:
            self.back.emit()
            return True
        return False


class FinishPanel(Panel):
    chosen = Signal(str)  # Outcome value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.prompt = label("", "main")
        layout.addWidget(self.prompt)
        row = QHBoxLayout()
        self.buttons: dict[Outcome, QPushButton] = {}
        for outcome in Outcome:
            b = button("", "action", name=f"outcome-{outcome.value}")
            b.clicked.connect(lambda _=False, o=outcome: self.chosen.emit(o.value))
            self.buttons[outcome] = b
            row.addWidget(b, 1)
        row.addWidget(self.back_button)
        layout.addLayout(row)

    def render(self, lang: Lang, number: str) -> None:
        self.lang = lang
        self.prompt.setText(texts.FINISH_PROMPT.format(number=number).text(lang))
        for outcome, b in self.buttons.items():
            b.setText(f"{texts.OUTCOMES[outcome].text(lang)}\n{OUTCOME_KEYS[outcome]}")
        self.back_button.setText(f"{texts.BACK.text(lang)}\nEsc")

    def key(self, key: int) -> bool:
        for outcome, digit in OUTCOME_KEYS.items():
            if key == Qt.Key.Key_0 + int(digit):
                self.buttons[outcome].click()
                return True
        return super().key(key)


class SupplementPanel(Panel):
    """补正告知 (004 第二十五条): the complete list, once — so every item of the service's list is offered,
    and the clerk can add what the list lacks. Two columns of check boxes; a long list scrolls."""

    confirmed = Signal(list)  # the ticked items

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.prompt = label("", "body")
        layout.addWidget(self.prompt)
        self.boxes: list[QCheckBox] = []
        holder = QWidget()
        holder.setProperty("kind", "page")
        self.grid = QGridLayout(holder)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.scroll = _scrolling(holder, "materials")
        layout.addWidget(self.scroll)
        self.other = QLineEdit()
        self.other.setObjectName("other-material")
        self.add = button("", "quiet", name="add-material")
        self.add.clicked.connect(self._add_other)
        self.other.returnPressed.connect(self._add_other)
        self.confirm = button("", "action", name="print-and-finish")
        self.confirm.clicked.connect(lambda: self.confirmed.emit(self.ticked()))
        layout.addLayout(_row(self.other, self.add, self.confirm, self.back_button, stretch_first=True))

    def load(self, materials: list[str]) -> None:
        for box in self.boxes:
            self.grid.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for text in materials:
            self._append(text, checked=False)
        self.other.clear()
        _fit(self.scroll)

    def _append(self, text: str, *, checked: bool) -> None:
        box = QCheckBox(text)
        box.setChecked(checked)
        box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        i = len(self.boxes)
        self.grid.addWidget(box, i // 2, i % 2)
        self.boxes.append(box)

    def _add_other(self) -> None:
        text = self.other.text().strip()
        if text:
            self._append(text, checked=True)
            self.other.clear()
            _fit(self.scroll)

    def tick(self, text: str) -> None:
        """Tick an item by its text (what a clerk's click on its box does)."""
        for box in self.boxes:
            if box.text() == text:
                if not box.isChecked():
                    box.click()
                return
        raise KeyError(text)

    def offered(self) -> list[str]:
        return [box.text() for box in self.boxes]

    def ticked(self) -> list[str]:
        return [box.text() for box in self.boxes if box.isChecked()]

    def render(self, lang: Lang) -> None:
        self.lang = lang
        self.prompt.setText(texts.SUPPLEMENT_PROMPT.text(lang))
        self.other.setPlaceholderText(texts.OTHER_MATERIAL.text(lang))
        self.add.setText(texts.ADD.text(lang))
        self.confirm.setText(texts.PRINT_AND_FINISH.text(lang))
        self.back_button.setText(f"{texts.BACK.text(lang)} Esc")


class TransferPanel(Panel):
    confirmed = Signal(str, str)  # service code, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.prompt = label("", "body")
        layout.addWidget(self.prompt)
        holder = QWidget()
        holder.setProperty("kind", "page")
        self.grid = QGridLayout(holder)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.scroll = _scrolling(holder, "services")
        layout.addWidget(self.scroll)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.services: dict[str, QPushButton] = {}
        self.note = QLineEdit()
        self.note.setObjectName("transfer-note")
        self.note.setMaxLength(500)
        self.confirm = button("", "action", name="transfer-confirm")
        self.confirm.clicked.connect(self._confirm)
        layout.addLayout(_row(self.note, self.confirm, self.back_button, stretch_first=True))

    def load(self, services: list[tuple[str, T]]) -> None:
        for b in self.services.values():
            self.group.removeButton(b)
            b.deleteLater()
        self.services = {}
        for i, (code, name) in enumerate(services):
            b = button(name.text(self.lang), "choice", name=f"service-{code}", checkable=True)
            b.setProperty("names", (name.zh, name.en))
            self.group.addButton(b)
            self.grid.addWidget(b, i // SERVICE_COLUMNS, i % SERVICE_COLUMNS)
            self.services[code] = b
        self.note.clear()
        _fit(self.scroll)

    def choose(self, code: str) -> None:
        self.services[code].click()

    def _confirm(self) -> None:
        code = next((c for c, b in self.services.items() if b.isChecked()), "")
        self.confirmed.emit(code, self.note.text())

    def render(self, lang: Lang, number: str) -> None:
        self.lang = lang
        self.prompt.setText(texts.TRANSFER_PROMPT.format(number=number).text(lang))
        for b in self.services.values():
            zh, en = b.property("names")
            b.setText(en if lang == "en" else zh)
        self.note.setPlaceholderText(texts.TRANSFER_NOTE.text(lang))
        self.confirm.setText(f"{texts.TRANSFER.text(lang)} Enter")
        self.back_button.setText(f"{texts.BACK.text(lang)} Esc")

    def key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm.click()
            return True
        return super().key(key)


class PausePanel(Panel):
    """去向留言 (004 第十三条): the reason and the return time are shown on the LED and in the lobby."""

    confirmed = Signal(str, object)  # reason, return time (naive local datetime) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.prompt = label("", "body")
        layout.addWidget(self.prompt)
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.reasons: list[tuple[T, QPushButton]] = []
        for i, reason in enumerate((*texts.PAUSE_REASONS, texts.PAUSE_OTHER)):
            b = button("", "choice", name=f"reason-{i}", checkable=True)
            self.group.addButton(b)
            row.addWidget(b, 1)
            self.reasons.append((reason, b))
        layout.addLayout(row)
        self.other = QLineEdit()
        self.other.setObjectName("pause-other")
        self.other.setMaxLength(60)
        self.other.textEdited.connect(lambda _t: self.reasons[-1][1].setChecked(True))
        self.return_label = label("", "body", wrap=False)
        self.until = QTimeEdit()
        self.until.setObjectName("pause-until")
        self.until.setDisplayFormat("HH:mm")
        # no spin arrows: under the stylesheet they were drawn as broken glyphs (issue 16); the clerk
        # types the time, or steps it with ↑ / ↓
        self.until.setButtonSymbols(QTimeEdit.ButtonSymbols.NoButtons)
        self.until.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirm = button("", "action", name="pause-confirm")
        self.confirm.clicked.connect(self._confirm)
        layout.addLayout(_row(self.other, self.return_label, self.until, self.confirm, self.back_button,
                              stretch_first=True))
        self._date: date | None = None  # the day of the default return time (the hall's local date)

    def load(self, default_until: datetime) -> None:
        self.group.setExclusive(False)  # an exclusive group cannot uncheck its last checked button
        for _reason, b in self.reasons:
            b.setChecked(False)
        self.group.setExclusive(True)
        self.other.clear()
        self._date = default_until.date()
        self.until.setTime(QTime(default_until.hour, default_until.minute))

    def choose(self, index: int) -> None:
        self.reasons[index][1].click()

    def reason(self) -> str:
        for i, (reason, b) in enumerate(self.reasons):
            if b.isChecked():
                if i == len(self.reasons) - 1:  # 其他: the clerk's own words (always in Chinese on the LED)
                    return self.other.text().strip()
                return reason.zh  # public text: the hall's language
        return ""

    def _confirm(self) -> None:
        t = self.until.time()
        until = datetime.combine(self._date, t.toPython()) if self._date is not None and t.isValid() else None
        self.confirmed.emit(self.reason(), until)

    def render(self, lang: Lang) -> None:
        self.lang = lang
        self.prompt.setText(texts.PAUSE_PROMPT.text(lang))
        for reason, b in self.reasons:
            b.setText(reason.text(lang))
        self.other.setPlaceholderText(texts.PAUSE_OTHER_TEXT.text(lang))
        self.return_label.setText(texts.RETURN_AT.text(lang))
        self.confirm.setText(f"{texts.PAUSE.text(lang)} Enter")
        self.back_button.setText(f"{texts.BACK.text(lang)} Esc")

    def key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm.click()
            return True
        return super().key(key)


class RequeuePanel(Panel):
    """过号重排 (issue 16): the clerk types the number the visitor shows; Enter sends it."""

    confirmed = Signal(str)  # the ticket number as typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.prompt = label("", "body")
        self.rule = label("", "body", tone="muted", name="requeue-rule")
        self.number = QLineEdit()
        self.number.setObjectName("requeue-number")
        self.number.setMaxLength(8)
        self.confirm = button("", "action", name="requeue-confirm")
        self.confirm.clicked.connect(lambda: self.confirmed.emit(self.number.text()))
        layout.addWidget(self.prompt)
        layout.addWidget(self.rule)
        layout.addLayout(_row(self.number, self.confirm, self.back_button, stretch_first=True))

    def load(self, rule: T) -> None:
        self._rule = rule
        self.number.clear()
        self.number.setFocus()

    def render(self, lang: Lang) -> None:
        self.lang = lang
        self.prompt.setText(texts.REQUEUE_PROMPT.text(lang))
        rule = getattr(self, "_rule", None)
        self.rule.setText(rule.text(lang) if rule is not None else "")
        self.number.setPlaceholderText("A012")
        self.confirm.setText(f"{texts.REQUEUE.text(lang)} Enter")
        self.back_button.setText(f"{texts.BACK.text(lang)} Esc")

    def key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm.click()
            return True
        return super().key(key)
