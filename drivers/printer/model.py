"""What gets printed: the paper, a queue ticket and a one-time notice (一次性告知单).

Plain frozen dataclasses that check their own fields, so a bad ticket fails where it was made,
with a message naming the field, before any byte reaches a printer.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .errors import PrintContentError

__all__ = ["LANES", "NoticePrint", "Paper", "TicketPrint"]

Lang = Literal["zh", "en"]
Lane = Literal["normal", "priority", "appointment"]

#: queue lanes a ticket can belong to. DOMAIN rule 4 (priority, 绿色通道) and rule 1 (appointment).
LANES: tuple[str, ...] = ("normal", "priority", "appointment")


class Paper(enum.Enum):
    """Thermal roll width. Columns are half-width characters of the 12×24-dot font A.

    >>> Paper.MM58.columns, Paper.MM58.dots
    (32, 384)
    """

    MM58 = 58
    MM80 = 80

    @property
    def dots(self) -> int:
        """Printable width in dots (203 dpi heads)."""
        return 384 if self is Paper.MM58 else 576

    @property
    def columns(self) -> int:
        """Half-width columns per line at normal size (a CJK character takes two)."""
        return self.dots // 12


def _check_text(owner: str, name: str, value: object, *, allow_empty: bool = False) -> None:
    if not isinstance(value, str):
        raise PrintContentError(f"{owner}.{name} 应为文字，实为 {type(value).__name__}",
                                f"{owner}.{name} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise PrintContentError(f"{owner}.{name} 不能为空", f"{owner}.{name} must not be empty")
    # a control byte inside a name would reach the printer as a command (ESC, GS V = cut…)
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        raise PrintContentError(f"{owner}.{name} 含有控制字符 U+{ord(bad):04X}",
                                f"{owner}.{name} contains control character U+{ord(bad):04X}")


def _check_lang(owner: str, lang: object) -> None:
    if lang not in ("zh", "en"):
        raise PrintContentError(f"{owner}.lang 应为 zh 或 en，实为 {lang!r}",
                                f"{owner}.lang must be 'zh' or 'en', got {lang!r}")


def _check_time(owner: str, value: object) -> None:
    if not isinstance(value, datetime):
        raise PrintContentError(f"{owner}.issued_at 应为 datetime",
                                f"{owner}.issued_at must be a datetime")


def _invalid(name: str, zh: str, en: str, value: object) -> PrintContentError:
    return PrintContentError(f"{name} 应为{zh}，实为 {value!r}",
                             f"{name} must be {en}, got {value!r}")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True, slots=True)
class TicketPrint:
    """A queue ticket as the kiosk prints it.

    ``estimated_wait_s`` is seconds (``None``: no estimate, the line is left out); it is printed as the
    range the kiosk screen shows (``client.estimate``): the server's ``wait_low_min``–``wait_high_min``
    when it sent them.
    ``notice`` replaces the default closing line (过号可到取号机重排…) when given.
    """

    hall_name: str
    number: str
    service_name: str
    lane: Lane
    ahead: int
    estimated_wait_s: int | None
    issued_at: datetime
    track_url: str
    notice: str = ""
    lang: Lang = "zh"
    wait_low_min: int | None = None
    wait_high_min: int | None = None

    def __post_init__(self) -> None:
        for name in ("hall_name", "number", "service_name", "track_url"):
            _check_text("TicketPrint", name, getattr(self, name))
        _check_text("TicketPrint", "notice", self.notice, allow_empty=True)
        if self.lane not in LANES:
            raise _invalid("TicketPrint.lane", f"{'/'.join(LANES)} 之一",
                           f"one of {', '.join(LANES)}", self.lane)
        if not _is_count(self.ahead):
            raise _invalid("TicketPrint.ahead", "非负整数", "an integer >= 0", self.ahead)
        wait = self.estimated_wait_s
        if wait is not None and not _is_count(wait):
            raise _invalid("TicketPrint.estimated_wait_s", "秒数（≥0）或 None",
                           "seconds >= 0 or None", wait)
        _check_time("TicketPrint", self.issued_at)
        _check_lang("TicketPrint", self.lang)


@dataclass(frozen=True, slots=True)
class NoticePrint:
    """The one-time notice of missing materials, printed at the counter.

    000 第十七条: 申请材料不全…应当当场一次性告知清楚，并出具一次性告知清单;
    004 第二十五条: 一次性书面告知需要补正的全部内容. So ``materials`` is the complete list.
    """

    hall_name: str
    number: str
    service_name: str
    window_name: str
    clerk_name: str
    staff_no: str
    materials: list[str]
    issued_at: datetime
    lang: Lang = "zh"

    def __post_init__(self) -> None:
        names = ("hall_name", "number", "service_name", "window_name", "clerk_name", "staff_no")
        for name in names:
            _check_text("NoticePrint", name, getattr(self, name))
        if isinstance(self.materials, str) or not list(self.materials):
            raise PrintContentError("NoticePrint.materials 应为非空的材料清单",
                                    "NoticePrint.materials must be a non-empty list of materials")
        for i, item in enumerate(self.materials):
            _check_text("NoticePrint", f"materials[{i}]", item)
        _check_time("NoticePrint", self.issued_at)
        _check_lang("NoticePrint", self.lang)
