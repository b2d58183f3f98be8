"""Screenshots of the phone pages for docs/img (``phone-*.png``), at a phone's 390×844 viewport.

Run: ``.venv/bin/python -m tests.booking.shots`` — starts real server processes (the shipped county
configuration for the booking pages, the always-open test hall for the tracking pages), drives headless
Chromium through each page and writes the PNGs. Open them and check them after a change.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import config
from tests.booking.browser import PHONE_VIEWPORT, chromium
from tests.server.conftest import ServerProcess, start_server, stop_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "img"
WAIT_MS = 60_000
H = "/api/v1/halls/test"


def _page(browser, server: ServerProcess, lang: str = "zh") -> Page:
    context = browser.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=2, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  base_url=server.base_url)
    page = context.new_page()
    if lang == "en":
        page.add_init_script("localStorage.setItem('hallq.lang', 'en')")
    return page


def _save(page: Page, name: str) -> None:
    path = OUT / f"phone-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(path)


def _type_code(page: Page, server: ServerProcess, mask: str) -> None:
    """Tap 获取验证码 and type the code the phone received (the sim notifier's file)."""
    page.click("#send-code")
    expect(page.locator("#otp-note")).to_contain_text(mask, timeout=WAIT_MS)
    lines = (server.workdir / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    sent = [m for m in map(json.loads, lines) if m["kind"] == "code" and m["to"] == mask]
    page.fill("#otp", next(w.rstrip(",") for w in sent[-1]["text_en"].split() if w.rstrip(",").isdigit()))


def booking_pages(browser, county: ServerProcess) -> None:
    page = _page(browser, county)
    page.goto("/m/county")
    expect(page.locator("#hall-name")).to_have_text("示例县政务服务中心", timeout=WAIT_MS)
    _save(page, "hall")
    page.goto("/m/county/book?service=MA01")
    expect(page.locator("#step-slot")).to_be_visible(timeout=WAIT_MS)
    page.locator("#days button").nth(1).click()
    page.locator("#slots button:not([disabled])").nth(3).click()
    page.fill("#person", "13812345678")
    _type_code(page, county, "138****5678")
    _save(page, "book")
    page.click("#submit")
    expect(page.locator("#done")).to_be_visible(timeout=WAIT_MS)
    _save(page, "booked")
    page.click("#to-mine")
    page.fill("#person", "13812345678")
    page.click("#find")
    expect(page.locator("#state")).to_have_text("已预约", timeout=WAIT_MS)
    page.click("#cancel")
    _save(page, "cancel")
    page.click("#confirm-yes")
    expect(page.locator("#state")).to_have_text("已取消", timeout=WAIT_MS)
    _save(page, "cancelled")
    page.context.close()


def tracking_pages(browser, server: ServerProcess) -> None:
    server.add_clerk("s3", windows=(3,))
    page = _page(browser, server)
    page.goto("/m/test/take")
    page.click('[data-service="SOC"]')
    page.fill("#phone", "13912345678")
    _type_code(page, server, "139****5678")
    _save(page, "take")
    with server.client(server.add_device("kiosk")) as kiosk, server.client(server.login("s3")) as clerk:
        for _ in range(3):
            kiosk.post(f"{H}/tickets", json={"service": "SOC"})
        page.click("#submit")
        page.wait_for_url(re.compile(r"/t/"), timeout=WAIT_MS)
        expect(page.locator("#headline")).to_have_text("前面还有 3 人", timeout=WAIT_MS)
        _save(page, "track-waiting")
        english = _page(browser, server, "en")
        english.goto(page.url)
        expect(english.locator("#headline")).to_have_text("3 ahead of you", timeout=WAIT_MS)
        _save(english, "track-en")
        english.context.close()
        clerk.post(f"{H}/windows/3/sign-in")
        for _ in range(3):
            for step in ("call", "start", "finish"):
                clerk.post(f"{H}/windows/3/{step}", json={"outcome": "completed"} if step == "finish" else None)
        clerk.post(f"{H}/windows/3/call")
        expect(page.locator("#headline")).to_have_text("请到 3 号窗口办理", timeout=WAIT_MS)
        _save(page, "track-called")
    page.context.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "a").mkdir()
        (base / "b").mkdir()
        with pytest.MonkeyPatch.context() as mp:  # messages (one-time codes) to a file, read as from a phone
            mp.setenv("HALLQ_NOTIFY", f"sim://{base / 'a' / 'notices.jsonl'}")
            county = start_server(base / "a", f"sqlite:///{base / 'a' / 'hallq.db'}", "--config",
                                  str(config.default_config_path()))
            mp.setenv("HALLQ_NOTIFY", f"sim://{base / 'b' / 'notices.jsonl'}")
            test = start_server(base / "b", f"sqlite:///{base / 'b' / 'hallq.db'}")
        try:
            with chromium() as browser:
                booking_pages(browser, county)
                tracking_pages(browser, test)
        finally:
            stop_server(county)
            stop_server(test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
