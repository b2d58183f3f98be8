"""The one error shape of the server: a code, a Chinese and an English message, an HTTP status.

The core's ``Refused`` has the same three texts; :func:`refused_status` maps its codes to statuses in one
table. Everything the API returns on failure is built from a :class:`Problem`.
"""

from __future__ import annotations


class Problem(Exception):
    """A request the server will not carry out, explained in Chinese first and English second."""

    status: int = 400

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{zh}（{en}）")
        self.code = code
        self.zh = zh
        self.en = en
        if status is not None:
            self.status = status
        self.headers = headers or {}

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": f"{self.zh}（{self.en}）",
            "message_zh": self.zh,
            "message_en": self.en,
        }


# Refused codes from server.core → HTTP status. Unknown codes (tide_*, future ones) are 409 Conflict:
# the request was understood but the hall's current state does not allow it.
_REFUSED_STATUS: dict[str, int] = {
    "unknown_ticket": 404,
    "unknown_window": 404,
    "unknown_service": 422,
    "same_service": 422,
    # booking (server/booking/errors.py)
    "bad_person": 422,
    "unknown_slot": 422,
    "too_far": 422,
    "after_hours_not_listed": 422,
    "after_hours_too_soon": 422,
    "after_hours_too_far": 422,
    "blacklisted": 403,
    "unknown_booking": 404,
    "rate_limited": 429,
    # issue 13: the phone is not proved by a one-time code; a wrong code (card_required: 409, as issue 18's)
    "phone_unverified": 403,
    "bad_code": 403,
}


def refused_status(code: str) -> int:
    return _REFUSED_STATUS.get(code, 409)


def unknown_hall(hall: str) -> Problem:
    return Problem("unknown_hall", f"没有大厅 {hall!r}", f"no hall {hall!r}", 404)
