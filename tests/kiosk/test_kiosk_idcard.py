"""The ID card at the kiosk (issue 18), against real server processes (two on one database), real Qt
offscreen and the reader's in-process simulator (the serial path has its own pty tests):

* a card of a 70-year-old → the green channel, a priority ticket in one tap, spoken in elder mode;
* a card whose number a booking was made with → checked in with one tap;
* a limited service (凭身份证取号, one a day) → refused without a card, and the second time with the rule;
* two kiosks on two server processes racing the same card → one ticket;
* nothing of the number (or the full name) in the database files, the server logs, the kiosk's logs,
  the printed slips or any API answer.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from kiosk_helpers import HERE, SERVER_TODAY, WAIT_MS, support, tap, voice_texts, wait_until

from client.appkit import save_screenshot
from drivers.announcer import open_announcer
from drivers.idcard import CardState, SimIdCardReader
from drivers.idcard.card import id_check_char
from drivers.idcard.model import ReaderModel
from drivers.idcard.testcards import SampleCard
from drivers.printer import decode, open_printer
from drivers.terminal import Devices
from drivers.touch import open_touch
from vocab.cardhash import card_hash

pytestmark = pytest.mark.timeout(300)

CONFIG = HERE / "hall_idcard.toml"
HALL = "card"
MANAGER, PIN = "9101", "246813"
SHOTS = os.environ.get("HALLQ_KIOSK_SCREENSHOTS")
_seq = itertools.count(101)
USED: list[SampleCard] = []  # every card laid in this module: the privacy test looks for all of them


def person(birth: str, name: str) -> SampleCard:
    """A made-up person with a valid ID number (GB 11643 check character), unique in this module."""
    first17 = f"110105{birth}{next(_seq):03d}"
    card = SampleCard(f"p{first17}", name, first17 + id_check_char(first17), birth)
    USED.append(card)
    return card


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """Two ``hallq server`` processes on one SQLite database (and one secret: one card key), on the test
    clock (a Monday morning, server/testclock.py): the soonest booking slot is today's whenever this runs."""
    workdir = tmp_path_factory.mktemp("idcard-servers")
    db = f"sqlite:///{workdir / 'hallq.db'}"
    a = support.start_server(workdir, db, "--config", str(CONFIG), env=support.fixed_clock_env())
    b = support.start_server(workdir, db, "--config", str(CONFIG), env=support.fixed_clock_env())
    try:
        for name in ("kiosk", "kiosk2", "kiosk3"):
            a.tokens[name] = a.add_device("kiosk", hall=HALL)
        a.add_clerk(MANAGER, pin=PIN, role="manager", hall=HALL)
        yield a, b
    finally:
        support.stop_server(b)
        support.stop_server(a)


@pytest.fixture
def make_card_kiosk(qtbot, tmp_path: Path):
    """``make_card_kiosk(server, token="kiosk")`` → (kiosk, reader model, devices, API answers seen)."""
    from kiosk.app import Kiosk

    made = []

    def make(server, token: str = "kiosk", lang: str = "zh"):
        model = ReaderModel()
        devices = Devices(printer=open_printer("sim://"),
                          announcer=open_announcer(f"sim://?dir={tmp_path / f'voice{len(made)}'}&synth=0"),
                          touch=open_touch("sim://"), idcard=SimIdCardReader(model))
        kiosk = Kiosk.create(server.base_url, server.tokens[token], devices, hall=HALL, lang=lang)
        answers: list[str] = []
        kiosk.client._http.event_hooks["response"].append(lambda r: answers.append(r.read().decode("utf-8")))
        kiosk.cards.watcher.interval_s = 0.05
        made.append(kiosk)
        kiosk.window.resize(1920, 1080)
        kiosk.window.show()
        with qtbot.waitSignal(kiosk.controller.catalog_ready, timeout=WAIT_MS):
            kiosk.start()
        wait_until(qtbot, lambda: kiosk.cards.key is not None)
        return kiosk, model, devices, answers

    yield make
    for kiosk in made:
        kiosk.close()


def lay(qtbot, kiosk, reader: ReaderModel, card: SampleCard) -> None:
    with qtbot.waitSignal(kiosk.cards.shown, timeout=WAIT_MS):
        reader.lay(card)


def shown_texts(widget) -> str:
    from tests.support.rendering import shown_text_widgets

    return " ".join(w.text() for w in shown_text_widgets(widget))


