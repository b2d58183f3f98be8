"""The board's only I/O: the hall's live state from the server (through ``client``), calls to
the speaker. Widgets read its models and listen to its signals.

* The snapshot (at start and after a resync) resets the models; every event then updates them in seq
  order — the shared client's :class:`~client.qt.QtHallLink` does the connecting, reconnecting
  with backoff and resyncing; there is no second reconnect loop here.
* Calls and recalls of the windows this screen shows go on top of the calls panel and to the speaker,
  all of them, in order; after a reconnect, missed ones only while still current (:mod:`.catchup`).
* The link down for :attr:`Timings.offline_after_ms` → ``offline_changed(True)`` ("连接中断").
* Clerk names (004 第十四条) come from snapshots: one is fetched when a window opens with a clerk the
  board has not seen, and every :attr:`Timings.refresh_ms` (which also re-bases the waiting counts).
  Their photos (same rule) are fetched once per staff number, decoded and shrunk on the worker, and
  kept for the board's life; a failed fetch is tried again with the next snapshot.
* Notices: the hall's own lines (``--notice``) and one per open tide window (000 第十八条).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from client.errors import ClientError
from client.i18n import Lang, T
from client.models import HallsListing, Snapshot
from client.qt import QtHallLink, clerk_photo_image

from . import texts
from .catchup import CatchUp, Decision
from .filter import WindowFilter
from .models import CallsModel, ServiceNames, WaitingModel, WindowsModel
from .state import (
    BadMessage,
    Clerk,
    Message,
    call_of,
    calling_now,
    clerks_of,
    seeded_calls,
    seq_of,
    tickets_in,
    waiting_counts_in,
    waiting_of,
    window_in,
    windows_of,
)
from .timings import Timings
from .voice import CallVoice

log = logging.getLogger("hallq.display")

PHOTO_PX = 240  # photos are kept at most this tall/wide: a card's thumbnail is far smaller even at 4K


class Board(QObject):
    ready = Signal()  # the first snapshot is on the board
    call_shown = Signal(object)  # Call: just put on top (the panel flashes it)
    offline_changed = Signal(bool)  # the "连接中断" indicator on/off
    refused = Signal(object)  # ClientError: the server refused this screen for good (bad token)
    notices_changed = Signal()

    def __init__(
        self,
        link: QtHallLink,
        voice: CallVoice,
        *,
        window_filter: WindowFilter | None = None,
        notices: list[str] | None = None,
        timings: Timings | None = None,
        lang: Lang = "zh",
        tz: Any = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.link = link
        self.voice = voice
        self.filter = window_filter or WindowFilter()
        self.timings = timings = timings or Timings()
        self.lang: Lang = lang
        self.calls = CallsModel(lang=lang, parent=self)
        self.windows = WindowsModel(lang=lang, tz=tz, parent=self)
        self.waiting = WaitingModel(lang=lang, parent=self)
        self.catchup = CatchUp()
        self.hall_name = T("", "")
        self.hall_notices = [n.strip() for n in notices or [] if n.strip()]
        self.server_notices: list[str] = []  # the hall config's notices: snapshot, then hall.config events
        self.tide_notices: dict[int, T] = {}  # window → its tide notice
        self.last_seq = 0
        self.offline = False
        self.refusal: ClientError | None = None
        self.halls: HallsListing | None = None
        self._has_snapshot = False
        self._was_connected = False
        self._up = False
        self._fetching = False  # a snapshot request is out
        self._asked: set[str] = set()  # staff numbers a snapshot was fetched for
        self._photos_asked: set[str] = set()  # staff numbers whose photo is fetched or on its way
        self.photos_loading: set[str] = set()  # staff numbers whose photo is on its way now
        self._closed = False

        self._offline_timer = QTimer(self, singleShot=True, interval=timings.offline_after_ms)
        self._offline_timer.timeout.connect(self._went_offline)
        self._refresh_timer = QTimer(self, interval=timings.refresh_ms)
        self._refresh_timer.timeout.connect(self.refresh)
        self._halls_timer = QTimer(self, singleShot=True, interval=timings.retry_ms)
        self._halls_timer.timeout.connect(self._load_halls)

        link.snapshot.connect(self._on_snapshot)
        link.event.connect(self._on_event)
        link.connection_changed.connect(self._on_connection)
        link.stream_failed.connect(self._on_refused)

    # -- life -----------------------------------------------------------------------------------------
    def start(self) -> None:
        """Follow the hall: the stream (if the hall is known), the hall list, the timers."""
        self._offline_timer.start()  # never connected within the limit is offline too
        self._refresh_timer.start()
        self._load_halls()
        if self.link.hall:
            self.link.start()

    def close(self) -> None:
        self._closed = True
        for timer in (self._offline_timer, self._refresh_timer, self._halls_timer):
            timer.stop()
        self.voice.close()

    @property
    def hall(self) -> str:
        return self.link.hall

    @property
    def online(self) -> bool:
        """The event stream is connected right now."""
        return self._up

    def notices(self) -> list[str]:
        """The notice line's texts: open tide windows first (news of the moment), then the hall's own."""
        return ([self.tide_notices[n].text(self.lang) for n in sorted(self.tide_notices)] + self.server_notices
                + self.hall_notices)

    # -- the hall list: names of services per window (for a zone screen's waiting counts) -------------
    def _load_halls(self) -> None:
        if self._closed:
            return
        self.link.submit(self.link.client.halls, on_done=self._on_halls, on_error=self._halls_failed)

    def _on_halls(self, listing: HallsListing) -> None:
        if self._closed:
            return
        self.halls = listing
        if not self.link.hall:  # no --hall and no terminal file: the deployment's first hall
            if not listing.halls:
                log.error("the server lists no halls")
                return
            self.link.hall = listing.halls[0].id
            self.link.start()
        self._limit_waiting()

    def _halls_failed(self, error: BaseException) -> None:
        log.warning("hall list not loaded (retrying in %.0f s): %s", self.timings.retry_ms / 1000, error)
        if not self._closed:
            self._halls_timer.start()

    def _limit_waiting(self) -> None:
        """A filtered screen lists the waiting counts of the services its windows serve."""
        if not self.filter.active or self.halls is None or not self.hall:
            return
        try:
            hall = self.halls.hall(self.hall)
        except KeyError:
            return
        services = {code for w in hall.windows if self.filter.matches(w.number, w.zone)
                    for tier in w.profile for code in tier.services}
        services |= {r.tide_service for r in self.windows.rows() if r.tide_service}
        self.waiting.show_only(services)

    # -- the stream -----------------------------------------------------------------------------------
    def _on_snapshot(self, raw: Message) -> None:
        """At start and after a resync: the whole board from the snapshot."""
        if self._closed:
            return
        try:
            seq = int(raw["seq"])
            rows = [r for r in windows_of(raw) if self.filter.matches(r.number, r.zone)]
            counts = waiting_of(raw)
        except (BadMessage, KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring a snapshot the board cannot read: %s", exc)
            return
        self.hall_name = T(str(raw.get("name_zh", "")), str(raw.get("name_en", "")))
        services = ServiceNames(counts)
        clerks = clerks_of(raw)
        self.windows.reset(rows, clerks, services)
        self._fetch_photos(clerks)
        self.calls.set_services(services)
        self.waiting.reset(counts, seq)
        self.last_seq = seq
        self._decide(self.catchup.seen(seq))
        self.tide_notices = {r.number: self._tide_notice(r.number, r.tide_service)
                             for r in windows_of(raw) if r.tide_service}
        self.server_notices = _notices_of(raw)
        if self.filter.active and not rows:
            log.error("no window of hall %s matches this screen's filter (%s)", self.hall, self.filter)
        if not self.calls.rowCount():
            for call in reversed(seeded_calls(raw)):
                if self.windows.row_of(call.window) is not None:
                    self.calls.add(call)
        self._limit_waiting()
        self.notices_changed.emit()
        if not self._has_snapshot:
            self._has_snapshot = True
            self.ready.emit()

    def _on_event(self, message: Message) -> None:
        if self._closed:
            return
        try:
            self._apply(message)
        except BadMessage as exc:  # the server would not send it; a proxy or a bug might: skip it
            log.warning("ignoring event: %s", exc)

    def _apply(self, message: Message) -> None:
        seq = seq_of(message)
        if seq <= self.last_seq:
            return  # already in the snapshot
        # read everything first: a message the board cannot read changes nothing
        kind = message.get("kind")
        window = window_in(message)
        tickets = tickets_in(message)
        counts = waiting_counts_in(message)
        call = call_of(message)
        self.last_seq = seq
        if window is not None:
            self.windows.apply(window, tickets)
            missing = self.windows.unknown_clerks() - self._asked
            if missing:  # a clerk this board has not seen: its public name is in the snapshot
                self._asked |= missing
                self.refresh()
        self.waiting.apply(seq, counts)
        if kind == "hall.config":  # the manager changed the hall's notices live (hallq config apply)
            self.server_notices = _notices_of(message.get("data") or {})
            self._limit_waiting()
            self.notices_changed.emit()
            self.refresh()  # window and service names may have changed too: take the new snapshot
        if kind in ("tide.opened", "tide.closed") and window is not None:
            number = int(window["number"])
            if kind == "tide.opened" and window.get("tide_service"):
                self.tide_notices[number] = self._tide_notice(number, window["tide_service"])
            else:
                self.tide_notices.pop(number, None)
            self._limit_waiting()
            self.notices_changed.emit()
        if call is not None and self.windows.row_of(call.window) is not None:
            self.calls.add(call)
            self.call_shown.emit(call)
            self._decide(self.catchup.offer(call))
        self._decide(self.catchup.seen(seq))  # the replay reaching the present releases the held calls

    def _tide_notice(self, window: int, service: str | None) -> T:
        name = self.windows.services.pair(service or "")
        return T(texts.TIDE_OPENED.zh.format(window=window, service=name.zh),
                 texts.TIDE_OPENED.en.format(window=window, service=name.en))

    def _decide(self, decisions: list[Decision]) -> None:
        for call, speak in decisions:
            if speak:
                self.voice.speak(call)
            else:
                log.info("missed call %s → window %d not announced: the window has moved on",
                         call.number, call.window)
            self.calls.mark(call, speak)

    # -- the link -------------------------------------------------------------------------------------
    def _on_connection(self, up: bool) -> None:
        if self._closed:
            return
        self._up = up
        if up:
            self._offline_timer.stop()
            self._set_offline(False)
            if self._was_connected:  # back after an outage: the stream replays what was missed
                self.catchup.reconnected()
                self._fetch(self._present, self._present_unknown)
            self._was_connected = True
        elif not self._offline_timer.isActive() and not self.offline:
            self._offline_timer.start()

    def _went_offline(self) -> None:
        self._set_offline(True)

    def _set_offline(self, offline: bool) -> None:
        if offline != self.offline:
            self.offline = offline
            log.warning("link to the server %s", "lost" if offline else "back")
            self.offline_changed.emit(offline)

    def _on_refused(self, error: ClientError) -> None:
        log.error("the server refused this display: %s", error)
        self.refusal = error
        self._set_offline(True)
        self.refused.emit(error)

    # -- snapshots on demand: the present after a reconnect, clerk names, waiting counts ---------------
    def refresh(self) -> None:
        """Fetch a snapshot for clerk names and waiting counts (one request at a time)."""
        if not self._fetching:
            self._fetch(self._refreshed, lambda exc: log.info("snapshot refresh failed: %s", exc))

    def _fetch(self, done: Any, failed: Any) -> None:
        if self._closed or not self.hall:
            return
        self._fetching = True

        def on_done(snapshot: Snapshot) -> None:
            self._fetching = False
            if not self._closed:
                done(snapshot.raw)

        def on_error(exc: BaseException) -> None:
            self._fetching = False
            if not self._closed:
                failed(exc)

        self.link.submit(self.link.client.snapshot, self.hall, on_done=on_done, on_error=on_error)

    def _refreshed(self, raw: Message) -> None:
        clerks = clerks_of(raw)
        self.windows.add_clerks(clerks)
        self._fetch_photos(clerks)
        try:
            seq = seq_of(raw)
            if seq >= self.last_seq:  # not older than the board: events after it are counted on top
                self.waiting.reset(waiting_of(raw), seq)
                self._limit_waiting()
        except BadMessage as exc:
            log.warning("snapshot refresh unreadable: %s", exc)

    def _present(self, raw: Message) -> None:
        try:
            decisions = self.catchup.present(seq_of(raw), calling_now(raw))
        except BadMessage as exc:
            log.warning("snapshot after reconnect unreadable: %s", exc)
            decisions = self.catchup.unknown_present(self.windows.calling())
        self._decide(decisions)
        self._refreshed(raw)

    def _present_unknown(self, exc: BaseException) -> None:
        log.warning("no snapshot after the reconnect (%s): missed calls judged by the board's own state", exc)
        self._decide(self.catchup.unknown_present(self.windows.calling()))


    # -- clerk photos (004 第十四条) ---------------------------------------------------------------------
    def _fetch_photos(self, clerks: dict[str, Clerk]) -> None:
        for staff_no, clerk in clerks.items():
            if clerk.photo_url and staff_no not in self._photos_asked and not self._closed:
                self._photos_asked.add(staff_no)
                self.photos_loading.add(staff_no)
                self.link.submit(clerk_photo_image, self.link.client, staff_no, PHOTO_PX,
                                 on_done=lambda image, no=staff_no: self._photo_loaded(no, image),
                                 on_error=lambda exc, no=staff_no: self._photo_failed(no, exc))

    def _photo_loaded(self, staff_no: str, image: QImage | None) -> None:
        self.photos_loading.discard(staff_no)
        if image is not None and not self._closed:
            self.windows.set_photo(staff_no, image)

    def _photo_failed(self, staff_no: str, exc: BaseException) -> None:
        log.info("photo of clerk %s not loaded (tried again with the next snapshot): %s", staff_no, exc)
        self._photos_asked.discard(staff_no)
        self.photos_loading.discard(staff_no)


def _notices_of(raw: dict) -> list[str]:
    """The ``notices`` list of a snapshot or a hall.config event; anything else reads as none."""
    notices = raw.get("notices")
    if not isinstance(notices, list):
        return []
    return [str(n).strip() for n in notices if str(n).strip()]
