"""The one-time notice (一次性告知单) of a visit finished with 补正告知 — pure.

003 §14 and 004 第二十五条: a visitor whose papers are incomplete gets, once, the *complete* list of what
is missing. The clerk ticks the items from the service's list in the hall config (``materials``, served
by ``GET /halls``) and may add ones the list lacks; :func:`missing` keeps the order of the list, drops
blanks and repeats, and :func:`notice_for` turns it into what the printer prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from client.i18n import Lang, pick
from client.models import HallInfo, Ticket
from drivers.printer import NoticePrint


def missing(ticked: Iterable[str]) -> list[str]:
    """The items to print: stripped, non-empty, each once, in the order given.

    >>> missing(["户口簿原件", " ", "户口簿原件 ", "申请表"])
    ['户口簿原件', '申请表']
    """
    return list(dict.fromkeys(item.strip() for item in ticked if item.strip()))


def notice_for(hall: HallInfo, window_no: int, ticket: Ticket, clerk_name: str, staff_no: str,
               materials: Iterable[str], now: float, tz: ZoneInfo, lang: Lang = "zh") -> NoticePrint:
    """Everything on the slip; raises the printer's PrintContentError for an empty list."""
    window = next((w for w in hall.windows if w.number == window_no), None)
    window_name = pick(lang, window.name_zh, window.name_en) if window else str(window_no)
    return NoticePrint(
        hall_name=pick(lang, hall.name_zh, hall.name_en),
        number=ticket.number,
        service_name=pick(lang, ticket.service_name_zh or ticket.service, ticket.service_name_en or ticket.service),
        window_name=window_name,
        clerk_name=clerk_name,
        staff_no=staff_no,
        materials=missing(materials),
        issued_at=datetime.fromtimestamp(now, tz).replace(tzinfo=None),
        lang=lang,
    )
