"""The counter's server actions, sent in order, each applied exactly once — across lost answers, a dead
link and a server restart.

An action gets its ``Idempotency-Key`` when it is queued and keeps it until the server has answered:

* answered (2xx)            → done, the next one goes;
* refused (4xx: ``window_busy``, ``recall_limit`` …) → dropped and reported: nothing was applied, and the
  clerk decides what to do instead;
* no usable answer (:class:`ServerUnreachable` after the client's own retries, or a 5xx) → the action
  stays at the head, **held**: nothing after it is sent (a "call" must not overtake the "finish" before
  it). :meth:`Outbox.retry` — on the offline probe timer and when the event stream reconnects — sends it
  again with the same key. If the first attempt was applied and only its answer was lost, the server
  answers the retry from its idempotency store (``Idempotent-Replayed``) and applies nothing.

So the clerk's press is never lost (it waits, shown as pending) and never applied twice. Plain Python:
``submit(fn, *args, on_done=…, on_error=…, **kwargs)`` runs the call off the GUI thread and calls back
on it (:meth:`client.qt.QtHallLink.submit`); a test can pass a synchronous one.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from client.errors import ApiError, ClientError, ServerUnreachable
from client.i18n import T

log = logging.getLogger("hallq.counter")

Submit = Callable[..., None]


@dataclass(eq=False)
class Pending:
    """One server action: ``fn(*args, idempotency_key=key, **kwargs)``; ``label`` says what it is."""

    name: str
    label: T
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    on_done: Callable[[Any], None] | None = None
    on_refused: Callable[[ClientError], None] | None = None
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    tries: int = 0


def transient(exc: BaseException) -> bool:
    """No usable answer: the action may or may not have been applied, and repeating it with the same
    key is safe. A 5xx is the server failing mid-request (it rolled back); a 4xx is a decision."""
    return isinstance(exc, ServerUnreachable) or (isinstance(exc, ApiError) and exc.status >= 500)


class Outbox:
    """Ordered, exactly-once sending of :class:`Pending` actions; see the module docstring.

    ``on_change()`` after anything changed (queue, flight, hold); ``on_reached(bool)`` with whether the
    server answered at all; ``on_refused(action, error)`` for a refusal the action has no handler for.
    """

    def __init__(
        self,
        submit: Submit,
        *,
        on_change: Callable[[], None] = lambda: None,
        on_reached: Callable[[bool, BaseException | None], None] = lambda ok, exc: None,
        on_refused: Callable[[Pending, ClientError], None] = lambda action, exc: None,
    ) -> None:
        self._submit = submit
        self._on_change = on_change
        self._on_reached = on_reached
        self._on_refused = on_refused
        self._queue: deque[Pending] = deque()
        self._in_flight = False
        self._held = False
        self._closed = False

    @property
    def pending(self) -> list[Pending]:
        """Everything not yet answered, head first."""
        return list(self._queue)

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    @property
    def held(self) -> bool:
        """The head failed for want of a server and waits for :meth:`retry`."""
        return self._held

    def put(self, action: Pending) -> None:
        if self._closed:
            return
        self._queue.append(action)
        self._pump()
        self._on_change()

    def retry(self) -> None:
        """Send the held head again (same key). Does nothing while a send is on its way."""
        if self._held and not self._in_flight:
            self._held = False
            self._pump()
            self._on_change()

    def close(self) -> None:
        """Send nothing more; answers still on their way are ignored."""
        self._closed = True

    def _pump(self) -> None:
        if self._closed or self._in_flight or self._held or not self._queue:
            return
        action = self._queue[0]
        action.tries += 1
        self._in_flight = True
        self._submit(action.fn, *action.args, idempotency_key=action.key,
                     on_done=lambda result: self._done(action, result),
                     on_error=lambda exc: self._failed(action, exc), **action.kwargs)

    def _done(self, action: Pending, result: Any) -> None:
        if self._closed:
            return
        self._in_flight = False
        self._queue.popleft()
        if action.tries > 1:
            log.info("%s applied after %d tries (Idempotency-Key %s)", action.name, action.tries, action.key)
        self._on_reached(True, None)
        if action.on_done is not None:
            action.on_done(result)
        self._pump()
        self._on_change()

    def _failed(self, action: Pending, exc: BaseException) -> None:
        if self._closed:
            return
        self._in_flight = False
        if transient(exc):
            log.warning("%s not answered (try %d, key %s): %s; held until the link is back",
                        action.name, action.tries, action.key, exc)
            self._held = True
            self._on_reached(False, exc)
            self._on_change()
            return
        self._queue.popleft()
        self._on_reached(True, None)
        error = exc if isinstance(exc, ClientError) else ClientError(str(exc), str(exc))
        log.info("%s refused: %s", action.name, error)
        if action.on_refused is not None:
            action.on_refused(error)
        else:
            self._on_refused(action, error)
        self._pump()
        self._on_change()
