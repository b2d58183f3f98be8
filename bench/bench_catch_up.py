"""Two server processes on one hall: what a ticket costs when each batch follows the other process's.

Two ``HallService`` instances on one SQLite file stand for two ``hallq server`` processes behind the load
balancer (issue 14, item 3). The hall first holds N waiting tickets; then the two issue in turn, so that every
batch begins by taking in the other's commit. Run: ``.venv/bin/python bench/bench_catch_up.py 300 3000``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench_province import province_toml

from server.api.routes.tickets import issue_job
from server.api.schemas import IssueRequest
from server.app import build_context
from server.auth import Principal
from server.halls.service import HallService
from server.settings import Settings

KIOSK = Principal(actor="device:1", role="kiosk", hall="h000", device_id=1)
ROUNDS = 100


def run(waiting: int) -> tuple[float, float]:
    """(wall ms, CPU ms) per issue, the two processes in turn, after ``waiting`` tickets."""
    tmp = Path(tempfile.mkdtemp(prefix="hallq-catch-up-"))
    cfg = tmp / "hall.toml"
    cfg.write_text(province_toml(1, 100, 20), encoding="utf-8")
    ctx = build_context(Settings(config_path=cfg, db_url=f"sqlite:///{tmp}/hallq.db", secret_file=tmp / "secret"))
    one, two = ctx.service, HallService(ctx.engine, ctx.deployment)

    def issue(svc: HallService, i: int) -> None:
        job = issue_job(ctx, "h000", IssueRequest(service=f"S{i % 20:02d}", lane="normal"), KIOSK)
        svc.mutate("h000", who=KIOSK, **job)

    for i in range(waiting):
        issue(one, i)
    issue(two, 0)  # the second process holds the hall too
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(ROUNDS):
        issue((one, two)[i % 2], i)
    return 1000 * (time.perf_counter() - wall) / ROUNDS, 1000 * (time.process_time() - cpu) / ROUNDS


def main() -> None:
    for waiting in [int(a) for a in sys.argv[1:]] or [300, 3000]:
        wall, cpu = run(waiting)
        print(f"{waiting:>5} waiting: {wall:.2f} ms wall, {cpu:.2f} ms CPU a ticket, the two processes in turn")


if __name__ == "__main__":
    main()
