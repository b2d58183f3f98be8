"""Fixtures for the ticket printer tests: sample tickets and notices, and simulated printers
on a real pty / loopback socket (closed after each test, so no thread outlives it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from drivers.printer import NoticePrint, TicketPrint
from drivers.printer.simulator import SerialPrinterSimulator, TcpPrinterSimulator

ISSUED = datetime(2025, 3, 1, 9, 30, 15)


def make_ticket(**overrides: object) -> TicketPrint:
    fields: dict[str, object] = {
        "hall_name": "城关镇便民服务中心",
        "number": "A012",
        "service_name": "不动产登记",
        "lane": "normal",
        "ahead": 3,
        "estimated_wait_s": 610,
        "issued_at": ISSUED,
        "track_url": "https://q.example.gov.cn/t/7f3a9c",
    }
    fields.update(overrides)
    return TicketPrint(**fields)  # type: ignore[arg-type]


def make_notice(**overrides: object) -> NoticePrint:
    fields: dict[str, object] = {
        "hall_name": "某县政务服务中心",
        "number": "B007",
        "service_name": "不动产登记",
        "window_name": "3号窗口",
        "clerk_name": "王䶮",
        "staff_no": "1024",
        "materials": ["居民身份证原件及复印件（需本人签字）", "不动产权属证书",
                      "契税完税证明：需税务部门盖章"],
        "issued_at": ISSUED,
    }
    fields.update(overrides)
    return NoticePrint(**fields)  # type: ignore[arg-type]


@pytest.fixture
def ticket() -> Callable[..., TicketPrint]:
    return make_ticket


@pytest.fixture
def notice() -> Callable[..., NoticePrint]:
    return make_notice


@pytest.fixture
def serial_sim() -> Iterator[SerialPrinterSimulator]:
    with SerialPrinterSimulator() as sim:
        yield sim


@pytest.fixture
def tcp_sim() -> Iterator[TcpPrinterSimulator]:
    with TcpPrinterSimulator() as sim:
        yield sim
