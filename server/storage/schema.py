"""The database tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create exactly these.

* halls            one row per hall: ``seq`` (last event number), ``rev`` (state version), day, tide memory
* services         reference data mirrored from the hall config (history keeps codes that left it)
* windows          reference data mirrored from the hall config
* window_states    live state of each window (``WindowState``)
* tickets          every ``Ticket`` field, the public tracking token and the ``rev`` that last wrote it
* events           per-hall gap-free event log: the history of every state change and the WebSocket replay
* clerks           staff with argon2 PIN hashes, lockout counters and authorised windows
* auth_tokens      clerk bearer tokens (sha256 of the token, never the token)
* devices          kiosks, counters, displays, pads: token hash, last heartbeat and health
* appointments     bookings (issue 8): keyed hash of the person, masked form only, booking code, slot
* booking_changes  per-hall gap-free log of booking changes that move places left (issue 14: slot read model)
* phone_requests   public phone-page requests (issue 8): hashed person and address, for rate limits
* login_throttle   failed PIN guesses per (staff number, address) and per address (issue 13)
* phone_codes      one-time codes that prove a phone number on the phone pages (issue 13)
* notices          到号提醒 sent (issue 8): one per ticket, masked recipient only
* card_daily       per-person daily limit (issue 18): one row per ticket taken with an ID card, keyed hash only
* card_links       booking person ↔ card hash (issue 18): two keyed hashes of the same ID number, no number
* ratings          好差评 (issue 6, 9): one per ticket, five levels or NULL = 未评价 (offered, not given)
* warnings         电子监察 supervision warnings (issue 9): one row per raised warning, open until cleared
* followups        好差评 follow-ups of bad ratings (issue 9): deadlines, contact, rectification, reply
* audit_log        append-only hash chain; ``audit_head`` holds its tip and is the global audit lock row
* idempotency_keys (actor, key) → stored response, kept 24 h
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

# Stable constraint names so that migrations can refer to them on SQLite and PostgreSQL alike.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

halls = Table(
    "halls",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False, server_default="0"),  # last event number, gap-free
    Column("rev", Integer, nullable=False, server_default="0"),  # bumped by every committed change
    Column("day", String(10), nullable=False, server_default=""),  # local date of the last change
    Column("tide_memory", Text, nullable=False, server_default="{}"),  # JSON of Hall.tide_memory
    Column("config_hash", String(64), nullable=False, server_default=""),
    Column("updated_at", Float, nullable=False, server_default="0"),
)

services = Table(
    "services",
    metadata,
    Column("hall", String(64), ForeignKey("halls.id"), primary_key=True),
    Column("code", String(32), primary_key=True),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("prefix", String(1), nullable=False),
    Column("minutes", Float, nullable=False),
    Column("daily_cap", Integer, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
)

windows = Table(
    "windows",
    metadata,
    Column("hall", String(64), ForeignKey("halls.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("zone", String(16), nullable=False, server_default=""),
    Column("green_channel", Boolean, nullable=False, server_default=text("false")),
    Column("tide_eligible", Boolean, nullable=False, server_default=text("false")),
    Column("profile", Text, nullable=False, server_default="[]"),  # JSON list of tiers
    Column("active", Boolean, nullable=False, server_default=text("true")),
)

window_states = Table(
    "window_states",
    metadata,
    Column("hall", String(64), ForeignKey("halls.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("clerk", String(64)),
    Column("current", String(96)),
    Column("pause_reason", Text, nullable=False, server_default=""),
    Column("pause_until", Float),
    Column("tide_service", String(32)),
    Column("tide_manual", Boolean, nullable=False, server_default=text("false")),
    Column("tide_since", Float),
    Column("rev", Integer, nullable=False, server_default="0"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(96), primary_key=True),
    Column("hall", String(64), ForeignKey("halls.id"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("service", String(32), nullable=False),
    Column("number", String(8), nullable=False),
    Column("lane", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("issued_at", Float, nullable=False),
    Column("queued_at", Float, nullable=False),
    Column("window", Integer),
    Column("clerk", String(64)),
    Column("called_at", Float),
    Column("recalls", Integer, nullable=False, server_default="0"),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("outcome", String(16)),
    Column("transferred_from", String(96)),
    Column("transferred_to", String(96)),
    Column("appointment_id", String(64)),
    Column("note", Text, nullable=False, server_default=""),
    Column("requeues", Integer, nullable=False, server_default="0"),
    Column(
        "track_token", String(64), unique=True
    ),  # opaque, public; null on transfer continuations
    Column("rev", Integer, nullable=False, server_default="0"),  # halls.rev of the last write
    Index("ix_tickets_hall_day", "hall", "day"),
    Index("ix_tickets_hall_state", "hall", "state"),
    Index("ix_tickets_hall_rev", "hall", "rev"),
    # the database itself refuses a repeated number within a hall's day (continuations share it)
    Index(
        "uq_tickets_hall_day_number",
        "hall",
        "day",
        "number",
        unique=True,
        sqlite_where=text("transferred_from IS NULL"),
        postgresql_where=text("transferred_from IS NULL"),
    ),
)

events = Table(
    "events",
    metadata,
    Column("hall", String(64), ForeignKey("halls.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("at", Float, nullable=False),
    Column("ticket", String(96)),  # the ticket it concerns, for a ticket's history
    Column("window", Integer),
    Column("payload", Text, nullable=False),  # JSON of the core event's to_dict()
    Index("ix_events_ticket", "ticket"),
)

clerks = Table(
    "clerks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_no", String(32), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("hall", String(64)),  # None: every hall of the deployment
    Column("photo", Text, nullable=False, server_default=""),  # path or URL of the public photo
    Column("pin_hash", Text, nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", Float),
    Column("windows", Text, nullable=False, server_default="[]"),  # JSON list of window numbers
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", Float, nullable=False),
    CheckConstraint("role IN ('clerk', 'manager', 'maintenance')", name="role"),
)

auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("clerk_id", Integer, ForeignKey("clerks.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, server_default=text("false")),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("hall", String(64), nullable=False),
    Column("window", Integer),  # counters and pads: the window they sit at
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float),
    Column(
        "health", Text, nullable=False, server_default="[]"
    ),  # JSON list of drivers.health dicts
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("token_expires_at", Float),  # 0006: None = never; `hallq device rotate` sets a new one
    CheckConstraint("kind IN ('kiosk', 'counter', 'display', 'pad')", name="kind"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("hall", String(64), ForeignKey("halls.id"), nullable=False),
    Column("service", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("slot_start", Float, nullable=False),
    Column("slot_end", Float, nullable=False),
    Column("person_hash", String(64), nullable=False),  # HMAC(secret, phone or ID number): 003 §7
    Column(
        "person_mask", String(32), nullable=False
    ),  # e.g. "138****1234": the only form ever shown
    Column("code", String(16), nullable=False, unique=True),  # booking code for kiosk check-in
    Column("channel", String(16), nullable=False),
    Column("state", String(16), nullable=False),  # booked | checked_in | cancelled | no_show
    Column("after_hours", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", Float, nullable=False),
    Column("cancelled_at", Float),
    Column("checked_in_at", Float),
    Column("ticket_id", String(96)),
    Column("closes_at", Float),  # end of the check-in window: still booked then = no-show (0004)
    Column("no_show_at", Float),  # written by the periodic sweep (0004)
    # 0006: the person proved the phone number with a one-time code (phone bookings, or the contact phone
    # of an ID booking); only verified bookings can be looked up / cancelled online and count to 003 §7
    Column("verified", Boolean, nullable=False, server_default=text("false")),
    Column("phone_hash", String(64)),  # HMAC of the verified phone (== person_hash for phone bookings)
    Index("ix_appointments_person", "person_hash", "service", "day"),
    Index("ix_appointments_slot", "hall", "service", "day"),
    Index("ix_appointments_state_closes_at", "state", "closes_at"),
)

booking_changes = Table(  # 0007: each booking made or cancelled, numbered per hall without gaps, so that a
    # process's in-memory slot availability (server/readmodels/slots.py) learns another process's changes
    "booking_changes",
    metadata,
    Column("hall", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("service", String(32), nullable=False),
    Column("slot_start", Float, nullable=False),
    Column("delta", Integer, nullable=False),  # +1 booked, -1 cancelled
    Column("at", Float, nullable=False),
)

phone_requests = Table(  # 0004: public phone-page requests, for per-person and per-address rate limits
    "phone_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # remote_ticket | notify | booking | lookup | cancel
    Column("address_hash", String(64), nullable=False),  # HMAC(secret, client address)
    Column("person_hash", String(64)),  # HMAC(secret, phone or ID number)
    Column("service", String(32)),
    Column("ticket_id", String(96)),
    Column("at", Float, nullable=False),
    Index("ix_phone_requests_address_hash_at", "address_hash", "at"),
    Index("ix_phone_requests_person_hash_at", "person_hash", "at"),
)

login_throttle = Table(  # 0006: failed PIN guesses per (staff number, address) and per address
    "login_throttle",
    metadata,
    Column("key", String(160), primary_key=True),  # "acct:<staff_no>@<addr hash>" | "addr:<addr hash>"
    Column("failures", Integer, nullable=False, server_default="0"),  # since the last success / quiet day
    Column("last_at", Float, nullable=False),  # the last failure (or claimed attempt)
)

phone_codes = Table(  # 0006: one-time codes proving a phone number (keyed hashes only)
    "phone_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("phone_hash", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),  # HMAC(secret, phone hash + code)
    Column("address_hash", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),  # wrong codes tried against it
    Column("used", Boolean, nullable=False, server_default=text("false")),
    Column("session_hash", String(64), unique=True),  # SHA-256 of the p_… token the right code earned
    Column("session_expires_at", Float),
    Index("ix_phone_codes_phone_hash_created_at", "phone_hash", "created_at"),
    Index("ix_phone_codes_address_hash_created_at", "address_hash", "created_at"),
)

card_daily = Table(  # 0005: “每人每天限取 N 个” — the N rows of a person, service and day; a unique key, so that
    # two kiosks (or server processes) racing the same card cannot both take the last place
    "card_daily",
    metadata,
    Column("hall", String(64), primary_key=True),
    Column("service", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),  # local date
    Column("person_hash", String(64), primary_key=True),  # vocab.cardhash: HMAC(card key, ID number)
    Column("n", Integer, primary_key=True),  # 1 … per_person_daily
    Column("ticket_id", String(96), nullable=False),
    Column("at", Float, nullable=False),
)

card_links = Table(  # 0005: a booking made with an ID number → the card hash the kiosk will send for it
    "card_links",
    metadata,
    Column("card_hash", String(64), primary_key=True),
    Column("person_hash", String(64), nullable=False, unique=True),  # the booking's (server.booking.person)
    Column("at", Float, nullable=False),
)

notices = Table(  # 0004: 到号提醒 sent, one per ticket (the number itself is never stored)
    "notices",
    metadata,
    Column("ticket_id", String(96), primary_key=True),
    Column("hall", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # near | called
    Column("recipient_mask", String(32), nullable=False),
    Column("backend", String(16), nullable=False),
    Column("at", Float, nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", String(96), ForeignKey("tickets.id"), nullable=False, unique=True),
    Column("hall", String(64), nullable=False),
    Column("service", String(32), nullable=False),
    Column("window", Integer),
    Column("clerk", String(64)),
    Column("score", Integer),  # 5 非常满意 … 1 非常不满意; NULL 未评价 (offered, not given: 0002)
    Column("channel", String(16), nullable=False),  # pad | phone
    Column("at", Float, nullable=False),
    CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score"),
    Index("ix_ratings_hall_at", "hall", "at"),
)

warnings = Table(
    "warnings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall", String(64), ForeignKey("halls.id"), nullable=False),
    Column("kind", String(32), nullable=False),  # server.supervision.model.Kind
    Column("subject", String(96), nullable=False),  # what it is about: service code, window, ticket, device…
    Column("level", String(8), nullable=False),  # yellow | red (the highest reached)
    Column("since", Float, nullable=False),  # when the condition began, as far as known
    Column("raised_at", Float, nullable=False),
    Column("escalated_at", Float),  # yellow → red
    Column("cleared_at", Float),  # the condition ended; NULL = open
    Column("message_zh", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("facts", Text, nullable=False, server_default="{}"),  # JSON: figures behind the message
    Column("acknowledged_at", Float),
    Column("acknowledged_by", String(96)),
    Column("ack_note", Text, nullable=False, server_default=""),
    CheckConstraint("level IN ('yellow', 'red')", name="level"),
    Index("ix_warnings_hall_raised_at", "hall", "raised_at"),
    # fire once: at most one open warning per (hall, kind, subject)
    Index(
        "uq_warnings_open",
        "hall",
        "kind",
        "subject",
        unique=True,
        sqlite_where=text("cleared_at IS NULL"),
        postgresql_where=text("cleared_at IS NULL"),
    ),
)

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall", String(64), ForeignKey("halls.id"), nullable=False),
    Column("ticket_id", String(96), ForeignKey("tickets.id"), nullable=False, unique=True),  # the rated visit
    Column("number", String(8), nullable=False),
    Column("service", String(32), nullable=False),
    Column("window", Integer),
    Column("clerk", String(64)),  # the clerk who was rated
    Column("score", Integer, nullable=False),  # 2 不满意 | 1 非常不满意
    Column("channel", String(16), nullable=False),
    Column("rated_at", Float, nullable=False),
    Column("opened_at", Float, nullable=False),
    Column("contact_due", Float, nullable=False),
    Column("close_due", Float, nullable=False),
    Column("state", String(16), nullable=False),  # open | contacted | closed
    Column("assignee", String(64)),  # staff number of who follows it up
    Column("assigned_at", Float),
    Column("contacted_at", Float),
    Column("contact_note", Text, nullable=False, server_default=""),
    Column("rectification", Text, nullable=False, server_default=""),
    Column("rectified_at", Float),
    Column("closed_at", Float),
    Column("reply", Text, nullable=False, server_default=""),
    CheckConstraint("state IN ('open', 'contacted', 'closed')", name="state"),
    Index("ix_followups_hall_state", "hall", "state"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", Float, nullable=False),
    Column("actor", String(96), nullable=False),
    Column("role", String(16), nullable=False),
    Column("hall", String(64)),
    Column("window", Integer),
    Column("device", String(96)),
    Column("action", String(48), nullable=False),
    Column("detail", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: the global audit lock
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor", String(96), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("fingerprint", String(64), nullable=False),  # method + path + body digest
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
)
