"""The notifier contract: one method plus ``close()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class NotifierError(ValueError):
    """A notifier URL that cannot be used; ``str()`` is ``"zh（en）"``."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}（{en}）")
        self.zh = zh
        self.en = en


@dataclass(frozen=True, slots=True)
class Message:
    to: str = field(repr=False)  # the phone number: only a real gateway may see it, nothing records it
    to_mask: str  # 138****5678: what logs and files show
    hall: str
    ticket_id: str
    kind: str  # near | called
    text_zh: str
    text_en: str

    def public(self) -> dict[str, Any]:
        """What may be written down: everything but the number itself."""
        return {"to": self.to_mask, "hall": self.hall, "ticket": self.ticket_id, "kind": self.kind,
                "text_zh": self.text_zh, "text_en": self.text_en}


class Notifier(Protocol):
    name: str  # recorded with each sent notice: "log", "sim"

    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...
