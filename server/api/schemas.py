"""Request bodies (strict: unknown fields are errors) and the documented response shapes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


ServiceCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9_]{1,32}$")]
Channel = Literal["kiosk", "phone", "web", "counter", "appointment"]
# free text that is stored and shown: no control characters (PostgreSQL refuses NUL in text, and a
# screen has no use for the others); newlines and tabs are allowed
_NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=_NO_CONTROL,
                                            strip_whitespace=min_length > 0)]


FACTS_MAX = 4096  # bytes of one report's facts as JSON: a driver's counters, not a dump (issue 13, D7)
# a row id in a path: what every database stores (SQLite INTEGER and PostgreSQL bigint overflow at 2^63)
RowId = Annotated[int, Path(ge=1, le=2**53)]


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    except ValueError:
        raise ValueError("numbers must be finite (no NaN or Infinity)") from None
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: no database can store it
        raise ValueError("text holds an invalid Unicode character (a lone surrogate)") from None
    if size > FACTS_MAX:
        raise ValueError(f"at most {FACTS_MAX} bytes as JSON")
    return value


class LoginRequest(_Body):
    staff_no: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    pin: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,32}$")]


#: issue 18: a laid ID card, as the kiosk sends it — a keyed hash of the number (vocab.cardhash), never the
#: number, and derived facts
PersonHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class CardFacts(_Body):
    kind: Literal["resident", "hkmotw", "foreign"]
    age_band: Literal["0-17", "18-59", "60-64", "65-69", "70-79", "80+"]


class IssueRequest(_Body):
    service: ServiceCode
    lane: Literal["normal", "priority"] = "normal"
    channel: Channel = "kiosk"
    person_hash: PersonHash | None = None  # a laid ID card: per-person daily limits (issue 18)
    card: CardFacts | None = None


class FinishRequest(_Body):
    outcome: Literal["completed", "accepted", "supplement", "rejected", "consulted"]


class TransferRequest(_Body):
    service: ServiceCode
    note: _text(500) = ""


class PauseRequest(_Body):
    """去向留言 (004 第十三条): why the window is paused and, if known, until when.

    ``until`` is POSIX seconds or an ISO 8601 date-time (without an offset: the hall's local time).
    """

    reason: _text(200, min_length=1)
    until: Annotated[float, Field(gt=0, lt=1e11)] | datetime | None = None


class TideOpenRequest(_Body):
    service: ServiceCode


class HealthReport(_Body):
    """One ``drivers.health.Health.as_dict()``."""

    device: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,32}$")]
    level: Literal["OK", "WARN", "FAIL", "UNKNOWN"]
    detail_zh: _text(500) = ""
    detail_en: _text(500) = ""
    facts: Annotated[dict[str, Any], AfterValidator(_json_safe)] = {}


class HeartbeatRequest(_Body):
    devices: Annotated[list[HealthReport], Field(max_length=32)]


# -- responses (documentation; handlers return plain JSON) ----------------------------------------------
class ErrorBody(BaseModel):
    code: str
    message: str
    message_zh: str
    message_en: str


class LoginResponse(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: float
    staff_no: str
    name: str
    role: str
    hall: str | None
    windows: list[int]


class TicketBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    number: str
    service: str
    lane: str
    state: str
    status: str


class IssuedBody(TicketBody):
    ahead: int
    estimated_wait_s: int
    wait_low_min: int | None = None  # the printed range "约 a–b 分钟"
    wait_high_min: int | None = None
    beyond_closing: bool = False  # the range passes closing time: say so, offer a booking
    closes_at: float | None = None
    track_url: str


class CallBody(BaseModel):
    ticket: TicketBody
    reason: dict[str, str]


class TrackBody(BaseModel):
    number: str
    service: str
    service_name_zh: str
    service_name_en: str
    state: str
    ahead: int
    estimated_wait_s: int
    wait_low_min: int | None = None
    wait_high_min: int | None = None
    beyond_closing: bool = False
    closes_at: float | None = None
    window: int | None
    window_name_zh: str | None
    window_name_en: str | None


# path parameters that reach a database query: plain identifiers only
TicketId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,96}$")]
TrackToken = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
StaffNo = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")]

ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (400, 401, 403, 404, 409, 422, 423)
}