def book_with_id(server, number: str, service: str = "CS01") -> str:
    """Book the soonest slot with an ID number on the public booking API. The servers run on the test
    clock (a Monday morning), so that slot is today's and its check-in is open."""
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        day = c.get(f"/api/v1/halls/{HALL}/booking/slots", params={"service": service}).json()["days"][0]
        assert day["day"] == SERVER_TODAY, day["day"]
        made = c.post(f"/api/v1/halls/{HALL}/bookings", json={"service": service, "day": day["day"],
                                                             "start": day["slots"][0]["start"], "person": number})
        assert made.status_code == 201, made.text
    return made.json()["booking"]["code"]


def shot(widget, path: Path) -> None:
    """Paint the window; with HALLQ_KIOSK_SCREENSHOTS (docs/img), saved reduced to 64 colours like the
    other kiosk screenshots."""
    save_screenshot(widget, path)
    if SHOTS:
        from PIL import Image

        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)


# -- the flows ---------------------------------------------------------------------------------------------
def test_a_70_year_old_gets_the_green_channel_in_one_tap_spoken_in_elder_mode(qtbot, servers, make_card_kiosk):
    a, _ = servers
    kiosk, reader, devices, _ = make_card_kiosk(a)
    w, flow = kiosk.window, kiosk.cards
    w.set_elder(True, speak=False)
    elder = person("19560101", "钱建明")  # 70 on 2026-01-01
    lay(qtbot, kiosk, reader, elder)
    s = flow.screen
    assert w.current is s and w.priority and s.header.property("kind") == "header-priority"
    assert s.greeting.text() == "钱*明，您好" and s.senior.isVisible() and "65" in s.senior.text()
    assert not s.booking_panel.isVisible()
    assert "钱建明" not in shown_texts(w) and elder.number not in shown_texts(w)
    assert any("已为您开启优先通道" in v for v in voice_texts(devices))
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, s.grid.tile_for("social"))  # the one tap
    t = w.ticket.ticket
    assert w.current is w.ticket and t.lane == "priority" and t.service == "SA03"
    slip = "\n".join(decode(devices.printer.sent).texts)
    assert "钱" not in slip and elder.number not in slip and elder.number[-4:] not in slip
    tap(qtbot, w.ticket.done_button)
    assert w.current is w.home and kiosk.controller.card is None and not w.priority  # the card is forgotten


def test_a_card_with_a_booking_is_checked_in_with_one_tap(qtbot, servers, make_card_kiosk):
    a, _ = servers
    visitor = person("19900315", "孙丽华")
    book_with_id(a, visitor.number)
    kiosk, reader, _, _ = make_card_kiosk(a)
    w, s = kiosk.window, kiosk.cards.screen
    lay(qtbot, kiosk, reader, visitor)
    assert s.booking_panel.isVisible() and "综合咨询" in s.booked.text() and not w.priority
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, s.check_in)
    t = w.ticket.ticket
    assert w.current is w.ticket and t.lane == "appointment" and t.service == "CS01"
    assert w.ticket.note.text() == "签到成功，已进入预约通道"
    tap(qtbot, w.ticket.done_button)
    reader.lift()
    wait_until(qtbot, lambda: kiosk.cards.last_poll is not None and kiosk.cards.last_poll.state is CardState.NO_CARD)
    lay(qtbot, kiosk, reader, visitor)  # laid again: the booking is used, nothing more to check in
    assert not s.booking_panel.isVisible()


def test_a_limited_service_needs_the_card_and_refuses_a_second_ticket_with_the_rule(qtbot, servers,
                                                                                     make_card_kiosk):
    a, _ = servers
    kiosk, reader, _, _ = make_card_kiosk(a)
    w, c = kiosk.window, kiosk.controller
    with qtbot.waitSignal(c.refused, timeout=WAIT_MS) as refused:
        tap(qtbot, w.home.grid.tile_for("realestate"))  # no card laid
    assert refused.args[0] == "card_required" and "需凭身份证取号" in w.notice.message.text()
    tap(qtbot, w.notice.ok_button)
    visitor = person("19851001", "周志强")
    lay(qtbot, kiosk, reader, visitor)
    with qtbot.waitSignal(c.printed, timeout=WAIT_MS):
        tap(qtbot, kiosk.cards.screen.grid.tile_for("realestate"))
    assert w.ticket.ticket.service == "RE01"
    tap(qtbot, w.ticket.done_button)
    reader.lift()
    wait_until(qtbot, lambda: kiosk.cards.last_poll is not None and kiosk.cards.last_poll.state is CardState.NO_CARD)
    lay(qtbot, kiosk, reader, visitor)
    with qtbot.waitSignal(c.refused, timeout=WAIT_MS) as refused:
        tap(qtbot, kiosk.cards.screen.grid.tile_for("realestate"))
    assert refused.args[0] == "per_person_limit"
    assert w.current is w.notice and "每人每天限取 1 个号" in w.notice.message.text()
    w.set_lang("en")
    assert '"Property transfer registration" is limited to 1 ticket per person a day' in w.notice.message.text()


