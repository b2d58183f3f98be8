"""The dashboard's admin page (/dashboard/admin) in headless Chromium: a manager disables a device and resets a
clerk's PIN with the page's buttons; the device's token stops working and the new PIN logs in. Screenshot
kept with HALLQ_DEPLOY_SHOTS=DIR."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.conftest import ServerProcess, start_server, stop_server


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    work = tmp_path_factory.mktemp("admin-page")
    server = start_server(work, f"sqlite:///{work / 'hallq.db'}")
    yield server
    stop_server(server)


def test_manager_disables_a_device_and_resets_a_pin_on_the_page(srv: ServerProcess, tmp_path: Path) -> None:
    from tests.booking.browser import chromium

    srv.add_clerk("9001", pin="1357", role="manager", windows=(1, 2), name="王主任")
    srv.add_clerk("1001", pin="1111", role="clerk", windows=(1,), name="张三")
    kiosk = srv.add_device("kiosk")
    srv.add_device("counter", window=1)
    token = srv.login("9001", "1357")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
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
        clerk.get_by_label("1001 新密码 new PIN").fill("2222")
        clerk.get_by_role("button", name="重设 reset").click()
        page.locator("#toast").filter(has_text="PIN reset").wait_for()
        assert page.locator("tr[data-clerk='9001']").get_by_role("button", name="停用 disable").count() == 0  # not self
        shot = tmp_path / "dashboard-admin.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("HALLQ_DEPLOY_SHOTS"):
            Path(os.environ["HALLQ_DEPLOY_SHOTS"]).mkdir(parents=True, exist_ok=True)
            shot.replace(Path(os.environ["HALLQ_DEPLOY_SHOTS"]) / shot.name)
        page.close()
    with srv.client(kiosk) as k:
        assert k.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).status_code == 401
    srv.login("1001", "2222")  # the new PIN works
    with srv.client() as c:
        assert c.post("/api/v1/auth/login", json={"staff_no": "1001", "pin": "1111"}).status_code == 401
