"""The dashboard's admin page (/dashboard/admin) in headless Chromium: a manager disables a device and resets a
clerk's PIN with the page's buttons; the device's token stops working and the new PIN logs in; a clerk locked
out by wrong PINs is unlocked with 解锁 and logs in at once (audited). Screenshot kept with
HALLQ_DEPLOY_SHOTS=DIR."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from server.storage import schema as t
from tests.server.conftest import TEST_CONFIG, ServerProcess, start_server, stop_server

AXE = Path(__file__).resolve().parents[1] / "support" / "axe" / "axe.min.js"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    work = tmp_path_factory.mktemp("admin-page")
    live = work / "hall.toml"  # the page edits the configuration: never the shared test file
    live.write_text(TEST_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    # an account locks hard after 3 wrong PINs (a hall's default is 50, from every address together)
    server = start_server(work, f"sqlite:///{work / 'hallq.db'}", "--config", str(live),
                          env={"HALLQ_HARD_LOCK_FAILURES": "3"})
    yield server
    stop_server(server)


def test_manager_disables_a_device_and_resets_a_pin_on_the_page(srv: ServerProcess, tmp_path: Path) -> None:
    from tests.booking.browser import chromium

    srv.add_clerk("9001", pin="135792", role="manager", windows=(1, 2), name="王主任")
    srv.add_clerk("1001", pin="318274", role="clerk", windows=(1,), name="张三")
    kiosk = srv.add_device("kiosk")
    srv.add_device("counter", window=1)
    token = srv.login("9001", "135792")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(120_000)  # a loaded CI box, not a speed requirement
        page.goto(srv.base_url + "/dashboard/")
        page.evaluate(
            """([t]) => { sessionStorage.setItem("hallq.token", t);
            sessionStorage.setItem("hallq.me", JSON.stringify({name: "王主任", staff_no: "9001", hall: "test"})); }""",
            [token],
        )
        page.goto(srv.base_url + "/dashboard/admin")
        row = page.locator("tr[data-device]").filter(has_text="kiosk").first
        row.get_by_role("button", name="停用 disable").click()
        row.locator(".state").filter(has_text="停用").wait_for()
        clerk = page.locator("tr[data-clerk='1001']")
        clerk.get_by_label("1001 新密码 new PIN").fill("739184")
        clerk.get_by_role("button", name="重设 reset").click()
        page.locator("#toast").filter(has_text="PIN reset").wait_for()
        assert page.locator("tr[data-clerk='9001']").get_by_role("button", name="停用 disable").count() == 0  # not self
        # the hall's configuration, live: a notice for the lobby displays and a lower daily cap
        page.locator("#cfg-notices").fill("今日税务窗口下午暂停 Tax window closed this afternoon")
        # another action while the notice is typed but not saved: its reload must not wipe the form
        counter = page.locator("tr[data-device]").filter(has_text="counter").first
        counter.locator("input").fill("1号窗口评价器")
        counter.get_by_role("button", name="改名 rename").click()
        page.locator("#toast").filter(has_text="renamed").wait_for()
        page.locator("tr[data-device] input[value='1号窗口评价器']").wait_for()
        assert page.locator("#cfg-notices").input_value() == "今日税务窗口下午暂停 Tax window closed this afternoon"
        page.get_by_label("TAX 每日限额 daily cap").fill("1")
        page.locator("tr[data-window='1'] input.zh").fill("1号综合窗口")
        page.get_by_role("button", name="保存并生效 / save and apply").click()
        page.locator("#cfg-changes li").filter(has_text="halls.test.services.TAX.daily_cap: 3 → 1").wait_for()
        shot = tmp_path / "dashboard-admin.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("HALLQ_DEPLOY_SHOTS"):
            Path(os.environ["HALLQ_DEPLOY_SHOTS"]).mkdir(parents=True, exist_ok=True)
            shot.replace(Path(os.environ["HALLQ_DEPLOY_SHOTS"]) / shot.name)
        page.close()
    with srv.client(kiosk) as k:
        assert k.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).status_code == 401
    with srv.client(srv.add_device("display")) as d:  # the running server took it: no restart
        snap = d.get("/api/v1/halls/test/snapshot").json()
        assert snap["notices"] == ["今日税务窗口下午暂停 Tax window closed this afternoon"]
        assert next(w for w in snap["windows"] if w["number"] == 1)["name_zh"] == "1号综合窗口"
    with srv.client(srv.add_device("kiosk")) as k:
        assert k.post("/api/v1/halls/test/tickets", json={"service": "TAX"}).status_code == 201
        assert k.post("/api/v1/halls/test/tickets", json={"service": "TAX"}).json()["code"] == "daily_cap"
    assert "# Test deployment" in (srv.workdir / "hall.toml").read_text(encoding="utf-8")  # comments kept
    srv.login("1001", "739184")  # the new PIN works
    with srv.client() as c:
        assert c.post("/api/v1/auth/login", json={"staff_no": "1001", "pin": "318274"}).status_code == 401


def test_config_edits_are_validated_and_for_managers_only(srv: ServerProcess) -> None:
    srv.add_clerk("8002", pin="246813", role="maintenance")
    srv.add_clerk("1002", pin="429157", role="clerk", windows=(1,))
    for staff_no, pin in (("8002", "246813"), ("1002", "429157")):
        with srv.client(srv.login(staff_no, pin)) as c:
            assert c.get("/api/v1/halls/test/config").status_code == 403
            assert c.patch("/api/v1/halls/test/config", json={"notices": ["x"]}).status_code == 403
    srv.add_clerk("9002", pin="135792", role="manager", windows=(1,))
    with srv.client(srv.login("9002", "135792")) as m:
        bad = m.patch("/api/v1/halls/test/config", json={"services": {"TAX": {"daily_cap": 0}}})
        assert bad.status_code == 422 and bad.json()["code"] == "config_invalid"
        assert "daily_cap" in bad.json()["message_en"]
        hours = m.patch("/api/v1/halls/test/config", json={"hours": {"weekdays": ["08:30-12:00", "13:30-17:30"]}})
        assert hours.status_code == 200
        assert {
            "path": "halls.test.hours.weekdays",
            "before": ["00:00-24:00"],
            "after": ["08:30-12:00", "13:30-17:30"],
        } in hours.json()["changes"]
        assert m.get("/api/v1/halls/test/config").json()["hours"]["weekdays"] == ["08:30-12:00", "13:30-17:30"]


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings (as tests/supervision/test_dashboard_phone_a11y.py)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP allows no inline script
    return page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ["violations"] });
        return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    }""")


