"""The hall's public rules in plain words, for every terminal that has to say them (issue 16: a refused
过号重排 says the limit; the counter's F2 重呼 greys out at the recall limit).

The numbers come from ``GET /halls`` → ``HallInfo.rules`` (config ``[halls.recall]``).

>>> print(requeue_rule(HallRules(requeue_behind=3, requeue_within_min=60)).zh)
过号后 60 分钟内可重新排队，排在 3 位等候的人之后；超过时间请重新取号
>>> print(requeue_rule(HallRules(requeue_behind=0, requeue_within_min=30)).en)
Within 30 min of missing your call you can rejoin the queue; later, please take a new ticket
"""

from __future__ import annotations

from .i18n import T
from .models import HallRules

REQUEUE_RULE = T("过号后 {within} 分钟内可重新排队，排在 {behind} 位等候的人之后；超过时间请重新取号",
                 "Within {within} min of missing your call you can rejoin the queue, behind {behind} waiting "
                 "people; later, please take a new ticket")
REQUEUE_RULE_FRONT = T("过号后 {within} 分钟内可重新排队；超过时间请重新取号",
                       "Within {within} min of missing your call you can rejoin the queue; "
                       "later, please take a new ticket")
RECALL_LIMIT = T("已重呼 {n} 次（上限 {limit} 次），请标记过号", "Recalled {n}× (limit {limit}): mark as no-show")


def requeue_rule(rules: HallRules) -> T:
    """过号重排: how long after the no-show, and behind how many."""
    within = f"{rules.requeue_within_min:g}"
    if rules.requeue_behind <= 0:
        return REQUEUE_RULE_FRONT.format(within=within)
    return REQUEUE_RULE.format(within=within, behind=rules.requeue_behind)
