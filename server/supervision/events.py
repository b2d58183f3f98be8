"""Supervision and follow-up events: they go into the hall's event log (``HallService.append_events``),
so the WebSocket pushes them like every other event and the audit trail records each one.

* warning.raised  warning.escalated  warning.cleared  warning.acknowledged   → ``{"warning": {...}}``
* followup.opened  followup.assigned  followup.contacted  followup.rectified  followup.closed
                                                                            → ``{"followup": {...}}``

The ``warning`` and ``followup`` keys are private (``server.api.views.PRIVATE_KEYS``): screens in public
places get only the kind and time (004 第五条: statistics for authorised roles). Follow-up payloads never
carry the free text (contact notes may hold a phone number): read it through the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # "warning.raised", "followup.closed", …
    at: float
    hall: str
    key: str  # "warning" | "followup"
    body: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "at": self.at, "hall": self.hall, self.key: self.body}


def warning_event(action: str, at: float, hall: str, view: dict[str, Any]) -> Notice:
    return Notice(f"warning.{action}", at, hall, "warning", view)


def followup_event(action: str, at: float, hall: str, view: dict[str, Any]) -> Notice:
    public = {k: v for k, v in view.items() if k not in ("contact_note", "rectification", "reply")}
    return Notice(f"followup.{action}", at, hall, "followup", public)
