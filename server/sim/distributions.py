"""Service-time distributions: exponential, lognormal given mean and coefficient of variation, fixed."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Literal

Kind = Literal["exponential", "lognormal", "fixed"]
Sampler = Callable[[random.Random], float]


def sampler(kind: Kind, mean_s: float, cv: float = 0.5) -> Sampler:
    """A function drawing one duration in seconds with the given mean.

    Lognormal with mean m and coefficient of variation cv: σ² = ln(1 + cv²), μ = ln m − σ²/2.
    Service times in halls are right-skewed (most visits are short, a few papers take long), which
    the lognormal captures; the exponential (cv = 1) is what Erlang C assumes.
    """
    if mean_s <= 0:
        raise ValueError("mean must be positive")
    if kind == "exponential":
        rate = 1 / mean_s
        return lambda rng: rng.expovariate(rate)
    if kind == "fixed":
        return lambda rng: mean_s
    if kind == "lognormal":
        sigma = math.sqrt(math.log1p(cv * cv))
        mu = math.log(mean_s) - sigma * sigma / 2
        return lambda rng: rng.lognormvariate(mu, sigma)
    raise ValueError(f"unknown distribution {kind!r}")
