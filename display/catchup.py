"""Which calls the board speaks after a reconnect: missed calls only while they are still current.

Live calls are all spoken, in order (issue 7). After the link to the server was down, the event
stream replays what was missed (``since=last``), and those replayed calls arrive just like live ones.
Speaking them all would send visitors to windows that have long moved on, so (issue 7): *a missed
call whose window has since called someone else is shown in history but not spoken*.

Which calls were missed is settled against the server's present, not against timing::

    link back up ─▶ reconnected(): hold every call
    snapshot taken after the reconnect (seq S) ─▶ present(S, calling)
    … and once the replayed stream has reached S (the snapshot may come back first):
        held call with seq ≤ S  → missed: spoken only if its window is still calling that ticket
                                  (and only once per ticket: a missed call + recall is said once)
        held call with seq > S  → live: spoken
    later calls                 → seq ≤ S judged the same way, seq > S spoken

Waiting for the replay to reach S matters: a snapshot that came back before the replayed call and
recall of one ticket once let the call be judged alone and said as a plain call, the recall then
counted as said (the board said "请 B005 号到 4 号窗口" where the window was calling it again).

If the snapshot cannot be had, :meth:`CatchUp.unknown_present` judges the held calls against the
board's own state instead. Pure: the board feeds it calls and gets back ``(call, speak)`` decisions,
in order; a call not yet decided (held) comes back later.
"""

from __future__ import annotations

from .state import Call

Decision = tuple[Call, bool]  # (call, speak it?)


class CatchUp:
    def __init__(self) -> None:
        self._held: list[Call] | None = None
        self._bound = 0  # calls up to this seq were made while the board was away
        self._calling: dict[int, str] = {}  # window → ticket being called, at the bound
        self._said: set[str] = set()  # missed tickets already spoken
        self._seen = 0  # the stream's last seq (every event, calls or not)
        self._present_known = False  # the snapshot after the reconnect came back

    @property
    def holding(self) -> bool:
        """True from a reconnect until the server's present is known."""
        return self._held is not None

    def reconnected(self) -> None:
        if self._held is None:
            self._held = []
            self._said.clear()
        self._present_known = False

    def present(self, seq: int, calling: dict[int, str]) -> list[Decision]:
        """The server's state as of ``seq`` (window → ticket it is calling): the held calls are released
        now if the stream has reached ``seq``, else by the :meth:`seen` or :meth:`offer` that reaches it."""
        if seq >= self._bound:
            self._bound, self._calling = seq, dict(calling)
        self._present_known = True
        return self._release() if self._seen >= self._bound else []

    def seen(self, seq: int) -> list[Decision]:
        """The stream got as far as ``seq`` (every event; the board's start-up snapshot too)."""
        self._seen = max(self._seen, seq)
        if self._held is not None and self._present_known and self._seen >= self._bound:
            return self._release()
        return []

    def unknown_present(self, calling: dict[int, str]) -> list[Decision]:
        """No snapshot: judge the held calls by what the board itself knows now."""
        held = self._held or []
        self._bound = max([self._bound, *(c.seq for c in held)])
        self._calling = dict(calling)
        return self._release()

    def offer(self, call: Call) -> list[Decision]:
        """A call from the stream → decisions due now (none while holding)."""
        if self._held is not None:
            self._held.append(call)
            return self.seen(call.seq)
        self._seen = max(self._seen, call.seq)
        return self._judge([call])

    def _release(self) -> list[Decision]:
        held, self._held = self._held or [], None
        return self._judge(held)

    def _judge(self, calls: list[Call]) -> list[Decision]:
        out: list[Decision] = []
        for i, call in enumerate(calls):
            out.append((call, self._speak(call, calls[i + 1:])))
        return out

    def _speak(self, call: Call, later: list[Call]) -> bool:
        if call.seq > self._bound:
            return True  # live
        if self._calling.get(call.window) != call.ticket_id or call.ticket_id in self._said:
            return False  # the window has moved on (or this ticket was said already)
        if any(c.seq <= self._bound and c.ticket_id == call.ticket_id for c in later):
            return False  # a later missed call/recall of the same ticket is the one said
        self._said.add(call.ticket_id)
        return True
