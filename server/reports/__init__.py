"""Reports (统计报表, issue 9): visitors, waits, service time, no-shows, transfers and 好差评 rates by
day / week / month and by service, window, clerk, lane or channel — managers only (004 第五条).

* :mod:`.figures`  definitions and the pure aggregation
* :mod:`.query`    visits from the database
* :mod:`.report`   a report with labels; date range checks
* :mod:`.render`   table / csv / xlsx / json
* :mod:`.cli`      ``hallq report``
"""

from .figures import By, Figures, Period, Row, Visit, aggregate, figures, p90
from .render import FORMATS, MEDIA_TYPES, RENDERERS
from .report import Report, build, parse_range

__all__ = ["FORMATS", "MEDIA_TYPES", "RENDERERS", "By", "Figures", "Period", "Report", "Row", "Visit", "aggregate",
           "build", "figures", "p90", "parse_range"]
