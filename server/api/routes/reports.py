"""``GET /halls/{hall}/reports?from=DATE&to=DATE[&by=…][&period=…][&format=json|csv|xlsx|table]`` —
statistics for managers only (004 第五条); the same report as ``hallq report`` (server/reports)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from server.auth import Action, authorize
from server.reports import MEDIA_TYPES, RENDERERS, By, Period, build, parse_range
from server.storage.db import read_transaction

from ..deps import Ctx, Who
from ..schemas import ERRORS

router = APIRouter(tags=["reports"])


@router.get("/halls/{hall}/reports", responses=ERRORS)
def report(hall: str, ctx: Ctx, who: Who,
           first: Annotated[str, Query(alias="from", max_length=10)],
           last: Annotated[str, Query(alias="to", max_length=10)],
           by: By = By.NONE, period: Period = Period.ALL,
           format: Literal["json", "csv", "xlsx", "table"] = "json") -> Response:
    """Visitors, waits (mean, p90, max), service time, no-shows, transfers and 好评率 / 差评率 / 未评价率."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.REPORTS, hall)
    a, b = parse_range(first, last)
    with read_transaction(ctx.engine) as conn:
        result = build(conn, cfg, a, b, period, by)
    if format == "json":
        return JSONResponse(result.to_dict())
    body = RENDERERS[format](result)
    name = f"report-{hall}-{a}-{b}.{ 'txt' if format == 'table' else format}"
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
