"""Small helpers shared by the routers."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse

from server.halls.service import Answer


def respond(out: Answer) -> Response:
    """The stored or fresh response of a mutation; replays say so in a header."""
    headers = {"Idempotent-Replayed": "true"} if out.replayed else None
    if out.body is None:
        return Response(status_code=out.status, headers=headers)
    return JSONResponse(out.body, status_code=out.status, headers=headers)


def as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict()
