"""The kiosk window: a full-screen stack of screens under the fault banners.

It turns the screens' intents into controller calls and the controller's results into screens, and
owns the kiosk's small state: language, elder mode, priority lane, which screen is up. Timers are
plain ``QTimer``s whose intervals come from :class:`~kiosk.timings.Timings`; tests shorten them or
call the slots (``go_home``, ``on_idle``) directly.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from client.i18n import Lang, T
from drivers.health import Health

from . import texts
from .catalog import Catalog
from .controller import KioskController
from .gesture import CornerTaps
from .models import CategoryModel
from .requeue import rule_text as requeue_rule
from .screens import (
    BookingScreen,
    HomeScreen,
    MaintenanceScreen,
    NoticeScreen,
    RequeueScreen,
    Screen,
    ServicesScreen,
    TicketScreen,
)
from .screens.ticket import PrintState
from .style import repolish, stylesheet
from .ticketview import TicketView
from .timings import Timings
from .widgets import Banner

log = logging.getLogger("hallq.kiosk")

CORNER_PX = 100  # the hidden maintenance corner (top left), in logical pixels

_REFUSAL_TEXT = {
    "closed": (texts.CLOSED_TITLE, texts.CLOSED_HINT),
    "daily_cap": (texts.CAP_TITLE, texts.CAP_HINT),
}


class _Corner(QWidget):
    """An invisible square over the top-left corner; each press is one tap of the gesture."""

    tapped = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.tapped.emit()
        event.ignore()  # passed on to the window behind: a tap on the title does nothing else


class KioskWindow(QWidget):
    screen_changed = Signal(str)  # object name of the screen now shown

    def __init__(self, controller: KioskController, *, timings: Timings | None = None, lang: Lang = "zh",
                 default_lang: Lang = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.setWindowTitle("hallq 取号机 kiosk")
        self.controller = controller
        self.timings = timings = timings or Timings()
        self.default_lang: Lang = default_lang
        self.lang: Lang = lang
        self.elder = False
        self.priority = False
        self.portrait = False
        self.server_ok = True
        self.catalog: Catalog | None = None

        self.categories = CategoryModel(self)
        self.home = HomeScreen(self.categories)
        self.services = ServicesScreen()
        self.ticket = TicketScreen()
        self.notice = NoticeScreen()
        self.booking = BookingScreen()
        self.maintenance = MaintenanceScreen()
        self.requeue = RequeueScreen()
        self.screens: list[Screen] = [self.home, self.services, self.ticket, self.notice, self.booking,
                                      self.maintenance, self.requeue]
        self.stack = QStackedWidget()
        names = ("home", "services", "ticket", "notice", "booking", "maintenance", "requeue")
        for screen, name in zip(self.screens, names, strict=True):
            screen.setObjectName(name)
            self.stack.addWidget(screen)
        self.server_banner = Banner()
        self.printer_banner = Banner()
        self.printer_health: Health | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.server_banner)
        layout.addWidget(self.printer_banner)
        layout.addWidget(self.stack, 1)

        self.corner = _Corner(self)
        self.corner.setGeometry(0, 0, CORNER_PX, CORNER_PX)
        self.corner.raise_()
        self.taps = CornerTaps(timings.gesture_taps, timings.gesture_window_s)
        self.corner.tapped.connect(self.on_corner_tap)

        self.screen_timer = QTimer(self)   # ticket / notice: back home after a few seconds
        self.screen_timer.setSingleShot(True)
        self.screen_timer.timeout.connect(self.go_home)
        self.countdown_timer = QTimer(self)  # the "N 秒后返回首页" line, once a second
        self.countdown_timer.setInterval(1000)
        self.countdown_timer.timeout.connect(self._countdown)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(timings.idle_ms)
        self.idle_timer.timeout.connect(self.on_idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

        self._wire()
        self.show_screen(self.home, speak=False)
        self.setStyleSheet(stylesheet(False))
        self.set_lang(lang)
        self._apply_mode()
        self.home.set_issuing(False)  # until the catalog is there
        self.server_banner.show_text(texts.LOADING.text(lang), "warning")

    # -- wiring ------------------------------------------------------------------------------------
    def _wire(self) -> None:
        c = self.controller
        c.catalog_ready.connect(self.on_catalog)
        c.server_state.connect(self.on_server_state)
        c.issued.connect(self.on_issued)
        c.refused.connect(self.on_refused)
        c.checked_in.connect(self.on_checked_in)
        c.check_in_refused.connect(self.on_check_in_refused)
        c.booking_unavailable.connect(self.on_booking_unavailable)
        c.requeued.connect(self.on_requeued)
        c.requeue_refused.connect(self.on_requeue_refused)
        c.printed.connect(self.on_printed)
        c.print_failed.connect(self.on_print_failed)
        c.printer_state.connect(self.on_printer_state)
        c.login_ok.connect(self.maintenance.logged_in)
        c.login_failed.connect(self.maintenance.login_failed)
        c.check_done.connect(self.maintenance.show_result)

        h = self.home
        h.category_chosen.connect(self.on_category)
        h.priority_clicked.connect(lambda: self.set_priority(True))
        h.leave_priority.connect(lambda: self.set_priority(False))
        h.booking_clicked.connect(self.open_booking)
        h.requeue_clicked.connect(self.open_requeue)
        h.language_clicked.connect(lambda: self.set_lang("en" if self.lang == "zh" else "zh"))
        h.elder_toggled.connect(self.set_elder)
        self.services.service_chosen.connect(self.issue)
        self.services.back.connect(lambda: self.show_screen(self.home))
        self.ticket.done.connect(self.go_home)
        self.notice.ok.connect(self.go_home)
        self.booking.back.connect(lambda: self.show_screen(self.home))
        self.booking.submitted.connect(self.on_booking_code)
        self.requeue.back.connect(lambda: self.show_screen(self.home))
        self.requeue.submitted.connect(self.on_requeue_asked)
        self.maintenance.login.connect(c.maintenance_login)
        self.maintenance.check.connect(c.run_check)
        self.maintenance.leave.connect(self.go_home)

    # -- navigation --------------------------------------------------------------------------------
    @property
    def current(self) -> Screen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def show_screen(self, screen: Screen, *, speak: bool = True) -> None:
        # A QStackedWidget is as large as its largest page's minimum: the screens not shown must not
        # push the one shown past the panel (issue 16: elder type at 1366 × 768)
        for other in self.screens:
            policy = QSizePolicy.Policy.Preferred if other is screen else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.stack.setCurrentWidget(screen)
        self.stack.updateGeometry()
        if screen is self.home:
            self.screen_timer.stop()
            self.countdown_timer.stop()
        if self.elder and speak:
            self.controller.say(screen.voice(self.lang))
        self.screen_changed.emit(screen.objectName())

    def go_home(self) -> None:
        """Back to the start after a ticket, a notice or maintenance; the priority lane was for one ticket."""
        self.set_priority(False, speak=False)
        self.show_screen(self.home)

    def on_idle(self) -> None:
        """Nobody touched the screen for ``idle_ms``: home, and the defaults for the next visitor."""
        if self.current is self.home and not self.priority and not self.elder and self.lang == self.default_lang:
            return
        log.info("idle: back to the start screen")
        self.set_elder(False, speak=False)
        self.set_lang(self.default_lang)
        self.go_home()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress):
            self.idle_timer.start()
        return False

    def on_corner_tap(self) -> None:
        if self.taps.tap():
            self.set_elder(False, speak=False)  # staff work in normal type: the screen holds more
            for widget in (self.maintenance, *self.maintenance.findChildren(QWidget)):
                repolish(widget)  # never shown yet: still sized by the elder type it was polished with
            self.maintenance.retranslate(self.lang)
            self.maintenance.reset()
            self.show_screen(self.maintenance)

    # -- modes -------------------------------------------------------------------------------------
    def set_lang(self, lang: Lang) -> None:
        self.lang = lang
        self.categories.set_lang(lang)
        for screen in self.screens:
            screen.retranslate(lang)
        self._banners()

    def set_elder(self, on: bool, *, speak: bool = True) -> None:
        if on == self.elder:
            self.home.set_elder(on)
            return
        self.elder = on
        self.home.set_elder(on)
        self.setStyleSheet(stylesheet(on))
        self._apply_mode()
        if on and speak:
            self.controller.say(texts.ELDER_ON_VOICE.text(self.lang))
            self.controller.say(self.current.voice(self.lang))

    def set_priority(self, on: bool, *, speak: bool = True) -> None:
        if on == self.priority:
            return
        self.priority = on
        self.home.set_priority(on)
        if on and speak and self.elder:
            self.controller.say(self.home.voice(self.lang))

    def _apply_mode(self) -> None:
        for screen in self.screens:
            screen.apply_mode(self.elder, self.portrait)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = event.size().height() > event.size().width()
        if portrait != self.portrait:
            self.portrait = portrait
            self._apply_mode()
        self.corner.raise_()

    # -- tickets -----------------------------------------------------------------------------------
    def on_category(self, category_id: str) -> None:
        if self.catalog is None:
            return
        category = self.catalog.category(category_id)
        if category.single is not None:  # walk-in: two taps (category, then the ticket appears)
            self.issue(category.single.code)
            return
        self.services.show_category(category, priority=self.priority)
        self.services.apply_mode(self.elder, self.portrait)
        self.show_screen(self.services)

    def issue(self, service: str) -> None:
        if not self.server_ok:
            return  # the banner already says so: no ticket while the server is unreachable
        self.controller.issue(service, "priority" if self.priority else "normal", self.lang)

    def on_issued(self, view: TicketView) -> None:
        self.ticket.show_ticket(view)
        self.show_screen(self.ticket, speak=False)  # spoken once the print result is known
        self._start_screen_timer(self._ticket_ms())

    def on_printed(self, ticket_id: str) -> None:
        if self.ticket.ticket is None or self.ticket.ticket.id != ticket_id:
            return
        self.ticket.set_print_state(PrintState.PRINTED)
        if self.elder and self.current is self.ticket:
            self.controller.say(self.ticket.voice(self.lang))

    def on_print_failed(self, ticket_id: str, health: Health) -> None:
        if self.ticket.ticket is None or self.ticket.ticket.id != ticket_id:
            return
        self.ticket.set_print_state(PrintState.FAILED)
        if self.current is self.ticket:
            self._start_screen_timer(self._photo_ms())
            if self.elder:
                self.controller.say(self.ticket.voice(self.lang))

    def on_refused(self, code: str, zh: str, en: str) -> None:
        title, hint = _REFUSAL_TEXT.get(code, (texts.REFUSED_TITLE, texts.REFUSED_HINT))
        self.notice.show_notice(title, T(zh, en), hint)
        self.show_screen(self.notice)
        self._start_screen_timer(self._notice_ms())

    def open_booking(self) -> None:
        self.booking.reset()
        self.show_screen(self.booking)
        self.booking.setFocus()  # a scanner types into the focused screen

    def on_booking_code(self, code: str) -> None:
        if self.server_ok:
            self.controller.check_in(code, self.lang)

    def on_checked_in(self, view: TicketView, note: T) -> None:
        """A booking checked in: its ticket, with what the server said (on time, or late → walk-in lane)."""
        self.ticket.show_ticket(view, note)
        self.show_screen(self.ticket, speak=False)
        self._start_screen_timer(self._ticket_ms())

    def on_check_in_refused(self, code: str, zh: str, en: str) -> None:
        # Rule 1: a visitor whose booking cannot be checked in is never stuck: a regular ticket is one
        # tap away (the button goes back to the walk-in buttons).
        self.notice.show_notice(texts.CHECKIN_REFUSED_TITLE, T(zh, en), texts.CHECKIN_HINT, texts.TAKE_REGULAR)
        self.show_screen(self.notice)
        self._start_screen_timer(self._notice_ms())

    def on_booking_unavailable(self) -> None:
        self.notice.show_notice(texts.BOOKING_CLOSED_TITLE, texts.BOOKING_CLOSED, T("", ""), texts.TAKE_REGULAR)
        self.show_screen(self.notice)
        self._start_screen_timer(self._notice_ms())

    # -- 过号重排 (issue 16) -------------------------------------------------------------------------
    def open_requeue(self) -> None:
        self.requeue.reset()
        self.show_screen(self.requeue)
        self.requeue.setFocus()  # the QR scanner types into the focused screen

    def on_requeue_asked(self, kind: str, value: str) -> None:
        if self.server_ok:
            self.controller.requeue(kind, value, self.lang)

    def on_requeued(self, view: TicketView, note: T) -> None:
        """Back in the queue: the ticket screen with its new place and wait, and the hall's rule."""
        rules = self.catalog.rules if self.catalog else None
        said = T(f"{note.zh}：{requeue_rule(rules).zh}", f"{note.en}. {requeue_rule(rules).en}.") if rules else note
        self.ticket.show_ticket(view, said)
        self.show_screen(self.ticket, speak=False)
        self._start_screen_timer(self._ticket_ms())

    def on_requeue_refused(self, code: str, zh: str, en: str) -> None:
        """Said plainly: the server's words (too late by how much, still waiting…), the hall's rule, and a
        new ticket one tap away (rule 1: never a dead end)."""
        rule = requeue_rule(self.catalog.rules) if self.catalog else T("", "")
        self.notice.show_notice(texts.REQUEUE_REFUSED_TITLE, T(zh, en), rule, texts.REQUEUE_TAKE_NEW)
        self.show_screen(self.notice)
        self._start_screen_timer(self._notice_ms())

    # Elder mode keeps each screen up longer (issue 16; MIIT 2021 适老化: no time limits an older
    # person cannot meet): time to read the number, find glasses, take the slip
    def _ticket_ms(self) -> int:
        return self.timings.ticket_elder_ms if self.elder else self.timings.ticket_ms

    def _notice_ms(self) -> int:
        return self.timings.notice_elder_ms if self.elder else self.timings.notice_ms

    def _photo_ms(self) -> int:
        return self.timings.ticket_photo_elder_ms if self.elder else self.timings.ticket_photo_ms

    def _start_screen_timer(self, ms: int) -> None:
        self.screen_timer.start(ms)
        self.ticket.set_countdown(max(1, round(ms / 1000)))
        self.countdown_timer.start()

    def _countdown(self) -> None:
        left = self.screen_timer.remainingTime()
        if left < 0:
            self.countdown_timer.stop()
            return
        self.ticket.set_countdown(max(1, round(left / 1000)))

    # -- controller state --------------------------------------------------------------------------
    def on_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.categories.replace(catalog.categories)
        self.home.set_hall_name(catalog.hall_name_zh, catalog.hall_name_en)
        self.notice.hall_name = (catalog.hall_name_zh, catalog.hall_name_en)
        self.requeue.set_hall(catalog.prefixes, requeue_rule(catalog.rules))
        self.home.apply_mode(self.elder, self.portrait)
        self.home.set_issuing(self.server_ok)
        self._banners()

    def on_server_state(self, ok: bool) -> None:
        self.server_ok = ok
        self.home.set_issuing(ok and self.catalog is not None)
        if not ok and self.current in (self.services, self.booking, self.requeue):
            self.show_screen(self.home, speak=False)
        self._banners()
        if not ok and self.elder:
            self.controller.say(texts.SERVER_DOWN.text(self.lang))

    def on_printer_state(self, health: Health) -> None:
        self.printer_health = None if health.level.value in ("OK", "WARN") else health
        self._banners()

    def _banners(self) -> None:
        lang = self.lang
        if not self.server_ok:
            self.server_banner.show_text(texts.SERVER_DOWN.text(lang), "danger")
        elif self.catalog is None:
            self.server_banner.show_text(texts.LOADING.text(lang), "warning")
        else:
            self.server_banner.show_text("")
        h = self.printer_health
        if h is None:
            self.printer_banner.show_text("")
        else:
            detail = h.detail_en if lang == "en" else h.detail_zh
            self.printer_banner.show_text(texts.PRINTER_FAULT.format(detail=detail).text(lang), "warning")

    def close_kiosk(self) -> None:
        """Stop timers and the app-wide event filter (the controller and devices are closed by the app)."""
        for timer in (self.screen_timer, self.countdown_timer, self.idle_timer):
            timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
