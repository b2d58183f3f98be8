"""Routes of the phone pages (see the package docstring). Static files, checked names only."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

STATIC = Path(__file__).with_name("static")
_ASSET = re.compile(r"^[a-z0-9-]+\.(css|js|svg)$")
_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"}
# no inline script or style, nothing from elsewhere: a page cannot be made to run someone else's code
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the tracking token is in the page's URL
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html; charset=utf-8", headers=_HEADERS)


def _not_found(zh: str, en: str) -> HTMLResponse:
    body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/m/static/style.css">'
            f'<title>{zh}</title><main class="page"><h1>{zh}</h1><p class="muted">{en}</p>'
            f'<p><a class="button" href="/m">返回首页 / Home</a></p></main></html>')
    return HTMLResponse(body, status_code=404, headers=_HEADERS)


def _hall_exists(request: Request, hall: str) -> bool:
    return hall in request.app.state.ctx.service.configs


@router.get("/m")
def index() -> Response:
    return _page("index.html")


@router.get("/m/", include_in_schema=False)
def index_slash() -> Response:
    return RedirectResponse("/m", status_code=308)


@router.get("/m/static/{name}")
def asset(name: str) -> Response:
    if not _ASSET.match(name) or not (STATIC / name).is_file():
        return Response(status_code=404)
    headers = {**_HEADERS, "Cache-Control": "max-age=300"}
    return FileResponse(STATIC / name, media_type=_TYPES[name.rsplit(".", 1)[1]], headers=headers)


def _hall_page(page: str):
    def handler(hall: str, request: Request) -> Response:
        if not _hall_exists(request, hall):
            return _not_found("没有这个服务大厅", "no such service hall")
        return _page(page)

    return handler


for _path, _file in (("/m/{hall}", "hall.html"), ("/m/{hall}/book", "book.html"), ("/m/{hall}/mine", "mine.html"),
                     ("/m/{hall}/take", "take.html")):
    router.add_api_route(_path, _hall_page(_file), methods=["GET"])


@router.get("/t/{token}")
def track(token: str) -> Response:
    """The page the ticket's QR code opens; the token is checked by the API it polls."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token):
        return _not_found("二维码无效", "invalid QR code")
    return _page("track.html")
