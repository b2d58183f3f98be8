"""Ticket numbers: prefix + 3 digits, per service per local day, never repeated within a day.

A new day starts again at 001 without touching earlier tickets (their ids carry the date). Transfer
continuations keep the original number and are not counted here.
"""

from __future__ import annotations

import re

from .model import Ticket


class Numbering:
    """Last number used per (local day, service).

    >>> n = Numbering()
    >>> n.peek("2026-09-15", "MA01"), n.take("2026-09-15", "MA01"), n.take("2026-09-15", "MA01")
    (1, 1, 2)
    >>> n.take("2026-09-16", "MA01")
    1
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], int] = {}

    def observe(self, ticket: Ticket) -> None:
        """Count an existing ticket (rebuilding from storage)."""
        if ticket.transferred_from is not None:
            return
        key = (ticket.day, ticket.service)
        self._last[key] = max(self._last.get(key, 0), int(ticket.number[1:]))

    def peek(self, day: str, service: str) -> int:
        return self._last.get((day, service), 0) + 1

    def take(self, day: str, service: str) -> int:
        n = self.peek(day, service)
        self._last[(day, service)] = n
        return n

    def used(self, day: str, service: str) -> int:
        return self._last.get((day, service), 0)


def format_number(prefix: str, n: int) -> str:
    """Prefix + 3 digits.

    >>> format_number("A", 7)
    'A007'
    """
    return f"{prefix}{n:03d}"


def ticket_id(hall: str, day: str, number: str) -> str:
    """The ticket id: hall, local date, number.

    >>> ticket_id("county", "2026-09-15", "A007")
    'county-20260915-A007'
    """
    return f"{hall}-{day.replace('-', '')}-{number}"


def continuation_id(original_id: str) -> str:
    """Id of the ticket a transfer creates: ``-T1``, then ``-T2`` for a transfer of that one.

    The suffix is recognised only after a ticket number (letter + 3 digits), so a service whose
    prefix is T is not mistaken for a continuation (T199 → T199-T1, not T200, another ticket).

    >>> continuation_id("county-20260915-A007"), continuation_id("county-20260915-A007-T1")
    ('county-20260915-A007-T1', 'county-20260915-A007-T2')
    >>> continuation_id("county-20260915-T199"), continuation_id("county-20260915-T199-T1")
    ('county-20260915-T199-T1', 'county-20260915-T199-T2')
    """
    m = _CONTINUATION.fullmatch(original_id)
    if m:
        return f"{m.group(1)}-T{int(m.group(2)) + 1}"
    return f"{original_id}-T1"


_CONTINUATION = re.compile(r"(.*-\d{8}-[A-Z]\d{3})-T(\d+)")
