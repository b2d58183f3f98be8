"""The kiosk's only I/O: the hall server (through ``client``), the printer, the speaker and the
device checks. The window calls its methods (intents) and listens to its signals (results).

Every blocking call goes through ``submit`` (a worker thread), so no device or network fault can
freeze the screen, and each has a bound: the HTTP client's timeout × retries, the drivers' check
limits, and a watchdog on printing (:attr:`print_limit_ms`).

Faults (issue 5, DOMAIN rule 1):

* server unreachable (or the kiosk's token refused) → ``server_state(False)``: the window shows
  "暂停取号，请联系工作人员" and issues nothing. A probe — the device heartbeat, which needs the
  kiosk's token — runs every ``probe_ms`` until it passes → ``server_state(True)``.
* printer fails on a ticket → the ticket stays issued (``print_failed``), the heartbeat goes out at
  once so the server sees the printer's FAIL, and the heartbeat keeps checking (every ``probe_ms``
  while faulty) until the printer is OK again → ``printer_state``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from client import logs
from client.errors import ApiError, ClientError
from client.i18n import Lang, T
from client.models import CheckIn, HallsListing, Issued, Requeued
from drivers.diag.checks import check_device
from drivers.diag.heartbeat import Heartbeat
from drivers.errors import DeviceError
from drivers.health import Health, Level

from . import booking
from .catalog import Catalog
from .ticketview import TicketView
from .timings import Timings

log = logging.getLogger("hallq.kiosk")

Submit = Callable[..., None]  # submit(fn, *args, on_done=…, on_error=…)

#: server refusals that are facts of the hall, said plainly on a notice (never as a fault)
PLAIN_REFUSALS = frozenset({"closed", "daily_cap", "unknown_service",
                            "per_person_limit", "card_required"})  # issue 18: 凭身份证取号 services
#: check-in refusals (docs/booking.md): the visitor is told why, and offered a regular ticket
CHECK_IN_REFUSALS = frozenset({"unknown_booking", "appointment_early", "not_today", "checkin_closed",
                               "already_checked_in", "booking_cancelled", "closed", "daily_cap", "bad_person",
                               "rate_limited", "invalid_request"})
#: 过号重排 refusals: said with the server's words and the hall's rule, a new ticket one tap away
REQUEUE_REFUSALS = frozenset({"requeue_expired", "not_missed", "unknown_ticket", "invalid_request", "closed"})
MAINTENANCE_ROLE = "maintenance"


def _health(device: str, level: Level, zh: str, en: str, **facts: object) -> Health:
    return Health(device, level, zh, en, dict(facts))


def _print(printer: Any, ticket: Any) -> DeviceError | None:
    """Print on a worker; a device fault is an expected answer here, returned rather than raised."""
    try:
        printer.print_ticket(ticket)
    except DeviceError as exc:
        return exc
    return None


class KioskController(QObject):
    catalog_ready = Signal(object)        # Catalog
    server_state = Signal(bool)           # True: tickets can be issued
    issued = Signal(object)               # TicketView
    refused = Signal(str, str, str)       # code, zh, en (closed, daily_cap …)
    checked_in = Signal(object, object)   # TicketView, what the server said (T)
    check_in_refused = Signal(str, str, str)  # code, zh, en (unknown_booking, appointment_early …)
    booking_unavailable = Signal()        # a server without the booking API
    requeued = Signal(object, object)     # TicketView, what to tell the visitor (T): 过号重排 done
    requeue_refused = Signal(str, str, str)  # code, zh, en (requeue_expired, not_missed, unknown_ticket …)
    printed = Signal(str)                 # ticket id
    print_failed = Signal(str, object)    # ticket id, printer Health
    printer_state = Signal(object)        # printer Health (OK again clears the fault)
    login_ok = Signal(str)                # the maintenance clerk's name
    login_failed = Signal(str, str)       # zh, en
    check_done = Signal(str, object)      # check name, Health

    def __init__(self, client: Any, devices: Any, *, submit: Submit, hall: str | None = None,
                 heartbeat: Heartbeat | None = None, timings: Timings | None = None,
                 tz: str | ZoneInfo = "Asia/Shanghai", print_limit_ms: int = 10_000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.devices = devices
        self.submit = submit
        self.hall = hall
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.timings = timings = timings or Timings()
        self.print_limit_ms = print_limit_ms
        self.heartbeat = heartbeat or Heartbeat(client, devices, timings.heartbeat_ms / 1000)
        self.catalog: Catalog | None = None
        self.server_ok: bool | None = None
        self.printer_ok = True
        self.busy = False  # one ticket at a time: a double tap must not issue two
        self.card: Any = None  # kiosk.cardflow.LaidCard while a visitor's ID card is in use (issue 18)
        self._beating = False
        self._printing: dict[str, QTimer] = {}
        self.beat_timer = QTimer(self)
        self.beat_timer.setSingleShot(True)
        self.beat_timer.timeout.connect(self.beat)

    # -- start-up and the probe --------------------------------------------------------------------
    def start(self) -> None:
        self.load_catalog()
        self.beat()

    def load_catalog(self) -> None:
        self.submit(self.client.halls, on_done=self._catalog_loaded, on_error=self._unreachable)

    def _catalog_loaded(self, listing: HallsListing) -> None:
        if not listing.halls:
            self._unreachable(ApiError(404, "unknown_hall", "服务器没有配置大厅", "the server has no hall"))
            return
        try:
            hall = listing.hall(self.hall) if self.hall else listing.halls[0]
        except KeyError:
            self._unreachable(ApiError(404, "unknown_hall", f"服务器没有大厅 {self.hall}",
                                       f"the server has no hall {self.hall}"))
            return
        self.hall = hall.id
        self.tz = ZoneInfo(listing.timezone)  # the hall's zone, as the server names it
        logs.use_zone(self.tz)  # and the kiosk's log lines with it
        self.catalog = Catalog.from_hall(hall)
        self.catalog_ready.emit(self.catalog)

    def beat(self) -> None:
        """One heartbeat round off the GUI thread: device health to the server (and back to us)."""
        if self._beating:
            return
        self._beating = True
        self.submit(self.heartbeat.beat, on_done=self._beaten, on_error=self._beat_crashed)

    def _beaten(self, accepted: bool) -> None:
        self._beating = False
        printer = next((h for h in self.heartbeat.last_health if h.device == "printer"), None)
        if printer is not None:
            self._set_printer(printer)
        if accepted:
            self._set_server(True)
            if self.catalog is None:
                self.load_catalog()
        elif isinstance(self.heartbeat.last_error, (ClientError, OSError)):
            self._unreachable(self.heartbeat.last_error)
        self._schedule()

    def _beat_crashed(self, exc: BaseException) -> None:  # Heartbeat.beat never raises; belt and braces
        self._beating = False
        log.error("heartbeat round crashed: %r", exc)
        self._schedule()

    def _schedule(self) -> None:
        faulty = self.server_ok is False or not self.printer_ok
        self.beat_timer.start(self.timings.probe_ms if faulty else self.timings.heartbeat_ms)

    def _set_server(self, ok: bool) -> None:
        if ok != self.server_ok:
            self.server_ok = ok
            self.server_state.emit(ok)

    def _set_printer(self, health: Health) -> None:
        """WARN (paper low) still prints; a fault is re-announced each round (its detail may change)."""
        ok = health.level in (Level.OK, Level.WARN)
        changed = ok != self.printer_ok
        self.printer_ok = ok
        if changed or not ok:
            self.printer_state.emit(health)

    def _unreachable(self, exc: BaseException) -> None:
        log.warning("server not usable: %s", exc)
        self._set_server(False)
        if not self.beat_timer.isActive() and not self._beating:
            self.beat_timer.start(self.timings.probe_ms)

    # -- tickets -----------------------------------------------------------------------------------
    def issue(self, service: str, lane: str, lang: Lang) -> bool:
        """Ask the server for a ticket; False (nothing sent) while another is on its way."""
        if self.busy or self.hall is None:
            return False
        self.busy = True
        card = self.card  # a laid ID card: its keyed hash and facts, never the number (issue 18)
        extra = {"person_hash": card.person_hash, "card": card.facts()} if card is not None else {}
        self.submit(self.client.issue, self.hall, service, lane, **extra,
                    on_done=lambda issued: self._issued(issued, lang), on_error=self._issue_failed)
        return True

    def _view(self, issued: Issued) -> TicketView:
        cat = self.catalog
        return TicketView.of(issued, hall_name_zh=cat.hall_name_zh if cat else "",
                             hall_name_en=cat.hall_name_en if cat else "", tz=self.tz.key)

    def _issued(self, issued: Issued, lang: Lang) -> None:
        self.busy = False
        self._set_server(True)
        view = self._view(issued)
        self.issued.emit(view)
        self.print_ticket(view, lang)

    # -- booking check-in (issue 8) ------------------------------------------------------------------
    def check_in(self, value: str, lang: Lang) -> bool:
        """预约签到 by booking code or phone number (``kiosk.booking`` classifies); False if not sent."""
        kind = booking.classify(value)
        if kind is None or self.busy or self.hall is None:
            return False
        self.busy = True
        value = booking.normalise(value)
        args = {"code": value} if kind == "code" else {"phone": value}
        self.submit(lambda: self.client.check_in(self.hall, **args),
                    on_done=lambda done: self._checked_in(done, lang), on_error=self._check_in_failed)
        return True

    def _checked_in(self, done: CheckIn, lang: Lang) -> None:
        self.busy = False
        self._set_server(True)
        view = self._view(done)
        self.checked_in.emit(view, T(done.message.zh, done.message.en))
        self.print_ticket(view, lang)

    def _check_in_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, ApiError) and exc.code == "not_found":  # the route is missing: no booking API
            self.booking_unavailable.emit()
        elif isinstance(exc, ApiError) and exc.code in CHECK_IN_REFUSALS:
            self.check_in_refused.emit(exc.code, exc.zh, exc.en)
        else:
            self._unreachable(exc)

    # -- 过号重排 (issue 16) -------------------------------------------------------------------------
    def requeue(self, kind: str, value: str, lang: Lang) -> bool:
        """A missed number back into its queue, by ``kind`` "number" (typed) or "track" (the scanned QR
        URL); False if nothing was sent (another request is on its way)."""
        if self.busy or self.hall is None or kind not in ("number", "track"):
            return False
        self.busy = True
        self.submit(lambda: self.client.requeue_ticket(self.hall, **{kind: value}),
                    on_done=lambda done: self._requeued(done, lang), on_error=self._requeue_failed)
        return True

    def _requeued(self, done: Requeued, lang: Lang) -> None:
        from . import texts

        self.busy = False
        self._set_server(True)
        t = done.ticket
        cat = self.catalog
        view = TicketView(t.id, t.number, t.service, t.service_name_zh or t.service, t.service_name_en or t.service,
                          str(t.lane.value), done.ahead, done.estimated_wait_s, done.track_url or "", t.issued_at,
                          cat.hall_name_zh if cat else "", cat.hall_name_en if cat else "",
                          done.wait_low_min, done.wait_high_min)
        self.requeued.emit(view, texts.REQUEUE_DONE)
        self.print_ticket(view, lang)  # the new place and wait, on paper like any ticket

    def _requeue_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, ApiError) and exc.code in REQUEUE_REFUSALS:
            self.requeue_refused.emit(exc.code, exc.zh, exc.en)
        else:
            self._unreachable(exc)

    def _issue_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, ApiError) and exc.code in PLAIN_REFUSALS:
            self.refused.emit(exc.code, exc.zh, exc.en)
            return
        # unreachable, token refused, a 5xx: the kiosk cannot issue → banner, no ticket, probe
        self._unreachable(exc)

    def print_ticket(self, view: TicketView, lang: Lang) -> None:
        printer = self.devices.printer
        if printer is None:
            self.print_failed.emit(view.id, _health("printer", Level.FAIL, "未配置打印机", "no printer configured"))
            return
        watchdog = QTimer(self)
        watchdog.setSingleShot(True)
        limit = self.print_limit_ms / 1000
        watchdog.timeout.connect(lambda: self._print_error(view.id, DeviceError(
            f"打印超过 {limit:g} 秒未完成", f"printing took over {limit:g} s")))
        self._printing[view.id] = watchdog
        watchdog.start(self.print_limit_ms)
        self.submit(_print, printer, view.to_print(lang, tz=self.tz), on_done=lambda error: (
            self._print_done(view.id) if error is None else self._print_error(view.id, error)),
            on_error=lambda e: self._print_error(view.id, e))

    def _print_done(self, ticket_id: str) -> None:
        watchdog = self._printing.pop(ticket_id, None)
        if watchdog is None:  # the watchdog already gave up on it
            return
        watchdog.stop()
        self.printed.emit(ticket_id)

    def _print_error(self, ticket_id: str, exc: BaseException) -> None:
        watchdog = self._printing.pop(ticket_id, None)
        if watchdog is None:
            return
        watchdog.stop()
        status = getattr(exc, "status", None)
        if status is not None and hasattr(status, "health"):
            health = status.health()
        else:
            zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))
            health = _health("printer", Level.FAIL, zh, en)
        log.warning("ticket %s not printed: %s", ticket_id, exc)
        self.printer_ok = False
        self.printer_state.emit(health)
        self.print_failed.emit(ticket_id, health)
        self.beat()  # the fault goes to the server now, not at the next round

    # -- voice -------------------------------------------------------------------------------------
    def say(self, text: str | None) -> None:
        announcer = self.devices.announcer
        if announcer is None or not text:
            return
        try:
            announcer.say(text)  # queues and returns: the announcer's own thread speaks
        except (DeviceError, ValueError) as exc:
            log.warning("voice guidance not spoken: %s", exc)

    # -- maintenance -------------------------------------------------------------------------------
    def maintenance_login(self, staff_no: str, pin: str) -> None:
        if not staff_no or not pin:
            self.login_failed.emit("请输入工号和密码", "enter the staff number and PIN")
            return
        self.submit(self._verify_maintenance, staff_no, pin, on_done=self._login_checked,
                    on_error=self._login_error)

    def _verify_maintenance(self, staff_no: str, pin: str) -> tuple[bool, str]:
        """The server's login decides (PIN, lockout); the clerk token is revoked at once. Returns
        (is a maintenance clerk, "name（staff no）")."""
        login = self.client.login(staff_no, pin, adopt=False)  # the kiosk keeps its device token
        clerk_client = type(self.client)(self.client.base_url, login.token, timeout=self.client.timeout, retries=0)
        try:
            clerk_client.logout()
        except ClientError as exc:
            log.warning("maintenance token not revoked: %s", exc)
        finally:
            clerk_client.close()
        return login.role == MAINTENANCE_ROLE, f"{login.name}（{login.staff_no}）"

    def _login_checked(self, result: tuple[bool, str]) -> None:
        ok, who = result
        if ok:
            self.login_ok.emit(who)
        else:
            from . import texts

            self.login_failed.emit(texts.NOT_MAINTENANCE.zh, texts.NOT_MAINTENANCE.en)

    def _login_error(self, exc: BaseException) -> None:
        if isinstance(exc, ClientError):
            self.login_failed.emit(exc.zh, exc.en)
        else:
            self.login_failed.emit(str(exc), str(exc))

    def run_check(self, name: str) -> None:
        checks = {"test_print": self._test_print, "paper": self._paper, "speaker": self._speaker,
                  "server": self._server, "idcard": self._idcard}
        fn = checks.get(name)
        if fn is None:
            raise ValueError(f"unknown check {name!r}")
        self.submit(fn, on_done=lambda h: self.check_done.emit(name, h),
                    on_error=lambda e: self.check_done.emit(name, _health(name, Level.FAIL, str(e), str(e))))

    def _test_print(self) -> Health:
        from drivers.diag.actions import print_test_ticket

        if self.devices.printer is None:
            return _health("printer", Level.FAIL, "未配置打印机", "no printer configured")
        try:
            n = print_test_ticket(self.devices.printer, now=datetime.now(self.tz))  # the hall's time
        except DeviceError as exc:
            return _health("printer", Level.FAIL, exc.zh, exc.en)
        return _health("printer", Level.OK, f"测试票已打印（{n} 字节）", f"test ticket printed ({n} bytes)", bytes=n)

    def _paper(self) -> Health:
        if self.devices.printer is None:
            return _health("printer", Level.FAIL, "未配置打印机", "no printer configured")
        return check_device("printer", self.devices.printer, fresh=True)

    def _speaker(self) -> Health:
        from drivers.diag.actions import play_test_call

        announcer = self.devices.announcer
        if announcer is None:
            return _health("announcer", Level.FAIL, "未配置语音播报", "no speaker configured")
        try:
            item = play_test_call(announcer, timeout_s=60)
        except DeviceError as exc:
            return _health("announcer", Level.FAIL, exc.zh, exc.en)
        if item.error:
            return _health("announcer", Level.FAIL, f"测试播报失败：{item.error}", f"test call failed: {item.error}")
        return _health("announcer", Level.OK, f"已播放：{item.text}", f"played: {item.text}")

    def _idcard(self) -> Health:
        """The reader's SAM status (issue 18); a card laid now is read by the card flow, not here."""
        if self.devices.idcard is None:
            return _health("idcard", Level.FAIL, "未配置身份证读卡器", "no ID card reader configured")
        return check_device("idcard", self.devices.idcard, fresh=True)

    def _server(self) -> Health:
        import time

        started = time.monotonic()
        try:
            self.client.health()
        except ClientError as exc:
            return _health("server", Level.FAIL, exc.zh, exc.en)
        ms = (time.monotonic() - started) * 1000
        return _health("server", Level.OK, f"服务器连接正常（{ms:.0f} 毫秒）", f"server reachable ({ms:.0f} ms)",
                       url=self.client.base_url)

    def close(self) -> None:
        self.beat_timer.stop()
        for watchdog in self._printing.values():
            watchdog.stop()
        self._printing.clear()
