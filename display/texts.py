"""Every piece of text the lobby board shows, as ``T(zh, en)`` pairs (Chinese first, English available).

The board is read from across a hall, so headings carry both languages (the main one large, the other
small); window and call texts follow the board's language.
"""

from __future__ import annotations

from client.i18n import T

LATEST_CALLS = T("最新叫号", "Latest calls")
RECENT_CALLS = T("最近叫号", "Recent calls")
WINDOWS = T("窗口信息", "Windows")
WAITING = T("等候人数", "Waiting")
NOTICES = T("公告", "Notice")
NO_CALLS = T("暂无叫号", "No calls yet")
PAGE = T("第 {page}/{pages} 页", "{page}/{pages}")

CALL = T("请 {number} 号到 {window} 号窗口", "Number {number}, please go to window {window}")
CALL_ARROW = T("{window}号窗口", "Window {window}")
RECALL_TAG = T("重呼", "Again")
PEOPLE = T("{n}人", "{n}")

# window states on the grid (DOMAIN rule 6 and 7: paused windows say why and until when)
WINDOW_NO = T("{n}号窗口", "Window {n}")
WINDOW_TAG = T("{n}号", "{n}")  # on the window list, under the heading 窗口信息
STATE_CLOSED = T("暂停服务", "Closed")
STATE_IDLE = T("等待叫号", "Open")
STATE_CALLING = T("请到窗口办理", "Now calling")
STATE_SERVING = T("正在办理", "Serving")
STATE_PAUSED = T("暂停：{reason}", "Away: {reason}")
PAUSED_NO_REASON = T("暂时离开", "Away")
BACK_AT = T("预计 {time} 回来", "Back at {time}")
TIDE = T("潮汐窗口·{service}", "Tide window · {service}")
TIDE_SHORT = T("潮汐·{service}", "Tide: {service}")  # the window list's state column
CLERK = T("{name} 工号{staff_no}", "{name} · No. {staff_no}")
CLERK_NO_NAME = T("工号{staff_no}", "No. {staff_no}")

# notices (tide windows, 000 第十八条)
TIDE_OPENED = T("{window}号窗口临时增开为{service}业务", "Window {window} is temporarily open for {service}")

# connection
OFFLINE = T("连接中断，正在重新连接…", "Connection lost, reconnecting…")
REFUSED = T("无法接收叫号信息：{zh}", "Cannot receive calls: {en}")
FILTER_EMPTY = T("本屏筛选条件没有匹配到任何窗口：{filter}", "No window matches this screen's filter: {filter}")

WEEKDAYS = (
    T("星期一", "Monday"), T("星期二", "Tuesday"), T("星期三", "Wednesday"), T("星期四", "Thursday"),
    T("星期五", "Friday"), T("星期六", "Saturday"), T("星期日", "Sunday"),
)
DATE = T("{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}")
