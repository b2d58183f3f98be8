"""``HallClient``: the apps' synchronous HTTP client for ``/api/v1`` (one method per endpoint).

Retry rule (one place: :meth:`HallClient._send`):

* A request is *replayable* when the server applies it at most once however often it arrives: every
  GET, and every mutating POST, which always carries an ``Idempotency-Key`` (a fresh uuid4, or the key
  the caller passes). Replayable requests are retried on connection errors, timeouts and
  502/503/504 **with the same key**, so a counter's action whose answer was lost is neither lost nor
  applied twice: the server replays the stored answer (``Idempotent-Replayed: true``).
* Login is not replayable (the server does not take keys there); it is retried only when the request
  surely never left (connect error/timeout).
* 4xx and other 5xx are never retried: they raise :class:`ApiError` at once.
* At most ``retries`` retries, spaced by :class:`~client.backoff.Backoff` (0.1 s doubling to
  2 s, jittered); then :class:`ServerUnreachable`. Worst case ≈ (retries + 1) · timeout + 1.5 s.

httpx's own ``HTTPTransport(retries=…)`` retries only failed *connects*, not timeouts, dropped answers
or 502–504, so it cannot give this guarantee; that is why the loop is here.

Threading: a ``HallClient`` may be shared by threads (httpx's pool is locked), but calls block; GUI
code goes through :class:`client.qt.QtHallLink`, which runs them on a worker thread.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlsplit

import httpx

from .backoff import Backoff
from .errors import ApiError, BadResponse, ClientError, ServerUnreachable
from .models import (
    CallResult,
    CheckIn,
    Device,
    HallsListing,
    Issued,
    Login,
    Rating,
    Requeued,
    Snapshot,
    Ticket,
    TicketChange,
    Track,
    WindowChange,
    WindowInfo,
)

log = logging.getLogger("hallq.client")

API = "/api/v1"
RETRY_STATUSES = frozenset({502, 503, 504})  # a proxy or a restarting server: worth another try
# transport failures after which the request surely never reached the server
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


def _seg(value: str | int) -> str:
    """One URL path segment, escaped (hall ids and ticket ids are plain, but never trust that)."""
    return quote(str(value), safe="")


class HallClient:
    """Synchronous client of one hallq server.

    ``token`` is a device token (kiosk, counter, display, pad) or a clerk token from :meth:`login`;
    it is sent as ``Authorization: Bearer``. ``timeout`` is per attempt, in seconds. ``transport``
    replaces httpx's network transport (tests, proxies).

    >>> HallClient("ftp://hall")
    Traceback (most recent call last):
    ...
    ValueError: 服务器地址须以 http:// 或 https:// 开头（server URL must start with http:// or https://）: 'ftp://hall'
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 5.0,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise ValueError(
                "服务器地址须以 http:// 或 https:// 开头（server URL must start with http:// or "
                f"https://）: {base_url!r}"
            )
        if retries < 0:
            raise ValueError(f"retries must be ≥ 0, not {retries}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self._backoff = backoff or Backoff(first=0.1, cap=2.0)
        self._closed = threading.Event()
        self._token_before_login: str | None = None
        self._logged_in = False
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "hallq-client/1"},
        )

    # -- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connections; a retry waiting in its backoff gives up at once."""
        self._closed.set()
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HallClient({self.base_url!r}, token={'set' if self.token else None})"

    # -- the one request path ------------------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        key: str | None = None,
        replayable: bool,
    ) -> httpx.Response:
        if self._closed.is_set():
            raise ClientError("客户端已关闭", "the client is closed")
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        delays = self._backoff.delays()
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._http.request(method, path, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                if self._closed.is_set():
                    raise ServerUnreachable(self.base_url, "client closed", attempts) from exc
                failure = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if not (replayable or isinstance(exc, _NOT_SENT)):
                    # the request may have been applied: repeating it without a key is not safe
                    raise ServerUnreachable(self.base_url, failure, attempts) from exc
                cause: BaseException | None = exc
            else:
                if not (replayable and response.status_code in RETRY_STATUSES):
                    return response
                failure, cause = f"HTTP {response.status_code}", None
            if attempts > self.retries:
                raise ServerUnreachable(self.base_url, failure, attempts) from cause
            delay = next(delays)
            log.warning(
                "%s %s failed (%s); retry %d/%d in %.2f s%s",
                method, path, failure, attempts, self.retries, delay,
                f" with Idempotency-Key {key}" if key else "",
            )
            if self._closed.wait(delay):
                raise ServerUnreachable(self.base_url, "client closed", attempts) from cause

    def _json(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        key: str | None = None,
        replayable: bool = True,
    ) -> Any:
        """Send, then decode: 204 → None, 2xx → the JSON value, else raise ApiError."""
        response = self._send(
            method, path, json=json, params=params, key=key, replayable=replayable
        )
        if response.is_success:
            if response.status_code == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError as exc:
                raise BadResponse(f"{method} {path}", f"not JSON: {exc}") from None
        raise api_error(response)

    def _mutate(self, path: str, body: Any = None, key: str | None = None) -> Any:
        """POST a mutation with an Idempotency-Key (the caller's, or a fresh uuid4)."""
        return self._json("POST", path, json=body, key=key or uuid.uuid4().hex)

    # -- public reference data -------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """GET /healthz: ``{"ok": true, "halls": […], "ws_clients": n}`` (maintenance diagnostics)."""
        return self._json("GET", "/healthz")

    def halls(self) -> HallsListing:
        """Halls with their categories, services and windows (public)."""
        return HallsListing.of(self._json("GET", f"{API}/halls"))

    def clerk_photo(self, staff_no: str) -> bytes | None:
        """The clerk's public photo (004 第十四条: shown with the window information) as the file's
        bytes, or None when the clerk has none (404 ``no_photo``)."""
        path = f"{API}/clerks/{_seg(staff_no)}/photo"
        response = self._send("GET", path, replayable=True)
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise api_error(response)
        return response.content

    # -- staff login ---------------------------------------------------------------------------------
    def login(self, staff_no: str, pin: str, *, adopt: bool = True) -> Login:
        """Clerk login with staff number and PIN. With ``adopt`` (the default) this client then
        acts as the clerk; :meth:`logout` returns it to the token it had before (the device's)."""
        result = Login.of(
            self._json(
                "POST",
                f"{API}/auth/login",
                json={"staff_no": staff_no, "pin": pin},
                replayable=False,
            )
        )
        if adopt:
            if not self._logged_in:
                self._token_before_login = self.token
            self.token, self._logged_in = result.token, True
        return result

    def logout(self) -> None:
        """Revoke the clerk token and go back to the token held before :meth:`login`.

        An already revoked or expired token (401) counts as logged out: that was the goal."""
        try:
            self._json("POST", f"{API}/auth/logout")  # revoking twice is harmless: replayable
        except ApiError as exc:
            if exc.status != 401:
                raise
        if self._logged_in:
            self.token, self._logged_in = self._token_before_login, False

    # -- tickets ---------------------------------------------------------------------------------------
    def issue(
        self,
        hall: str,
        service: str,
        lane: str = "normal",
        channel: str = "kiosk",
        *,
        idempotency_key: str | None = None,
        person_hash: str | None = None,
        card: Mapping[str, str] | None = None,
    ) -> Issued:
        """Take a ticket (kiosk). ApiError ``closed`` outside hours, ``daily_cap`` when full. With a laid ID
        card (issue 18): its keyed hash and facts (``card``: kind, age_band); ``per_person_limit`` when the
        person had today's tickets of a limited service, ``card_required`` for one without a card."""
        body: dict[str, Any] = {"service": service, "lane": str(lane), "channel": channel}
        if person_hash is not None:
            body["person_hash"] = person_hash
        if card is not None:
            body["card"] = dict(card)
        return Issued.of(self._mutate(f"{API}/halls/{_seg(hall)}/tickets", body, idempotency_key))

    def check_in(
        self,
        hall: str,
        *,
        code: str | None = None,
        phone: str | None = None,
        idempotency_key: str | None = None,
        card: str | None = None,
    ) -> CheckIn:
        """预约签到 (kiosk, counter): by booking code or the phone number booked with, exactly one.
        ``card``: with a code, the keyed hash of the ID card the kiosk's reader read (``vocab.cardhash``) —
        what an unverified ID booking needs at a kiosk (issue 13; else ``card_required``).
        ApiError ``unknown_booking``, ``appointment_early``, ``not_today``, ``checkin_closed``,
        ``already_checked_in``, ``booking_cancelled``, ``closed``, ``bad_person``, ``card_required``
        (docs/booking.md)."""
        if (code is None) == (phone is None):
            raise ValueError("give exactly one of code and phone")
        body: dict[str, str] = {"code": code} if code is not None else {"phone": phone}
        if card is not None:
            body["card"] = card
        return CheckIn.of(self._mutate(f"{API}/halls/{_seg(hall)}/bookings/check-in", body, idempotency_key))

    # -- ID card at the kiosk (issue 18) ---------------------------------------------------------------
    def card_key(self) -> bytes:
        """The key this kiosk hashes ID numbers with (``vocab.cardhash``); kiosk tokens only."""
        body = self._json("GET", f"{API}/devices/card-key")
        if not isinstance(body, dict) or not isinstance(body.get("card_key"), str):
            raise BadResponse("GET /devices/card-key", "no card_key")
        return bytes.fromhex(body["card_key"])

    def card_booking(self, hall: str, person_hash: str) -> dict[str, Any] | None:
        """Today's booking of the person whose card was laid (service names, day, start, end), or None."""
        body = self._json("POST", f"{API}/halls/{_seg(hall)}/cards/lookup", json={"person_hash": person_hash})
        return body.get("booking") if isinstance(body, dict) else None

    def card_check_in(self, hall: str, person_hash: str, *, idempotency_key: str | None = None) -> CheckIn:
        """预约签到 with the ID card the booking was made with (same answer as :meth:`check_in`)."""
        return CheckIn.of(self._mutate(f"{API}/halls/{_seg(hall)}/cards/check-in", {"person_hash": person_hash},
                                       idempotency_key))

    def ticket(self, hall: str, ticket_id: str) -> Ticket:
        """A ticket with its ``history`` (staff)."""
        return Ticket.of(self._json("GET", f"{API}/halls/{_seg(hall)}/tickets/{_seg(ticket_id)}"))

    def cancel(self, hall: str, ticket_id: str, *, idempotency_key: str | None = None) -> TicketChange:
        return TicketChange.of(
            self._mutate(
                f"{API}/halls/{_seg(hall)}/tickets/{_seg(ticket_id)}/cancel", None, idempotency_key
            )
        )

    def requeue(
        self, hall: str, ticket_id: str, *, idempotency_key: str | None = None
    ) -> TicketChange:
        """过号重排: a no-show who came back goes behind a few waiting tickets (within the limit)."""
        return TicketChange.of(
            self._mutate(
                f"{API}/halls/{_seg(hall)}/tickets/{_seg(ticket_id)}/requeue", None, idempotency_key
            )
        )

    def requeue_ticket(self, hall: str, *, number: str | None = None, track: str | None = None,
                       idempotency_key: str | None = None) -> Requeued:
        """过号重排 by the ticket's number (today's) or its QR (the tracking URL a scanner types, or the
        token), exactly one. ApiError ``unknown_ticket``, ``requeue_expired``, ``not_missed``."""
        if (number is None) == (track is None):
            raise ValueError("give exactly one of number and track")
        body = {"number": number} if number is not None else {"track": track}
        return Requeued.of(self._mutate(f"{API}/halls/{_seg(hall)}/tickets/requeue", body, idempotency_key))

    def rate(
        self,
        hall: str,
        ticket_id: str,
        score: int | None,
        channel: str = "pad",
        *,
        idempotency_key: str | None = None,
    ) -> Rating:
        """The visitor's rating of a finished visit, from the pad or counter terminal of the window
        that served it: ``score`` 1–5, or None when nobody pressed a key (未评价, never a default
        grade: 004 第三十三条). One per visit: ApiError ``already_rated``."""
        body = self._mutate(
            f"{API}/halls/{_seg(hall)}/tickets/{_seg(ticket_id)}/rating",
            {"score": score, "channel": channel},
            idempotency_key,
        )
        if not isinstance(body, dict) or "rating" not in body:
            raise BadResponse("POST …/rating", "no rating in the answer")
        return Rating.of(body["rating"])

    def track(self, token_or_url: str) -> Track:
        """The public tracking view; accepts the token or the ``track_url`` printed as a QR code."""
        token = urlsplit(token_or_url).path.rstrip("/").rsplit("/", 1)[-1] or token_or_url
        return Track.of(self._json("GET", f"{API}/track/{_seg(token)}"))

    # -- the hall --------------------------------------------------------------------------------------
    def snapshot(self, hall: str) -> Snapshot:
        """Windows, waiting counts and tide windows as of ``seq`` (displays, kiosks, counters)."""
        return Snapshot.of(self._json("GET", f"{API}/halls/{_seg(hall)}/snapshot"))

    def window(self, hall: str, window: int) -> WindowInfo:
        """The counter terminal's view of its window (current ticket in full, waiting per service)."""
        return WindowInfo.of(self._json("GET", self._window_path(hall, window)))

    # -- window actions --------------------------------------------------------------------------------
    @staticmethod
    def _window_path(hall: str, window: int, action: str = "") -> str:
        return f"{API}/halls/{_seg(hall)}/windows/{int(window)}" + (f"/{action}" if action else "")

    def _window_action(self, hall: str, window: int, action: str, key: str | None) -> WindowChange:
        return WindowChange.of(self._mutate(self._window_path(hall, window, action), None, key))

    def _ticket_action(
        self, hall: str, window: int, action: str, body: Any, key: str | None
    ) -> TicketChange:
        return TicketChange.of(self._mutate(self._window_path(hall, window, action), body, key))

    def call(self, hall: str, window: int, *, idempotency_key: str | None = None) -> CallResult | None:
        """Call the next visitor by the window's work profile; ``None`` when nobody waits (204)."""
        body = self._mutate(self._window_path(hall, window, "call"), None, idempotency_key)
        return None if body is None else CallResult.of(body)

    def recall(self, hall: str, window: int, *, idempotency_key: str | None = None) -> TicketChange:
        """Call the current ticket again; ApiError ``recall_limit`` after the hall's maximum."""
        return self._ticket_action(hall, window, "recall", None, idempotency_key)

    def no_show(self, hall: str, window: int, *, idempotency_key: str | None = None) -> TicketChange:
        return self._ticket_action(hall, window, "no-show", None, idempotency_key)

    def start(self, hall: str, window: int, *, idempotency_key: str | None = None) -> TicketChange:
        """The called visitor arrived at the window."""
        return self._ticket_action(hall, window, "start", None, idempotency_key)

    def finish(
        self, hall: str, window: int, outcome: str, *, idempotency_key: str | None = None
    ) -> TicketChange:
        """Finish with an outcome: completed 办结, accepted 受理, supplement 补正告知,
        rejected 不予受理, consulted 咨询 (``server.core.Outcome``)."""
        return self._ticket_action(hall, window, "finish", {"outcome": str(outcome)}, idempotency_key)

    def transfer(
        self,
        hall: str,
        window: int,
        service: str,
        note: str = "",
        *,
        idempotency_key: str | None = None,
    ) -> TicketChange:
        """Send the current visitor to another service's queue; returns the new (waiting) ticket."""
        return self._ticket_action(
            hall, window, "transfer", {"service": service, "note": note}, idempotency_key
        )

    def pause(
        self,
        hall: str,
        window: int,
        reason: str,
        until: float | datetime | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> WindowChange:
        """去向留言 (004 第十三条): pause with a public reason and, if known, a return time
        (POSIX seconds, or a datetime; a naive datetime is the hall's local time)."""
        when = until.isoformat() if isinstance(until, datetime) else until
        return WindowChange.of(
            self._mutate(
                self._window_path(hall, window, "pause"),
                {"reason": reason, "until": when},
                idempotency_key,
            )
        )

    def resume(self, hall: str, window: int, *, idempotency_key: str | None = None) -> WindowChange:
        return self._window_action(hall, window, "resume", idempotency_key)

    def sign_in(self, hall: str, window: int, *, idempotency_key: str | None = None) -> WindowChange:
        """The logged-in clerk opens the window."""
        return self._window_action(hall, window, "sign-in", idempotency_key)

    def sign_out(self, hall: str, window: int, *, idempotency_key: str | None = None) -> WindowChange:
        return self._window_action(hall, window, "sign-out", idempotency_key)

    def takeover(self, hall: str, window: int, *, idempotency_key: str | None = None) -> WindowChange:
        """A/B post (004 第十二条): the logged-in clerk takes the window over."""
        return self._window_action(hall, window, "takeover", idempotency_key)

    def open_tide(
        self, hall: str, window: int, service: str, *, idempotency_key: str | None = None
    ) -> WindowChange:
        """潮汐窗口 (000 第十八条), managers: make ``window`` a tide window for ``service``."""
        return WindowChange.of(
            self._mutate(
                self._window_path(hall, window, "tide/open"), {"service": service}, idempotency_key
            )
        )

    def close_tide(
        self, hall: str, window: int, *, idempotency_key: str | None = None
    ) -> WindowChange:
        return self._window_action(hall, window, "tide/close", idempotency_key)

    # -- devices ---------------------------------------------------------------------------------------
    def heartbeat(
        self, reports: Iterable[Any], *, idempotency_key: str | None = None
    ) -> None:
        """Report this device alive with the health of its parts: ``drivers.health.Health`` objects
        (or their ``as_dict()``)."""
        devices = [r if isinstance(r, Mapping) else r.as_dict() for r in reports]
        self._mutate(f"{API}/devices/heartbeat", {"devices": devices}, idempotency_key)

    def devices(self, hall: str | None = None) -> list[Device]:
        """Every device with its last heartbeat (maintenance, managers)."""
        body = self._json("GET", f"{API}/devices", params={"hall": hall} if hall else None)
        if not isinstance(body, dict) or not isinstance(body.get("devices"), list):
            raise BadResponse("GET /devices", "no devices list")
        return [Device.of(d) for d in body["devices"]]


def api_error(response: httpx.Response) -> ApiError:
    """The server's ``{code, message_zh, message_en}``, or a plain description of a foreign answer
    (a proxy's HTML page, an empty 500)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        return ApiError(
            status,
            body["code"],
            str(body.get("message_zh") or body.get("message") or body["code"]),
            str(body.get("message_en") or body.get("message") or body["code"]),
        )
    reason = response.reason_phrase or "error"
    return ApiError(status, "http_error", f"服务器返回 HTTP {status}", f"server answered HTTP {status} {reason}")
