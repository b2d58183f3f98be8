"""The phone pages in real headless Chromium against a real server process: booking, cancelling, and the
tracking page changing live from "前面还有 3 人" to "请到 3 号窗口办理" as the server calls."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import text

from tests.booking.browser import PHONE_VIEWPORT, chromium
from tests.server.conftest import ServerProcess, start_server, stop_server

pytestmark = pytest.mark.timeout(240)

H = "/api/v1/halls/test"
WAIT_MS = 60_000  # generous: the tracking page polls every 3 s


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("browser-server")
    with pytest.MonkeyPatch.context() as mp:  # messages (one-time codes) go to a file the test reads, like a phone
        mp.setenv("HALLQ_NOTIFY", f"sim://{workdir / 'notices.jsonl'}")
        srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}")
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=2, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  base_url=server.base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []  # no script error on any page


def shot(page: Page, name: str, tmp_path: Path) -> None:
    """Every page state is rendered to a PNG as it would be shown (docs/img's come from tests/booking/shots.py)."""
    path = tmp_path / f"phone-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def received_code(server: ServerProcess, page: Page, mask: str) -> str:
    """Tap 获取验证码 and read the code the phone ``mask`` was sent (the sim notifier's file)."""
    page.click("#send-code")
    expect(page.locator("#otp-note")).to_contain_text(mask, timeout=WAIT_MS)
    lines = (server.workdir / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    sent = [json.loads(x) for x in lines if json.loads(x)["kind"] == "code" and json.loads(x)["to"] == mask]
    return next(w.rstrip(",") for w in sent[-1]["text_en"].split() if w.rstrip(",").isdigit())


def free_slot(page: Page, n: int) -> Locator:
    """The ``n``-th free slot of tomorrow. The test hall is open around the clock, so tomorrow always has a
    whole day of free slots; today's may be nearly over (a run at 22:55 hall time found two)."""
    page.locator("#days button").nth(1).click()
    return page.locator("#slots button:not([disabled])").nth(n)


def test_chinese_glyphs_come_from_a_cjk_font(page: Page) -> None:
    page.goto("/m")
    expect(page.locator("#halls a").first).to_have_text("测试政务服务中心", timeout=WAIT_MS)
    assert page.evaluate("document.fonts.check('20px \"Noto Sans CJK SC\"', '前面还有')")


def test_book_then_cancel_in_the_browser(page: Page, server: ServerProcess, tmp_path: Path) -> None:
    page.goto("/m/test")
    expect(page.locator("#hall-name")).to_have_text("测试政务服务中心", timeout=WAIT_MS)
    shot(page, "hall", tmp_path)
    page.click("#to-book")
    page.click('[data-service="GEN"]')
    expect(page.locator("#step-slot")).to_be_visible(timeout=WAIT_MS)
    slot = free_slot(page, 2)
    start = slot.get_attribute("data-start")
    slot.click()
    page.fill("#person", "13812345678")
    page.fill("#otp", received_code(server, page, "138****5678"))
    shot(page, "book", tmp_path)
    page.click("#submit")
    expect(page.locator("#done")).to_be_visible(timeout=WAIT_MS)
    code = page.locator("#code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    expect(page.locator("#facts")).to_contain_text("138****5678")
    expect(page.locator("#facts")).to_contain_text(start)
    shot(page, "booked", tmp_path)

    page.click("#to-mine")  # 我的预约, the code filled in from the link
    expect(page.locator("#code")).to_have_value(code)
    page.fill("#person", "13812345678")  # proved a minute ago in this tab: no second code needed
    page.click("#find")
    expect(page.locator("#state")).to_have_text("已预约", timeout=WAIT_MS)
    page.click("#cancel")
    shot(page, "cancel", tmp_path)
    page.click("#confirm-yes")
    expect(page.locator("#state")).to_have_text("已取消", timeout=WAIT_MS)
    expect(page.locator("#cancel")).to_be_hidden()
    with server.engine.connect() as conn:  # the server agrees
        state = conn.execute(text("SELECT state FROM appointments WHERE code = :c"), {"c": code}).scalar()
    assert state == "cancelled"


def test_an_id_booking_without_a_phone_is_checked_in_with_the_card(page: Page) -> None:
    page.goto("/m/test/book?service=GEN")
    free_slot(page, 3).click()
    page.fill("#person", "11010519491231002X")
    expect(page.locator("#contact-box")).to_be_visible()
    expect(page.locator("#otp-box")).to_be_hidden()  # nothing to prove without a contact phone
    page.click("#submit")
    expect(page.locator("#done")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#card-hint")).to_be_visible()  # check in with the ID card itself
    expect(page.locator("#to-mine")).to_be_hidden()  # and no online look-up: nothing proves who booked


def test_a_refused_booking_shows_the_reason(page: Page) -> None:
    page.goto("/m/test/book?service=TAX")
    free_slot(page, 0).click()
    page.fill("#person", "12345")
    page.click("#submit")
    expect(page.locator("#error")).to_have_text("请输入 11 位手机号或 18 位身份证号", timeout=WAIT_MS)
    page.click("#lang")  # English on request
    expect(page.locator("#submit")).to_have_text("Book")
    page.click("#submit")
    expect(page.locator("#error")).to_have_text("enter an 11-digit mobile number or an 18-character ID number",
                                                timeout=WAIT_MS)


def test_the_tracking_page_follows_the_queue_live(page: Page, server: ServerProcess, tmp_path: Path) -> None:
    server.add_clerk("t3", windows=(3,))
    with server.client(server.add_device("kiosk")) as kiosk, server.client(server.login("t3")) as clerk:
        tickets = [kiosk.post(f"{H}/tickets", json={"service": "SOC"}).json() for _ in range(4)]
        mine = tickets[3]
        page.goto("/t/" + mine["track_url"].rsplit("/", 1)[1])
        expect(page.locator("#number")).to_have_text(mine["number"], timeout=WAIT_MS)
        expect(page.locator("#headline")).to_have_text("前面还有 3 人", timeout=WAIT_MS)
        expect(page.locator("#detail")).to_contain_text("预计等待约")
        shot(page, "track-waiting", tmp_path)

        assert clerk.post(f"{H}/windows/3/sign-in").status_code == 200

        def serve(n: int) -> None:
            for _ in range(n):
                for step in ("call", "start", "finish"):
                    body = {"outcome": "completed"} if step == "finish" else None
                    assert clerk.post(f"{H}/windows/3/{step}", json=body).status_code == 200

        serve(2)
        expect(page.locator("#headline")).to_have_text("前面还有 1 人", timeout=WAIT_MS)
        serve(1)
        assert clerk.post(f"{H}/windows/3/call").json()["ticket"]["id"] == mine["id"]
        expect(page.locator("#headline")).to_have_text("请到 3 号窗口办理", timeout=WAIT_MS)
        expect(page.locator("#ticket")).to_have_class(re.compile(r"\bcalled\b"))
        shot(page, "track-called", tmp_path)


def test_remote_ticket_from_the_phone_opens_its_tracking_page(page: Page, server: ServerProcess,
                                                              tmp_path: Path) -> None:
    page.goto("/m/test/take")
    page.click('[data-service="GEN"]')
    page.fill("#phone", "13912345678")
    page.fill("#otp", received_code(server, page, "139****5678"))
    shot(page, "take", tmp_path)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/t/[A-Za-z0-9_-]+$"), timeout=WAIT_MS)
    expect(page.locator("#number")).to_have_text(re.compile(r"^A\d{3}$"), timeout=WAIT_MS)
    expect(page.locator("#service")).to_have_text("综合受理")


RAW_KEYS = "[...document.querySelectorAll('[data-i18n]')].filter(e => e.textContent.trim() === e.dataset.i18n)" \
           ".map(e => e.dataset.i18n)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_is_translated_in_both_languages(page: Page, server: ServerProcess, lang: str) -> None:
    with server.client(server.add_device("kiosk")) as kiosk:
        token = kiosk.post(f"{H}/tickets", json={"service": "GEN"}).json()["track_url"].rsplit("/", 1)[1]
    for path, ready in (("/m", "#halls a"), ("/m/test", "#to-book"), ("/m/test/book", "#services button"),
                        ("/m/test/mine", "#find"), ("/m/test/take", "#services button"), (f"/t/{token}", "#number")):
        page.goto(f"{path}?lang={lang}")
        expect(page.locator(ready).first).to_be_visible(timeout=WAIT_MS)
        assert page.evaluate(RAW_KEYS) == [], path
        assert page.evaluate("document.documentElement.lang") == ("en" if lang == "en" else "zh-CN")
    en, zh = r"^(\d+ ahead of you|1 person ahead of you|You are next)$", r"^(前面还有 \d+ 人|下一个就是您)$"
    waiting = en if lang == "en" else zh
    expect(page.locator("#headline")).to_have_text(re.compile(waiting), timeout=WAIT_MS)
