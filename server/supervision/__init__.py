"""电子监察: real-time supervision warnings, yellow then red (DOMAIN rule 9; 001 第十四条, 003 (七)3).

* :mod:`.model`     kinds, levels, findings, the situation the rules read
* :mod:`.measures`  wait and service time (shared with the reports)
* :mod:`.rules`     one pure rule per kind, explicit clock
* :mod:`.tracker`   fire once, escalate once, clear when the condition ends (pure)
* :mod:`.events`    warning.* / followup.* events for the hall's event log
* :mod:`.store`     warnings table, acknowledgement, gathering the situation
* :mod:`.monitor`   the sweep through ``HallService.append_events`` and the server's periodic task
"""

from .model import KIND_NAMES, DeviceInfo, Finding, FollowupInfo, Kind, Level, Situation
from .rules import evaluate, hall_open
from .tracker import Action, Change, Open, reconcile

__all__ = ["KIND_NAMES", "Action", "Change", "DeviceInfo", "Finding", "FollowupInfo", "Kind", "Level", "Open",
           "Situation", "evaluate", "hall_open", "reconcile"]
