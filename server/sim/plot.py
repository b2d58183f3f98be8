"""``--plot FILE.png``: waiting time and queue length over the simulated day (matplotlib, Agg).

Top: every visit's wait (issue → call) at the moment it joined the queue, by lane, with the p90 of
each quarter hour. Bottom: people waiting, in total and for the busiest services, with the spans
when tide windows were open shaded.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .record import SimLog
from .report import p90

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
             "Source Han Sans SC", "SimHei", "Microsoft YaHei")
LANE_STYLE = {"normal": ("普通 normal", "#4C72B0"), "priority": ("优先 priority", "#DD8452"),
              "appointment": ("预约 appointment", "#55A868")}
BIN_S = 900  # p90 line: quarter hours
TOP_SERVICES = 4


def cjk_font() -> str | None:
    """The first installed font that has Chinese glyphs, or None (labels then show boxes)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def plot(log: SimLog, path: str | Path, *, title: str,
         names: dict[str, tuple[str, str]] | None = None) -> Path:
    """Draw the day into a PNG at ``path`` and return the path."""
    names = names or {}
    span_h = (log.end - log.start) / 3600
    long_run = span_h > 36  # the quick form: hours since the start instead of the time of day

    def x(t: float) -> float:  # log.start is local midnight of a day scenario: hours = time of day
        return (t - log.start) / 3600

    font = cjk_font()
    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}
    with rc_context(rc):
        fig = Figure(figsize=(11, 8.5 if log.tide else 7.5), dpi=110, layout="constrained")
        rows = 3 if log.tide else 2
        axes = fig.subplots(rows, 1, sharex=True, height_ratios=[3, 2, 1.4][:rows])
        top, bottom = axes[0], axes[1]
        fig.suptitle(title)

        bin_s = BIN_S if not long_run else 3600 * max(1, round(span_h / 100))  # about 100 steps
        hours = bin_s // 3600
        bin_label = "每刻钟 P90 (per quarter hour)" if bin_s == BIN_S else f"每 {hours} 小时 P90 (per {hours} h)"
        bins: dict[int, list[float]] = defaultdict(list)
        for lane, (label, color) in LANE_STYLE.items():
            pts = [(v.queued_at, v.wait_s / 60) for v in log.visits  # type: ignore[operator]
                   if v.lane == lane and v.kind != "requeued" and v.wait_s is not None]
            if not pts:
                continue
            # the legend counts visitors as the report does (tickets issued); transferred-in visits
            # are plotted too and counted apart, so the two never disagree
            issued = sum(v.lane == lane and v.kind == "issued" for v in log.visits)
            moved = sum(v.lane == lane and v.kind == "transferred" for v in log.visits)
            count = f"{issued} + {moved} 转入 transferred" if moved else str(issued)
            top.scatter([x(t) for t, _ in pts], [w for _, w in pts], s=6 if len(pts) < 5000 else 1,
                        alpha=0.55, color=color, label=f"{label} ({count})", linewidths=0)
            for t, w in pts:
                bins[int((t - log.start) // bin_s)].append(w)
        if bins:
            keys = sorted(bins)
            top.step([x(log.start + k * bin_s) for k in keys], [p90(bins[k]) for k in keys],
                     where="post", color="black", linewidth=1.4, label=bin_label)
        top.set_ylabel("等待 wait（分钟 min）")
        top.set_ylim(bottom=0)
        top.grid(alpha=0.3)
        top.legend(loc="upper right", fontsize=8, markerscale=3)

        totals: dict[str, int] = defaultdict(int)
        counts: dict[str, int] = {}
        series: dict[str, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
        total_t: list[float] = []
        total_n: list[int] = []
        running = 0
        for t, service, count in zip(log.trace_t, log.trace_service, log.trace_count, strict=True):
            running += count - counts.get(service, 0)
            counts[service] = count
            totals[service] += 1
            xs, ys = series[service]
            xs.append(x(t))
            ys.append(count)
            total_t.append(x(t))
            total_n.append(running)
        bottom.step(total_t, total_n, where="post", color="black", linewidth=1.2, label="全部 all")
        busiest = sorted(totals, key=totals.__getitem__, reverse=True)[:TOP_SERVICES]
        for service in busiest if len(totals) > 1 else ():
            xs, ys = series[service]
            zh = names.get(service, (service, service))[0]
            bottom.step(xs, ys, where="post", linewidth=1, alpha=0.85, label=f"{service} {zh}")
        if log.tide:
            _tide_panel(axes[2], log, x)
        bottom.set_ylabel("排队人数 waiting")
        axes[-1].set_xlabel("运行小时 hours since start" if long_run else "时刻 time of day（时 h）")
        bottom.set_ylim(bottom=0)
        bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.grid(alpha=0.3)
        bottom.legend(loc="upper right", fontsize=8)
        if total_t and not long_run:
            first, last = max(0.0, min(total_t) - 0.5), x(log.end) + 0.25
            top.set_xlim(first, last)
            top.set_xticks(range(int(first), int(last) + 1))
        out = Path(path)
        fig.savefig(out, format="png")
    return out


def _tide_panel(axis, log: SimLog, x) -> None:
    """One row per window that served as a tide window: a bar for each span, labelled with the service."""
    rows = sorted({s.window for s in log.tide})
    for span in log.tide:
        end = span.closed_at if span.closed_at is not None else log.end
        y = rows.index(span.window)
        axis.broken_barh([(x(span.opened_at), x(end) - x(span.opened_at))], (y - 0.35, 0.7),
                         color="#8172B3", alpha=0.75)
        if x(end) - x(span.opened_at) > 0.2:
            axis.text(x(span.opened_at) + 0.02, y, span.service, va="center", fontsize=7, color="white")
    axis.set_yticks(range(len(rows)), [f"{n}号" for n in rows])
    axis.set_ylim(-0.6, len(rows) - 0.4)
    axis.set_ylabel("潮汐窗口 tide")
    axis.grid(alpha=0.3, axis="x")
