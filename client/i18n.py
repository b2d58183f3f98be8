"""Bilingual UI text: Chinese first, English available (one switch for a whole app).

Screens keep :class:`T` pairs, not bare strings, and re-render on a language change:

>>> t = T("取号", "Take a ticket")
>>> t.text("zh"), t.text("en")
('取号', 'Take a ticket')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@dataclass(frozen=True, slots=True)
class T:
    """A piece of UI text in Chinese and English."""

    zh: str
    en: str

    def text(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh

    def format(self, **kwargs: object) -> T:
        return T(self.zh.format(**kwargs), self.en.format(**kwargs))

    def fill(self, **values: object) -> T:
        """Like :meth:`format`, but a value that is itself a :class:`T` gives each language its own text.

        >>> T("转自 {service}", "from {service}").fill(service=T("税务", "Tax"))
        T(zh='转自 税务', en='from Tax')
        """
        zh = {k: v.zh if isinstance(v, T) else v for k, v in values.items()}
        en = {k: v.en if isinstance(v, T) else v for k, v in values.items()}
        return T(self.zh.format(**zh), self.en.format(**en))


def pick(lang: Lang, zh: str, en: str) -> str:
    """Choose between a Chinese and an English string (server payloads carry ``*_zh``/``*_en`` pairs)."""
    return en if lang == "en" and en else zh
