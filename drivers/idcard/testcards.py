"""Made-up cards for the simulators and tests: people who do not exist, numbers with valid check digits.

``ELDER`` is 70 on 2026-01-01 (over the usual ``priority_age`` of 65 for years to come), ``ADULT`` is
in the 18–59 band, ``HKMOTW`` and ``FOREIGN`` are the other two types the kiosk takes, ``FOREIGN_2023``
is one it refuses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .card import build_text_block, id_check_char

__all__ = ["ADULT", "CARDS", "ELDER", "FOREIGN", "FOREIGN_2023", "HKMOTW", "SampleCard", "fake_photo"]


def _number(first17: str) -> str:
    return first17 + id_check_char(first17)


@dataclass(frozen=True, slots=True)
class SampleCard:
    key: str
    name: str = field(repr=False)
    number: str = field(repr=False)
    birth: str
    kind: str = ""  # "", "J", "I", "Y"
    name_en: str = ""

    def block(self) -> bytes:
        return build_text_block(name=self.name, number=self.number, birth=self.birth, kind=self.kind,
                                name_en=self.name_en, address="北京市朝阳区示例路1号", issuer="北京市公安局朝阳分局",
                                nationality="GBR" if self.kind == "I" else "")


def fake_photo(seed: str) -> bytes:
    """1024 bytes standing for the reader's compressed photo: never decoded, never kept."""
    out = b""
    while len(out) < 1024:
        out += hashlib.sha256(f"{seed}:{len(out)}".encode()).digest()
    return out[:1024]


ELDER = SampleCard("elder", "张建明", _number("11010519560101123"), "19560101")
ADULT = SampleCard("adult", "李小红", _number("11010519900315246"), "19900315")
SECOND_ADULT = SampleCard("adult2", "王国庆", _number("44030419851001357"), "19851001")
HKMOTW = SampleCard("hkmotw", "陈大文", _number("81000019500607468"), "19500607", kind="J")
FOREIGN = SampleCard("foreign", "史密斯", "GBR110048081201", "19480812", kind="I", name_en="SMITH JOHN")
FOREIGN_2023 = SampleCard("foreign2023", "史密斯", "9" + "11" * 8 + "1", "19480812", kind="Y")
CARDS: dict[str, SampleCard] = {c.key: c for c in (ELDER, ADULT, SECOND_ADULT, HKMOTW, FOREIGN, FOREIGN_2023)}
