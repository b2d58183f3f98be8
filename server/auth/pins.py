"""PIN rules for new PINs: at least 6 digits, and none of the PINs an attacker tries first.

A 4-digit PIN falls to 10,000 guesses; throttling (``throttle.py``) makes guessing slow, but only a
large space makes it hopeless. Existing 4- and 5-digit PINs keep working until they are changed.

>>> weak_reason("135792") is None
True
>>> weak_reason("1234")[1]
'the PIN must be 6-12 digits'
>>> weak_reason("123456")[1]
'the PIN is too easy to guess (sequence, repetition or a common PIN): choose another'
>>> [weak_reason(p) is None for p in ("111111", "121212", "123123", "987654", "520520", "246810")]
[False, False, False, False, False, True]
"""

from __future__ import annotations

import itertools
import re

PIN_RE = re.compile(r"^\d{6,12}$")
# PINs people pick most (keyboard patterns, dates-ish, 520 = "I love you"); sequences and repeats are
# caught by rule below, so this list holds only what those rules miss
_COMMON = frozenset({
    "112233", "147258", "159753", "258369", "369258", "123321", "654456", "520520", "521521", "520131",
    "131420", "147369", "789456", "456789", "100200", "110110", "123654", "852456", "112358", "198964",
    "000123", "123000", "666888", "888666", "168168", "518518", "200000", "101010",
})


def weak_reason(pin: str) -> tuple[str, str] | None:
    """Why ``pin`` may not be a new PIN (zh, en), or None when it is fine."""
    if not PIN_RE.match(pin):
        return "密码须为 6–12 位数字", "the PIN must be 6-12 digits"
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    periodic = any(pin == (pin[:n] * len(pin))[: len(pin)] for n in (1, 2, 3))  # 111111, 121212, 123123
    if periodic or steps in ({1}, {9}) or pin in _COMMON:
        return ("密码太容易被猜到（连续、重复或常用密码），请换一个",
                "the PIN is too easy to guess (sequence, repetition or a common PIN): choose another")
    return None
