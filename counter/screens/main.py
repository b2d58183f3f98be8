"""The clerk's main screen: who is at the window, the queue, the rating, and one button per action.

Top to bottom: the header (window, clerk, link, clock), notice strips (offline, pending actions, tide
window, pause, a window someone else holds), the current visitor beside the waiting counts and the
rating, then the action bar — or, for actions that need a choice, a panel (:mod:`.panels`) in its place.
Every button shows its key (F1 叫号 …). The screen reads the controller's state in :meth:`render` and
announces intents; it does no I/O.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.i18n import Lang, T

from .. import texts
from ..controller import RatingPhase
from ..led import led_state
from ..style import repolish
from ..view import LABELS, SHORTCUTS, Act, clock_text, visitor, waited_text, window_notices
from ..widgets import Banners, button, label
from .panels import FinishPanel, Panel, PausePanel, RequeuePanel, SupplementPanel, TransferPanel

if TYPE_CHECKING:  # pragma: no cover
    from ..controller import CounterController

PHOTO_HEIGHT = 54  # the clerk's photo in the header: as tall as the header was without it (1366×768: 70 px)

# the action bar, left to right; the F9 slot is SIGN_IN or TAKEOVER, whichever applies
BAR: tuple[Act, ...] = (Act.CALL, Act.RECALL, Act.NO_SHOW, Act.START, Act.FINISH, Act.TRANSFER, Act.PAUSE,
                        Act.RESUME, Act.TAKEOVER, Act.REQUEUE, Act.SWITCH, Act.SIGN_OUT)
KEYS: dict[int, Act] = {
    Qt.Key.Key_F1: Act.CALL, Qt.Key.Key_F2: Act.RECALL, Qt.Key.Key_F3: Act.NO_SHOW, Qt.Key.Key_F4: Act.START,
    Qt.Key.Key_F5: Act.FINISH, Qt.Key.Key_F6: Act.TRANSFER, Qt.Key.Key_F7: Act.PAUSE, Qt.Key.Key_F8: Act.RESUME,
    Qt.Key.Key_F9: Act.TAKEOVER, Qt.Key.Key_F10: Act.REQUEUE, Qt.Key.Key_F11: Act.SWITCH, Qt.Key.Key_F12: Act.SIGN_OUT,
}


class MainScreen(QWidget):
    action = Signal(str)  # an Act value: a parameterless action
    finish_chosen = Signal(str)  # an Outcome value (supplement: the window opens the checklist next)
    supplement_confirmed = Signal(list)  # the missing materials ticked
    transfer_confirmed = Signal(str, str)  # service, note
    pause_confirmed = Signal(str, object)  # reason, naive local datetime or None
    requeue_confirmed = Signal(str)  # 过号重排: the number typed
    reprint = Signal()
    lang_toggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main")
        self.setProperty("kind", "page")
        self.lang: Lang = "zh"
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 8)
        root.setSpacing(8)

        # header
        header = QFrame()
        header.setProperty("kind", "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        self.window_title = label("", "title", wrap=False, name="window-title")
        self.photo = QLabel()  # the clerk's photo beside the name (004 第十四条); hidden when none
        self.photo.setObjectName("clerk-photo")
        self.photo.hide()
        self._photo_shown: QImage | None = None
        self.clerk = label("", "body", wrap=False, name="clerk")
        self.link = label("", "body", wrap=False, name="link")
        self.clock = label("", "body", wrap=False)
        self.lang_button = button("", "header", name="lang")
        self.lang_button.clicked.connect(self.lang_toggled.emit)
        row.addWidget(self.window_title)
        row.addStretch(1)
        row.addWidget(self.photo)
        for w in (self.clerk, self.link, self.clock, self.lang_button):
            row.addWidget(w)
        root.addWidget(header)

        body = QVBoxLayout()
        body.setContentsMargins(12, 0, 12, 0)
        body.setSpacing(8)
        root.addLayout(body, 1)
        self.banners = Banners()
        body.addWidget(self.banners)

        # the current visitor | waiting counts and rating
        middle = QHBoxLayout()
        body.addLayout(middle, 1)
        current = QFrame()
        current.setProperty("kind", "panel")
        cur = QVBoxLayout(current)
        cur.setContentsMargins(16, 12, 16, 12)
        self.current_title = label("", "main")
        top = QHBoxLayout()
        self.number = label("", "number", wrap=False, name="number")
        self.state = label("", "main", name="state")
        top.addWidget(self.number)
        top.addSpacing(16)
        top.addWidget(self.state, 1)
        self.empty = label("", "body", tone="muted", name="empty")
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(16)
        self.values: dict[str, QLabel] = {}
        self.names: dict[str, QLabel] = {}
        # short facts two to a row, the free text (where from, the note, the reason) across the panel:
        # the panel must leave room for the 补正告知 and transfer sheets on a 768-pixel screen
        places = {"service": (0, 0, 1), "lane": (0, 2, 1), "waited": (1, 0, 1), "booking": (1, 2, 1),
                  "from": (2, 0, 3), "note": (3, 0, 3), "reason": (4, 0, 3)}
        for key, (row, col, span) in places.items():
            name, value = label("", "body", wrap=False, tone="muted"), label("", "body", name=f"field-{key}")
            self.fields.addWidget(name, row, col, Qt.AlignmentFlag.AlignTop)
            self.fields.addWidget(value, row, col + 1, 1, span)
            self.names[key], self.values[key] = name, value
        self.fields.setColumnStretch(1, 1)
        self.fields.setColumnStretch(3, 1)
        cur.addWidget(self.current_title)
        cur.addLayout(top)
        cur.addWidget(self.empty)
        cur.addLayout(self.fields)
        cur.addStretch(1)
        middle.addWidget(current, 3)

        side = QFrame()
        side.setProperty("kind", "panel")
        sl = QVBoxLayout(side)
        sl.setContentsMargins(16, 12, 16, 12)
        self.led = label("", "small", tone="muted", name="led")
        self.waiting_title = label("", "main")
        self.waiting = label("", "body", name="waiting")
        self.rating_title = label("", "main")
        self.rating = label("", "body", name="rating")
        self.notice = label("", "body", name="notice")
        self.reprint_button = button("", "quiet", name="reprint")
        self.reprint_button.clicked.connect(self.reprint.emit)
        for w in (self.led, self.waiting_title, self.waiting):
            sl.addWidget(w)
        sl.addStretch(1)
        for w in (self.rating_title, self.rating, self.notice, self.reprint_button):
            sl.addWidget(w)
        middle.addWidget(side, 2)

        # the action bar, or a panel in its place
        self.sheet = QStackedWidget()
        bar = QWidget()
        bar.setProperty("kind", "page")
        grid = QHBoxLayout(bar)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[Act, QPushButton] = {}
        for act in BAR:
            b = button("", "call" if act is Act.CALL else "action", name=f"act-{act.value}")
            # all as tall as the big 叫号 button (a fixed-height button would also cap the row's height)
            b.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)
            b.clicked.connect(lambda _=False, a=act: self._pressed(a))
            grid.addWidget(b, 3 if act is Act.CALL else 1)
            self.buttons[act] = b
        self.bar = bar
        self.finish_panel = FinishPanel()
        self.supplement_panel = SupplementPanel()
        self.transfer_panel = TransferPanel()
        self.pause_panel = PausePanel()
        self.requeue_panel = RequeuePanel()
        panels = (self.finish_panel, self.supplement_panel, self.transfer_panel, self.pause_panel, self.requeue_panel)
        for page in (bar, *panels):
            self.sheet.addWidget(page)
        for panel in panels:
            panel.back.connect(self.close_panel)
        self.finish_panel.chosen.connect(self.finish_chosen.emit)
        self.supplement_panel.confirmed.connect(self.supplement_confirmed.emit)
        self.transfer_panel.confirmed.connect(self.transfer_confirmed.emit)
        self.pause_panel.confirmed.connect(self.pause_confirmed.emit)
        self.requeue_panel.confirmed.connect(self.requeue_confirmed.emit)
        body.addWidget(self.sheet)
        self.close_panel()
        self.status = label("", "body", name="status")
        body.addWidget(self.status)
        self._allowed: frozenset[Act] = frozenset()
        self._number = ""

    # -- intents ---------------------------------------------------------------------------------------
    def _pressed(self, act: Act) -> None:
        if act is Act.TAKEOVER and Act.SIGN_IN in self._allowed:
            act = Act.SIGN_IN  # the F9 slot: sign in at a closed window
        if act in self._allowed:
            self.action.emit(act.value)  # FINISH, TRANSFER, PAUSE: the window loads and opens their panel

    def open_panel(self, panel: Panel) -> None:
        self._show_page(panel)

    def close_panel(self) -> None:
        self._show_page(self.bar)

    def _show_page(self, page: QWidget) -> None:
        """A QStackedWidget is as tall as its tallest page; size it to the page shown instead, so the
        action bar does not leave a hole where the 补正告知 checklist would go."""
        for i in range(self.sheet.count()):
            other = self.sheet.widget(i)
            policy = QSizePolicy.Policy.Minimum if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.sheet.setCurrentWidget(page)
        self.sheet.updateGeometry()

    @property
    def panel(self) -> Panel | None:
        current = self.sheet.currentWidget()
        return current if isinstance(current, Panel) else None

    def key(self, key: int) -> bool:
        """The F-keys (and a panel's own keys); True if used."""
        panel = self.panel
        if panel is not None and panel.key(key):
            return True
        act = KEYS.get(key)
        if act is None or panel is not None:
            return False
        self.buttons[act].click()
        return True

    def _show_photo(self, image: QImage | None) -> None:
        if image is self._photo_shown:
            return  # render runs on every tick: convert only when the photo changes
        self._photo_shown = image
        if image is None:
            self.photo.clear()
            self.photo.hide()
            return
        pixmap = QPixmap.fromImage(image).scaledToHeight(PHOTO_HEIGHT, Qt.TransformationMode.SmoothTransformation)
        self.photo.setPixmap(pixmap)
        self.photo.show()

    # -- rendering -------------------------------------------------------------------------------------
    def render(self, ctrl: CounterController, lang: Lang, message: tuple[str, T] | None) -> None:
        self.lang = lang
        s = ctrl.situation()
        self._allowed = ctrl.allowed()
        self.window_title.setText(ctrl.window_name().text(lang))
        session = ctrl.session
        self.clerk.setText(texts.CLERK.format(name=session.name, staff_no=session.staff_no).text(lang)
                           if session else "")
        self._show_photo(ctrl.clerk_photo)
        self.link.setText((texts.ONLINE if s.online else texts.OFFLINE).text(lang))
        self.clock.setText(clock_text(ctrl.timings.clock(), ctrl.tz))
        self.lang_button.setText(texts.LANGUAGE.text(lang))

        strips: list[tuple[str, str]] = []
        if ctrl.stream_error is not None:
            strips.append(("danger", texts.STREAM_REFUSED.fill(reason=T(ctrl.stream_error.zh,
                                                                         ctrl.stream_error.en)).text(lang)))
        elif not s.online:
            strips.append(("danger", texts.OFFLINE_BANNER.text(lang)))
        pending = ctrl.outbox.pending
        if pending and (not s.online or ctrl.outbox.held):
            names = "、".join(p.label.text(lang) for p in pending) if lang == "zh" else ", ".join(
                p.label.text(lang) for p in pending)
            strips.append(("danger", texts.PENDING.format(actions=names).text(lang)))
        strips += [(n.kind, n.text.text(lang)) for n in window_notices(s, ctrl.service_names(), ctrl.tz)]
        self.banners.show_items(strips)

        self._render_current(ctrl, lang)
        self._render_side(ctrl, lang)

        for act, b in self.buttons.items():
            shown = act
            if act is Act.TAKEOVER and Act.SIGN_IN in self._allowed:
                shown = Act.SIGN_IN
            b.setText(f"{LABELS[shown].text(lang)}\n{SHORTCUTS[shown]}")
            b.setEnabled(shown in self._allowed)
        panel = self.panel
        needs = {self.finish_panel: Act.FINISH, self.supplement_panel: Act.FINISH,
                 self.transfer_panel: Act.TRANSFER, self.pause_panel: Act.PAUSE, self.requeue_panel: Act.REQUEUE}
        if panel is not None and needs[panel] not in self._allowed:
            self.close_panel()  # the visitor or the window changed under the panel
        self.finish_panel.render(lang, self._number)
        self.supplement_panel.render(lang)
        self.transfer_panel.render(lang, self._number)
        self.pause_panel.render(lang)
        self.requeue_panel.render(lang)

        level, shown = message if message is not None else ("info", "")
        # None: nothing to say (a new clerk's screen does not show the last clerk's message, issue 16)
        self.status.setText(shown.text(lang) if message is not None else "")
        if self.status.property("kind") != f"status-{level}":
            self.status.setProperty("kind", f"status-{level}")
            repolish(self.status)

    def _render_current(self, ctrl: CounterController, lang: Lang) -> None:
        info = ctrl.info
        current = info.current if info is not None else None
        self.current_title.setText(texts.CURRENT.text(lang))
        labels = {"service": texts.SERVICE, "lane": texts.LANE, "waited": texts.WAITED, "booking": texts.BOOKING,
                  "from": texts.TRANSFERRED_FROM, "note": texts.NOTE, "reason": texts.REASON}
        for key, text in labels.items():
            self.names[key].setText(text.text(lang))
        has = current is not None
        self.number.setVisible(has)
        self.state.setVisible(has)
        self.empty.setVisible(not has)
        for key in labels:
            self.names[key].setVisible(has)
            self.values[key].setVisible(has)
        if current is None:
            self._number = ""
            self.empty.setText(texts.NO_CURRENT.text(lang))
            return
        v = visitor(current, ctrl.timings.clock(), origin=ctrl.origin, reason=ctrl.reasons.get(current.id),
                    max_recalls=ctrl.max_recalls)
        self._number = v.number
        self.number.setText(v.number)
        if self.number.property("priority") != v.priority:  # green for the green channel
            self.number.setProperty("priority", v.priority)
            repolish(self.number)
        self.state.setText(v.state.text(lang))
        values = {
            "service": v.service.text(lang),
            "lane": v.lane.text(lang),
            "waited": waited_text(v.waited_s).text(lang),
            "booking": v.booking.text(lang),
            "from": v.transferred_from.text(lang) if v.transferred_from else "",
            "note": v.note,
            "reason": v.reason.text(lang) if v.reason else "—",
        }
        for key, value in values.items():
            self.values[key].setText(value)
        for key in ("from", "note"):
            self.names[key].setVisible(bool(values[key]))
            self.values[key].setVisible(bool(values[key]))

    def _render_side(self, ctrl: CounterController, lang: Lang) -> None:
        info = ctrl.info
        # what the public reads above the window (004 第十四条), so the clerk knows it too
        self.led.setVisible(info is not None and ctrl.devices.led is not None)
        if info is not None:
            self.led.setText(texts.LED_PREVIEW.format(text=led_state(info, ctrl.tz).text).text(lang))
        self.waiting_title.setText(texts.WAITING.text(lang))
        rows = []
        for w in info.waiting if info is not None else []:
            row = texts.WAITING_ROW.format(name=w.name_zh if lang == "zh" else w.name_en, prefix=w.prefix,
                                           total=w.total).text(lang)
            if w.priority or w.appointment:
                row += "\n    " + texts.WAITING_LANES.format(priority=w.priority,
                                                               appointment=w.appointment).text(lang)
            rows.append(row)
        self.waiting.setText("\n".join(rows))
        self.rating_title.setText(texts.RATING_TITLE.text(lang))
        r = ctrl.rating
        text = ""
        if r is not None:
            left = max(0, round(r.deadline - time.monotonic()))
            text = {
                RatingPhase.OPEN: texts.RATING_OPEN.format(number=r.number, s=left),
                RatingPhase.GIVEN: texts.RATING_GIVEN.format(number=r.number),
                RatingPhase.NONE: texts.RATING_NONE.format(number=r.number),
                RatingPhase.STORED: (texts.RATING_STORED if r.rated else texts.RATING_NONE_STORED).format(
                    number=r.number),
                RatingPhase.NO_PAD: texts.RATING_NO_PAD,
            }[r.phase].text(lang)
        elif ctrl.devices.pad is None:
            text = texts.RATING_NO_PAD.text(lang)
        self.rating.setText(text)
        status = ctrl.notice_status
        self.notice.setVisible(status is not None)
        if status is not None:
            self.notice.setText(status.text.text(lang))
            if self.notice.property("kind") != f"status-{status.level}":
                self.notice.setProperty("kind", f"status-{status.level}")
                repolish(self.notice)
        self.reprint_button.setText(texts.REPRINT.text(lang))
        self.reprint_button.setVisible(ctrl.last_notice is not None)

    def service_choices(self, ctrl: CounterController) -> list[tuple[str, T]]:
        """Services to transfer to: every service of the hall but the visitor's own."""
        info = ctrl.info
        own = info.current.service if info is not None and info.current is not None else None
        return [(code, name) for code, name in ctrl.service_names().items() if code != own]