def manager_page(browser: Browser, srv: ServerProcess, staff_no: str, pin: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(120_000)  # a loaded CI box, not a speed requirement
    page.goto(srv.base_url + "/dashboard/")
    page.evaluate(
        """([t, no]) => { sessionStorage.setItem("hallq.token", t);
        sessionStorage.setItem("hallq.me", JSON.stringify({name: "主任", staff_no: no, hall: "test"})); }""",
        [srv.login(staff_no, pin), staff_no],
    )
    page.goto(srv.base_url + "/dashboard/admin")
    return page


def test_a_clerk_locked_by_wrong_pins_is_unlocked_with_the_page_button(srv: ServerProcess) -> None:
    """Issue 15 §4 (unlock, in the dashboard too): the clerk who mistyped their PIN (or whose PIN someone
    guessed at) is locked out; the manager sees 已锁定 on their row, presses 解锁, and the clerk logs in at
    once. The unlock is in the audit log under the manager's name (001 第十四条: every step traceable)."""
    from tests.booking.browser import chromium

    srv.add_clerk("9003", pin="135792", role="manager", windows=(1,), name="李主任")
    srv.add_clerk("1005", pin="582931", role="clerk", windows=(1,), name="赵六")
    srv.add_clerk("1006", pin="692041", role="clerk", windows=(1,), name="钱七")
    with srv.client() as c:
        wrong = [c.post("/api/v1/auth/login", json={"staff_no": "1005", "pin": "000000"}).status_code
                 for _ in range(3)]
        assert wrong[-1] == 423  # locked hard
        assert c.post("/api/v1/auth/login", json={"staff_no": "1005", "pin": "582931"}).status_code == 423
    with chromium() as browser:
        page = manager_page(browser, srv, "9003", "135792")
        row = page.locator("tr[data-clerk='1005']")
        row.locator(".state").filter(has_text="已锁定 locked").wait_for()
        assert serious_violations(page) == []  # axe-core: the page with its unlock button
        # a clerk nobody kept out has no unlock button
        assert page.locator("tr[data-clerk='1006']").get_by_role("button", name="解锁 unlock").count() == 0
        row.get_by_role("button", name="解锁 unlock").click()
        page.locator("#toast").filter(has_text="已解锁 1005 / unlocked").wait_for()
        row.get_by_role("button", name="解锁 unlock").wait_for(state="detached")  # the list, read again
        assert "锁定" not in row.locator(".state").inner_text()
        page.close()
    srv.login("1005", "582931")  # at once: no wait, no new PIN
    with srv.engine.connect() as db:
        unlocks = db.execute(select(t.audit_log.c.actor, t.audit_log.c.device, t.audit_log.c.detail)
                             .where(t.audit_log.c.action == "auth.unlock")).all()
    assert [(u.actor, u.device) for u in unlocks] == [("clerk:9003", "clerk:1005")]
    assert json.loads(unlocks[0].detail)["was_locked_until"] is not None

