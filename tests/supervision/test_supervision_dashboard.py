"""The managers' dashboard in real headless Chromium (Debian's, driven by Playwright) against a real
``hallq server``: manager-only login, the live hall updated over the WebSocket, a tide window opened from
the page, warnings acknowledged, a bad rating's follow-up handled to closure, a report with its charts, the
English toggle. Screenshots go to ``$HALLQ_DASHBOARD_SCREENSHOTS`` when set (docs/img for the docs)::

    HALLQ_DASHBOARD_SCREENSHOTS=docs/img .venv/bin/pytest tests/supervision/test_supervision_dashboard.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

import config
from server.auth import add_device
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage.db import make_engine, upgrade
from tests.server.conftest import start_server, stop_server
from tests.supervision.supervision_helpers import DASHBOARD_CONFIG, Clock, Seeder

pytestmark = pytest.mark.timeout(240)

H = "/api/v1/halls/county"
WAIT_MS = 60_000  # how long an expectation may take to come true: generous, never a pass condition
expect.set_options(timeout=WAIT_MS)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


SERVICE_MIN = {"MA01": 12, "RE01": 15, "SS01": 6, "TX01": 8, "GEN": 5}
ARRIVALS = ["MA01", "RE01", "GEN", "SS01", "RE01", "TX01", "GEN", "MA01", "RE01"]


def seed_morning(db_url: str) -> None:
    """The last two and a half hours of the hall, through the real core with an injected clock: arrivals
    every 2 minutes, four windows serving (1, 3, 4, 5), a few no-shows, ratings; calling stops 40 minutes
    ago, so tickets have been waiting since (supervision turns that into wait warnings)."""
    dep = config.load(DASHBOARD_CONFIG)
    engine = make_engine(db_url)
    upgrade(engine)
    clock = Clock(time.time() - 150 * 60)
    sync_config(engine, dep, now=clock())
    seed = Seeder(HallService(engine, dep, clock=clock), "county", clock)
    start, busy, scores = clock.now, {}, iter([5, 4, 5, None, 3, 5, 4, None, 5, 5, 4, 3] * 10)
    serving = (1, 3, 4, 5)
    for window in serving:
        seed.sign_in(window, f"100{window}")
    for minute in range(0, 111):
        clock.now = start + minute * 60
        if minute % 2 == 0:
            seed.issue(ARRIVALS[(minute // 2) % len(ARRIVALS)], lane="priority" if minute % 22 == 0 else "normal")
        for window in serving:
            plan = busy.get(window)
            if plan and clock.now >= plan[1]:
                if plan[2]:
                    seed.no_show(window)
                else:
                    done = seed.finish(window)
                    seed.rate(done.id, next(scores))
                busy.pop(window)
            elif plan and not plan[2] and plan[0] == clock.now:
                seed.start(window)
            if window not in busy and minute < 110:
                call = seed.call(window)
                if call is not None:
                    absent = (minute + window) % 13 == 0
                    serve = SERVICE_MIN[call.ticket.service] * (0.6 + 0.1 * ((minute + window) % 9))
                    busy[window] = (clock.now + 60, clock.now + 60 + serve * 60, absent)
    clock.now = start + 111 * 60
    for window, (start_at, _end, absent) in busy.items():
        if absent or start_at > clock.now:
            seed.no_show(window)
        else:
            seed.rate(seed.finish(window).id, next(scores))
    for window in serving:
        seed.sign_out(window)
    engine.dispose()


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A server with a morning under way: queues waiting too long, windows serving, one paused past its
    return, a silent display, finished visits with ratings (one bad)."""
    workdir = tmp_path_factory.mktemp("dashboard")
    seed_morning(f"sqlite:///{workdir / 'hallq.db'}")
    srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", "--config", str(DASHBOARD_CONFIG),
                       "--supervision-interval", "0.3", "--device-silent-after", "600")
    try:
        srv.add_clerk("9001", role="manager", windows=tuple(range(1, 9)), name="王主任", hall="county")
        names = ["张敏", "李强", "陈静", "刘洋", "赵磊", "孙丽", "周杰"]
        for i, name in enumerate(names, start=1):
            srv.add_clerk(f"100{i}", windows=(i,), name=name, hall="county")
        kiosk = srv.add_device("kiosk", hall="county")
        counter = srv.add_device("counter", hall="county", window=1)
        clerks = {i: srv.login(f"100{i}") for i in range(1, 8)}
        add_device(srv.engine, kind="display", name="大厅叫号屏", hall="county", now=time.time() - 1000, by="test")
        with srv.client(kiosk) as k:
            def issue(service: str, lane: str = "normal") -> dict:
                r = k.post(f"{H}/tickets", json={"service": service, "lane": lane})
                assert r.status_code == 201, r.text
                return r.json()

            for service, n in (("MA01", 4), ("RE01", 5), ("SS01", 3), ("TX01", 2), ("GEN", 6)):
                for _ in range(n):
                    issue(service)
            issue("MA01", "priority")
        for window, c in clerks.items():
            with srv.client(c) as clerk:
                assert clerk.post(f"{H}/windows/{window}/sign-in").status_code == 200
        rated = []
        for window in (1, 1, 2, 3):  # finished visits, rated from window 1's counter
            with srv.client(clerks[window]) as clerk:
                ticket = clerk.post(f"{H}/windows/{window}/call").json()["ticket"]
                clerk.post(f"{H}/windows/{window}/start")
                clerk.post(f"{H}/windows/{window}/finish", json={"outcome": "completed"})
                rated.append((window, ticket["id"]))
        with srv.client(counter) as pad:
            for (_window, ticket_id), score in zip(rated[:2], (5, 2), strict=True):
                assert pad.post(f"{H}/tickets/{ticket_id}/rating", json={"score": score}).status_code == 201
        for window in (1, 2, 3, 5):  # now serving
            with srv.client(clerks[window]) as clerk:
                clerk.post(f"{H}/windows/{window}/call")
                clerk.post(f"{H}/windows/{window}/start")
        with srv.client(clerks[4]) as clerk:  # paused, announced back 20 minutes ago
            r = clerk.post(f"{H}/windows/4/pause", json={"reason": "到后台取档案", "until": time.time() - 1200})
            assert r.status_code == 200, r.text
        with srv.client(clerks[6]) as clerk:
            clerk.post(f"{H}/windows/6/call")
        srv.tokens.update(kiosk=kiosk, clerk1=clerks[1])
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, hall) -> Page:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    yield pg
    context.close()


def shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("HALLQ_DASHBOARD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"dashboard-{name}.png"), full_page=True)


def login(page: Page, hall, staff_no: str = "9001", pin: str = "246813") -> None:
    page.goto(hall.base_url + "/dashboard/")
    page.fill("#staff-no", staff_no)
    page.fill("#pin", pin)
    page.click("#login-button")


def test_only_managers_can_log_in(page, hall, tmp_path) -> None:
    page.goto(hall.base_url + "/dashboard")  # redirected to /dashboard/
    expect(page.locator("#login-title")).to_have_text("管理人员登录")
    shot(page, "login", tmp_path)
    login(page, hall, "1001")
    expect(page.locator("#login-error")).to_have_text("仅限管理人员登录")
    login(page, hall, "9001", "0000")
    expect(page.locator("#login-error")).to_contain_text("密码错误")
    expect(page.locator("#tabs")).to_be_hidden()


def test_live_hall_updates_and_opens_a_tide_window(page, hall, tmp_path) -> None:
    login(page, hall)
    expect(page.locator("#windows .win")).to_have_count(8)
    expect(page.locator('[data-window="4"] .win-pause')).to_contain_text("到后台取档案")
    expect(page.locator('[data-window="1"] .win-clerk')).to_contain_text("张敏（1001）")
    expect(page.locator("#link")).to_have_text("● 实时")
    gen = page.locator('#queues tr[data-service="GEN"] td.total')
    with hall.client(hall.tokens["clerk1"]) as c:
        before = next(q["total"] for q in c.get(f"{H}/snapshot").json()["waiting"] if q["service"] == "GEN")
    expect(gen).to_have_text(str(before))
    with hall.client(hall.tokens["kiosk"]) as k:  # a ticket taken now shows up without a reload
        assert k.post(f"{H}/tickets", json={"service": "GEN"}).status_code == 201
    expect(gen).to_have_text(str(before + 1))

    card = page.locator('[data-window="7"]')
    card.locator("select").select_option("RE01")
    card.locator('[data-action="open-tide"]').click()
    expect(card.locator(".win-tide")).to_contain_text("潮汐：不动产登记")
    expect(page.locator("ul.tides")).to_contain_text("不动产登记 · 手动")
    with hall.client(hall.tokens["clerk1"]) as c:
        assert [(x["window"], x["service"]) for x in c.get(f"{H}/snapshot").json()["tides"]] == [(7, "RE01")]
    shot(page, "hall", tmp_path)
    card.locator('[data-action="close-tide"]').click()
    expect(page.locator("ul.tides")).to_have_count(0)
    page.click("#lang")
    expect(page.locator("#tab-hall")).to_have_text("Live hall")
    expect(page.locator('[data-window="4"] .status')).to_have_text("paused")
    shot(page, "hall-en", tmp_path)
    page.click("#lang")
    expect(page.locator("#tab-hall")).to_have_text("大厅实况")


def test_warnings_are_listed_and_acknowledged(page, hall, tmp_path) -> None:
    login(page, hall)
    page.click("#tab-warnings")
    pause = page.locator('#open-warnings tr[data-kind="pause_overdue"]')
    expect(pause).to_have_class("level-red")
    expect(pause.locator("td.msg")).to_contain_text("4 号窗口暂停（到后台取档案）")
    silent = page.locator('#open-warnings tr[data-kind="device_silent"]')
    expect(silent.locator("td.msg")).to_contain_text("大厅叫号屏")
    expect(page.locator("#warn-badge")).to_be_visible()
    silent.locator("input.note").fill("已通知运维")
    silent.locator('[data-action="ack"]').click()
    expect(silent).to_contain_text("已确认 9001")
    expect(silent).to_contain_text("已通知运维")
    shot(page, "warnings", tmp_path)
    with hall.client(hall.login("1004")) as clerk:  # window 4 comes back: its warning clears
        assert clerk.post(f"{H}/windows/4/resume").status_code == 200
    expect(page.locator('#open-warnings tr[data-kind="pause_overdue"]')).to_have_count(0)
    expect(page.locator('#cleared-warnings tr[data-kind="pause_overdue"]')).to_have_count(1)


def test_a_bad_ratings_followup_is_handled_to_closure(page, hall, tmp_path) -> None:
    login(page, hall)
    page.click("#tab-followups")
    row = page.locator("#followups tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2 不满意")
    row.click()
    detail = page.locator("#fu-detail")
    expect(detail).to_contain_text("待联系")
    page.fill("#fu-staff", "9001")
    detail.locator('[data-action="assign"]').click()
    expect(detail.locator("dl")).to_contain_text("9001")
    page.fill("#fu-contact", "电话回访：群众反映等候时间较长")
    detail.locator('[data-action="contact"]').click()
    expect(detail).to_contain_text("已联系")
    page.fill("#fu-rectify", "高峰时段开放潮汐窗口")
    detail.locator('[data-action="rectify"]').click()
    expect(detail).to_contain_text("高峰时段开放潮汐窗口")
    page.fill("#fu-reply", "已向群众致歉并说明整改措施")
    shot(page, "followups", tmp_path)
    detail.locator('[data-action="close"]').click()
    expect(page.locator("#no-followups")).to_be_visible()  # the default list shows those not closed
    page.select_option("#fu-state", "all")
    expect(page.locator("#followups tbody tr")).to_contain_text("已办结")


def test_reports_with_charts(page, hall, tmp_path) -> None:
    login(page, hall)
    page.click("#tab-reports")
    page.select_option("#r-by", "service")
    page.click("#r-run")
    table = page.locator("#report-table tbody tr")
    expect(table).to_have_count(5)  # every service had tickets today
    expect(page.locator('#report-table tr[data-key="MA01"]')).to_contain_text("MA01 企业开办")
    expect(page.locator("#chart-visitors rect.bar")).to_have_count(5)
    expect(page.locator("#chart-waits rect.bar").first).to_be_visible()
    expect(page.locator("#chart-ratings rect.bar").first).to_be_visible()
    with hall.client(hall.login("9001")) as c:
        today = c.get(f"{H}/reports", params={"from": page.input_value("#r-from"), "to": page.input_value("#r-to"),
                                               "by": "service"}).json()
    visitors = {r["key"]: r["visitors"] for r in today["rows"]}
    expect(page.locator('#report-table tr[data-key="RE01"] td').nth(1)).to_have_text(str(visitors["RE01"]))
    shot(page, "reports", tmp_path)
    with page.expect_download() as download:
        page.get_by_text("下载 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
