"""The whole life of a ticket and every window action, over real HTTP against a real server process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

TZ = ZoneInfo("Asia/Shanghai")
H = "/api/v1/halls/test"
# a 1×1 PNG: the clerk's public photo (004 第十四条)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture(scope="module")
def actors(server) -> dict[str, httpx.Client]:
    server.add_clerk("a1", windows=(1, 2, 3), name="张三")
    photo = server.workdir / "b1.png"
    photo.write_bytes(PNG)
    server.add_clerk("b1", windows=(3,), name="李四", photo=str(photo))
    server.add_clerk("m1", role="manager", windows=(1, 2, 3), name="王经理")
    server.add_clerk("x1", role="maintenance", name="赵工")
    return {
        "kiosk": server.client(server.add_device("kiosk")),
        "counter1": server.client(server.add_device("counter", window=1)),
        "display": server.client(server.add_device("display")),
        "clerk": server.client(server.login("a1")),
        "clerk_b": server.client(server.login("b1")),
        "manager": server.client(server.login("m1")),
        "maintenance": server.client(server.login("x1")),
        "public": server.client(),
    }


@pytest.fixture(autouse=True, scope="module")
def _close(actors: dict[str, httpx.Client]) -> Iterator[None]:
    yield
    for c in actors.values():
        c.close()


def ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json() if r.content else {}


def test_health_and_public_hall_listing(actors) -> None:
    assert ok(actors["public"].get("/healthz"))["ok"] is True
    halls = ok(actors["public"].get("/api/v1/halls"))["halls"]
    test = next(h for h in halls if h["id"] == "test")
    assert [(s["code"], s["prefix"]) for s in test["services"]] == [("GEN", "A"), ("TAX", "B"), ("SOC", "C")]
    assert test["windows"][0]["profile"] == [{"services": ["GEN"], "after_wait_min": None}]
    paths = ok(actors["public"].get("/openapi.json"))["paths"]  # the OpenAPI behind /docs
    assert "/api/v1/halls/{hall}/windows/{window}/call" in paths and "/api/v1/track/{token}" in paths
    assert actors["public"].get("/docs").status_code == 200


def test_the_whole_life_of_a_ticket(actors) -> None:
    kiosk, clerk, public = actors["kiosk"], actors["clerk"], actors["public"]
    t = ok(kiosk.post(f"{H}/tickets", json={"service": "GEN", "lane": "normal", "channel": "kiosk"}), 201)
    assert t["number"].startswith("A") and t["status"] == "waiting" and t["service"] == "GEN"
    assert t["ahead"] == 0 and t["estimated_wait_s"] >= 0 and isinstance(t["issued_at"], float)
    # the range the kiosk shows and prints, and whether it passes closing time (the hall is open around the clock)
    assert 0 <= t["wait_low_min"] <= t["wait_high_min"] and t["beyond_closing"] is False
    assert t["track_url"].startswith("http://hall.test/t/")
    token = t["track_url"].rsplit("/", 1)[1]
    tracked = ok(public.get(f"/api/v1/track/{token}"))
    assert tracked["number"] == t["number"] and tracked["state"] == "waiting" and tracked["window"] is None

    ok(clerk.post(f"{H}/windows/1/sign-in"))
    called = ok(clerk.post(f"{H}/windows/1/call"))
    assert called["ticket"]["id"] == t["id"] and called["ticket"]["state"] == "called"
    assert called["reason"]["zh"] and called["reason"]["en"]
    tracked = ok(public.get(f"/api/v1/track/{token}"))
    assert (tracked["state"], tracked["window"], tracked["window_name_zh"]) == ("called", 1, "1号 综合窗口")
    assert set(tracked) == {"number", "service", "service_name_zh", "service_name_en", "state", "ahead",
                            "estimated_wait_s", "wait_low_min", "wait_high_min", "beyond_closing", "closes_at",
                            "window", "window_name_zh", "window_name_en"}
    assert tracked["wait_low_min"] is None  # called: no longer waiting, no range

    assert ok(clerk.post(f"{H}/windows/1/recall"))["ticket"]["recalls"] == 1
    assert ok(clerk.post(f"{H}/windows/1/start"))["ticket"]["state"] == "serving"
    done = ok(clerk.post(f"{H}/windows/1/finish", json={"outcome": "completed"}))["ticket"]
    assert (done["state"], done["outcome"], done["clerk"]) == ("done", "completed", "a1")
    assert clerk.post(f"{H}/windows/1/call").status_code == 204  # nobody waits

    history = ok(clerk.get(f"{H}/tickets/{t['id']}"))["history"]
    assert [h["kind"] for h in history] == ["ticket.issued", "ticket.called", "ticket.recalled",
                                            "ticket.started", "ticket.finished"]
    assert [h["seq"] for h in history] == sorted(h["seq"] for h in history)
    ok(clerk.post(f"{H}/windows/1/sign-out"))


def test_no_show_then_requeue_within_the_limit(actors) -> None:
    kiosk, counter = actors["kiosk"], actors["counter1"]
    t = ok(kiosk.post(f"{H}/tickets", json={"service": "GEN"}), 201)
    ok(actors["clerk"].post(f"{H}/windows/1/sign-in"))
    assert ok(counter.post(f"{H}/windows/1/call"))["ticket"]["id"] == t["id"]
    assert ok(counter.post(f"{H}/windows/1/no-show"))["ticket"]["state"] == "no_show"
    back = ok(kiosk.post(f"{H}/tickets/{t['id']}/requeue"))["ticket"]
    assert back["state"] == "waiting" and back["requeues"] == 1
    assert ok(counter.post(f"{H}/windows/1/call"))["ticket"]["id"] == t["id"]
    ok(counter.post(f"{H}/windows/1/start"))
    ok(counter.post(f"{H}/windows/1/finish", json={"outcome": "consulted"}))
    ok(counter.post(f"{H}/windows/1/sign-out"))


def test_transfer_keeps_the_number_and_tracking_follows(actors) -> None:
    kiosk, clerk, public = actors["kiosk"], actors["clerk"], actors["public"]
    t = ok(kiosk.post(f"{H}/tickets", json={"service": "GEN"}), 201)
    ok(clerk.post(f"{H}/windows/1/sign-in"))
    ok(clerk.post(f"{H}/windows/1/call"))
    ok(clerk.post(f"{H}/windows/1/start"))
    moved = ok(clerk.post(f"{H}/windows/1/transfer", json={"service": "SOC", "note": "需另办社保"}))["ticket"]
    assert moved["id"] == t["id"] + "-T1" and moved["number"] == t["number"] and moved["service"] == "SOC"
    assert moved["transferred_from"] == t["id"] and moved["state"] == "waiting"
    tracked = ok(public.get(f"/api/v1/track/{t['track_url'].rsplit('/', 1)[1]}"))
    assert (tracked["service"], tracked["state"]) == ("SOC", "waiting")
    assert "需另办社保" not in str(tracked)  # the note is not for the public
    ok(clerk.post(f"{H}/windows/1/sign-out"))
    cancelled = ok(actors["counter1"].post(f"{H}/tickets/{moved['id']}/cancel"))["ticket"]
    assert cancelled["state"] == "cancelled"


def test_pause_resume_and_takeover_show_on_the_snapshot(actors) -> None:
    a, b, display = actors["clerk"], actors["clerk_b"], actors["display"]
    ok(a.post(f"{H}/windows/3/sign-in"))
    back = (datetime.now(TZ) + timedelta(minutes=20)).replace(second=0, microsecond=0, tzinfo=None)
    w = ok(a.post(f"{H}/windows/3/pause", json={"reason": "到后台取件", "until": back.isoformat()}))["window"]
    assert w["status"] == "paused" and w["pause_until"] == back.replace(tzinfo=TZ).timestamp()
    snap = ok(display.get(f"{H}/snapshot"))
    win3 = next(w for w in snap["windows"] if w["number"] == 3)
    assert (win3["status"], win3["pause_reason"]) == ("paused", "到后台取件")
    assert win3["clerk"] == {"name": "张三", "staff_no": "a1", "photo_url": None}  # 004 第十四条: public
    assert ok(a.post(f"{H}/windows/3/resume"))["window"]["status"] == "open"
    taken = ok(b.post(f"{H}/windows/3/takeover"))["window"]  # A/B post
    assert taken["clerk"] == "b1"
    snap = ok(display.get(f"{H}/snapshot"))
    clerk_b = next(w for w in snap["windows"] if w["number"] == 3)["clerk"]
    assert clerk_b == {"name": "李四", "staff_no": "b1", "photo_url": "/api/v1/clerks/b1/photo"}
    photo = actors["public"].get(clerk_b["photo_url"])
    assert photo.status_code == 200 and photo.content == PNG and photo.headers["content-type"] == "image/png"
    assert isinstance(snap["seq"], int) and snap["seq"] > 0
    ok(b.post(f"{H}/windows/3/sign-out"))


def test_counter_window_view_and_waiting_counts(actors) -> None:
    ok(actors["kiosk"].post(f"{H}/tickets", json={"service": "GEN", "lane": "priority"}), 201)
    view = ok(actors["counter1"].get(f"{H}/windows/1"))
    assert view["number"] == 1 and view["status"] == "closed"
    gen = next(w for w in view["waiting"] if w["service"] == "GEN")
    assert gen["priority"] >= 1 and gen["total"] >= gen["priority"]
    snap = ok(actors["display"].get(f"{H}/snapshot"))
    assert next(w for w in snap["waiting"] if w["service"] == "GEN")["priority"] == gen["priority"]


def test_manager_opens_and_closes_a_tide_window(actors) -> None:
    ok(actors["clerk"].post(f"{H}/windows/3/sign-in"))
    m = actors["manager"]
    w = ok(m.post(f"{H}/windows/3/tide/open", json={"service": "GEN"}))["window"]
    assert w["tide_service"] == "GEN" and w["tide_manual"] is True
    snap = ok(actors["display"].get(f"{H}/snapshot"))
    assert [(t["window"], t["service"], t["manual"]) for t in snap["tides"]] == [(3, "GEN", True)]
    assert ok(m.post(f"{H}/windows/3/tide/close"))["window"]["tide_service"] is None
    assert ok(actors["display"].get(f"{H}/snapshot"))["tides"] == []
    ok(actors["clerk"].post(f"{H}/windows/3/sign-out"))


def test_device_heartbeat_and_fleet_view(actors) -> None:
    health = [{"device": "printer", "level": "WARN", "detail_zh": "纸将尽", "detail_en": "paper low",
               "facts": {"paper": "low"}}]
    assert actors["kiosk"].post("/api/v1/devices/heartbeat", json={"devices": health}).status_code == 204
    fleet = ok(actors["maintenance"].get("/api/v1/devices"))["devices"]
    kiosks = [d for d in fleet if d["kind"] == "kiosk"]
    assert kiosks[0]["health"] == health and kiosks[0]["silent"] is False
    assert all(d["silent"] for d in fleet if d["kind"] == "display")  # never reported
