"""Every piece of counter-terminal text, Chinese first, English second (``client.i18n.T``).

One place, so a wording changes once and the screen, the LED, the screenshots and the tests follow.
"""

from __future__ import annotations

from client.i18n import T
from vocab import Lane, Outcome, TicketState

TITLE = T("窗口叫号终端", "Counter terminal")

# -- login ------------------------------------------------------------------------------------------
LOGIN_PROMPT = T("请输入工号和密码登录 {window}", "Log in to {window} with your staff number and PIN")
STAFF_NO = T("工号", "Staff number")
PIN = T("密码", "PIN")
LOGIN = T("登录", "Log in")
LOGIN_EMPTY = T("请输入工号和密码", "Enter your staff number and PIN")
NOT_AUTHORISED = T("您无权使用 {window} 号窗口（您的授权窗口：{windows}）",
                   "You are not authorised for window {window} (your windows: {windows})")
NO_WINDOWS = T("无", "none")

# -- header and banners -----------------------------------------------------------------------------
CLERK = T("{name}　工号 {staff_no}", "{name}, staff no. {staff_no}")
ONLINE = T("● 在线", "● Online")
OFFLINE = T("● 离线", "● Offline")
OFFLINE_BANNER = T("与服务器的连接已断开，正在自动重连；需要服务器的操作暂不可用。",
                   "The server cannot be reached; reconnecting by itself. Actions that need it are disabled.")
PENDING = T("待发送：{actions}（恢复连接后自动发送，只执行一次）",
            "Waiting to send: {actions} (sent once when the link is back)")
STREAM_REFUSED = T("服务器拒绝了本终端：{reason}。请联系管理员检查终端令牌。",
                   "The server refused this terminal: {reason}. Ask an administrator to check its token.")
TIDE_BANNER = T("本窗口已临时增开为 {service} 潮汐窗口", "This window is now a tide window for {service}")
HELD_BY_OTHER = T("本窗口由 {name}（工号 {staff_no}）签到。如需接替，请按“A/B 岗接管”。",
                  "{name} (staff no. {staff_no}) is signed in at this window. Press “A/B takeover” to take over.")
PAUSED = T("暂停服务：{reason}", "Paused: {reason}")
PAUSED_UNTIL = T("暂停服务：{reason}（预计 {until} 返回）", "Paused: {reason} (back about {until})")
CLOSED = T("本窗口未签到", "Nobody is signed in at this window")

# -- the current visitor ------------------------------------------------------------------------------
CURRENT = T("当前办理", "Current visitor")
NO_CURRENT = T("当前没有办理中的号码，请按“叫号”", "No visitor at the window: press “Call next”")
SERVICE = T("业务", "Service")
LANE = T("通道", "Lane")
WAITED = T("已等候", "Waited")
WAITED_VALUE = T("{m} 分 {s} 秒", "{m} min {s} s")
TRANSFERRED_FROM = T("转自", "Transferred from")
TRANSFERRED_VALUE = T("{service}（{number}）", "{service} ({number})")
NOTE = T("转办备注", "Transfer note")
BOOKING = T("预约", "Booking")
BOOKED = T("预约号 {id}", "booking {id}")
WALK_IN = T("现场取号", "walk-in")
REASON = T("叫号依据", "Why this visitor")
RECALLS = T("{state}（已重呼 {n} 次）", "{state} (recalled {n}×)")
WAITING = T("等候人数", "Waiting")
WAITING_ROW = T("{name}（{prefix}）：{total} 人", "{name} ({prefix}): {total}")
WAITING_LANES = T("其中优先 {priority}、预约 {appointment}", "priority {priority}, booked {appointment}")

LANES: dict[Lane, T] = {
    Lane.NORMAL: T("普通", "Normal"),
    Lane.PRIORITY: T("绿色通道（优先）", "Green channel (priority)"),
    Lane.APPOINTMENT: T("预约", "Booked"),
}
STATES: dict[TicketState, T] = {
    TicketState.WAITING: T("等候中", "Waiting"),
    TicketState.CALLED: T("已叫号，等候到窗", "Called, on the way"),
    TicketState.RECALLED: T("已重呼，等候到窗", "Recalled, on the way"),
    TicketState.SERVING: T("办理中", "Being served"),
    TicketState.DONE: T("已办结", "Done"),
    TicketState.NO_SHOW: T("已过号", "No-show"),
    TicketState.TRANSFERRED: T("已转办", "Transferred"),
    TicketState.CANCELLED: T("已取消", "Cancelled"),
}

# -- actions (the shortcut is part of the label: clerks learn the keys from the buttons) -----------------
CALL = T("叫号", "Call next")
RECALL = T("重呼", "Recall")
NO_SHOW = T("过号", "No-show")
START = T("开始办理", "Start")
FINISH = T("办结", "Finish")
TRANSFER = T("转办", "Transfer")
PAUSE = T("暂停", "Pause")
RESUME = T("恢复服务", "Resume")
TAKEOVER = T("A/B 岗接管", "A/B takeover")
SWITCH = T("切换人员", "Switch clerk")
REQUEUE = T("过号重排", "Requeue")
SIGN_OUT = T("签退", "Sign out")
SIGN_IN = T("签到", "Sign in")
RATE = T("提交评价", "Send rating")
BACK = T("返回", "Back")
LANGUAGE = T("English", "中文")  # the toggle shows the language it switches to

