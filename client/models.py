"""What the server answers, typed: pydantic models mirroring the JSON of ``/api/v1`` (see docs/api.md).

Every model keeps the dict it was built from in ``.raw`` (nested models too), and accepts fields it
does not know (``extra="allow"``), so a newer server adds fields without breaking an older app. A body
that does not fit raises :class:`~client.errors.BadResponse`, never a bare ``ValidationError``.

>>> t = TicketRef.of({"id": "test-20260921-A001", "number": "A001", "service": "GEN",
...                   "state": "called", "future_field": 1})
>>> t.state is TicketState.CALLED, t.raw["future_field"]
(True, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, model_validator

from vocab import LANE_COUNT_KEYS, Lane, Outcome, TicketState, WindowStatus

from .errors import BadResponse

__all__ = [
    "CallResult",
    "Category",
    "CheckIn",
    "ClerkPublic",
    "Device",
    "HallInfo",
    "HallRules",
    "HallsListing",
    "Issued",
    "Lane",
    "Login",
    "Model",
    "Outcome",
    "ProfileTier",
    "Rating",
    "Reason",
    "Requeued",
    "ServiceInfo",
    "ServiceWaiting",
    "Snapshot",
    "Ticket",
    "TicketChange",
    "TicketRef",
    "TicketState",
    "Tide",
    "Track",
    "WindowChange",
    "WindowInfo",
    "WindowListing",
    "WindowPublic",
    "WindowState",
    "WindowStatus",
]


class Model(BaseModel):
    """Base of every answer: frozen, tolerant of new fields, ``raw`` = the JSON object received."""

    model_config = ConfigDict(extra="allow", frozen=True)
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_raw(cls, data: Any, handler: Any) -> Any:
        model = handler(data)
        if isinstance(data, dict):
            model._raw = data
        return model

    @classmethod
    def of(cls, data: Any) -> Self:
        """Validate a decoded JSON value; raise BadResponse (zh/en) if it does not fit."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "body"
            raise BadResponse(cls.__name__, f"{where}: {first.get('msg', 'invalid')}") from None

    @property
    def raw(self) -> dict[str, Any]:
        return self._raw


# -- tickets ---------------------------------------------------------------------------------------
class TicketRef(Model):
    """The public part of a ticket shown on lobby screens: no personal data (000 第二十八条)."""

    id: str
    number: str
    service: str
    state: TicketState


class Ticket(TicketRef):
    """A ticket as staff and the issuing kiosk see it (``server.core.Ticket`` plus display names)."""

    hall: str
    day: str
    lane: Lane
    channel: str
    issued_at: float
    queued_at: float
    window: int | None = None
    clerk: str | None = None
    called_at: float | None = None
    recalls: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    outcome: Outcome | None = None
    transferred_from: str | None = None
    transferred_to: str | None = None
    appointment_id: str | None = None
    note: str = ""
    requeues: int = 0
    service_name_zh: str = ""
    service_name_en: str = ""
    history: list[dict[str, Any]] = []  # GET /tickets/{id} only: [{seq, kind, at}, …]


class Issued(Ticket):
    """POST /tickets → 201: the new ticket and what the kiosk prints with it."""

    ahead: int
    estimated_wait_s: int
    wait_low_min: int | None = None  # the range to show and print, "约 a–b 分钟" (None: an older server)
    wait_high_min: int | None = None
    beyond_closing: bool = False  # the range passes closing time: tell the visitor, offer a booking
    closes_at: float | None = None
    track_url: str | None = None
    seq: int


class Reason(Model):
    zh: str
    en: str


class CheckIn(Issued):
    """POST /halls/{hall}/bookings/check-in → 201 (issue 8): the ticket, as for ``Issued``, and what to
    tell the visitor (``message``: on time → appointment lane; late → walk-in lane, said plainly)."""

    late: bool = False
    message: Reason
    booking: dict[str, Any] = {}


class CallResult(Model):
    """POST …/call → 200: who was called, and the dispatcher's reason (shown to the clerk)."""

    ticket: Ticket
    reason: Reason
    seq: int


class TicketChange(Model):
    """recall, no-show, start, finish, transfer (the new ticket), cancel, requeue → 200."""

    ticket: Ticket
    seq: int


class Requeued(Model):
    """过号重排 by what is printed on the ticket (POST …/tickets/requeue): the ticket back in its queue,
    where it now is, and the rule that put it there."""

    ticket: Ticket
    ahead: int = 0
    estimated_wait_s: int | None = None
    wait_low_min: int | None = None  # the printed range, as for a new ticket
    wait_high_min: int | None = None
    track_url: str | None = None
    requeue_behind: int = 3
    requeue_within_min: float = 60
    seq: int = 0


class Rating(Model):
    """好差评 of one finished visit (001 第四十一条): ``score`` 1–5, or None = 未评价 (nobody pressed)."""

    ticket_id: str
    hall: str
    service: str
    window: int | None = None
    clerk: str | None = None
    score: int | None = None
    channel: str = "pad"
    at: float
    label_zh: str
    label_en: str


