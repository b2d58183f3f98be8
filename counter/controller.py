"""The counter terminal's only I/O: the hall server (through ``client``), the rating pad, the window
LED and the receipt printer. The window calls its methods (intents) and re-reads its state on ``changed``.

Two tokens, two clients: the **device** client holds the counter's device token — it follows the hall's
events, reads the window, and posts the visitor's rating (a clerk's token may not: 004 第三十三条); the
**clerk** client holds the token of the clerk who logged in — every window action is theirs in the audit
trail. Window actions go through the :class:`~counter.outbox.Outbox` (in order, each exactly once, held
while the server is out of reach); reads are re-done whenever an event arrives.

Blocking calls never run on the GUI thread: HTTP through ``submit`` (one worker, so the server sees the
clerk's presses in order), devices through ``device_submit`` (other workers: a slow LED never holds up a
call, nor a call the LED). Each has its bound (HTTP timeout × retries; the drivers' timeouts).
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from client import logs
from client.errors import ApiError, ClientError
from client.http import HallClient
from client.i18n import T
from client.models import CallResult, HallInfo, HallRules, Login, Reason, Requeued, Ticket, TicketChange, WindowInfo
from client.qt import clerk_photo_image
from client.rules import requeue_rule
from drivers.errors import DeviceError
from drivers.led import LedState
from drivers.printer import NoticePrint
from drivers.terminal import Devices
from vocab import Outcome

from . import texts
from .led import led_state
from .notice import missing, notice_for
from .outbox import Outbox, Pending, transient
from .timings import Timings
from .view import LABELS, Act, Situation, allowed

log = logging.getLogger("hallq.counter")

Submit = Callable[..., None]  # submit(fn, *args, on_done=…, on_error=…, **kwargs)
MAX_REASONS = 64  # call reasons remembered (ticket id → reason), trimmed to the current visitor's


class RatingPhase(enum.StrEnum):
    OPEN = "open"  # the pad invites the visitor
    GIVEN = "given"  # a key was pressed (the grade is not shown to the clerk)
    NONE = "none"  # the time ran out: 未评价
    STORED = "stored"  # the server has it
    NO_PAD = "no_pad"


@dataclass(frozen=True, slots=True)
class RatingState:
    ticket_id: str
    number: str
    phase: RatingPhase
    deadline: float = 0.0  # time.monotonic() when the pad closes
    rated: bool = False  # a grade was given (shown only as "rated", never which)


@dataclass(frozen=True, slots=True)
class Message:
    level: str  # "ok" | "error" | "info"
    text: T


class CounterController(QObject):
    changed = Signal()  # the state the window shows changed: re-read it
    message = Signal(object)  # Message for the clerk's status line
    logged_in = Signal(object)  # Login
    login_failed = Signal(object)  # T
    logged_out = Signal()
    _pad_result = Signal(str, object)  # from the pad's thread: visit id, score or None

    def __init__(
        self,
        device: HallClient,
        clerk: HallClient,
        devices: Devices,
        *,
        window: int,
        hall: str | None,
        submit: Submit,
        device_submit: Submit,
        start_stream: Callable[[str], None] = lambda hall: None,
        timings: Timings | None = None,
        tz: str | ZoneInfo = "Asia/Shanghai",
        lang: str = "zh",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._closed = False
        self.device = device
        self.clerk = clerk
        self.devices = devices
        self.window_no = window
        self.hall = hall
        self.submit = self._guarded(submit)
        self.device_submit = self._guarded(device_submit)
        self._start_stream = start_stream
        self.timings = timings = timings or Timings()
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.lang = lang

        self.listing: HallInfo | None = None
        self.info: WindowInfo | None = None
        self.origin: Ticket | None = None  # the ticket the current one was transferred from
        self.reasons: dict[str, Reason] = {}  # ticket id → the dispatcher's reason for calling it
        self.session: Login | None = None
        self.photos: dict[str, QImage] = {}  # staff number → public photo (004 第十四条), kept for the app's life
        self._photos_asked: set[str] = set()  # fetched, or on its way (a clerk without one: asked once)
        self.rating: RatingState | None = None
        self.last_notice: NoticePrint | None = None  # kept until printed (a reprint after a fault)
        self.notice_status: Message | None = None  # how the last one-time notice fared
        self.link_up = False  # the event stream is connected
        self.reachable = True  # the last request got an answer
        self.stream_error: ClientError | None = None
        self._auto_sign_in = False
        self._loading = False
        self._refreshing = False
        self._refresh_again = False
        self._led_busy = False
        self._led_shown: LedState | None = None

        self.outbox = Outbox(self.submit, on_change=self.changed.emit, on_reached=self._reached,
                             on_refused=self._refused)
        self.probe = QTimer(self)
        self.probe.setInterval(timings.probe_ms)
        self.probe.timeout.connect(self._probe)
        self.ticker = QTimer(self)
        self.ticker.setInterval(timings.tick_ms)
        self.ticker.timeout.connect(self.changed.emit)
        self._pad_result.connect(self._rated)
        if devices.pad is not None:
            # runs on the pad's thread (reader, deadline timer): only hand over to the GUI thread
            devices.pad.on_rating = lambda visit, score: self._pad_result.emit(visit, score)

    def _guarded(self, submit: Submit) -> Submit:
        """``submit`` whose answers are dropped once the terminal is closing (they may arrive late)."""
        def run(fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
                on_error: Callable[[BaseException], None] | None = None, **kwargs: Any) -> None:
            def done(result: Any) -> None:
                if not self._closed and on_done is not None:
                    on_done(result)

            def failed(exc: BaseException) -> None:
                if self._closed:
                    return
                if on_error is not None:
                    on_error(exc)
                else:
                    log.warning("%s failed: %s", getattr(fn, "__name__", fn), exc)

            submit(fn, *args, on_done=done, on_error=failed, **kwargs)

        return run

    # -- state the window reads -------------------------------------------------------------------------
    @property
    def online(self) -> bool:
        return self.link_up and self.reachable

    @property
    def idle(self) -> bool:
        """No action waits for an answer and no read is on its way (what a test waits for)."""
        return not self.outbox.busy and not self._refreshing

    def situation(self) -> Situation:
        return Situation(self.info, self.session.staff_no if self.session else None, self.online, self.outbox.busy,
                         self.max_recalls)

    @property
    def max_recalls(self) -> int | None:
        return self.listing.rules.max_recalls if self.listing is not None else None

    def allowed(self) -> frozenset[Act]:
        return allowed(self.situation())

    def service_names(self) -> dict[str, T]:
        if self.listing is None:
            return {}
        return {s.code: T(s.name_zh, s.name_en) for s in self.listing.services}

    def materials(self, service: str) -> list[str]:
        """The service's documents from the hall config (``materials``): the 补正告知 checklist."""
        if self.listing is None:
            return []
        return next((list(s.materials) for s in self.listing.services if s.code == service), [])

    def window_name(self) -> T:
        if self.listing is not None:
            for w in self.listing.windows:
                if w.number == self.window_no:
                    return T(w.name_zh, w.name_en)
        return T(f"{self.window_no} 号窗口", f"Window {self.window_no}")

    # -- start-up, the link, refreshing -------------------------------------------------------------------
    def start(self) -> None:
        self.ticker.start()
        self.load_listing()

    def load_listing(self) -> None:
        if self._loading:
            return  # one at a time: a hanging server must not collect a queue of them
        self._loading = True
        self.submit(self.device.halls, on_done=self._listing_loaded, on_error=self._listing_failed)

    def _listing_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._request_failed(exc)

    def _listing_loaded(self, listing: Any) -> None:
        self._loading = False
        self._reached(True, None)
        try:
            hall = listing.hall(self.hall) if self.hall else listing.halls[0]
        except (KeyError, IndexError):
            self.stream_error = ClientError(f"服务器上没有大厅 {self.hall}", f"the server has no hall {self.hall}")
            self.changed.emit()
            return
        first = self.listing is None
        self.listing, self.hall = hall, hall.id
        # the hall's zone as the server names it (issue 15 §6): pause-until times, the LED, the one-time
        # notice and the log lines; the constructor's zone stands until then
        self.tz = ZoneInfo(listing.timezone)
        logs.use_zone(self.tz)
        if first:
            self._start_stream(hall.id)
        self.refresh()
        self.changed.emit()

    def on_connection(self, up: bool) -> None:
        self.link_up = up
        if up:
            self.reachable = True
            self.outbox.retry()
            self.refresh()
        self._watch_link()
        self.changed.emit()

    def on_event(self, message: dict[str, Any]) -> None:
        data = message.get("data") or {}
        if message.get("kind") == "ticket.called" and _window_of(data) == self.window_no:
            ticket = data.get("ticket") or {}
            if ticket.get("id") and data.get("reason_zh"):
                self.reasons[ticket["id"]] = Reason.of({"zh": data["reason_zh"], "en": data.get("reason_en", "")})
        self.refresh()  # a call anywhere changes the waiting counts; events about us change the window

    def on_snapshot(self, _snapshot: dict[str, Any]) -> None:
        self.refresh()

    def on_stream_failed(self, error: ClientError) -> None:
        """The server refused the device token for good: say so (an administrator must act)."""
        self.stream_error = error
        self.link_up = False
        self.changed.emit()

    def refresh(self) -> None:
        """Read the window again (coalesced: at most one read on its way, one more queued)."""
        if self.hall is None or self._closed:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self.submit(self._read_window, self.hall, on_done=self._window_read, on_error=self._read_failed)

    def _read_window(self, hall: str) -> tuple[WindowInfo, Ticket | None]:
        """On the worker: the window, and the ticket its current one was transferred from."""
        info = self.device.window(hall, self.window_no)
        origin = None
        if info.current is not None and info.current.transferred_from:
            origin = self.device.ticket(hall, info.current.transferred_from)
        return info, origin

    def _window_read(self, result: tuple[WindowInfo, Ticket | None]) -> None:
        self._refreshing = False
        self._reached(True, None)
        info, origin = result
        if self.info is None or info.seq >= self.info.seq:
            self.info, self.origin = info, origin
            if len(self.reasons) > MAX_REASONS:  # only the visitor at the window needs theirs
                current = info.current.id if info.current is not None else None
                self.reasons = {k: v for k, v in self.reasons.items() if k == current}
            self._update_led()
            # sign in once the window is free and the link is up; a window someone holds offers takeover
            if self._auto_sign_in and self.session is not None and (
                    self.situation().holder is not None or self.act(Act.SIGN_IN)):
                self._auto_sign_in = False
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()
        self.changed.emit()

    def _read_failed(self, exc: BaseException) -> None:
        self._refreshing = False
        self._refresh_again = False
        self._request_failed(exc)

    def _request_failed(self, exc: BaseException) -> None:
        if transient(exc):
            self._reached(False, exc)
        else:
            log.warning("request refused: %s", exc)
            self.message.emit(Message("error", _text(exc)))

    def _reached(self, ok: bool, exc: BaseException | None) -> None:
        if ok != self.reachable:
            log.info("server %s", "reachable again" if ok else f"unreachable: {exc}")
        self.reachable = ok
        self._watch_link()
        self.changed.emit()

    def _watch_link(self) -> None:
        """While offline, a pending action, or no hall listing yet: try again every ``probe_ms``."""
        needed = not self.online or self.outbox.held or self.listing is None
        if needed and not self.probe.isActive() and not self._closed:
            self.probe.start()
        elif not needed:
            self.probe.stop()

    def _probe(self) -> None:
        if self.listing is None:
            self.load_listing()
        elif self.outbox.held:
            self.outbox.retry()
        elif not self.reachable:
            self.refresh()
        self._watch_link()

    # -- login and leaving --------------------------------------------------------------------------------
    def login(self, staff_no: str, pin: str) -> None:
        staff_no, pin = staff_no.strip(), pin.strip()
        if not staff_no or not pin:
            self.login_failed.emit(texts.LOGIN_EMPTY)
            return
        self.submit(self.clerk.login, staff_no, pin, on_done=self._logged_in, on_error=self._login_error)

    def _logged_in(self, login: Login) -> None:
        self._reached(True, None)
        if self.window_no not in login.windows:
            # only authorised windows (004 第十二条): the token is of no use here, give it back
            self.submit(self.clerk.logout, on_error=lambda exc: log.warning("logout failed: %s", exc))
            shown = "、".join(str(w) for w in login.windows)
            self.login_failed.emit(texts.NOT_AUTHORISED.fill(
                window=self.window_no, windows=T(shown or texts.NO_WINDOWS.zh, shown or texts.NO_WINDOWS.en)))
            return
        self.session = login
        self._fetch_photo(login.staff_no)
        self._auto_sign_in = True  # sign in when the window is free; a window someone holds offers takeover
        self.logged_in.emit(login)
        self.refresh()
        self.changed.emit()

    @property
    def clerk_photo(self) -> QImage | None:
        """The logged-in clerk's photo for the header, once it has arrived (None: there is none)."""
        return self.photos.get(self.session.staff_no) if self.session else None

    def _fetch_photo(self, staff_no: str) -> None:
        """Once per staff number, on a device worker (a slow photo never holds up the clerk's actions)."""
        if staff_no in self._photos_asked:
            return
        self._photos_asked.add(staff_no)

        def done(image: QImage | None) -> None:
            if image is not None:
                self.photos[staff_no] = image
                self.changed.emit()

        def failed(exc: BaseException) -> None:
            log.info("photo of clerk %s not loaded (tried again at the next login): %s", staff_no, exc)
            self._photos_asked.discard(staff_no)

        self.device_submit(clerk_photo_image, self.device, staff_no, on_done=done, on_error=failed)

    def _login_error(self, exc: BaseException) -> None:
        if transient(exc):
            self._reached(False, exc)
        self.login_failed.emit(_text(exc))

    def _leave(self, after: Callable[[], None] | None = None) -> None:
        """Give the clerk token back and return to the login screen."""
        def done(_: Any = None) -> None:
            self.session = None
            self._auto_sign_in = False
            # the next clerk starts clean (issue 16): not the last one's "评价结果已记录" or notice status;
            # a rating still open on the pad is still the visitor's and is stored all the same
            self.rating = None
            self.notice_status = None
            self.logged_out.emit()
            self.changed.emit()

        self.submit(self.clerk.logout, on_done=done, on_error=lambda exc: (log.warning("logout: %s", exc), done()))

    # -- window actions -----------------------------------------------------------------------------------
    def act(self, what: Act) -> bool:
        """Start a parameterless action; False (nothing sent) if it is not allowed now."""
        if what not in self.allowed() or self.hall is None:
            return False
        hall, n, c = self.hall, self.window_no, self.clerk
        simple: dict[Act, tuple[Callable[..., Any], Callable[[Any], None]]] = {
            Act.CALL: (c.call, self._called),
            Act.RECALL: (c.recall, lambda r: self._said("ok", texts.RECALLED.fill(number=r.ticket.number,
                                                                                  n=r.ticket.recalls))),
            Act.NO_SHOW: (c.no_show, lambda r: self._said("ok", texts.NO_SHOWN.fill(number=r.ticket.number))),
            Act.START: (c.start, lambda r: self._said("ok", texts.STARTED.fill(number=r.ticket.number))),
            Act.RESUME: (c.resume, lambda r: self._said("ok", texts.RESUMED)),
            Act.SIGN_IN: (c.sign_in, lambda r: self._said("ok", texts.SIGNED_IN.fill(window=self.window_name()))),
            Act.TAKEOVER: (c.takeover, lambda r: self._said("ok", texts.TOOK_OVER)),
            Act.SIGN_OUT: (c.sign_out, lambda r: (self._said("ok", texts.SIGNED_OUT), self._leave())),
        }
        if what is Act.SWITCH:
            self._leave()
            return True
        if what not in simple:
            return False  # finish, transfer, pause take their own arguments
        fn, done = simple[what]
        self._send(what, fn, (hall, n), done)
        return True

    def finish(self, outcome: Outcome | str, materials: list[str] | None = None) -> bool:
        """Finish the current visit; 补正告知 first prints the one-time notice of ``materials``."""
        info = self.info
        if Act.FINISH not in self.allowed() or info is None or info.current is None or self.hall is None:
            return False
        outcome = Outcome(outcome)
        if outcome is Outcome.SUPPLEMENT:
            items = missing(materials or [])
            if not items:
                self.message.emit(Message("error", texts.NOTHING_TICKED))
                return False
            self._print_notice_for(info.current, items)
        self._send(Act.FINISH, self.clerk.finish, (self.hall, self.window_no, str(outcome)),
                   lambda r: self._finished(r, outcome))
        return True

    def transfer(self, service: str, note: str = "") -> bool:
        if Act.TRANSFER not in self.allowed() or self.hall is None:
            return False
        if not service:
            self.message.emit(Message("error", texts.CHOOSE_SERVICE))
            return False
        names = self.service_names()
        self._send(Act.TRANSFER, self.clerk.transfer, (self.hall, self.window_no, service, note.strip()),
                   lambda r: self._said("ok", texts.TRANSFERRED.fill(
                       number=r.ticket.number, service=names.get(service, T(service, service)))))
        return True

    def pause(self, reason: str, until: datetime | None) -> bool:
        """去向留言 (004 第十三条): ``until`` is the hall's local time (naive), or None."""
        if Act.PAUSE not in self.allowed() or self.hall is None:
            return False
        if not reason.strip():
            self.message.emit(Message("error", texts.NO_REASON))
            return False
        self._send(Act.PAUSE, self.clerk.pause, (self.hall, self.window_no, reason.strip(), until),
                   lambda r: self._said("ok", texts.PAUSED_OK))
        return True

    def requeue(self, number: str) -> bool:
        """过号重排 of a missed number at this window (the visitor came back), through the clerk's token
        so the trail names the clerk; a refusal says the server's words and the hall's rule."""
        number = number.strip().upper()
        if Act.REQUEUE not in self.allowed() or self.hall is None:
            return False
        if not number:
            self.message.emit(Message("error", texts.REQUEUE_EMPTY))
            return False
        rules = self.listing.rules if self.listing is not None else HallRules()

        def done(result: Requeued) -> None:
            self._said("ok", texts.REQUEUED.format(number=result.ticket.number, ahead=result.ahead))
            self.refresh()

        def refused(error: ClientError) -> None:
            self.message.emit(Message("error", texts.REQUEUE_REFUSED.fill(reason=_text(error),
                                                                           rule=requeue_rule(rules))))
            self.refresh()

        self.outbox.put(Pending(Act.REQUEUE.value, LABELS[Act.REQUEUE], self.clerk.requeue_ticket, (self.hall,),
                                {"number": number}, on_done=done, on_refused=refused))
        return True

    def default_return_time(self) -> datetime:
        """Now + ``pause_default_min`` in the hall's local time, to the minute."""
        at = datetime.fromtimestamp(self.timings.clock() + self.timings.pause_default_min * 60, self.tz)
        return at.replace(second=0, microsecond=0, tzinfo=None)

    def _send(self, what: Act, fn: Callable[..., Any], args: tuple[Any, ...], done: Callable[[Any], None]) -> None:
        def finished(result: Any) -> None:
            done(result)
            self.refresh()

        def refused(error: ClientError) -> None:
            self._refused_action(what, error)

        self.outbox.put(Pending(what.value, LABELS[what], fn, args, on_done=finished, on_refused=refused))

    def _called(self, result: CallResult | None) -> None:
        if result is None:
            self._said("info", texts.NOBODY)
            return
        self.reasons[result.ticket.id] = result.reason
        if self.last_notice is None:
            self.notice_status = None  # the last visitor's notice is printed and gone with them
        self._said("ok", texts.CALLED.fill(number=result.ticket.number))

    def _finished(self, result: TicketChange, outcome: Outcome) -> None:
        self._said("ok", texts.FINISHED.fill(number=result.ticket.number, outcome=texts.OUTCOMES[outcome]))
        self._open_rating(result.ticket)

    def _said(self, level: str, text: T) -> None:
        self.message.emit(Message(level, text))

    def _refused_action(self, what: Act, error: ClientError) -> None:
        if isinstance(error, ApiError) and error.status == 401 and what is not Act.SIGN_OUT:
            # the clerk's token ran out (8 h) or was revoked: log in again; nothing was applied
            self.session = None
            self.logged_out.emit()
        self.message.emit(Message("error", _text(error)))
        self.refresh()

    def _refused(self, action: Pending, error: ClientError) -> None:
        self.message.emit(Message("error", _text(error)))

    # -- rating (DOMAIN rule 8; 004 第三十三条: voluntary, one per visit, never by the clerk) ------------------
    def _open_rating(self, ticket: Ticket) -> None:
        pad = self.devices.pad
        if pad is None:
            self.rating = RatingState(ticket.id, ticket.number, RatingPhase.NO_PAD)
            self.changed.emit()
            return
        self.rating = RatingState(ticket.id, ticket.number, RatingPhase.OPEN,
                                  deadline=time.monotonic() + self.timings.rating_s)
        self.device_submit(pad.open_rating, ticket.id, self.timings.rating_s, on_error=self._pad_failed)
        self.changed.emit()

    def _pad_failed(self, exc: BaseException) -> None:
        log.warning("rating pad not opened: %s", exc)
        if self.rating is not None and self.rating.phase is RatingPhase.OPEN:
            self.rating = replace(self.rating, phase=RatingPhase.NONE)
        self.message.emit(Message("error", _text(exc)))
        self.changed.emit()

    @Slot(str, object)
    def _rated(self, visit_id: str, score: Any) -> None:
        """The pad ended a visit's rating (on the GUI thread): send it, or 未评价 (``None``) — never a
        default grade. The device client sends it: the rating is the visitor's, not the clerk's."""
        if self._closed or self.hall is None:
            return
        value = None if score is None else int(score)
        if self.rating is not None and self.rating.ticket_id == visit_id:
            phase = RatingPhase.GIVEN if value is not None else RatingPhase.NONE
            self.rating = replace(self.rating, phase=phase, rated=value is not None)

        def stored(_record: Any) -> None:
            if self.rating is not None and self.rating.ticket_id == visit_id:
                self.rating = replace(self.rating, phase=RatingPhase.STORED)
            self.changed.emit()

        def refused(error: ClientError) -> None:
            if isinstance(error, ApiError) and error.code == "already_rated":
                stored(None)  # one per visit: it is recorded already
                return
            self.message.emit(Message("error", _text(error)))

        self.outbox.put(Pending("rate", texts.RATE, self.device.rate, (self.hall, visit_id, value),
                                on_done=stored, on_refused=refused))
        self.changed.emit()

    # -- one-time notice (003 §14, 004 第二十五条) ------------------------------------------------------------
    def _print_notice_for(self, ticket: Ticket, items: list[str]) -> None:
        session, listing = self.session, self.listing
        if session is None or listing is None:
            return
        try:
            self.last_notice = notice_for(listing, self.window_no, ticket, session.name, session.staff_no, items,
                                          self.timings.clock(), self.tz, lang="en" if self.lang == "en" else "zh")
        except DeviceError as exc:  # PrintContentError: an item the printer cannot take
            self._notice(Message("error", texts.NOTICE_FAILED.fill(reason=T(exc.zh, exc.en))))
            return
        self.print_notice()

    def print_notice(self) -> None:
        """Print the last one-time notice (again, after a printer fault)."""
        notice, printer = self.last_notice, self.devices.printer
        if notice is None:
            return
        if printer is None:
            self._notice(Message("error", texts.NO_PRINTER))
            return

        def printed(_: Any) -> None:
            self.last_notice = None
            self._notice(Message("ok", texts.NOTICE_PRINTED.fill(n=len(notice.materials))))

        def failed(exc: BaseException) -> None:
            log.warning("one-time notice not printed: %s", exc)
            self._notice(Message("error", texts.NOTICE_FAILED.fill(reason=_text(exc))))

        self.device_submit(printer.print_notice, notice, on_done=printed, on_error=failed)

    def _notice(self, status: Message) -> None:
        """The notice's fate stays on screen (the status line moves on with the finish)."""
        self.notice_status = status
        self.message.emit(status)
        self.changed.emit()

    # -- LED ----------------------------------------------------------------------------------------------
    def _update_led(self) -> None:
        """Show the window's state on its LED; one write at a time, the newest state wins."""
        led = self.devices.led
        if led is None or self.info is None or self._led_busy or self._closed:
            return
        want = led_state(self.info, self.tz)
        if want == self._led_shown:
            return
        self._led_busy = True
        self.device_submit(led.show, want.window_no, want.ticket or None, want.text,
                           on_done=lambda _: self._led_written(want), on_error=lambda exc: self._led_failed(want, exc))

    def _led_written(self, shown: LedState) -> None:
        self._led_busy = False
        self._led_shown = shown
        self._update_led()  # the window may have changed meanwhile

    def _led_failed(self, wanted: LedState, exc: BaseException) -> None:
        self._led_busy = False
        self._led_shown = None  # unknown: write again on the next change
        log.warning("window LED did not take %r: %s", wanted.text, exc)

    # -- shutting down ------------------------------------------------------------------------------------
    def close(self) -> None:
        self._closed = True
        self.outbox.close()
        self.probe.stop()
        self.ticker.stop()
        if self.devices.pad is not None:
            self.devices.pad.on_rating = None


def _window_of(data: dict[str, Any]) -> int | None:
    window = data.get("window")
    if isinstance(window, dict):
        return window.get("number")
    return window if isinstance(window, int) else None


def _text(exc: BaseException) -> T:
    """What to tell the clerk about a failure: the error's own two languages when it has them."""
    if isinstance(exc, ClientError | DeviceError):
        return T(exc.zh, exc.en)
    return T(str(exc), str(exc))
