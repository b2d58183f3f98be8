"""Fire once, escalate once, clear when the condition ends: open warnings vs. what holds now (pure).

================================  ==================================================================
finding now, no open warning      ``raise``     (level as found: a FAIL device is red at once)
open yellow, finding now red      ``escalate``  (the message becomes the red one)
open, finding at the same level   nothing: the warning was already pushed
open red, finding now yellow      nothing: a warning keeps the highest level it reached
open, no finding now              ``clear``
================================  ==================================================================
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Finding, Kind, Level


class Action(enum.StrEnum):
    RAISE = "raised"
    ESCALATE = "escalated"
    CLEAR = "cleared"


@dataclass(frozen=True, slots=True)
class Open:
    """An open warning as stored."""

    id: int
    kind: Kind
    subject: str
    level: Level
    since: float

    @property
    def key(self) -> tuple[Kind, str]:
        return self.kind, self.subject


@dataclass(frozen=True, slots=True)
class Change:
    action: Action
    finding: Finding | None  # raise, escalate
    warning: Open | None  # escalate, clear


def reconcile(open_warnings: Iterable[Open], findings: Iterable[Finding]) -> list[Change]:
    """The changes that bring the stored warnings in line with ``findings``: raises and escalations in
    the order of the findings, then clears in the order of the open warnings."""
    opened = {w.key: w for w in open_warnings}
    changes: list[Change] = []
    seen: set[tuple[Kind, str]] = set()
    for f in findings:
        if f.key in seen:
            continue  # one warning per (kind, subject)
        seen.add(f.key)
        current = opened.get(f.key)
        if current is None:
            changes.append(Change(Action.RAISE, f, None))
        elif f.level.rank > current.level.rank:
            changes.append(Change(Action.ESCALATE, f, current))
    changes.extend(Change(Action.CLEAR, None, w) for key, w in opened.items() if key not in seen)
    return changes
