"""Bad rating → follow-up with working-day deadlines → overdue warning (yellow, then red) → contacted,
rectified, closed with a reply → warning cleared; every step an event in the hall's log and an audit
record. Real HallService on SQLite with an injected clock."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from server import followups
from server.audit import verify
from server.auth import Principal, add_clerk
from server.core import WorkCalendar
from server.halls.errors import Problem
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage import schema as t
from server.storage.db import make_engine, read_transaction, upgrade
from server.supervision import monitor, store
from tests.supervision.supervision_helpers import MIN, TZ, Clock, Seeder, at, deployment

pytestmark = pytest.mark.timeout(120)

MANAGER = Principal(actor="clerk:m1", role="manager", hall="s", staff_no="m1")


@pytest.fixture
def env(db_url):
    dep = deployment()
    engine = make_engine(db_url)
    upgrade(engine)
    clock = Clock(at("2026-09-21", "09:00"))
    sync_config(engine, dep, now=clock())
    service = HallService(engine, dep, clock=clock)
    yield service, Seeder(service, "s", clock), clock
    engine.dispose()


def sweep(service) -> list[tuple[str, dict]]:
    return [(r.kind, r.data) for r in monitor.sweep(service, "s")]


def act(service, action) -> dict:
    box = {}

    def step(conn, _hall, now):
        notice = action(conn, now)
        box["view"] = notice.body
        return [notice]

    service.append_events("s", step, who=MANAGER)
    return box["view"]


def test_deadlines_count_working_days_across_holidays_and_weekends() -> None:
    dep = deployment()
    cal, rules = WorkCalendar(dep.calendar), dep.hall("s").followup  # contact 1, close 3 working days
    monday = at("2026-09-21", "10:00")
    assert followups.deadlines(monday, rules, cal, TZ) == (at("2026-09-23", "00:00"), at("2026-09-25", "00:00"))
    # rated on Wed 09-30: 10-01/02 holidays, 10-03/04 weekend, 10-05 holiday → Tue 10-06 is the 1st working day
    before_holidays = at("2026-09-30", "16:00")
    assert followups.deadlines(before_holidays, rules, cal, TZ) == (
        at("2026-10-07", "00:00"),
        at("2026-10-09", "00:00"),
    )
    # Friday 10-09 → Saturday 10-10 is a 调休 working day
    assert followups.deadline(at("2026-10-09", "11:00"), 1, cal, TZ) == at("2026-10-11", "00:00")
    assert followups.deadline(monday, 0, cal, TZ) == at("2026-09-22", "00:00")  # 0: the same day


def test_bad_rating_to_followup_to_overdue_warning_to_closed(env) -> None:
    service, seed, clock = env
    good = seed.visit(1, "c1", "S1", wait=5 * MIN, serve=8 * MIN)
    seed.rate(good.id, 5)
    unrated = seed.visit(1, "c1", "S1", wait=MIN, serve=4 * MIN)
    seed.rate(unrated.id, None)
    bad = seed.visit(1, "c1", "S1", wait=MIN, serve=4 * MIN)
    seed.sign_out(1)
    seed.rate(bad.id, 1)

    # the bad rating opened its follow-up at once (not at the next sweep), deadlines from the rating
    # (contact 1, close 3 working days)
    with read_transaction(service.engine) as conn:
        (opened,) = conn.execute(select(t.events.c.payload).where(t.events.c.hall == "s",
                                                                   t.events.c.kind == "followup.opened")).all()
    fu = json.loads(opened.payload)["followup"]
    assert (fu["ticket_id"], fu["number"], fu["score"], fu["window"], fu["clerk"]) == (bad.id, bad.number, 1, 1, "c1")
    assert (fu["contact_due"], fu["close_due"]) == (at("2026-09-23", "00:00"), at("2026-09-25", "00:00"))
    assert fu["state"] == "open" and "contact_note" not in fu  # free text never rides on events
    assert sweep(service) == []  # nothing new: nothing written, nothing pushed

    # close before contacting: refused, nothing changed
    with pytest.raises(Problem) as refused:
        act(service, lambda conn, now: followups.close(conn, "s", fu["id"], "已答复", now))
    assert refused.value.code == "not_contacted" and refused.value.status == 409
    with pytest.raises(Problem) as refused:
        act(service, lambda conn, now: followups.assign(conn, "s", fu["id"], "nobody", now))
    assert refused.value.code == "unknown_staff"
    add_clerk(service.engine, staff_no="m2", name="李科长", pin="246813", role="manager", now=clock(), by="test")
    assert act(service, lambda conn, now: followups.assign(conn, "s", fu["id"], "m2", now))["assignee"] == "m2"

    clock.now = at("2026-09-22", "23:59")
    assert sweep(service) == []  # the contact deadline is the end of Tuesday
    clock.now = at("2026-09-23", "00:01")
    ((kind, data),) = sweep(service)
    warning = data["warning"]
    assert (kind, warning["kind"], warning["level"], warning["subject"]) == (
        "warning.raised",
        "followup_overdue",
        "yellow",
        str(fu["id"]),
    )
    assert "未在 2026-09-23 00:00 前联系评价人" in warning["message_zh"]
    assert sweep(service) == []  # fired once

    acked = act(service, lambda conn, now: store.acknowledge(conn, "s", warning["id"], "m1", "已安排回访", now))
    assert acked["acknowledged_by"] == "m1" and acked["open"]

    clock.now += 30 * MIN
    contacted = act(
        service, lambda conn, now: followups.contact(conn, "s", fu["id"], "电话联系，群众反映等候时间长", now, TZ)
    )
    assert contacted["state"] == "contacted" and "contact_note" not in contacted
    ((kind, data),) = sweep(service)
    assert (kind, data["warning"]["id"], data["warning"]["open"]) == ("warning.cleared", warning["id"], False)

    act(service, lambda conn, now: followups.rectify(conn, "s", fu["id"], "午间增开一个窗口", now, TZ))
    clock.now = at("2026-09-25", "00:01")  # not closed by the end of the 3rd working day: red
    ((kind, data),) = sweep(service)
    assert (kind, data["warning"]["level"], data["warning"]["kind"]) == ("warning.raised", "red", "followup_overdue")
    closed = act(service, lambda conn, now: followups.close(conn, "s", fu["id"], "已向群众说明并致歉", now))
    assert closed["state"] == "closed"
    ((kind, data),) = sweep(service)
    assert kind == "warning.cleared"

    with read_transaction(service.engine) as conn:
        row = followups.get(conn, "s", fu["id"])
        assert row["reply"] == "已向群众说明并致歉" and row["closed_at"] == clock.now
        assert row["contact_note"] == "[2026-09-23 00:31] 电话联系，群众反映等候时间长"
        assert row["rectification"].endswith("午间增开一个窗口")
        assert [f["ticket_id"] for f in followups.listing(conn, "s")] == [bad.id]  # good / 未评价: none
        with pytest.raises(Problem):
            followups.close(conn, "s", fu["id"], "again", clock.now)  # closed is final
        kinds = [
            r.kind for r in conn.execute(select(t.events.c.kind).where(t.events.c.hall == "s").order_by(t.events.c.seq))
        ]
        assert [k for k in kinds if k.startswith(("warning.", "followup."))] == [
            "followup.opened",
            "followup.assigned",
            "warning.raised",
            "warning.acknowledged",
            "followup.contacted",
            "warning.cleared",
            "followup.rectified",
            "warning.raised",
            "followup.closed",
            "warning.cleared",
        ]
        audit = [
            (r.action, r.actor)
            for r in conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq))
            if r.action.startswith(("warning.", "followup."))
        ]
        assert audit[:4] == [
            ("followup.opened", "system"),
            ("followup.assigned", "clerk:m1"),
            ("warning.raised", "system"),
            ("warning.acknowledged", "clerk:m1"),
        ]
        assert ("followup.closed", "clerk:m1") in audit
        assert verify(conn).ok
        events_seq = [
            r.seq for r in conn.execute(select(t.events.c.seq).where(t.events.c.hall == "s").order_by(t.events.c.seq))
        ]
        assert events_seq == list(range(1, len(events_seq) + 1))  # still gap-free
        payload = json.loads(
            conn.execute(select(t.events.c.payload).where(t.events.c.kind == "followup.closed")).scalar_one()
        )
        assert "reply" not in payload["followup"]


def test_every_warning_kind_is_stored_fires_once_and_clears_through_the_service(env) -> None:
    service, seed, clock = env
    seed.issue("S1")
    clock.now += 11 * MIN
    ((kind, data),) = sweep(service)
    assert (kind, data["warning"]["kind"], data["warning"]["level"]) == ("warning.raised", "wait_over_target", "yellow")
    seed.sign_in(1, "c1")  # c1 holds no login in this database: the window is open with nobody at it
    seed.call(1)
    kinds = sweep(service)
    assert sorted((k, d["warning"]["kind"]) for k, d in kinds) == [
        ("warning.cleared", "wait_over_target"),
        ("warning.raised", "window_unstaffed"),
    ]
    with read_transaction(service.engine) as conn:
        open_now = store.listing(conn, "s", only_open=True)
        assert [w["kind"] for w in open_now] == ["window_unstaffed"]
        assert open_now[0]["kind_zh"] == "窗口无人" and open_now[0]["level_en"] == "yellow"
    seed.no_show(1)
    seed.sign_out(1)
    assert [(k, d["warning"]["kind"]) for k, d in sweep(service)] == [("warning.cleared", "window_unstaffed")]