def test_two_kiosks_on_two_server_processes_racing_one_card_get_one_ticket(qtbot, servers, make_card_kiosk):
    a, b = servers
    b.tokens.update(a.tokens)
    one, reader1, _, _ = make_card_kiosk(a, "kiosk2")
    two, reader2, _, _ = make_card_kiosk(b, "kiosk3")
    visitor = person("19780808", "吴海涛")
    lay(qtbot, one, reader1, visitor)
    lay(qtbot, two, reader2, visitor)
    outcomes: list[str] = []
    for k in (one, two):
        k.controller.issued.connect(lambda _v: outcomes.append("issued"))
        k.controller.refused.connect(lambda code, _zh, _en: outcomes.append(code))
    tap(qtbot, one.cards.screen.grid.tile_for("realestate"))  # both requests are in flight at once
    tap(qtbot, two.cards.screen.grid.tile_for("realestate"))
    wait_until(qtbot, lambda: len(outcomes) == 2)
    assert sorted(outcomes) == ["issued", "per_person_limit"]

    # and harder: 16 requests at once, alternating between the two processes, for one new card
    key = bytes.fromhex(httpx.get(f"{a.base_url}/api/v1/devices/card-key", timeout=30,
                                  headers={"Authorization": f"Bearer {a.tokens['kiosk']}"}).json()["card_key"])
    racer = person("19810203", "郑国华")
    hashed = card_hash(key, racer.number)

    def take(i: int) -> int:
        srv = (a, b)[i % 2]
        with srv.client(a.tokens["kiosk"]) as cl:
            body = {"service": "RE01", "person_hash": hashed, "card": {"kind": "resident", "age_band": "18-59"}}
            return cl.post(f"/api/v1/halls/{HALL}/tickets", json=body).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(take, range(16)))
    assert sorted(codes) == [201] + [409] * 15


