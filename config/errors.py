"""Configuration errors: each problem names file, key path and reason (Chinese and English).

* ConfigError     raised by :func:`config.load`; ``str()`` is one line per problem
  - .problems     list of :class:`Problem`
* BilingualValueError   raised inside validators; the loader turns it into a Problem at that key
"""

from __future__ import annotations

from dataclasses import dataclass


class BilingualValueError(ValueError):
    """A validator's complaint, in Chinese and English (pydantic wraps it as a ``value_error``)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a configuration file.

    >>> print(Problem("hall.toml", "halls[c].services[MA01].prefix", "应为大写字母", "capital"))
    hall.toml: halls[c].services[MA01].prefix: 应为大写字母（capital）
    """

    file: str
    path: str  # key path such as ``halls[county].windows[number=5]``; "" for the whole file
    zh: str
    en: str
    line: int | None = None  # TOML syntax errors only
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.zh}（{self.en}）"


class ConfigError(Exception):
    """The configuration cannot be used; ``str()`` lists every problem found, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
