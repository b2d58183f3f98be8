"""The apps' one way to talk to the hall server: HTTP calls, the live event stream, the Qt bridge.

* :class:`HallClient`   — synchronous HTTP, one method per endpoint; idempotent retries (``http``)
* :class:`EventStream`  — a hall's events in order, exactly once, across reconnects (``events``)
* ``client.qt.QtHallLink`` — Qt signals and off-GUI-thread calls for the PySide6 apps; import
  it from ``client.qt`` (kept out of here so non-Qt code never loads Qt)
* typed answers in ``models``; errors in ``errors``. See docs/client.md.
"""

from .backoff import Backoff
from .errors import ApiError, BadResponse, ClientError, ServerUnreachable
from .events import EventStream
from .http import HallClient
from .models import (
    CallResult,
    CheckIn,
    Device,
    HallsListing,
    Issued,
    Login,
    Rating,
    Snapshot,
    Ticket,
    TicketChange,
    Track,
    WindowChange,
    WindowInfo,
)

__all__ = [
    "ApiError",
    "Backoff",
    "BadResponse",
    "CallResult",
    "CheckIn",
    "ClientError",
    "Device",
    "EventStream",
    "HallClient",
    "HallsListing",
    "Issued",
    "Login",
    "Rating",
    "ServerUnreachable",
    "Snapshot",
    "Ticket",
    "TicketChange",
    "Track",
    "WindowChange",
    "WindowInfo",
]
