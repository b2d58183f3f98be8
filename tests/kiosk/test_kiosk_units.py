"""The kiosk's pure parts and Qt models, without a server: doctests, list models (qtmodeltester),
the keyword filter, the booking input rules, the corner gesture, the ticket's wording."""

from __future__ import annotations

import doctest

import pytest

import kiosk.booking
import kiosk.catalog
import kiosk.gesture
import kiosk.ticketview
from client.models import HallInfo
from kiosk.catalog import Catalog
from kiosk.models import ID_ROLE, CategoryModel, ServiceFilter, ServiceModel

HALL = HallInfo.of({
    "id": "h", "name_zh": "中心", "name_en": "Centre",
    "categories": [
        {"id": "re", "name_zh": "不动产登记", "name_en": "Real estate", "icon": "house"},
        {"id": "police", "name_zh": "公安", "name_en": "Police", "icon": "police"},
        {"id": "empty", "name_zh": "空", "name_en": "Empty"},
        {"id": "all", "name_zh": "无差别综合", "name_en": "All-purpose", "icon": "all",
         "extra_services": ["RE01", "RE02", "PS01", "NOPE"]},
    ],
    "services": [
        {"code": "RE01", "name_zh": "不动产转移登记（二手房过户）", "name_en": "Property transfer", "prefix": "D",
         "category": "re", "minutes": 25},
        {"code": "RE02", "name_zh": "不动产抵押登记", "name_en": "Mortgage registration", "prefix": "E",
         "category": "re", "minutes": 15},
        {"code": "PS01", "name_zh": "户籍业务", "name_en": "Household registration", "prefix": "M",
         "category": "police", "minutes": 12},
    ],
})


@pytest.mark.parametrize("module", [kiosk.booking, kiosk.catalog, kiosk.gesture, kiosk.ticketview])
def test_doctests(module):
    failed, tried = doctest.testmod(module)
    assert tried and not failed


def test_catalog_follows_the_config_rule_for_buttons():
    cat = Catalog.from_hall(HALL)
    assert [c.id for c in cat.categories] == ["re", "police", "all"]  # a button without services is left out
    assert cat.category("police").single.code == "PS01"  # one service: no second level
    assert [s.code for s in cat.category("all").services] == ["RE01", "RE02", "PS01"]  # extras, unknown dropped
    assert [s.code for s in cat.all_services()] == ["RE01", "RE02", "PS01"]


def test_category_and_service_models(qtmodeltester):
    cat = Catalog.from_hall(HALL)
    categories = CategoryModel()
    categories.replace(cat.categories)
    qtmodeltester.check(categories)
    services = ServiceModel()
    services.replace(cat.category("all").services)
    qtmodeltester.check(services)
    assert services.index(0).data() == "不动产转移登记（二手房过户）"
    services.set_lang("en")
    assert services.index(0).data() == "Property transfer"


@pytest.mark.parametrize(("query", "codes"), [
    ("", ["RE01", "RE02", "PS01"]),
    ("bdc", ["RE01", "RE02"]),          # pinyin initials
    ("BDCDY", ["RE02"]),                # … case does not matter
    ("hujiyewu", ["PS01"]),             # whole pinyin
    ("抵押", ["RE02"]),                 # Chinese
    ("mortgage", ["RE02"]),             # English
    ("ps01", ["PS01"]),                 # the code
    ("(*", []),                         # not a pattern: no crash, no match
])
def test_keyword_filter(qtmodeltester, query, codes):
    services = ServiceModel()
    services.replace(Catalog.from_hall(HALL).category("all").services)
    found = ServiceFilter()
    found.setSourceModel(services)
    found.set_query(query)
    qtmodeltester.check(found)
    assert [found.index(r, 0).data(ID_ROLE) for r in range(found.rowCount())] == codes


@pytest.mark.parametrize(("typed", "kind", "shown"), [
    ("13812345678", "phone", "138****5678"),
    ("138 1234-5678", "phone", "138****5678"),  # a scanner's spaces and dashes
    ("ab12cd", "code", "AB12CD"),
    ("12345", None, "123**"),        # too short for either; masked as a phone number being typed
    ("1381234", "code", "138****"),  # digits only: a numeric booking code, still masked while typed
    ("2381234567X", "code", "2381234567X"),
])
def test_booking_input(typed, kind, shown):
    assert kiosk.booking.classify(typed) == kind
    assert kiosk.booking.mask(typed) == shown


def test_a_ticket_that_may_not_be_reached_today_says_so_with_the_time_and_the_booking_page(qtbot):
    """Issue 17: a visitor who may not be served before closing is told when the ticket is issued — on
    screen, in the hall's zone, with where to book another time, and aloud in elder mode."""
    from client.models import Issued
    from kiosk.screens.ticket import TicketScreen
    from kiosk.ticketview import TicketView

    answer = {"id": "h-20260921-A031", "hall": "h", "day": "2026-09-21", "number": "A031", "service": "MA01",
              "lane": "normal", "channel": "kiosk", "state": "waiting", "issued_at": 1789980000.0,
              "queued_at": 1789980000.0, "ahead": 14, "estimated_wait_s": 2400,
              "wait_low_min": 25, "wait_high_min": 55, "beyond_closing": True, "closes_at": 1789983000.0,
              "track_url": "https://hall.example/t/abc", "seq": 9}
    view = TicketView.of(Issued.of(answer), hall_name_zh="中心", hall_name_en="Centre", tz="Asia/Shanghai")
    said = view.closing_text
    assert said is not None
    assert "17:30" in said.zh and "https://hall.example/m" in said.zh  # 1789983000 = 17:30 in Shanghai
    assert "17:30" in said.en and "book another time" in said.en
    assert "可以用手机预约其他时间" in view.voice("zh", printed=True)
    screen = TicketScreen()
    qtbot.addWidget(screen)
    screen.show_ticket(view)
    assert "17:30" in screen.note.text() and screen.note.isVisibleTo(screen)
    ordinary = TicketView.of(Issued.of({**answer, "beyond_closing": False}), hall_name_zh="中心",
                             hall_name_en="Centre")
    assert ordinary.closing_text is None and "预约" not in ordinary.voice("zh", printed=True)
