"""好差评 rating pad: five levels, voluntary, one rating per visit.

>>> from drivers.pad import open_pad
>>> pad = open_pad("sim://")
>>> pad.open_rating("A012-20240601", timeout_s=30)
>>> pad.press(5)
>>> pad.wait_rating()
RatingResult(visit_id='A012-20240601', score=<Score.VERY_SATISFIED: 5>)
>>> pad.close()

Backends: ``sim://``, ``evdev://`` (USB keypad), ``serial://`` (framed protocol); a pty device
simulator for the serial pad is in :mod:`drivers.pad.simulator`.
"""

from ._base import RatingCallback, RatingPad
from ._debounce import DEFAULT_DEBOUNCE_S, Debouncer
from ._evdev import KEY_SCORES, EvdevPad
from ._open import open_pad
from ._rating import NOT_RATED_EN, NOT_RATED_ZH, RatingResult, RatingStateError, Score
from ._serial import SerialPad
from ._sim import SimPad

__all__ = [
    "DEFAULT_DEBOUNCE_S",
    "KEY_SCORES",
    "NOT_RATED_EN",
    "NOT_RATED_ZH",
    "Debouncer",
    "EvdevPad",
    "RatingCallback",
    "RatingPad",
    "RatingResult",
    "RatingStateError",
    "Score",
    "SerialPad",
    "SimPad",
    "open_pad",
]
