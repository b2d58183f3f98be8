"""``GET /metrics``: Prometheus text format (``prometheus_client``), mounted by ``install(app)``.

* ``hallq_tickets_issued_total{hall,service,lane,channel}``   tickets issued by this process
* ``hallq_calls_total{hall,service,lane}``                     first calls (recalls are ``…events_total``)
* ``hallq_events_total{hall,kind}``                            every hall event this process committed
* ``hallq_wait_seconds{hall,service,lane}``                    histogram: time in line until the first call
* ``hallq_service_seconds{hall,service}``                      histogram: start → finish at the window
* ``hallq_waiting_tickets{hall,service,lane}``                 gauge: waiting now (read from the database)
* ``hallq_websocket_clients``                                  gauge: event-stream clients of this process
* ``hallq_http_request_duration_seconds{method,route,status}`` histogram: HTTP latency (route template)

Several processes: each ``hallq server`` process is its own scrape target with its own counters, so
list every process in the Prometheus config and sum across ``instance``
(``sum by (hall) (rate(hallq_tickets_issued_total[5m]))``). The processes are not forks of one parent,
so ``prometheus_client``'s multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, made for gunicorn workers
sharing one port) does not apply. ``hallq_waiting_tickets`` is read from the shared database at scrape
time: every process reports the same hall-wide value (use ``max``, not ``sum``).

Access: aggregate counts only (no ticket numbers, no personal data), but statistics all the same
(004 第五条): served to loopback clients (a scraper or proxy on the same box), and to others only with
``Authorization: Bearer $HALLQ_METRICS_TOKEN`` when that variable is set.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from server.halls.errors import Problem
from server.halls.repo import EventRow

log = logging.getLogger("hallq.metrics")

TOKEN_ENV = "HALLQ_METRICS_TOKEN"
WAIT_BUCKETS = (60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800)
SERVICE_BUCKETS = (60, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    """One registry per app (several apps in one test process must not share counters)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.issued = Counter("hallq_tickets_issued", "Tickets issued by this process",
                              ["hall", "service", "lane", "channel"], registry=r)
        self.calls = Counter("hallq_calls", "First calls of tickets by this process",
                             ["hall", "service", "lane"], registry=r)
        self.events = Counter("hallq_events", "Hall events committed by this process", ["hall", "kind"],
                              registry=r)
        self.wait = Histogram("hallq_wait_seconds", "Time in line until the first call",
                              ["hall", "service", "lane"], buckets=WAIT_BUCKETS, registry=r)
        self.service = Histogram("hallq_service_seconds", "Service time at the window (start to finish)",
                                 ["hall", "service"], buckets=SERVICE_BUCKETS, registry=r)
        self.latency = Histogram("hallq_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route", "status"], buckets=LATENCY_BUCKETS, registry=r)

    def on_commit(self, hall: str, rows: list[EventRow]) -> None:
        """A ``HallService`` listener: runs after each commit, under the hall lock, so it stays cheap."""
        for row in rows:
            self.events.labels(hall, row.kind).inc()
            ticket = row.data.get("ticket")
            if not isinstance(ticket, dict):
                continue
            if row.kind == "ticket.issued":
                self.issued.labels(hall, ticket["service"], ticket["lane"], ticket["channel"]).inc()
            elif row.kind == "ticket.called":
                self.calls.labels(hall, ticket["service"], ticket["lane"]).inc()
                # queued_at is kept across transfers (the visitor keeps their place), moved by a requeue
                self.wait.labels(hall, ticket["service"], ticket["lane"]).observe(
                    max(0.0, row.at - ticket["queued_at"]))
            elif row.kind == "ticket.finished" and ticket.get("started_at") is not None:
                self.service.labels(hall, ticket["service"]).observe(max(0.0, row.at - ticket["started_at"]))


class _LiveGauges(Collector):
    """Gauges computed at scrape time from the running app: waiting tickets and WebSocket clients."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        ctx = getattr(self.app.state, "ctx", None)
        if ctx is None:  # not started yet
            return
        from server.api.views import waiting_counts
        from server.storage.db import read_transaction

        waiting = GaugeMetricFamily("hallq_waiting_tickets", "Tickets waiting now (hall-wide, from the database)",
                                    labels=["hall", "service", "lane"])
        with read_transaction(ctx.engine) as conn:
            for hall, cfg in ctx.service.configs.items():
                counts = waiting_counts(conn, hall)
                for svc in cfg.services:
                    for lane, n in counts.get(svc.code, {}).items():
                        waiting.add_metric([hall, svc.code, lane], n)
        yield waiting
        clients = GaugeMetricFamily("hallq_websocket_clients", "Event-stream clients of this process")
        clients.add_metric([], ctx.fanout.clients)
        yield clients


def route_template(scope: dict) -> str:
    """The matched route's template with its mount prefix: ``/api/v1/halls/{hall}/tickets``, never the raw
    path (ids in label values would grow without bound).

    FastAPI puts the *included* router's own route in ``scope["route"]``, whose path lacks the prefix
    (``/halls/{hall}/tickets``); path parameters never span a ``/``, so the prefix is the raw path's
    leading segments beyond the template's.
    """
    template = getattr(scope.get("route"), "path", None)
    if not template:
        return "unmatched"
    raw = scope["path"].split("/")
    extra = len(raw) - len(template.split("/"))
    return "/".join(raw[: extra + 1]) + template if extra > 0 else template


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def install(app: FastAPI, *, token: str | None = None) -> Metrics:
    """Mount ``GET /metrics`` on ``app`` (give the result to ``AccessLog(metrics=…)`` for latency). ``token``: default
    ``$HALLQ_METRICS_TOKEN`` (read here, not at import)."""
    disable_created_metrics()  # no ``*_created`` series: half the text, and nothing here needs them
    metrics = Metrics()
    metrics.registry.register(_LiveGauges(app))
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    app.state.metrics = metrics

    @app.get("/metrics", tags=["health"], include_in_schema=False)
    def prometheus(request: Request) -> Response:
        """Prometheus text exposition."""
        if not _is_loopback(request.client.host if request.client else None):
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if token is None or scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), token):
                raise Problem("forbidden", "指标仅对本机或持有指标令牌的采集端开放",
                              f"metrics are served to loopback clients, or with the {TOKEN_ENV} bearer token", 403)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics  # the latency histogram is observed by server.api.logs.AccessLog (one middleware)
