"""What a visitor gives at 过号重排 (a missed number rejoins the queue): the number on the ticket,
typed on the screen's keys, or the ticket's QR code, scanned — a USB QR scanner is a keyboard
("keyboard wedge"): it types the tracking URL printed in the QR, then Enter.

Pure rules, shared by the screen and the tests.

>>> parse("a012"), parse(" A-012 "), parse("http://hall.example/t/Yx3_k-9"), parse("A01"), parse("")
(('number', 'A012'), ('number', 'A012'), ('track', 'http://hall.example/t/Yx3_k-9'), None, None)
>>> print(rule_text(HallRules(requeue_behind=3, requeue_within_min=60)).zh)
过号后 60 分钟内可重新排队，排在 3 位等候的人之后；超过时间请重新取号
"""

from __future__ import annotations

import re
from typing import Literal

from client.i18n import T
from client.models import HallRules
from client.rules import requeue_rule

_NUMBER = re.compile(r"^[A-Z]{1,4}[0-9]{3,5}$")
_TRACK = re.compile(r"/t/[A-Za-z0-9_-]{1,64}/?$")
MAX_TYPED = 8  # a number is a few letters and 3–5 digits
MAX_SCANNED = 300  # a tracking URL

def normalise(text: str) -> str:
    """A typed number: upper case, no spaces or dashes."""
    return re.sub(r"[\s-]", "", text).upper()


def parse(text: str) -> tuple[Literal["number", "track"], str] | None:
    """("number", "A012") or ("track", url) — or None: nothing usable yet."""
    raw = text.strip()
    if _TRACK.search(raw):
        return "track", raw
    number = normalise(raw)
    if _NUMBER.match(number):
        return "number", number
    return None


def rule_text(rules: HallRules) -> T:
    """The hall's rule in plain words (config ``[halls.recall]``, sent in GET /halls)."""
    return requeue_rule(rules)
