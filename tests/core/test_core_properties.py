"""Property tests: random days of issue / call / recall / no-show / requeue / start / finish /
transfer / cancel / pause / resume / takeover / sign-in / sign-out / tide, on a moving clock.

After every step: no ticket is current at two windows, every called ticket is some window's current
one, no number repeats within a day, no ticket is called twice unless requeued, a refused action
changed nothing, and every call keeps DOMAIN rule 4: it takes the smallest ``queued_at − bonus`` of
its service (priority first) unless an ordinary ticket has reached its bound, and once an ordinary
ticket has reached its bound no ticket queued after it is called at a window that could call it.
The same days run under the older bonus rule too, where an ordinary ticket is overtaken only by
tickets queued less than a bonus after it. At the end everything drains to exactly one final
state, and a hall rebuilt from the stored state, or from the events alone, makes the same decisions as the original.
"""

from __future__ import annotations

import json
from collections import Counter

from core_helpers import HALL_CONFIG, MONDAY_9, make_hall
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.core import FINAL, Hall, Lane, Outcome, Refused, TicketState, WindowStatus, bonus_s, events

SERVICES = [s.code for s in HALL_CONFIG.services]
WINDOWS = [w.number for w in HALL_CONFIG.windows]
GREEN = {w.number for w in HALL_CONFIG.windows if w.green_channel}
LANES = list(Lane)
BONUS_RULE = HALL_CONFIG.model_copy(update={"lanes": HALL_CONFIG.lanes.model_copy(update={"rule": "bonus"})})
RULES = {"bounded": HALL_CONFIG, "bonus": BONUS_RULE}
BONUS = {name: {lane: bonus_s(cfg.lanes, lane) for lane in Lane} for name, cfg in RULES.items()}
# an ordinary ticket's bound under the bounded rule, computed here from the documented formula
BOUND = {s.code: max(HALL_CONFIG.lanes.ordinary_bound_min, HALL_CONFIG.lanes.ordinary_bound_factor
                     * s.target_wait_min) * 60 for s in HALL_CONFIG.services}
SERVES = {w.number: set(w.services()) for w in HALL_CONFIG.windows}
ORDINARY = (Lane.NORMAL, Lane.APPOINTMENT)

window = st.sampled_from(WINDOWS)
service = st.sampled_from(SERVICES)
# each step: an action name (repeated names weight the draw towards the ordinary flow of a day)
# and the arguments it may use. "pick" indexes the windows or tickets where the action makes sense
# (windows with a current ticket for start/finish …); "raw" actions aim at any window, to exercise
# refusals.
NAMES = (["issue"] * 5 + ["call"] * 5 + ["start"] * 3 + ["finish"] * 3 + ["tick"] * 2
         + ["sign_in", "resume", "recall", "no_show", "transfer", "requeue", "cancel", "raw",
            "pause", "takeover", "sign_out", "open_tide", "close_tide"])
RAW = ["call_next", "start", "recall", "no_show", "sign_out", "resume"]
action = st.tuples(st.sampled_from(NAMES), st.integers(0, 9), service, st.sampled_from(LANES),
                   st.sampled_from(list(Outcome)), window, st.sampled_from(RAW))
# (seconds to advance the clock, action); the clock always moves, as a real one does
steps = st.lists(st.tuples(st.integers(1, 400), action), min_size=20, max_size=80)


def staffed_hall(rule: str = "bounded") -> Hall:
    """The test hall with every window signed in (the plans sign windows out and in again)."""
    hall = make_hall(RULES[rule])
    for n in WINDOWS:
        hall.sign_in(n, f"A{n}-0", now=MONDAY_9)
    return hall


def key(t, rule: str = "bounded") -> tuple[float, str]:
    return (t.queued_at - BONUS[rule][t.lane], t.id)


def rule_of(hall: Hall) -> str:
    return hall.config.lanes.rule


def state_of(hall: Hall) -> tuple:
    return (sorted(json.dumps(t.to_dict(), sort_keys=True) for t in hall.tickets()),
            [w.to_dict() for w in hall.windows()], json.dumps(hall.tide_memory, sort_keys=True))


