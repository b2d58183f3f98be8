"""An issued ticket as the kiosk shows, says and prints it.

>>> from client.models import Issued
>>> issued = Issued.of({"id": "h-20260921-A012", "number": "A012", "service": "GEN", "state": "waiting",
...     "hall": "h", "day": "2026-09-21", "lane": "priority", "channel": "kiosk", "issued_at": 1790000000.0,
...     "queued_at": 1790000000.0, "service_name_zh": "综合受理", "service_name_en": "General",
...     "ahead": 3, "estimated_wait_s": 610, "track_url": "http://hall.test/t/abc", "seq": 7})
>>> view = TicketView.of(issued, hall_name_zh="某中心", hall_name_en="Centre")
>>> view.ahead_text.zh, view.wait_text.zh, view.wait_text.en
('前面还有 3 人', '预计等候约 5～15 分钟', 'Estimated wait: about 5-15 min')
>>> view.to_print("zh", tz="Asia/Shanghai").issued_at.isoformat()
'2026-09-21T22:13:20+08:00'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from client.estimate import wait_text
from client.i18n import Lang, T
from client.models import Issued
from drivers.announcer import spoken_number
from drivers.printer import TicketPrint

from . import texts


@dataclass(frozen=True, slots=True)
class TicketView:
    id: str
    number: str
    service: str
    service_name_zh: str
    service_name_en: str
    lane: str  # normal | priority | appointment
    ahead: int
    estimated_wait_s: int | None
    track_url: str
    issued_at: float
    hall_name_zh: str
    hall_name_en: str
    wait_low_min: int | None = None  # the server's printed range, when it sends one (else client.estimate's)
    wait_high_min: int | None = None

    @classmethod
    def of(cls, issued: Issued, *, hall_name_zh: str, hall_name_en: str) -> TicketView:
        return cls(issued.id, issued.number, issued.service, issued.service_name_zh or issued.service,
                   issued.service_name_en or issued.service, str(issued.lane.value), issued.ahead,
                   issued.estimated_wait_s, issued.track_url or "", issued.issued_at, hall_name_zh, hall_name_en,
                   getattr(issued, "wait_low_min", None), getattr(issued, "wait_high_min", None))

    @property
    def priority(self) -> bool:
        return self.lane == "priority"

    @property
    def lane_text(self) -> T | None:
        """The lane tag on screen: 优先 (green channel), 预约 (a checked-in booking), none for walk-ins."""
        return {"priority": texts.LANE_PRIORITY, "appointment": texts.LANE_APPOINTMENT}.get(self.lane)

    @property
    def service_name(self) -> T:
        return T(self.service_name_zh, self.service_name_en)

    @property
    def ahead_text(self) -> T:
        return texts.AHEAD.format(n=self.ahead) if self.ahead else texts.AHEAD_NONE

    @property
    def wait_text(self) -> T | None:
        """The same line the ticket prints, from the same answer (issue 16: even with nobody ahead —
        every window may be busy)."""
        return wait_text(self.estimated_wait_s, low_min=self.wait_low_min, high_min=self.wait_high_min)

    def voice(self, lang: Lang, *, printed: bool) -> str:
        """What the announcer says in elder mode when the ticket is shown."""
        number = spoken_number(self.number, lang)
        if not printed:
            return texts.PHOTO_VOICE.format(number=number).text(lang)
        ahead = texts.AHEAD_VOICE.format(n=self.ahead).text(lang) if self.ahead else ""
        return texts.TICKET_VOICE.format(number=number, ahead=ahead).text(lang)

    def to_print(self, lang: Lang, *, tz: str | ZoneInfo = "Asia/Shanghai") -> TicketPrint:
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        hall = self.hall_name_en if lang == "en" else self.hall_name_zh
        return TicketPrint(hall, self.number, self.service_name.text(lang), self.lane, self.ahead,  # type: ignore[arg-type]
                           self.estimated_wait_s, datetime.fromtimestamp(self.issued_at, zone),
                           self.track_url or "-", lang=lang, wait_low_min=self.wait_low_min,
                           wait_high_min=self.wait_high_min)
