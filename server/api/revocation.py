"""Ending a principal's open event streams in every server process (issue 15 §4: "stops at once").

Disabling a device or clerk in one process (or in ``hallq device disable`` on the command line) cannot
reach the WebSockets another process holds; the hall's event log does. :func:`announce` puts an
``access.revoked`` event on the stream of each hall concerned; the events route closes a subscriber's
socket (4401) when it sees its own actor in one (:func:`revoked_actor`). HTTP requests need nothing: the
token no longer resolves.
"""

from __future__ import annotations

import json

from server.auth import Principal
from server.auth.admin import AccessRevoked, Change
from server.halls.service import HallService
from vocab import EventKind

_MARK = f'"{EventKind.ACCESS_REVOKED.value}"'


def announce(service: HallService, change: Change, who: Principal) -> None:
    if change.revoked is None:
        return
    actor = change.revoked
    for hall in change.halls:
        if hall in service.configs:
            service.append_events(hall, lambda _conn, _hall, now: [AccessRevoked(actor, now)], who=who)


def revoked_actor(text: str) -> str | None:
    """The actor an ``access.revoked`` message names, or None for any other message (cheap for those)."""
    if _MARK not in text:
        return None
    message = json.loads(text)
    if message.get("kind") != EventKind.ACCESS_REVOKED.value:
        return None
    return (message.get("data") or {}).get("actor")