def apply(hall: Hall, step: tuple, now: float):
    """Do one action; returns a JSON-able summary of the decision (or of the refusal)."""
    name, pick, code, lane, outcome, number, raw = step
    tickets = sorted(hall.tickets(), key=lambda t: t.id)
    windows = hall.windows()
    busy = [w.number for w in windows if w.current is not None]
    idle = [w.number for w in windows if w.current is None and w.status is WindowStatus.OPEN]
    if name == "issue" and pick % 2:
        lane = Lane.NORMAL
    if name in ("start", "finish", "recall", "no_show", "transfer"):
        if not busy:
            return ["skip"]
        number = busy[pick % len(busy)]
    if name in ("sign_in", "resume"):
        wanted = WindowStatus.CLOSED if name == "sign_in" else WindowStatus.PAUSED
        pool = [w.number for w in windows if w.status is wanted]
        if not pool:
            return ["skip"]
        number = pool[pick % len(pool)]
    try:
        if name == "raw":
            return [raw, str(getattr(hall, raw)(number, now=now))]
        if name == "issue":
            got = hall.issue(code, lane, now=now, check_hours=False)
            return ["issued", got.ticket.id, got.ahead, got.estimated_wait_s]
        if name == "call":
            if not idle:
                return ["skip"]
            got = hall.call_next(idle[pick % len(idle)], now=now)
            return ["called", got.ticket.id, got.reason_zh, got.reason_en] if got else ["none"]
        if name in ("requeue", "cancel"):
            wanted = TicketState.NO_SHOW if name == "requeue" else TicketState.WAITING
            pool = [t for t in tickets if t.state is wanted]
            if not pool:
                return ["skip"]
            return [name, getattr(hall, name)(pool[pick % len(pool)].id, now=now).to_dict()]
        if name == "finish":
            return [name, hall.finish(number, outcome, now=now).to_dict()]
        if name == "transfer":
            return [name, hall.transfer(number, code, now=now, note="转").to_dict()]
        if name == "pause":
            return [name, hall.pause(number, "离开", now + 600, now=now).to_dict()]
        if name in ("takeover", "sign_in"):
            clerk = f"{'B' if name == 'takeover' else 'A'}{number}-{pick % 3}"
            return [name, getattr(hall, name)(number, clerk, now=now).to_dict()]
        if name == "tick":
            hall.tick(now=now)
            return ["tick"]
        if name == "open_tide":
            return [name, hall.open_tide(number, code, now=now, by="m").to_dict()]
        return [name, getattr(hall, name)(number, now=now).to_dict()]
    except Refused as refused:
        return ["refused", refused.code, refused.zh, refused.en]


def check_invariants(hall: Hall) -> None:
    tickets = {t.id: t for t in hall.tickets()}
    current = [w.current for w in hall.windows() if w.current is not None]
    assert len(current) == len(set(current)), "a ticket is current at two windows"
    for w in hall.windows():
        if w.current is not None:
            t = tickets[w.current]
            assert t.window == w.number and t.state in (TicketState.CALLED, TicketState.RECALLED,
                                                        TicketState.SERVING)
            assert w.status is not WindowStatus.CLOSED
    at_window = {t.id for t in tickets.values()
                 if t.state in (TicketState.CALLED, TicketState.RECALLED, TicketState.SERVING)}
    assert at_window == set(current), "a called ticket belongs to no window"
    numbers = Counter((t.day, t.number) for t in tickets.values() if t.transferred_from is None)
    assert max(numbers.values(), default=1) == 1, "a number repeats within a day"
    waiting = [t for t in tickets.values() if t.state is TicketState.WAITING]
    assert sorted(t.id for t in hall.waiting()) == sorted(t.id for t in waiting)
    rule = rule_of(hall)
    for code in SERVICES:
        assert [t.id for t in hall.waiting(code)] == \
            [t.id for t in sorted((t for t in waiting if t.service == code), key=lambda t: key(t, rule))]


def check_call(before: list, windows: dict, step: tuple, result: list, hall: Hall, now: float) -> None:
    """The dispatch rule's fairness (DOMAIN rule 4)."""
    if step[0] != "call" or result[0] != "called":
        return
    rule = rule_of(hall)
    called = hall.ticket(result[1])
    number = called.window
    waiting = [t for t in before if t.state is TicketState.WAITING]
    rivals = [t for t in waiting if t.service == called.service]
    if number in GREEN and called.lane is Lane.PRIORITY:
        rivals = [t for t in rivals if t.lane is Lane.PRIORITY]
    if rule == "bonus":
        assert key(called, rule) == min(key(t, rule) for t in rivals)
        for t in rivals:  # anyone it overtook was queued more than its lane bonus before it
            if key(t, rule) > key(called, rule):
                assert called.queued_at < t.queued_at + BONUS[rule][called.lane] + 1e-6
        return
    serves = SERVES[number] | ({windows[number].tide_service} - {None})
    overdue = [t for t in waiting if t.service in serves and t.lane in ORDINARY
               and now - t.queued_at >= BOUND[t.service]]
    # an ordinary ticket past its bound is never overtaken at a window that could call it …
    for t in overdue:
        assert called.queued_at <= t.queued_at, (called.id, t.id)
    if "等候上限" in result[2]:  # … the oldest of them is called ahead of everyone after it
        assert called.id in {t.id for t in overdue} and called.queued_at == min(t.queued_at for t in overdue)
    else:  # otherwise, within its service, the call takes the smallest key: priority first
        assert key(called, rule) == min(key(t, rule) for t in rivals)


