"""Asking a live device until it answers: a generous deadline, never one short reply time.

A device test that needs an answer ("the pad is OK again") must not fail because this box was busy
for the few hundred milliseconds one request waits. The device's own request timeout stays short
(it is what a *silent* device costs), and the question is asked again until the deadline. Each
question blocks in the driver for at most its timeout, so this loop never sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: how long a live device in a test gets to answer (a loaded CI box, not the device's speed)
ANSWER_DEADLINE_S = 30.0


def eventually(ask: Callable[[], T], holds: Callable[[T], bool], deadline_s: float = ANSWER_DEADLINE_S) -> T:
    """``ask()`` until ``holds(answer)`` (or the deadline passes); the last answer, for the assert.

    >>> eventually(lambda: 3, lambda n: n == 3)
    3
    """
    end = time.monotonic() + deadline_s
    answer = ask()
    while not holds(answer) and time.monotonic() < end:
        answer = ask()
    return answer
