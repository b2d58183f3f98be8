"""好差评 follow-ups: every bad rating (不满意, 非常不满意) is followed up to closure with a reply
(003 (七)1; DOMAIN rule 8). Deadlines in :mod:`.deadlines`, rows and actions in :mod:`.store`,
``hallq followups`` in :mod:`.cli`; overdue ones raise supervision warnings (server.supervision)."""

from .deadlines import deadline, deadlines
from .store import BAD_SCORES, STATES, assign, close, contact, get, listing, open_missing, rectify, view

__all__ = ["BAD_SCORES", "STATES", "assign", "close", "contact", "deadline", "deadlines", "get", "listing",
           "open_missing", "rectify", "view"]
