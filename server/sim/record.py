"""What the simulator writes down while a day runs; ``report`` turns it into figures.

* Visit       one ticket's stay in one queue: from issue (or transfer, or requeue) to its call
* WindowLog   a window's staffed, paused and busy seconds
* TideSpan    a window serving as a tide window, from opening to closing
* SimLog      all of the above for one run, plus refusals and the queue-length trace
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Visit:
    ticket: str
    service: str
    lane: str
    queued_at: float  # issue, transfer or requeue moment (virtual POSIX seconds)
    estimate_s: int | None = None  # the EWT the kiosk printed; None for transfers and requeues
    low_s: int | None = None  # the printed range (Estimate.range_min, in seconds)
    high_s: int | None = None
    told_beyond_closing: bool = False  # the kiosk said the wait may run past closing time
    kind: str = "issued"  # issued | transferred | requeued
    called_at: float | None = None
    window: int | None = None
    started_at: float | None = None
    finished_at: float | None = None
    end: str = "unserved"  # finished | transferred | no_show | unserved

    @property
    def wait_s(self) -> float | None:
        return None if self.called_at is None else self.called_at - self.queued_at

    @property
    def service_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


@dataclass(slots=True)
class WindowLog:
    number: int
    staffed_s: float = 0.0  # signed in
    paused_s: float = 0.0  # signed in but paused (breaks)
    busy_s: float = 0.0  # from a call until the window is free again
    served: int = 0  # visits finished or transferred on
    no_shows: int = 0

    @property
    def available_s(self) -> float:
        return self.staffed_s - self.paused_s

    @property
    def utilization(self) -> float | None:
        return self.busy_s / self.available_s if self.available_s > 0 else None


@dataclass(slots=True)
class TideSpan:
    window: int
    service: str
    opened_at: float
    reason_zh: str = ""
    reason_en: str = ""
    closed_at: float | None = None


@dataclass(slots=True)
class SimLog:
    """Everything one run recorded. Times are virtual POSIX seconds."""

    start: float  # local midnight of the simulated day (or the quick form's start)
    end: float = 0.0  # when the last visitor left (or the run was cut off)
    visits: list[Visit] = field(default_factory=list)
    windows: dict[int, WindowLog] = field(default_factory=dict)
    tide: list[TideSpan] = field(default_factory=list)
    tide_requests: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # Refused.code → count
    refused_by_service: Counter[str] = field(default_factory=Counter)
    requeue_expired: int = 0  # came back after a no-show, too late to be requeued
    # queue-length trace: after each change, the moment, the service and its waiting count
    trace_t: list[float] = field(default_factory=list)
    trace_service: list[str] = field(default_factory=list)
    trace_count: list[int] = field(default_factory=list)
