"""``GET /metrics`` of two server processes on one database: what a Prometheus scraping both would see."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from server import metrics
from server.api import errors

pytestmark = pytest.mark.timeout(180)

H = "/api/v1/halls/test"


def scrape(base_url: str) -> dict[tuple[str, tuple], float]:
    r = httpx.get(f"{base_url}/metrics", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_each_process_counts_its_own_work_and_both_report_the_hall_wide_queue(sqlite_url, spawn_server) -> None:
    a, b = spawn_server(sqlite_url), spawn_server(sqlite_url)
    kiosk, display = a.add_device("kiosk"), a.add_device("display")
    a.add_clerk("a1", windows=(1,))
    clerk = a.login("a1")
    with connect(f"{b.ws_url}{H}/events", additional_headers={"Authorization": f"Bearer {display}"},
                 open_timeout=30) as ws:
        with a.client(kiosk) as ka, b.client(kiosk) as kb:
            for c, service in ((ka, "GEN"), (ka, "GEN"), (kb, "GEN"), (kb, "SOC"), (kb, "SOC")):
                assert c.post(f"{H}/tickets", json={"service": service}).status_code == 201
        assert json.loads(ws.recv(timeout=30))["kind"] == "ticket.issued"  # the screen is subscribed
        with a.client(clerk) as c:
            assert c.post(f"{H}/windows/1/sign-in").status_code == 200
            assert c.post(f"{H}/windows/1/call").json()["ticket"]["number"] == "A001"
        sa, sb = scrape(a.base_url), scrape(b.base_url)
    assert (value(sa, "hallq_websocket_clients"), value(sb, "hallq_websocket_clients")) == (0, 1)

    issued = "hallq_tickets_issued_total"
    gen = {"hall": "test", "service": "GEN", "lane": "normal", "channel": "kiosk"}
    soc = {**gen, "service": "SOC"}
    assert (value(sa, issued, **gen), value(sb, issued, **gen), value(sb, issued, **soc)) == (2, 1, 2)
    # the queue is read from the shared database: the same hall-wide figure from either process
    for s in (sa, sb):
        assert value(s, "hallq_waiting_tickets", hall="test", service="GEN", lane="normal") == 2
        assert value(s, "hallq_waiting_tickets", hall="test", service="SOC", lane="normal") == 2
    # one first call, its wait in the histogram (every bucket from 60 s holds it: it waited seconds)
    assert value(sa, "hallq_calls_total", hall="test", service="GEN", lane="normal") == 1
    assert value(sa, "hallq_wait_seconds_count", hall="test", service="GEN", lane="normal") == 1
    assert value(sa, "hallq_wait_seconds_bucket", hall="test", service="GEN", lane="normal", le="60.0") == 1
    assert value(sb, "hallq_calls_total", hall="test", service="GEN", lane="normal") == 0
    # request latency by route template (never a raw path with ids in it)
    assert value(sb, "hallq_http_request_duration_seconds_count",
                 method="POST", route="/api/v1/halls/{hall}/tickets", status="201") == 3
    assert value(sa, "hallq_http_request_duration_seconds_count",
                 method="POST", route="/api/v1/halls/{hall}/windows/{window}/call", status="200") == 1
    assert not any("test-" in dict(labels).get("route", "") for _name, labels in sa)


def test_metrics_are_for_the_box_itself_or_a_scraper_holding_the_token() -> None:
    app = FastAPI()
    errors.install(app)
    metrics.install(app, token="s3cret")

    async def get(peer: str, token: str | None = None) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(transport=transport, base_url="http://hall") as client:
            return await client.get("/metrics", headers=headers)

    refused = asyncio.run(get("10.0.0.9"))
    body = refused.json()
    assert refused.status_code == 403 and body["code"] == "forbidden"
    assert "指标" in body["message_zh"] and "HALLQ_METRICS_TOKEN" in body["message_en"]
    assert asyncio.run(get("10.0.0.9", "wrong")).status_code == 403
    assert asyncio.run(get("10.0.0.9", "s3cret")).status_code == 200
    local = asyncio.run(get("127.0.0.1"))
    assert local.status_code == 200 and "hallq_http_request_duration_seconds" in local.text
