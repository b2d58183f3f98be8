"""What a visitor types at 预约签到: a booking code or the phone number they booked with.

Pure rules, so the screen and the tests share them. A phone number is never shown whole on a public
screen (000 第二十八条, DOMAIN rule 11): the middle four digits are masked.

>>> classify("13812345678"), classify("AB12CD"), classify("123"), classify("13812345678x")
('phone', 'code', None, 'code')
>>> mask("13812345678"), mask("AB12CD")
('138****5678', 'AB12CD')
"""

from __future__ import annotations

import re
from typing import Literal

_PHONE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers
_CODE = re.compile(r"^[A-Z0-9]{6,12}$")
MAX_LEN = 12


def normalise(text: str) -> str:
    """Upper case, no spaces or dashes (a scanner may send either)."""
    return re.sub(r"[\s-]", "", text).upper()


def classify(text: str) -> Literal["phone", "code"] | None:
    value = normalise(text)
    if _PHONE.match(value):
        return "phone"
    if _CODE.match(value):
        return "code"
    return None


def mask(text: str) -> str:
    """What the screen shows while the visitor types."""
    value = normalise(text)
    if value.isdigit() and value.startswith("1") and len(value) > 3:
        hidden = min(4, max(0, len(value) - 3))
        return value[:3] + "*" * hidden + value[3 + hidden:]
    return value
