"""Report figures equal those computed by hand on a seeded day: tickets driven through the real core and
HallService with an injected clock, ratings stored as the rating route stores them; then the same report
through ``hallq report`` in every format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from hallq.cli import main
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.reports import By, Period, build
from server.storage.db import make_engine, read_transaction, upgrade
from tests.supervision.supervision_helpers import HALL_TOML, Clock, Seeder, at, deployment

pytestmark = pytest.mark.timeout(120)
DAY = "2026-09-21"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """Monday 2026-09-21 (S1 at window 1 by c1; S2 first, then S1, at window 2 by c2), then one Tuesday visit.

    ====== ===== ======== ======= ========= ======== ======== ======== ============================
    ticket svc   lane     channel issued    called   started  finished end
    ====== ===== ======== ======= ========= ======== ======== ======== ============================
    A001   S1    normal   kiosk   09:00     09:15    —        —        no-show 09:17
    A002   S1    priority kiosk   09:02     09:04 w1 09:05    09:15    done, rated 5
    B001   S2    normal   phone   09:03     09:04 w2 09:05    09:25    done (accepted), rated 2
    A003   S1    normal   web     09:05     09:17 w1 09:18    09:28    transferred to S2
    B002   S2    normal   kiosk   09:06     09:25 w2 09:26    09:31    done, 未评价 (null)
    A003-T1 S2   normal   web     (09:28)   09:31 w2 09:32    09:40    done, rated 3
    A004   S1    normal   kiosk   09:30     —        —        —        cancelled 09:40
    ====== ===== ======== ======= ========= ======== ======== ======== ============================
    """
    path = tmp_path_factory.mktemp("reports")
    (path / "hall.toml").write_text(HALL_TOML, encoding="utf-8")
    url = f"sqlite:///{path / 'hallq.db'}"
    engine = make_engine(url)
    upgrade(engine)
    dep = deployment()
    clock = Clock(at(DAY, "09:00"))
    sync_config(engine, dep, now=clock())
    seed = Seeder(HallService(engine, dep, clock=clock), "s", clock)

    def to(hm: str, day: str = DAY) -> None:
        clock.now = at(day, hm)

    ids = {}
    seed.sign_in(1, "c1")
    seed.sign_in(2, "c2")
    ids["A001"] = seed.issue("S1").id
    to("09:02")
    ids["A002"] = seed.issue("S1", lane="priority").id
    to("09:03")
    ids["B001"] = seed.issue("S2", channel="phone").id
    to("09:04")
    assert seed.call(1).ticket.id == ids["A002"]  # priority bonus: ahead of A001
    assert seed.call(2).ticket.id == ids["B001"]
    to("09:05")
    ids["A003"] = seed.issue("S1", channel="web").id
    seed.start(1)
    seed.start(2)
    to("09:06")
    ids["B002"] = seed.issue("S2").id
    to("09:15")
    seed.finish(1)
    seed.rate(ids["A002"], 5)
    assert seed.call(1).ticket.id == ids["A001"]
    to("09:17")
    seed.no_show(1)
    assert seed.call(1).ticket.id == ids["A003"]
    to("09:18")
    seed.start(1)
    to("09:25")
    seed.finish(2, "accepted")
    seed.rate(ids["B001"], 2)
    assert seed.call(2).ticket.id == ids["B002"]
    to("09:26")
    seed.start(2)
    to("09:28")
    ids["A003-T1"] = seed.transfer(1, "S2").id
    to("09:30")
    ids["A004"] = seed.issue("S1").id
    to("09:31")
    seed.finish(2)
    seed.rate(ids["B002"], None)
    assert seed.call(2).ticket.id == ids["A003-T1"]
    to("09:32")
    seed.start(2)
    to("09:40")
    seed.finish(2)
    seed.rate(ids["A003-T1"], 3)
    seed.cancel(ids["A004"])
    # Tuesday: one more S1 visit (wait 4 min, service 6 min), not rated
    to("10:00", "2026-09-22")
    seed.issue("S1")
    to("10:04", "2026-09-22")
    seed.call(1)
    to("10:05", "2026-09-22")
    seed.start(1)
    to("10:11", "2026-09-22")
    seed.finish(1)
    yield engine, dep, url, path / "hall.toml", ids
    engine.dispose()


def report(seeded, by: By = By.NONE, period: Period = Period.ALL, last: str = DAY):
    engine, dep, *_ = seeded
    with read_transaction(engine) as conn:
        return build(conn, dep.hall("s"), dt.date.fromisoformat(DAY), dt.date.fromisoformat(last), period, by)


def figs(row) -> dict:
    return row.to_dict()


def test_whole_day_figures_by_hand(seeded) -> None:
    (row,) = report(seeded).rows
    got = figs(row)
    # visitors: 6 numbers taken (A003-T1 is a continuation); 7 tickets; served: A002, B001, B002, A003-T1
    assert (got["period"], got["visitors"], got["tickets"], got["served"]) == (DAY, 6, 7, 4)
    # called: A001 A002 B001 A003 B002 A003-T1 = 6, of which one no-show
    assert (got["no_shows"], got["no_show_rate"], got["transfers"], got["cancelled"]) == (1, 1 / 6, 1, 1)
    # waits (s): A002 2 min, B001 1, A001 15, A003 12, B002 19, A003-T1 3 (from the transfer at 09:28)
    waits = [120, 60, 900, 720, 1140, 180]
    assert got["wait_mean"] == pytest.approx(sum(waits) / 6)  # 520 s
    assert (got["wait_p90"], got["wait_max"]) == (1140, 1140)  # nearest rank: ceil(0.9 × 6) = 6th
    # service (s): A002 10 min, B001 20, B002 5, A003-T1 8
    assert got["service_mean"] == pytest.approx((600 + 1200 + 300 + 480) / 4)  # 645 s
    assert (got["service_p90"], got["service_max"]) == (1200, 1200)
    # ratings over served: good A002 (5), A003-T1 (3); bad B001 (2); 未评价 B002
    assert (got["good"], got["bad"], got["unrated"]) == (2, 1, 1)
    assert (got["good_rate"], got["bad_rate"], got["unrated_rate"]) == (0.5, 0.25, 0.25)


def test_figures_by_service_by_hand(seeded) -> None:
    rows = {r.key: figs(r) for r in report(seeded, By.SERVICE).rows}
    assert list(rows) == ["S1", "S2"]
    s1, s2 = rows["S1"], rows["S2"]
    assert (s1["visitors"], s1["tickets"], s1["served"], s1["no_shows"], s1["transfers"], s1["cancelled"]) == (
        4, 4, 1, 1, 1, 1)
    assert s1["no_show_rate"] == pytest.approx(1 / 3)  # A001 of A001, A002, A003 called
    assert (s1["wait_mean"], s1["wait_p90"], s1["wait_max"]) == (pytest.approx((900 + 120 + 720) / 3), 900, 900)
    assert (s1["service_mean"], s1["good_rate"], s1["bad_rate"], s1["unrated_rate"]) == (600, 1.0, 0.0, 0.0)
    assert (s2["visitors"], s2["tickets"], s2["served"], s2["no_shows"], s2["no_show_rate"]) == (2, 3, 3, 0, 0.0)
    assert (s2["wait_mean"], s2["wait_p90"], s2["wait_max"]) == (pytest.approx((60 + 1140 + 180) / 3), 1140, 1140)
    assert s2["service_mean"] == pytest.approx((1200 + 300 + 480) / 3)
    assert (s2["service_p90"], s2["service_max"]) == (1200, 1200)
    assert (s2["good_rate"], s2["bad_rate"], s2["unrated_rate"]) == (pytest.approx(1 / 3),) * 3


def test_figures_by_window_clerk_lane_channel(seeded) -> None:
    by_window = {r.key: figs(r) for r in report(seeded, By.WINDOW).rows}
    assert list(by_window) == ["1", "2", "-"]  # A004 was never called: no window
    assert (by_window["1"]["tickets"], by_window["1"]["served"], by_window["1"]["no_shows"]) == (3, 1, 1)
    assert (by_window["2"]["tickets"], by_window["2"]["served"], by_window["2"]["bad"]) == (3, 3, 1)
    assert by_window["-"]["cancelled"] == 1
    by_clerk = {r.key: figs(r)["served"] for r in report(seeded, By.CLERK).rows}
    assert by_clerk == {"c1": 1, "c2": 3, "-": 0}
    by_lane = {r.key: (figs(r)["tickets"], figs(r)["wait_max"]) for r in report(seeded, By.LANE).rows}
    assert by_lane == {"normal": (6, 1140), "priority": (1, 120)}
    by_channel = {r.key: figs(r)["tickets"] for r in report(seeded, By.CHANNEL).rows}
    assert by_channel == {"kiosk": 4, "phone": 1, "web": 2}  # the continuation keeps its channel


def test_periods_split_days_and_group_weeks_and_months(seeded) -> None:
    days = report(seeded, period=Period.DAY, last="2026-09-22").rows
    assert [(r.period, r.figures.tickets, r.figures.served) for r in days] == [(DAY, 7, 4), ("2026-09-22", 1, 1)]
    assert days[1].figures.wait_mean == 240 and days[1].figures.service_mean == 360
    (week,) = report(seeded, period=Period.WEEK, last="2026-09-22").rows
    (month,) = report(seeded, period=Period.MONTH, last="2026-09-22").rows
    assert (week.period, week.figures.tickets, month.period, month.figures.visitors) == ("2026-W39", 8, "2026-09", 7)
    (whole,) = report(seeded, last="2026-09-22").rows
    assert whole.period == "2026-09-21~2026-09-22" and whole.figures.unrated == 2
    assert report(seeded, period=Period.DAY, last="2026-09-21").rows[-1].period == DAY  # the range is inclusive


def cli(seeded, capsysbinary, *args: str) -> tuple[int, bytes, bytes]:
    _, _, url, config_path, _ = seeded
    code = main(["report", "--db", url, "--config", str(config_path), "--from", DAY, "--to", DAY, *args])
    out = capsysbinary.readouterr()
    return code, out.out, out.err


def test_hallq_report_in_every_format(seeded, capsysbinary, tmp_path) -> None:
    code, out, _ = cli(seeded, capsysbinary, "--by", "service", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"))))
    assert [r["分组 group"] for r in rows] == ["S1 业务一 / S1 Service one", "S2 业务二 / S2 Service two"]
    assert rows[0]["平均等候(分) mean wait (min)"] == "9.7"  # 580 s
    assert rows[1]["好评率 good rate"] == "33.3" and rows[1]["过号率 no-show rate"] == "0.0"

    code, out, _ = cli(seeded, capsysbinary, "--by", "service", "--format", "json")
    data = json.loads(out)
    assert data["rows"][0]["wait_max"] == 900 and data["rows"][0]["label_en"] == "S1 Service one"

    code, out, _ = cli(seeded, capsysbinary, "--format", "table")
    text = out.decode("utf-8")
    assert "取号人数" in text and "mean wait (min)" in text and "8.7" in text  # 520 s
    assert "50.0" in text and "25.0" in text

    target = tmp_path / "r.xlsx"
    assert cli(seeded, capsysbinary, "--by", "window", "--format", "xlsx", "--output", str(target))[0] == 0
    sheet = load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "期间 period" and [v[1] for v in values[2:]] == ["1号窗口 / Window 1", "2号窗口 / Window 2",
                                                                            "无 / none"]
    assert values[2][values[1].index("过号 no-shows")] == 1


def test_hallq_report_refuses_bad_dates_with_both_languages(seeded, capsysbinary) -> None:
    _, _, url, config_path, _ = seeded
    code = main(["report", "--db", url, "--config", str(config_path), "--from", "2026-09-30", "--to", "2026-09-01"])
    err = capsysbinary.readouterr().err.decode("utf-8")
    assert code == 2 and "晚于" in err and "is after" in err
    code = main(["report", "--db", url, "--config", str(config_path), "--from", "21/09/2026", "--to", DAY])
    assert code == 2 and "YYYY-MM-DD" in capsysbinary.readouterr().err.decode("utf-8")


def test_hallq_followups_lists_the_bad_rating_once_swept(seeded, capsysbinary) -> None:
    engine, dep, url, config_path, ids = seeded
    from server.supervision import monitor

    clock = Clock(at("2026-09-23", "09:00"))  # after the contact deadline (end of Tuesday)
    monitor.sweep(HallService(engine, dep, clock=clock), "s")
    assert main(["followups", "--db", url, "--config", str(config_path), "--json"]) == 0
    (item,) = json.loads(capsysbinary.readouterr().out)["followups"]
    assert (item["ticket_id"], item["score"], item["state"]) == (ids["B001"], 2, "open")
    assert item["overdue"] == "close"  # the wall clock is long past both deadlines (close by 2026-09-25)
    assert main(["followups", "--db", url, "--config", str(config_path)]) == 0
    text = capsysbinary.readouterr().out.decode("utf-8")
    assert "B001" in text and "不满意" in text and "办结逾期" in text
