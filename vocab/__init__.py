"""What crosses the wire between the hall server and its terminals, in one place.

The server (``server/``) and the terminals' side (``client/``, ``kiosk/``, ``counter/``, ``display/``,
``drivers/``) both import this module and nothing else of each other: lanes, ticket states, outcomes,
window states, event kinds and error codes. It imports only the standard library, so a kiosk box
installs it without the server's packages (``pip install 'hallq[terminal]'``).

Every value is a :class:`enum.StrEnum`, so it compares equal to the plain string in JSON:

>>> TicketState("waiting") is TicketState.WAITING, EventKind.TICKET_CALLED == "ticket.called"
(True, True)
"""

from __future__ import annotations

import enum

__all__ = [
    "AT_WINDOW",
    "CALL_KINDS",
    "FINAL",
    "LANE_COUNT_KEYS",
    "ErrorCode",
    "EventKind",
    "Lane",
    "Outcome",
    "TicketState",
    "WindowStatus",
]


class Lane(enum.StrEnum):
    """Which queue of a service a ticket waits in (DOMAIN rule 4)."""

    NORMAL = "normal"
    PRIORITY = "priority"  # 老弱病残孕 (000 第十六、二十七条; 003 §11)
    APPOINTMENT = "appointment"  # on-time booking check-in (003 §1–7)


#: the keys of a waiting-count object ``{"normal": 3, "priority": 1, "appointment": 0}``
LANE_COUNT_KEYS = tuple(lane.value for lane in Lane)