def test_nothing_of_the_number_in_the_database_logs_slips_or_answers(qtbot, servers, make_card_kiosk, caplog):
    a, b = servers
    caplog.set_level("DEBUG")
    kiosk, reader, devices, answers = make_card_kiosk(a)
    w = kiosk.window
    here = [person("19490101", "冯德胜"), person("19920606", "陈晓燕")]
    book_with_id(a, here[1].number)
    for card in here:  # the card flows of this module once more, so that this test stands alone
        lay(qtbot, kiosk, reader, card)
        if kiosk.cards.screen.booking_panel.isVisible():
            with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
                tap(qtbot, kiosk.cards.screen.check_in)
            tap(qtbot, w.ticket.done_button)
            lay(qtbot, kiosk, reader, here[0])
        for _ in range(2):  # the second is refused by the per-person limit
            with qtbot.waitSignal(w.screen_changed, timeout=WAIT_MS):
                tap(qtbot, kiosk.cards.screen.grid.tile_for("realestate"))
            if w.current is w.ticket:
                wait_until(qtbot, lambda: w.ticket.print_state != "printing")
            tap(qtbot, w.ticket.done_button if w.current is w.ticket else w.notice.ok_button)
            reader.lift()
            wait_until(qtbot, lambda: kiosk.cards.last_poll is not None
                       and kiosk.cards.last_poll.state is CardState.NO_CARD)
            lay(qtbot, kiosk, reader, card)
        reader.lift()
        wait_until(qtbot, lambda: kiosk.cards.last_poll.state is CardState.NO_CARD)
    kiosk.controller.beat()  # the reader's health goes to the server too
    wait_until(qtbot, lambda: kiosk.controller.heartbeat.sent >= 2)

    # what staff and screens can read over the API
    token = a.login(MANAGER, PIN)
    with a.client(token) as staff:
        api = [staff.get(f"/api/v1/halls/{HALL}/bookings").text, staff.get("/api/v1/devices").text,
               staff.get("/api/v1/halls").text, staff.get(f"/api/v1/halls/{HALL}/snapshot").text]
    with a.client(a.tokens["kiosk"]) as device:
        api.append(device.get(f"/api/v1/halls/{HALL}/snapshot").text)
    assert '"device":"idcard","level":"OK"' in api[1].replace(" ", "")  # the reader in the kiosk's heartbeat
    workdir = a.workdir
    files = {p.name: p.read_bytes() for p in workdir.iterdir() if p.is_file() and p.name.startswith("hallq.db")}
    logs = a.log() + b.log() + "\n".join(r.getMessage() for r in caplog.records)
    slips = "\n".join(decode(devices.printer.sent).texts)
    assert len(answers) > 10 and files and "hallq.db" in files
    for card in USED:
        assert card.number not in logs and card.number not in slips, card.key
        assert card.name not in logs and card.name not in slips, card.key
        for text in answers + api:
            assert card.number not in text and card.number[:14] not in text and card.name not in text
        for name, raw in files.items():
            for form in (card.number.encode(), card.number.encode("utf-16-le"), card.name.encode("utf-8"),
                         card.name.encode("utf-16-le")):
                assert form not in raw, (name, card.key)
    # the audit log says a card was used, with its type and age band only
    with a.engine.connect() as conn:
        from sqlalchemy import select

        from server.storage import schema as t

        details = [r.detail for r in conn.execute(select(t.audit_log.c.detail).where(t.audit_log.c.action
                                                                                      == "ticket.issue"))]
    assert any('"card":{"age_band":"70-79","kind":"resident","used":true}' in d.replace(" ", "") for d in details)


def test_the_reader_in_the_maintenance_screen(qtbot, servers, make_card_kiosk):
    a, _ = servers
    kiosk, reader, _, _ = make_card_kiosk(a)
    m = kiosk.window.maintenance
    assert not m.check_buttons["idcard"].isHidden() and m.check_buttons["idcard"].text() == "身份证读卡器"
    with qtbot.waitSignal(kiosk.controller.check_done, timeout=WAIT_MS):
        m.check_buttons["idcard"].click()
    assert m.result_labels["idcard"].text().startswith("OK") and "读卡器正常" in m.result_labels["idcard"].text()
    reader.fault("sam_fault")
    with qtbot.waitSignal(kiosk.controller.check_done, timeout=WAIT_MS):
        m.check_buttons["idcard"].click()
    assert m.result_labels["idcard"].text().startswith("FAIL") and "安全模块" in m.result_labels["idcard"].text()


# -- screenshots ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["zh", "en", "elder"])
def test_card_screens_render_and_are_saved(qtbot, servers, make_card_kiosk, tmp_path, variant):
    from kiosk_helpers import elder_problems, rendering_problems

    a, _ = servers
    kiosk, reader, _, _ = make_card_kiosk(a, lang="en" if variant == "en" else "zh")
    w = kiosk.window
    if variant == "elder":
        w.set_elder(True, speak=False)
    out = Path(SHOTS) if SHOTS else tmp_path
    visitor = person("19560505", "李桂英")
    book_with_id(a, visitor.number)
    lay(qtbot, kiosk, reader, visitor)
    assert rendering_problems(w) == []
    if variant == "elder":
        assert elder_problems(w) == []
    shot(w, out / f"kiosk-card-{variant}.png")
    assert kiosk.cards.screen.booking_panel.isVisible()
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, kiosk.cards.screen.grid.tile_for("realestate"))
    tap(qtbot, w.ticket.done_button)
    reader.lift()
    wait_until(qtbot, lambda: kiosk.cards.last_poll is not None and kiosk.cards.last_poll.state is CardState.NO_CARD)
    lay(qtbot, kiosk, reader, visitor)
    with qtbot.waitSignal(kiosk.controller.refused, timeout=WAIT_MS):
        tap(qtbot, kiosk.cards.screen.grid.tile_for("realestate"))
    assert rendering_problems(w) == []
    shot(w, out / f"kiosk-card-limit-{variant}.png")
