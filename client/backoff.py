"""Retry delays: exponential, capped, with jitter — shared by HTTP retries and stream reconnects.

Jitter spreads the retries of a hall full of kiosks and screens after a server restart, so they do not
all knock at the same instant. ``websockets.client.backoff`` jitters only its first delay (and starts
at up to 5 s), hence this small generator.

>>> import itertools, random
>>> [round(d, 3) for d in itertools.islice(Backoff(0.2, 5.0, jitter=0.0).delays(), 7)]
[0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]
>>> all(0.1 <= d <= 0.2 for d in [next(Backoff(0.2, 5.0, rng=random.Random(1)).delays())])
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """Delays ``first``, ``first·factor``, … up to ``cap`` seconds, each scaled by a random factor
    in ``[1 − jitter, 1]`` (so a delay never exceeds its nominal value: the bound stays a bound)."""

    first: float = 0.2
    cap: float = 5.0
    factor: float = 2.0
    jitter: float = 0.5
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delays(self) -> Iterator[float]:
        """An endless series of delays in seconds; take as many as there are retries."""
        nominal = self.first
        while True:
            yield nominal * (1.0 - self.jitter * self.rng.random())
            nominal = min(nominal * self.factor, self.cap)
