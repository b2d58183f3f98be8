"""Booking codes: what a visitor types at the kiosk or carries as a QR code.

Eight characters of a 31-symbol alphabet without look-alikes (no 0/O, 1/I/L), always with at least one
letter, so a code is never mistaken for a phone number (``kiosk/booking.py`` accepts 6–12 characters).
The caller supplies the randomness (``secrets.randbelow`` in the server, a seeded one in tests).

>>> import random
>>> new_code(random.Random(7).randrange)
'M9EPXBC5'
"""

from __future__ import annotations

from collections.abc import Callable

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(randbelow: Callable[[int], int], length: int = 8) -> str:
    while True:
        code = "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(length))
        if not code.isdigit():
            return code