def run(hall: Hall, plan: list, start: float, record: list | None = None) -> float:
    now = start
    setup = [e.to_dict() for e in hall.drain_events()]  # e.g. the sign-ins of staffed_hall()
    if record is not None and setup:
        record.append((["setup"], setup))
    for dt, step in plan:
        now += dt
        before_state = state_of(hall)
        before = hall.tickets()
        windows = {w.number: w for w in hall.windows()}
        result = apply(hall, step, now)
        emitted = hall.drain_events()
        if result[0] == "refused":
            assert emitted == [] and state_of(hall) == before_state, "a refusal changed something"
        check_invariants(hall)
        check_call(before, windows, step, result, hall, now)
        if record is not None:
            record.append((result, [e.to_dict() for e in emitted]))
    return now


def drain(hall: Hall, now: float) -> float:
    """Serve everybody: every window signed in, resumed, finishing its ticket, calling until empty."""
    for w in hall.windows():
        now += 1
        if w.status is WindowStatus.CLOSED:
            hall.sign_in(w.number, f"closer{w.number}", now=now)
        elif w.status is WindowStatus.PAUSED:
            hall.resume(w.number, now=now)
    for _ in range(10_000):
        progressed = False
        for w in hall.windows():
            now += 1
            if w.current is not None:
                if hall.ticket(w.current).state is not TicketState.SERVING:
                    hall.start(w.number, now=now)
                hall.finish(w.number, Outcome.COMPLETED, now=now)
                progressed = True
            if hall.call_next(w.number, now=now) is not None:
                progressed = True
        if not progressed:
            return now
    raise AssertionError("the hall never drained")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps, rule=st.sampled_from(sorted(RULES)))
def test_random_days_keep_every_rule_and_drain_to_one_final_state(plan, rule):
    hall = staffed_hall(rule)
    record: list = []
    now = run(hall, plan, MONDAY_9, record)
    drain(hall, now)
    check_invariants(hall)
    tickets = hall.tickets()
    assert hall.waiting() == [] and all(w.current is None for w in hall.windows())
    assert all(t.state in FINAL for t in tickets)
    # exactly one final state: the last lifecycle event of each ticket is the one that ended it
    final_kind = {TicketState.DONE: "ticket.finished", TicketState.NO_SHOW: "ticket.no_show",
                  TicketState.TRANSFERRED: "ticket.transferred",
                  TicketState.CANCELLED: "ticket.cancelled"}
    last: dict[str, str] = {}
    for ev in [e for _, evs in record for e in evs] + [e.to_dict() for e in hall.drain_events()]:
        if ev["kind"].startswith("ticket."):
            last[ev["ticket"]["id"]] = ev["kind"]
        if ev.get("continuation"):
            last[ev["continuation"]["id"]] = "ticket.issued"
    for t in tickets:
        assert last[t.id] == final_kind[t.state], (t.id, t.state, last[t.id])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps, rule=st.sampled_from(sorted(RULES)))
def test_no_ticket_is_called_twice_unless_requeued(plan, rule):
    hall = staffed_hall(rule)
    record: list = []
    now = run(hall, plan, MONDAY_9, record)
    drain(hall, now)
    calls = Counter(ev["ticket"]["id"] for _, evs in record for ev in evs if ev["kind"] == "ticket.called")
    calls.update(e.ticket.id for e in hall.drain_events() if e.kind == "ticket.called")
    for t in hall.tickets():
        assert calls[t.id] <= 1 + t.requeues


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=steps, then=steps)
def test_a_rebuilt_hall_decides_exactly_as_the_original(first, then):
    original = staffed_hall()
    history: list = []
    now = run(original, first, MONDAY_9, history)
    from_state = Hall(original.config, original.calendar, original.tz, tickets=original.tickets(),
                      windows=original.windows(), tide_memory=original.tide_memory)
    tickets, windows = events.latest_state(ev for _, evs in history for ev in evs)
    from_events = Hall(original.config, original.calendar, original.tz, tickets=tickets,
                       windows=windows, tide_memory=original.tide_memory)
    assert state_of(from_events) == state_of(original)
    outcomes = []
    for hall in (original, from_state, from_events):
        record: list = []
        run(hall, then, now, record)
        outcomes.append(json.dumps(record, sort_keys=True, ensure_ascii=False))
    assert outcomes[0] == outcomes[1] == outcomes[2]
