"""The five satisfaction levels of 好差评 and the outcome of one rating."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..errors import DeviceError

__all__ = ["NOT_RATED_EN", "NOT_RATED_ZH", "RatingResult", "RatingStateError", "Score"]

NOT_RATED_ZH = "未评价"
NOT_RATED_EN = "not rated"


class Score(enum.IntEnum):
    """A visitor's grade; the key labelled N on the pad gives score N.

    DOMAIN rule 8 / seed 004 第三十三条: five levels, and "引导时不得违背申请人意愿" —
    rating is voluntary, so there is deliberately no default member: no press means no score.

    >>> Score(3).zh, Score(3).en
    ('基本满意', 'basically satisfied')
    """

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    BASICALLY_SATISFIED = 3
    SATISFIED = 4
    VERY_SATISFIED = 5

    @property
    def zh(self) -> str:
        return _LABELS[self][0]

    @property
    def en(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    Score.VERY_SATISFIED: ("非常满意", "very satisfied"),
    Score.SATISFIED: ("满意", "satisfied"),
    Score.BASICALLY_SATISFIED: ("基本满意", "basically satisfied"),
    Score.DISSATISFIED: ("不满意", "dissatisfied"),
    Score.VERY_DISSATISFIED: ("非常不满意", "very dissatisfied"),
}


@dataclass(frozen=True, slots=True)
class RatingResult:
    """How one visit's rating ended: a :class:`Score`, or ``None`` for 未评价.

    ``None`` covers every way of not rating — the time ran out, the clerk moved on, the visitor
    walked away. It is never turned into a grade.
    """

    visit_id: str
    score: Score | None

    @property
    def rated(self) -> bool:
        return self.score is not None

    @property
    def label_zh(self) -> str:
        return NOT_RATED_ZH if self.score is None else self.score.zh

    @property
    def label_en(self) -> str:
        return NOT_RATED_EN if self.score is None else self.score.en


class RatingStateError(DeviceError):
    """The rating cannot be opened or waited for in the pad's present state (a caller error)."""
