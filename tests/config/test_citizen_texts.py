"""What citizens read (service names and descriptions on the kiosk and the phone pages, window names on
the board) carries no rule references: "（003 §12–14）" is for the people who run the hall, not for visitors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ("name_zh", "name_en", "description_zh", "description_en")
RULE_REFERENCE = re.compile(r"§|\b00\d\b|第[一二三四五六七八九十百]+条")


def test_no_rule_references_in_the_shipped_halls_public_texts() -> None:
    config = tomllib.loads((ROOT / "config" / "hall.toml").read_text(encoding="utf-8"))
    found = []
    for hall in config["halls"]:
        for part in ("services", "windows", "categories"):
            for item in hall.get(part, []):
                found += [f"{part}: {item[k]}" for k in PUBLIC if RULE_REFERENCE.search(str(item.get(k, "")))]
    assert found == []