class TicketState(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    RECALLED = "recalled"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


#: NO_SHOW is final unless the visitor comes back in time (过号重排)
FINAL = frozenset({TicketState.DONE, TicketState.NO_SHOW, TicketState.TRANSFERRED, TicketState.CANCELLED})
#: states in which a ticket is a window's current ticket
AT_WINDOW = frozenset({TicketState.CALLED, TicketState.RECALLED, TicketState.SERVING})


class Outcome(enum.StrEnum):
    """How a visit at the window ended (003 §22)."""

    COMPLETED = "completed"  # 办结
    ACCEPTED = "accepted"  # 受理 (承诺件: decided later by the back office)
    SUPPLEMENT = "supplement"  # 补正告知 (003 §22(2), 004 第二十五条)
    REJECTED = "rejected"  # 不予受理 (003 §22(3))
    CONSULTED = "consulted"  # 咨询


class WindowStatus(enum.StrEnum):
    CLOSED = "closed"  # nobody signed in
    OPEN = "open"
    PAUSED = "paused"  # 去向留言 (004 第十三条)


class EventKind(enum.StrEnum):
    """The ``kind`` of every message on a hall's event stream (``/api/v1/halls/{hall}/events``)."""

    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_STARTED = "ticket.started"
    TICKET_FINISHED = "ticket.finished"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_REQUEUED = "ticket.requeued"
    TICKET_CANCELLED = "ticket.cancelled"
    WINDOW_OPENED = "window.opened"  # a clerk signed in
    WINDOW_CLOSED = "window.closed"  # signed out
    WINDOW_PAUSED = "window.paused"
    WINDOW_RESUMED = "window.resumed"
    WINDOW_TAKEOVER = "window.takeover"  # A/B 岗 (004 第十二条)
    TIDE_OPENED = "tide.opened"
    TIDE_CLOSED = "tide.closed"
    TIDE_REQUESTED = "tide.requested"  # no staffed eligible window: for managers
    WARNING_RAISED = "warning.raised"
    WARNING_ESCALATED = "warning.escalated"
    WARNING_CLEARED = "warning.cleared"
    WARNING_ACKNOWLEDGED = "warning.acknowledged"
    FOLLOWUP_OPENED = "followup.opened"
    FOLLOWUP_ASSIGNED = "followup.assigned"
    FOLLOWUP_CONTACTED = "followup.contacted"
    FOLLOWUP_RECTIFIED = "followup.rectified"
    FOLLOWUP_CLOSED = "followup.closed"
    # administration (issue 15): a device or clerk was disabled, removed or got a new PIN; every server
    # process closes that principal's open event streams when it sees this (data: {"actor": "device:7"})
    ACCESS_REVOKED = "access.revoked"
    # live configuration: notices, services, windows, hours changed without a restart (data: the hall's
    # public config sections that changed, see docs/api.md)
    HALL_CONFIG = "hall.config"
    # stream control (not stored events): the server tells a subscriber to fetch the snapshot again
    RESYNC = "resync"


#: the events a lobby display speaks
CALL_KINDS = frozenset({EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED})


class ErrorCode(enum.StrEnum):
    """The ``code`` of an error answer ``{"error": {"code", "zh", "en"}}`` (docs/api.md)."""

    # request and access
    INVALID_REQUEST = "invalid_request"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"
    CONFLICT = "conflict"
    HTTP_ERROR = "http_error"
    INTERNAL_ERROR = "internal_error"  # a bug, logged: never the client's fault
    BAD_IDEMPOTENCY_KEY = "bad_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    HALL_NOT_INITIALISED = "hall_not_initialised"
    # staff and device accounts
    ACCOUNT_LOCKED = "account_locked"
    BAD_STAFF_NO = "bad_staff_no"
    BAD_PIN = "bad_pin"
    BAD_ROLE = "bad_role"
    BAD_NAME = "bad_name"
    BAD_KIND = "bad_kind"
    DUPLICATE_STAFF_NO = "duplicate_staff_no"
    WINDOW_REQUIRED = "window_required"
    # things that do not exist
    UNKNOWN_HALL = "unknown_hall"
    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_WINDOW = "unknown_window"
    UNKNOWN_TICKET = "unknown_ticket"
    UNKNOWN_LANE = "unknown_lane"
    UNKNOWN_OUTCOME = "unknown_outcome"
    UNKNOWN_STAFF = "unknown_staff"
    UNKNOWN_DEVICE = "unknown_device"
    UNKNOWN_BOOKING = "unknown_booking"
    UNKNOWN_SLOT = "unknown_slot"
    UNKNOWN_WARNING = "unknown_warning"
    UNKNOWN_FOLLOWUP = "unknown_followup"
    NO_PHOTO = "no_photo"
    # the hall's rules
    CLOSED = "closed"
    DAILY_CAP = "daily_cap"
    PER_PERSON_LIMIT = "per_person_limit"
    CARD_REQUIRED = "card_required"  # a service limited per person is taken with the ID card (issue 18)
    ILLEGAL_TRANSITION = "illegal_transition"
    NOT_MISSED = "not_missed"  # 过号重排 asked for a ticket that is not a no-show (still waiting, served …)
    WINDOW_CLOSED = "window_closed"
    WINDOW_BUSY = "window_busy"
    WINDOW_PAUSED = "window_paused"
    WINDOW_NOT_PAUSED = "window_not_paused"
    WINDOW_TAKEN = "window_taken"
    NO_CURRENT = "no_current"
    RECALL_LIMIT = "recall_limit"
    REQUEUE_EXPIRED = "requeue_expired"
    ALREADY_QUEUED = "already_queued"
    SAME_SERVICE = "same_service"
    SAME_CLERK = "same_clerk"
    PAUSE_REASON_MISSING = "pause_reason_missing"
    NOT_FINISHED = "not_finished"
    ALREADY_RATED = "already_rated"
    TIDE_NOT_ELIGIBLE = "tide_not_eligible"
    TIDE_ALREADY_OPEN = "tide_already_open"
    TIDE_NOT_OPEN = "tide_not_open"
    TIDE_REDUNDANT = "tide_redundant"
    # bookings (003 §1–7)
    BAD_PERSON = "bad_person"
    NOT_CANCELLABLE = "not_cancellable"
    APPOINTMENT_EARLY = "appointment_early"
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_BOOKED = "already_booked"
    BLACKLISTED = "blacklisted"
    BOOKING_CANCELLED = "booking_cancelled"
    CHECKIN_CLOSED = "checkin_closed"
    NOT_TODAY = "not_today"
    SLOT_PAST = "slot_past"
    SLOT_FULL = "slot_full"
    TOO_FAR = "too_far"
    AFTER_HOURS_NOT_LISTED = "after_hours_not_listed"
    AFTER_HOURS_TOO_SOON = "after_hours_too_soon"
    AFTER_HOURS_TOO_FAR = "after_hours_too_far"
    # security of the public edge and of staff accounts (issue 13)
    LOGIN_THROTTLED = "login_throttled"
    BODY_TOO_LARGE = "body_too_large"
    PHONE_UNVERIFIED = "phone_unverified"
    BAD_CODE = "bad_code"
    # supervision
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    FOLLOWUP_CLOSED = "followup_closed"
    NOT_CONTACTED = "not_contacted"
    # administration and operations (issue 15: server/auth/admin.py, hallq backup/restore, live config)
    DUPLICATE_DEVICE_NAME = "duplicate_device_name"
    SELF_ADMIN = "self_admin"
    NOTHING_TO_CHANGE = "nothing_to_change"
    BACKUP_CORRUPT = "backup_corrupt"
    BACKUP_AUDIT_BROKEN = "backup_audit_broken"
    BACKUP_FAILED = "backup_failed"
    NO_DATABASE = "no_database"
    NO_PG_DUMP = "no_pg_dump"
    NO_PG_RESTORE = "no_pg_restore"
    NO_BACKUP = "no_backup"
    RESTORE_KIND = "restore_kind"
    RESTORE_TARGET = "restore_target"
    RESTORE_TARGET_NOT_EMPTY = "restore_target_not_empty"
    RESTORE_FAILED = "restore_failed"
    CONFIG_INVALID = "config_invalid"
    CONFIG_RESTART_NEEDED = "config_restart_needed"
