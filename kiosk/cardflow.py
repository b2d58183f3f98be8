"""The ID card at the kiosk (issue 18): a card laid on the reader while the home screen is up is read,
turned at once into what the kiosk may keep — the keyed hash of the number, the masked name, the card
type, the age band and whether the visitor reached the hall's ``priority_age`` — and the card screen
(:class:`~kiosk.screens.card.CardScreen`) offers:

* a booking for today tied to that card → checked in with one tap;
* a visitor of ``priority_age`` or over → the categories under the green header: one tap on a
  one-service category is a green-channel ticket (000 第二十七条 适老化), spoken in elder mode;
* otherwise the categories as on the home screen.

Until the visitor is back on the home screen, every ticket carries the card's hash and facts, so the
server can hold services limited per person (“凭身份证取号，每人每天限取 N 个”) to their rule. Nothing
of the card is printed, shown on the lobby board or sent in clear: the number and the full name live
only inside the reader's poll, on the watcher's thread, and are dropped there (000 第二十八条).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from client.errors import ClientError
from client.i18n import T
from drivers.idcard import CardState, CardWatcher, IdCardReader, Poll
from vocab.cardhash import card_hash

from . import cardtexts as ct
from .screens.card import CardScreen

__all__ = ["CardFlow", "LaidCard"]

log = logging.getLogger("hallq.kiosk.idcard")


@dataclass(frozen=True, slots=True)
class LaidCard:
    """What the kiosk keeps of a laid card while the visitor is at it (no number, no full name)."""

    person_hash: str = field(repr=False)
    masked_name: str
    kind: str
    age_band: str
    senior_age: int | None  # the hall's priority_age if the visitor reached it, else None

    def facts(self) -> dict[str, str]:
        return {"kind": self.kind, "age_band": self.age_band}


class CardFlow(QObject):
    """Wires a reader into a kiosk: watcher thread → signals → the card screen. Built by ``Kiosk.create``."""

    laid = Signal(object)  # LaidCard, from the watcher's thread
    polled = Signal(object)  # Poll (state changes), from the watcher's thread
    shown = Signal(object)  # LaidCard, once the card screen is up (tests wait for it)

    def __init__(self, controller: Any, window: Any, reader: IdCardReader, *, interval_s: float = 0.4,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.window = window
        self.reader = reader
        self.key: bytes | None = None
        self.card: LaidCard | None = None
        self.last_poll: Poll | None = None
        self.watcher = CardWatcher(reader, self._on_card, self._on_state, interval_s=interval_s)
        self.screen = CardScreen(window.categories)
        self.screen.setObjectName("card")
        window.stack.addWidget(self.screen)
        window.screens.append(self.screen)  # language and elder mode follow the window's
        self.screen.retranslate(window.lang)
        self.screen.apply_mode(window.elder, window.portrait)
        self.screen.category_chosen.connect(window.on_category)
        self.screen.check_in_clicked.connect(self.check_in)
        self.screen.leave.connect(window.go_home)
        window.maintenance.show_check("idcard", True)
        self.laid.connect(self.on_laid)
        self.polled.connect(self.on_polled)
        controller.catalog_ready.connect(self._catalog)
        controller.server_state.connect(self._server_state)
        window.screen_changed.connect(self._screen_changed)

    # -- life -------------------------------------------------------------------------------------
    def start(self) -> None:
        self.watcher.start()

    def close(self) -> None:
        self.watcher.stop()

    def _catalog(self, catalog: Any) -> None:
        self.screen.hall_name = (catalog.hall_name_zh, catalog.hall_name_en)
        if self.key is None:
            self.controller.submit(self.controller.client.card_key, on_done=self._key, on_error=self._no_key)

    def _key(self, key: bytes) -> None:
        self.key = key
        log.info("card key loaded: ID cards are read")

    def _no_key(self, exc: BaseException) -> None:
        log.warning("no card key from the server, ID cards are not used: %s", exc)

    # -- the watcher's thread -----------------------------------------------------------------------
    def _on_card(self, poll: Poll) -> None:
        """Runs on the watcher's thread: the number is hashed and dropped here."""
        card, key = poll.card, self.key
        if card is None:
            return
        if key is None:
            log.info("a card was laid before the card key arrived: read again later")
            self.watcher.forget()
            return
        today = dt.datetime.now(self.controller.tz).date()
        priority_age = getattr(self.window.catalog, "priority_age", None)
        age = card.age(today)
        self.laid.emit(LaidCard(card_hash(key, card.number), card.masked_name, card.kind.value,
                                card.age_band(today), priority_age if priority_age and age >= priority_age else None))

    def _on_state(self, poll: Poll) -> None:
        self.polled.emit(Poll(poll.state, poll.zh, poll.en))  # without the card

    # -- the GUI thread -------------------------------------------------------------------------------
    def _at_home(self) -> bool:
        w = self.window
        return w.current in (w.home, self.screen) and w.server_ok and w.catalog is not None

    def on_laid(self, card: LaidCard) -> None:
        if not self._at_home() or self.controller.busy:
            log.info("card laid away from the home screen: not used")
            return
        self.card = card
        self.controller.card = card
        self.controller.submit(self.controller.client.card_booking, self.controller.hall, card.person_hash,
                               on_done=lambda booking: self._show(card, booking),
                               on_error=lambda exc: self._show(card, None, exc))

    def _show(self, card: LaidCard, booking: dict[str, Any] | None, exc: BaseException | None = None) -> None:
        if exc is not None:
            log.warning("booking look-up by card failed: %s", exc)
            if not isinstance(exc, ClientError):
                raise exc
        if self.card is not card or not self._at_home():
            return  # the visitor moved on meanwhile
        self.screen.show_card(card.masked_name, card.senior_age, booking)
        self.window.set_priority(card.senior_age is not None, speak=False)
        self.window.show_screen(self.screen)
        self.shown.emit(card)

    def on_polled(self, poll: Poll) -> None:
        self.last_poll = poll
        if poll.state in (CardState.REFUSED, CardState.UNREADABLE) and self.window.current is self.window.home:
            w = self.window
            w.notice.show_notice(ct.NOT_READ_TITLE, T(poll.zh, poll.en), ct.NOT_READ_HINT)
            w.show_screen(w.notice)
            w._start_screen_timer(w.timings.notice_ms)

    def check_in(self) -> None:
        card, c = self.card, self.controller
        if card is None or c.busy or c.hall is None:
            return
        c.busy = True
        lang = self.window.lang
        # the controller's own check-in results: ticket screen and print, or the refusal notice
        c.submit(c.client.card_check_in, c.hall, card.person_hash, on_done=lambda done: c._checked_in(done, lang),
                 on_error=c._check_in_failed)

    def _screen_changed(self, name: str) -> None:
        if name == "home":  # the visitor is done: forget the card
            self.card = None
            self.controller.card = None
            self.screen.clear()

    def _server_state(self, ok: bool) -> None:
        if not ok and self.window.current is self.screen:
            self.window.go_home()