# -- finish with an outcome (004 第二十五条, 003 §22) ---------------------------------------------------------
OUTCOMES: dict[Outcome, T] = {
    Outcome.COMPLETED: T("办结", "Completed"),
    Outcome.ACCEPTED: T("受理", "Accepted"),
    Outcome.SUPPLEMENT: T("补正告知", "Missing papers"),
    Outcome.REJECTED: T("不予受理", "Not accepted"),
    Outcome.CONSULTED: T("咨询", "Consultation"),
}
FINISH_PROMPT = T("请选择办理结果（{number}）", "Choose the outcome ({number})")
SUPPLEMENT_PROMPT = T("补正告知：请勾选申请人缺少的材料，打印一次性告知单",
                      "Missing papers: tick what is missing and print the one-time notice")
OTHER_MATERIAL = T("其他材料（输入后按“添加”）", "Other material (type, then Add)")
ADD = T("添加", "Add")
PRINT_AND_FINISH = T("打印告知单并结束", "Print the notice and finish")
NOTICE_PRINTED = T("一次性告知单已打印（{n} 项材料）", "One-time notice printed ({n} items)")
NOTICE_FAILED = T("一次性告知单未能打印：{reason}", "The one-time notice was not printed: {reason}")
NO_PRINTER = T("本终端未配置打印机，请手写一次性告知单", "No printer at this counter: write the notice by hand")
REPRINT = T("重新打印告知单", "Print the notice again")
NOTHING_TICKED = T("请至少勾选一项缺少的材料", "Tick at least one missing item")

# -- transfer ---------------------------------------------------------------------------------------------
TRANSFER_PROMPT = T("转办 {number}：请选择转往的业务，可填写备注", "Transfer {number}: choose the service, add a note")
TRANSFER_NOTE = T("备注（对下一个窗口说明情况）", "Note for the next window")
# 过号重排 (issue 16): a visitor whose number was missed comes back to the window
REQUEUE_PROMPT = T("过号重排：请输入票号（如 A012）", "Requeue a missed number: type it (e.g. A012)")
REQUEUE_EMPTY = T("请输入票号", "Type the ticket number")
REQUEUED = T("{number} 已重新排队，前面 {ahead} 人", "{number} is back in the queue, {ahead} ahead")
REQUEUE_REFUSED = T("{reason}（{rule}）", "{reason} ({rule})")
CHOOSE_SERVICE = T("请选择转往的业务", "Choose the service to transfer to")

# -- pause (去向留言, 004 第十三条) --------------------------------------------------------------------------------
PAUSE_PROMPT = T("暂停服务：请选择去向并填写预计返回时间（将在窗口屏和大厅公示）",
                 "Pause: choose where you are going and when you will be back (shown publicly)")
PAUSE_REASONS: tuple[T, ...] = (
    T("会议", "Meeting"),
    T("临时离开", "Away briefly"),
    T("午休", "Lunch break"),
    T("业务培训", "Training"),
)
PAUSE_OTHER = T("其他", "Other")
PAUSE_OTHER_TEXT = T("其他去向（必填）", "Where (required)")
RETURN_AT = T("预计返回", "Back at")
NO_REASON = T("请选择或填写去向", "Choose or type where you are going")

# -- rating (004 第三十三条: voluntary) ------------------------------------------------------------------------
RATING_TITLE = T("好差评", "Rating")
RATING_OPEN = T("{number}：请申请人在评价器上评价（剩余 {s} 秒，自愿）",
                "{number}: the visitor may rate on the pad ({s} s left, voluntary)")
RATING_GIVEN = T("{number}：申请人已评价，谢谢", "{number}: the visitor rated, thank you")
RATING_NONE = T("{number}：未评价", "{number}: not rated")
RATING_STORED = T("{number}：评价结果已记录", "{number}: rating recorded")
RATING_NONE_STORED = T("{number}：未评价（已记录）", "{number}: not rated (recorded)")
RATING_NO_PAD = T("本窗口未配置评价器", "No rating pad at this window")

# -- LED (004 第十四条: window information is public) ---------------------------------------------------------
LED_CALL = T("请 {number} 号到 {window} 号窗口", "{number} to window {window}")
LED_SERVING = T("正在办理 {number}　{clerk}", "Serving {number}, {clerk}")
LED_IDLE = T("{clerk}　欢迎您", "{clerk}, welcome")
LED_CLERK = T("{name} 工号{staff_no}", "{name} no.{staff_no}")
LED_PAUSED = T("暂停服务：{reason}", "Paused: {reason}")
LED_PAUSED_UNTIL = T("暂停服务：{reason}，{until}返回", "Paused: {reason}, back {until}")
LED_CLOSED = T("暂停服务", "Closed")
LED_PREVIEW = T("窗口屏：{text}", "Window LED: {text}")

# -- results and refusals said to the clerk -------------------------------------------------------------------
CALLED = T("已叫号 {number}", "Called {number}")
NOBODY = T("暂无等候的号码", "Nobody is waiting")
RECALLED = T("已重呼 {number}（第 {n} 次）", "Recalled {number} (#{n})")
NO_SHOWN = T("{number} 已标记过号", "{number} marked as no-show")
STARTED = T("开始办理 {number}", "Serving {number}")
FINISHED = T("{number} 已结束：{outcome}", "{number} finished: {outcome}")
TRANSFERRED = T("{number} 已转办至 {service}", "{number} transferred to {service}")
PAUSED_OK = T("已暂停服务", "Paused")
RESUMED = T("已恢复服务", "Service resumed")
TOOK_OVER = T("已接管本窗口（A/B 岗）", "You took over this window (A/B post)")
SIGNED_IN = T("已签到 {window}", "Signed in at {window}")
SIGNED_OUT = T("已签退", "Signed out")
