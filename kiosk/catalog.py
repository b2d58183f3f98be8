"""What the kiosk offers: the hall's categories (home buttons) and their services, from ``GET /halls``.

A category button lists its own services and then its ``extra_services`` (the 无差别综合 button lists
everything the all-purpose windows accept: config/hall.toml), the same rule as
``config.HallConfig.services_in``. A category with one service issues on the first tap (walk-in =
two taps: category, ticket); with several it opens a second level; a long list gets keyword search.

Every service carries a search key: Chinese and English names, code, description, and the pinyin
of the Chinese name, whole and by initials, so 不动产 is found by "不动产", "budongchan" or "bdc"
(the on-screen keyboard has letters; Chinese input needs an IME most kiosks do not have).

>>> from client.models import HallInfo
>>> hall = HallInfo.of({"id": "h", "name_zh": "中心", "name_en": "Centre",
...     "categories": [{"id": "re", "name_zh": "不动产", "name_en": "Real estate"},
...                    {"id": "all", "name_zh": "无差别", "name_en": "All", "extra_services": ["R1"]}],
...     "services": [{"code": "R1", "name_zh": "不动产登记", "name_en": "Property", "prefix": "D",
...                   "category": "re", "minutes": 10}]})
>>> cat = Catalog.from_hall(hall)
>>> [c.id for c in cat.categories], cat.category("all").single.code
(['re', 'all'], 'R1')
>>> "bdcdj" in cat.service("R1").search
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from client.models import Category, HallInfo, HallRules, ServiceInfo

#: a list of this many services or more gets the keyword search box (the 无差别 list has 13)
SEARCH_FROM = 8


@functools.cache
def _pinyin(text: str) -> tuple[str, str]:
    """(whole pinyin, initials) of the Han characters in ``text``, lower case, no tones."""
    from pypinyin import Style, lazy_pinyin  # pinyin tables load on first use, not at import

    han = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
    whole = lazy_pinyin(han)
    initials = lazy_pinyin(han, style=Style.FIRST_LETTER)
    return "".join(whole), "".join(initials)


def search_key(name_zh: str, *texts: str) -> str:
    """One lower-case string the keyword filter matches substrings in: the texts, and the pinyin of
    the Chinese name only (pinyin of a long description would match almost any initials)."""
    whole, initials = _pinyin(name_zh)
    parts = [t.lower() for t in (name_zh, *texts) if t] + [whole, initials]
    return " | ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class ServiceItem:
    code: str
    name_zh: str
    name_en: str
    prefix: str
    description_zh: str = ""
    description_en: str = ""
    search: str = ""

    @classmethod
    def of(cls, svc: ServiceInfo) -> ServiceItem:
        return cls(svc.code, svc.name_zh, svc.name_en, svc.prefix, svc.description_zh, svc.description_en,
                   search_key(svc.name_zh, svc.name_en, svc.code, svc.description_zh))


@dataclass(frozen=True, slots=True)
class CategoryItem:
    id: str
    name_zh: str
    name_en: str
    icon: str
    description_zh: str
    description_en: str
    services: tuple[ServiceItem, ...]

    @property
    def single(self) -> ServiceItem | None:
        """The one service of this button, when there is only one (no second level)."""
        return self.services[0] if len(self.services) == 1 else None

    @property
    def searchable(self) -> bool:
        return len(self.services) >= SEARCH_FROM


@dataclass(frozen=True, slots=True)
class Catalog:
    hall_id: str
    hall_name_zh: str
    hall_name_en: str
    categories: tuple[CategoryItem, ...]
    priority_age: int | None = None  # issue 18: a laid ID card this old is offered the green channel
    prefixes: tuple[str, ...] = ()  # the ticket number letters in use (the 过号重排 keys)
    rules: HallRules = field(default_factory=HallRules)  # the public recall / requeue rules, said plainly

    @classmethod
    def from_hall(cls, hall: HallInfo) -> Catalog:
        services = {s.code: s for s in hall.services}
        items = []
        for cat in hall.categories:
            listed = [s for s in hall.services if s.category == cat.id]
            listed += [services[c] for c in _extra_services(cat)
                       if c in services and services[c].category != cat.id]
            if listed:  # a category without services would be a button that leads nowhere
                items.append(CategoryItem(cat.id, cat.name_zh, cat.name_en, cat.icon, cat.description_zh,
                                          cat.description_en, tuple(ServiceItem.of(s) for s in listed)))
        prefixes = tuple(sorted({s.prefix for s in hall.services if s.prefix}))
        return cls(hall.id, hall.name_zh, hall.name_en, tuple(items), hall.priority_age, prefixes, hall.rules)

    def category(self, category_id: str) -> CategoryItem:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(category_id)

    def service(self, code: str) -> ServiceItem:
        for cat in self.categories:
            for svc in cat.services:
                if svc.code == code:
                    return svc
        raise KeyError(code)

    def all_services(self) -> tuple[ServiceItem, ...]:
        """Every service once, in category order (the priority lane's list)."""
        seen: dict[str, ServiceItem] = {}
        for cat in self.categories:
            for svc in cat.services:
                seen.setdefault(svc.code, svc)
        return tuple(seen.values())


def _extra_services(cat: Category) -> list[str]:
    # ``extra_services`` is in the server's JSON (config.Category) but not a declared field of the
    # client's Category model, which keeps unknown fields in ``raw``.
    extra = cat.raw.get("extra_services") or []
    return [str(c) for c in extra]
