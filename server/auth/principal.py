"""Who is calling: a clerk (clerk | manager | maintenance) or a device (kiosk | counter | display | pad)."""

from __future__ import annotations

from dataclasses import dataclass, field

STAFF_ROLES = ("clerk", "manager", "maintenance")
DEVICE_KINDS = ("kiosk", "counter", "display", "pad")
# devices in public places: whatever they receive is on show to the lobby (000 第二十八条)
PUBLIC_KINDS = frozenset({"kiosk", "display", "pad"})


@dataclass(frozen=True, slots=True)
class Principal:
    actor: str  # "clerk:<staff_no>" or "device:<id>": the audit trail's "who"
    role: str  # a staff role or a device kind
    hall: str | None  # None: every hall of the deployment (staff only)
    windows: frozenset[int] = field(
        default_factory=frozenset
    )  # authorised windows (staff), bound window (device)
    staff_no: str | None = None
    name: str = ""
    device_id: int | None = None

    @property
    def is_device(self) -> bool:
        return self.device_id is not None

    @property
    def in_public(self) -> bool:
        """True for screens the public can read: they must never receive personal data."""
        return self.role in PUBLIC_KINDS

    @property
    def device(self) -> str | None:
        return self.actor if self.is_device else None

    @property
    def clerk_id(self) -> str:
        """The clerk id recorded on tickets and windows (the staff number)."""
        return self.staff_no or self.actor
