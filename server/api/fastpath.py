"""The reads that screens and phones repeat all day, answered from the read models before FastAPI's
routing (issue 14).

``GET /api/v1/halls/{hall}/snapshot``, ``GET /api/v1/halls/{hall}/windows/{n}`` and
``GET /api/v1/track/{token}`` are most of a province's traffic, and their answer is already encoded in
memory; FastAPI's route matching over ~100 routes and its dependency injection cost more than the answer.
:class:`ReadFastPath` (a pure ASGI middleware, inside the access log and the metrics) answers them on the
*happy path only* — a caller whose token this process resolved within the last second (``deps.WhoFast``),
allowed by ``ROLE_MATRIX``, a known hall and window, a ticket the model holds. Anything else goes on to the
FastAPI routes unchanged, which answer it the same way (they share the builders below) or with the one
error format. The routes stay the documented API (OpenAPI); this is only a shortcut to the same answers.

The same middleware takes the hot **writes** the same way (:class:`_LeanPost`): ``POST …/tickets`` (issue)
and ``POST …/windows/{n}/call|start|finish``. It parses the body with the route's own pydantic model,
builds the mutation with the route's own function (``routes.tickets.issue_job``,
``routes.windows.counter_job``: role, hall, window and 凭身份证取号 checks in the route's order), builds the
``Idempotency-Key`` as ``deps`` does, hands it to the same writer (``HallService.submit``) and answers
with the same ``respond``. The caller is resolved as ``deps.principal_cached`` does (the 1 s cache, else
the database, then cached). Whatever is not its happy path *before* the writer — no or a bad token, a
body that is not valid JSON of the model or not ``application/json``, an unknown hall, a refused role or
window, a bad key, a window number not spelt plainly — goes on to the FastAPI route untouched (the body
handed on as it came), which answers it in the one error format; nothing was queued. After the writer, a
Problem (a refusal, a reused key) is answered by the app's own exception handler, as for the route. What
this saves is FastAPI's route matching over ~100 routes and its dependency solving (bench/README.md,
"Province (issue 14)"). tests/server/test_lean_post.py pins every answer to the route's;
``HALLQ_LEAN_POST=0`` turns the path off (every write through FastAPI), ``hallq_lean_posts_total`` on
GET /metrics counts what took it.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import re
import time
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from starlette.requests import Request

from config import HallConfig
from server.auth import Action, Principal, authorize
from server.booking.errors import BookingRefused
from server.halls.errors import Problem
from server.halls.idempotency import IdempotencyKey
from server.readmodels import Encoded, HallState, ReadModels
from server.readmodels.hub import encode

from . import views
from .deps import principal_of
from .edge import replay_receive
from .routes.booking import SLOTS_CACHE
from .routes.common import send_answer
from .schemas import FinishRequest, IssueRequest

_SNAPSHOT = re.compile(r"/api/v1/halls/([^/]+)/snapshot")
_WINDOW = re.compile(r"/api/v1/halls/([^/]+)/windows/(\d{1,6})")
_TRACK = re.compile(r"/api/v1/track/([A-Za-z0-9_-]{1,64})")
_SLOTS = re.compile(r"/api/v1/halls/([^/]+)/booking/slots")
_ONLY_SERVICE = re.compile(rb"service=([A-Z0-9_]{1,32})")  # the whole query; anything else: the route
_ISSUE = re.compile(r"/api/v1/halls/([^/]+)/tickets")
_COUNTER = re.compile(r"/api/v1/halls/([^/]+)/windows/([1-9][0-9]{0,5})/(call|start|finish)")
_JSON = re.compile(rb"\s*application/json\s*(;.*)?", re.IGNORECASE | re.DOTALL)
_CALLED = ("called", "recalled", "serving")
TRACK_CACHE = "public, max-age=1"
BUSY = Encoded(encode(Problem("rate_limited", "查询人数过多，请稍后再试", "too many requests right now: try again in a "
                              "few seconds", 429).to_dict()), "")
PRIVATE_CACHE = "private, no-cache"


# -- the answers (shared with the routes) ------------------------------------------------------------------
async def snapshot(rm: ReadModels, cfg: HallConfig, model: Any) -> Encoded:
    async def build(current: Callable[[], HallState]) -> dict:
        clerks = await rm.clerks({w["clerk"] for w in current().windows.values() if w["clerk"]})
        state = current()
        return views.snapshot_of(cfg, state.seq, state.windows, state.current_tickets(), clerks, state.counts())

    return await rm.cached(model, "snapshot", cfg, build)


async def window(rm: ReadModels, cfg: HallConfig, model: Any, number: int) -> Encoded:
    async def build(current: Callable[[], HallState]) -> dict:
        w = current().windows.get(number)
        clerks = await rm.clerks({w["clerk"]} if w and w["clerk"] else set())
        state = current()
        w = state.windows.get(number)
        cur = state.tickets.get(w["current"]) if w and w["current"] else None
        return views.window_detail_of(cfg, state.seq, number, w, cur, clerks, state.counts())

    return await rm.cached(model, f"w{number}", cfg, build)


def track_view(cfg: HallConfig, tk: Mapping[str, Any], estimate: Any) -> dict[str, Any]:
    """The tracking page's data: never personal data (000 第二十八条). ``estimate``: the core's
    ``Estimate`` of a waiting ticket (None otherwise)."""
    svc = cfg.service(tk["service"]) if cfg.has_service(tk["service"]) else None
    number = tk["window"] if tk["state"] in _CALLED else None
    wcfg = cfg.window(number) if number is not None and cfg.has_window(number) else None
    return {
        "number": tk["number"],
        "service": tk["service"],
        "service_name_zh": svc.name_zh if svc else tk["service"],
        "service_name_en": svc.name_en if svc else tk["service"],
        "state": tk["state"],
        "ahead": estimate.ahead if estimate is not None else 0,
        "estimated_wait_s": int(estimate.wait_s) if estimate is not None else 0,
        **views.estimate_fields(estimate),
        "window": number,
        "window_name_zh": wcfg.name_zh if wcfg else None,
        "window_name_en": wcfg.name_en if wcfg else None,
    }


async def track(rm: ReadModels, cfgs: Mapping[str, HallConfig], token: str) -> Encoded | None:
    """From memory, or None when this process does not hold the ticket (the caller reads the database)."""
    got = await rm.track(token)
    if got is None or got["hall"] not in cfgs:
        return None
    tk = got["ticket"]
    etag = f'"{got["hall"]}.{got["seq"]}.{tk["id"]}"'
    return Encoded(encode(track_view(cfgs[got["hall"]], tk, got["estimate"])), etag)


def matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    return header.strip() == "*" or etag in (tag.strip().removeprefix("W/") for tag in header.split(","))


# -- the middleware ---------------------------------------------------------------------------------------
class ReadFastPath:
    def __init__(self, app: Any, *, lean_posts: bool = True) -> None:
        self.app = app
        self._routes: dict[str, Any] = {}  # template → what the metrics read from scope["route"]
        self._lean = _LeanPost(app, self._route) if lean_posts else None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self._lean is not None and scope["type"] == "http" and scope["method"] == "POST" \
                and scope["path"].startswith("/api/v1/halls/"):
            await self._lean.post(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/api/v1/"):
            try:
                answer = await self._answer(scope)
            except Problem:
                answer = None  # the route answers it, in the one error format
            if answer is not None:
                await self._send(scope, send, *answer)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: dict) -> tuple[str, Encoded, str] | None:
        app = scope.get("app")
        ctx = getattr(getattr(app, "state", None), "ctx", None)
        rm: ReadModels | None = getattr(ctx, "readmodels", None)
        if rm is None:
            return None
        path = scope["path"]
        if m := _TRACK.fullmatch(path):
            if rm.overloaded:  # issue 14 item 4: the event loop runs late, the kiosks and counters come first
                return "/api/v1/track/{token}", BUSY, "no-store"
            enc = await track(rm, ctx.service.configs, m.group(1))
            return ("/api/v1/track/{token}", enc, TRACK_CACHE) if enc is not None else None
        if (m := _SLOTS.fullmatch(path)) and (q := _ONLY_SERVICE.fullmatch(scope.get("query_string", b""))):
            # the phones' booking page (public): from memory, as the route answers it (routes/booking.slots)
            models = getattr(app.state, "booking_slots", None)
            if models is None:
                return None
            try:
                enc = await models.answer(m.group(1), q.group(1).decode())
            except BookingRefused:
                return None  # an unknown service: the route refuses it, in the one error format
            return "/api/v1/halls/{hall}/booking/slots", enc, SLOTS_CACHE
        snap = _SNAPSHOT.fullmatch(path)
        win = None if snap else _WINDOW.fullmatch(path)
        if snap is None and win is None:
            return None
        hall = (snap or win).group(1)  # type: ignore[union-attr]
        cfg = ctx.service.configs.get(hall)
        who = _cached_principal(ctx, scope)
        if cfg is None or who is None:
            return None
        if snap is not None:
            authorize(who, Action.SNAPSHOT, hall)
            return "/api/v1/halls/{hall}/snapshot", await snapshot(rm, cfg, await rm.model(hall)), PRIVATE_CACHE
        number = int(win.group(2))  # type: ignore[union-attr]
        if not cfg.has_window(number):
            return None
        authorize(who, Action.WINDOW_READ, hall, number)
        return "/api/v1/halls/{hall}/windows/{window}", await window(rm, cfg, await rm.model(hall), number), \
            PRIVATE_CACHE

    async def _send(self, scope: dict, send: Any, template: str, enc: Encoded, cache: str) -> None:
        scope["route"] = self._route(template)  # for the metrics' route label
        inm = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        if enc is BUSY:  # shed: the hall's own traffic first
            await send({"type": "http.response.start", "status": 429, "headers": [
                (b"retry-after", b"3"), (b"cache-control", b"no-store"), (b"content-type", b"application/json"),
                (b"content-length", str(len(enc.body)).encode())]})
            await send({"type": "http.response.body", "body": enc.body})
            return
        headers = [(b"etag", enc.etag.encode()), (b"cache-control", cache.encode())]
        if inm is not None and matches(inm.decode("latin-1"), enc.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(enc.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": enc.body})

    def _route(self, template: str) -> Any:
        route = self._routes.get(template)
        if route is None:
            route = self._routes[template] = SimpleNamespace(path=template)
        return route


def _cached_principal(ctx: Any, scope: dict) -> Any:
    """The caller, if this process resolved its token within the last second (``deps.principal_cached``);
    None sends the request to the route, which resolves it (and fills the cache)."""
    auth = next((v for k, v in scope["headers"] if k == b"authorization"), None)
    if auth is None:
        return None
    scheme, _, token = auth.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return None
    hit = ctx.who_cache.get(token.strip())
    if hit is None or hit[0] <= time.monotonic():
        return None
    return hit[1]


# -- the hot writes ---------------------------------------------------------------------------------------
class _LeanPost:
    """Issue, call, start and finish without FastAPI's routing and dependencies (see the module's doc)."""

    def __init__(self, app: Any, route: Callable[[str], Any]) -> None:
        self.app = app
        self.route = route
        self._counter: Any = None
        self._children: dict[str, Any] = {}  # route → its counter's inc (labels() validates and locks each call)

    def _count(self, scope: dict, template: str) -> None:
        """``hallq_lean_posts_total{route}`` on GET /metrics: how many writes took this path."""
        if self._counter is None:
            metrics = getattr(scope["app"].state, "metrics", None)
            if metrics is None:
                return
            from prometheus_client import Counter

            self._counter = Counter("hallq_lean_posts", "writes answered by the lean POST path (issue 14)",
                                    ["route"], registry=metrics.registry)
        inc = self._children.get(template)
        if inc is None:
            inc = self._children[template] = self._counter.labels(template).inc
        inc()

    async def post(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope["path"]
        issue = _ISSUE.fullmatch(path)
        counter = None if issue else _COUNTER.fullmatch(path)
        ctx = getattr(getattr(scope.get("app"), "state", None), "ctx", None)
        who = None
        if (issue or counter) and ctx is not None:
            auth = next((v for k, v in scope["headers"] if k == b"authorization"), None)
            with contextlib.suppress(Problem):  # no or a bad token: the route answers 401
                who = await principal_of(ctx, auth.decode("latin-1") if auth is not None else None)
        if who is None:
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        job = None
        # anything unusual (a Problem, a body json.loads or the model refuses, JSON nested too deep, …):
        # nothing is queued yet, and the route answers it in its own way
        with contextlib.suppress(Exception):
            job = self._job(ctx, who, scope, issue, counter, body) if not more else None
        if job is None:
            await self.app(scope, replay_receive(body, more, receive), send)
            return
        hall, kwargs, template = job
        scope["route"] = self.route(template)  # the metrics' route label, as the route's
        self._count(scope, template)
        try:
            answer = await ctx.service.submit(hall, **kwargs)
        except Exception as exc:  # a refusal or a reused key: the app's handler, as for the route
            handler = _handler_for(scope, exc)
            if handler is None:
                raise  # as from the route: the server-error handler answers 500
            response = handler(Request(scope), exc)
            if inspect.isawaitable(response):
                response = await response
            await response(scope, receive, send)
            return
        await send_answer(answer, send)

    def _job(self, ctx: Any, who: Principal, scope: dict, issue: re.Match | None, counter: re.Match | None,
             body: bytes) -> tuple[str, dict[str, Any], str] | None:
        """``(hall, submit's keywords, route template)``; None or an exception: not the happy path."""
        from .routes import tickets, windows  # the routes import this module

        if issue is not None:
            hall = issue.group(1)
            parsed = _json_body(scope, body, IssueRequest)
            if parsed is None:
                return None
            kwargs = tickets.issue_job(ctx, hall, parsed, who)
            template = "/api/v1/halls/{hall}/tickets"
        else:
            assert counter is not None
            hall, number, kind = counter.group(1), int(counter.group(2)), counter.group(3)
            parsed = _json_body(scope, body, FinishRequest) if kind == "finish" else None
            if kind == "finish" and parsed is None:
                return None
            kwargs = windows.counter_job(ctx, who, hall, number, kind, parsed)
            template = "/api/v1/halls/{hall}/windows/{window}/" + kind
        key = next((v for k, v in scope["headers"] if k == b"idempotency-key"), None)
        idem = None if key is None else IdempotencyKey.of(who.actor, key.decode("latin-1"), "POST",
                                                           Request(scope).url.path, body)
        return hall, {**kwargs, "who": who, "idem": idem}, template


async def _read_body(receive: Any) -> tuple[bytes, bool]:
    """The request body (BodyGuard, outside, has bounded it and hands it over whole); ``more`` when the
    client went away or the body did not come in one piece (then the route reads it as usual)."""
    message = await receive()
    if message["type"] != "http.request":
        return b"", True
    return message.get("body", b""), bool(message.get("more_body", False))


def _json_body(scope: dict, body: bytes, model: Any) -> Any:
    """The body as ``model`` when it is ``application/json`` and valid, else None (or ValueError)."""
    ctype = next((v for k, v in scope["headers"] if k == b"content-type"), None)
    if ctype is None or not body or not _JSON.fullmatch(ctype):
        return None  # FastAPI's own rules for other media types and empty bodies: the route
    return model.model_validate(json.loads(body))


def _handler_for(scope: dict, exc: Exception) -> Any:
    """The app's exception handler for ``exc`` as Starlette's ExceptionMiddleware finds it (by class, not
    ``Exception`` itself, which is the server-error middleware's)."""
    handlers = getattr(scope.get("app"), "exception_handlers", {})
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
