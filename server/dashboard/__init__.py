"""The managers' web dashboard (issue 9), served by the hall server at ``/dashboard/``.

Plain HTML + one JavaScript file + one stylesheet in ``static/``, no framework, nothing from a CDN (halls
have no internet). The page logs in with staff number + PIN through ``POST /api/v1/auth/login`` and
keeps the token in ``sessionStorage``; every figure comes from the manager-only API (snapshot, tide
open/close, warnings, follow-ups, reports) and the hall's WebSocket event stream keeps it live. Charts
are SVG drawn by the script. See docs/supervision.md.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

STATIC = Path(__file__).parent / "static"
FILES = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8",
         # the admin page (issue 15): devices and staff accounts without SQL
         "admin.js": "text/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}
# the page loads only its own files and talks only to this server (and its WebSocket)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard_root() -> Response:
    return RedirectResponse("/dashboard/", status_code=307)


@router.get("/dashboard/")
def dashboard_page() -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/dashboard/admin")
def dashboard_admin() -> Response:
    return FileResponse(STATIC / "admin.html", media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/dashboard/config.json")
def dashboard_config(request: Request) -> Response:
    """What the page needs before login: the deployment's name and time zone (times shown in hall time)."""
    dep = request.app.state.ctx.deployment
    return JSONResponse({"deployment": dep.deployment.name, "timezone": dep.deployment.timezone},
                        headers=HEADERS)


@router.get("/dashboard/{name}")
def dashboard_file(name: str) -> Response:
    if name not in FILES:
        return JSONResponse({"code": "not_found", "message": "没有此文件（not found）", "message_zh": "没有此文件",
                             "message_en": "not found"}, status_code=404)
    return FileResponse(STATIC / name, media_type=FILES[name], headers=HEADERS)