class Track(Model):
    """GET /track/{token}: the public view behind the QR code on the ticket."""

    number: str
    service: str
    service_name_zh: str
    service_name_en: str
    state: TicketState
    ahead: int
    estimated_wait_s: int
    wait_low_min: int | None = None
    wait_high_min: int | None = None
    beyond_closing: bool = False
    closes_at: float | None = None
    window: int | None = None
    window_name_zh: str | None = None
    window_name_en: str | None = None


# -- windows ---------------------------------------------------------------------------------------
class WindowState(Model):
    """``server.core.WindowState`` as returned by sign-in, pause, takeover, tide open/close …"""

    number: int
    status: WindowStatus
    clerk: str | None = None
    current: str | None = None
    pause_reason: str = ""
    pause_until: float | None = None
    tide_service: str | None = None
    tide_manual: bool = False
    tide_since: float | None = None


class WindowChange(Model):
    window: WindowState
    seq: int


class ClerkPublic(Model):
    """Public by rule (004 第十四条): name, staff number, photo."""

    name: str
    staff_no: str
    photo_url: str | None = None


class ServiceWaiting(Model):
    """Visitors waiting for one service, per lane (snapshot, counter window; the lobby display's
    counts, kept current from the counts each ticket event carries)."""

    service: str
    name_zh: str
    name_en: str
    prefix: str
    normal: int = 0
    priority: int = 0
    appointment: int = 0
    total: int = 0

    def with_counts(self, lanes: Mapping[str, int]) -> ServiceWaiting:
        """The same service with new per-lane counts (an event's ``data.waiting[service]``); lanes
        not given keep their count, and the total is summed again.

        >>> w = ServiceWaiting.of({"service": "GEN", "name_zh": "综合", "name_en": "General",
        ...                        "prefix": "A", "normal": 2, "priority": 1, "total": 3})
        >>> w.with_counts({"normal": 5}).total
        6
        """
        counts = {lane: lanes.get(lane, getattr(self, lane)) for lane in LANE_COUNT_KEYS}
        return self.model_copy(update={**counts, "total": sum(counts.values())})


class WindowPublic(Model):
    """One window on a lobby display (snapshot)."""

    number: int
    name_zh: str
    name_en: str
    kind: str
    zone: str = ""
    green_channel: bool = False
    status: WindowStatus
    current: TicketRef | None = None
    clerk: ClerkPublic | None = None
    pause_reason: str = ""
    pause_until: float | None = None
    tide_service: str | None = None


class ProfileTier(Model):
    services: list[str]
    after_wait_min: float | None = None


class WindowInfo(WindowPublic):
    """GET …/windows/{n}: the counter terminal's view, with the full current ticket."""

    current: Ticket | None = None  # type: ignore[assignment]  # full ticket for the clerk
    profile: list[ProfileTier] = []
    waiting: list[ServiceWaiting] = []
    tide_manual: bool = False
    seq: int


class Tide(Model):
    window: int
    service: str
    manual: bool = False
    since: float | None = None


class Snapshot(Model):
    """GET /halls/{hall}/snapshot: what a lobby display shows, consistent as of ``seq``."""

    hall: str
    name_zh: str
    name_en: str
    seq: int
    windows: list[WindowPublic]
    waiting: list[ServiceWaiting]
    tides: list[Tide] = []


# -- reference data, auth, devices -----------------------------------------------------------------
class Category(Model):
    id: str
    name_zh: str
    name_en: str
    icon: str = ""
    description_zh: str = ""
    description_en: str = ""


class ServiceInfo(Model):
    code: str
    name_zh: str
    name_en: str
    prefix: str
    category: str
    minutes: float
    extended: bool = False
    holiday: bool = False
    materials: list[str] = []
    description_zh: str = ""
    description_en: str = ""
    per_person_daily: int | None = None  # issue 18: 凭身份证取号, at most N a day per person


class WindowListing(Model):
    number: int
    name_zh: str
    name_en: str
    kind: str
    zone: str = ""
    green_channel: bool = False
    tide_eligible: bool = False
    profile: list[ProfileTier] = []


class HallRules(Model):
    """The hall's public rules (``rules`` in GET /halls): the defaults of config.RecallRules when a
    server does not send them."""

    max_recalls: int = 2
    requeue_behind: int = 3
    requeue_within_min: float = 60


class HallInfo(Model):
    id: str
    name_zh: str
    name_en: str
    rules: HallRules = HallRules()
    priority_age: int | None = None  # issue 18: a laid ID card this old is offered the green channel
    categories: list[Category] = []
    services: list[ServiceInfo] = []
    windows: list[WindowListing] = []


class HallsListing(Model):
    """GET /halls: public reference data."""

    deployment: str
    halls: list[HallInfo]

    def hall(self, hall_id: str) -> HallInfo:
        for hall in self.halls:
            if hall.id == hall_id:
                return hall
        raise KeyError(hall_id)


class Login(Model):
    token: str
    token_type: str = "bearer"
    expires_at: float
    staff_no: str
    name: str
    role: str
    hall: str | None = None
    windows: list[int] = []


class Device(Model):
    """GET /devices: a device, its last heartbeat and the health of its parts."""

    id: int | str
    kind: str
    name: str
    hall: str | None = None
    window: int | None = None
    last_seen: float | None = None
    silent: bool
    health: list[dict[str, Any]] = []
