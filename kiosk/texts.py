"""Every piece of kiosk text, Chinese first, English second (``client.i18n.T``).

One place, so a wording changes once and the screenshots, the voice and the tests follow.
Spoken prompts (elder mode) are the same pairs: the announcer says what the screen asks.
"""

from __future__ import annotations

from client.i18n import T

# -- home -----------------------------------------------------------------------------------------
HOME_PROMPT = T("请选择您要办理的业务", "Please choose what you have come for")
HOME_VOICE = T("请在屏幕上选择您要办理的业务。老年人、残疾人、孕妇，请按绿色的优先通道按钮。",
               "Please choose your service on the screen. Elderly, disabled or pregnant visitors, "
               "please press the green priority button.")
PRIORITY = T("优先通道（老年人、残疾人、孕妇等）", "Priority lane (elderly, disabled, pregnant…)")
PRIORITY_PROMPT = T("优先通道：请选择您要办理的业务", "Priority lane: please choose your service")
PRIORITY_VOICE = T("优先通道。请选择您要办理的业务。", "Priority lane. Please choose your service.")
PRIORITY_LEAVE = T("退出优先通道", "Leave priority lane")
BOOKING = T("预约签到", "Booking check-in")
BOOKING_SUB = T("输入预约码或手机号", "Booking code or phone number")
ELDER = T("长者模式", "Senior mode")
ELDER_ON_VOICE = T("已进入长者模式，字更大，有语音提示。", "Senior mode: larger text and voice guidance.")
OTHER_LANGUAGE = T("English", "中文")  # the toggle shows the language it switches to
SERVICES_COUNT = T("{n} 项业务", "{n} services")

# -- second level and search -----------------------------------------------------------------------
SERVICES_PROMPT = T("请选择具体业务", "Please choose the service")
SERVICES_VOICE = T("请选择具体业务。", "Please choose the service.")
SEARCH_PLACEHOLDER = T("搜索：业务名称或拼音首字母，如 BDC", "Search: a name or pinyin initials, e.g. BDC")
SEARCH_NONE = T("没有找到“{q}”，请换个关键词，或咨询工作人员",
                "Nothing matches “{q}”: try another word or ask the staff")
KEY_DELETE = T("删除", "Delete")
KEY_CLEAR = T("清空", "Clear")
BACK = T("返回", "Back")

# -- the ticket ------------------------------------------------------------------------------------
YOUR_NUMBER = T("您的号码", "Your number")
LANE_PRIORITY = T("优先", "Priority")  # LANE_APPOINTMENT: with the booking texts
AHEAD = T("前面还有 {n} 人", "{n} ahead of you")
AHEAD_NONE = T("前面没有人在等候", "No one is ahead of you")
SCAN = T("手机扫码查看排队进度", "Scan to follow the queue on your phone")
PRINTING = T("正在打印，请取票", "Printing, please take your ticket")
PRINTED = T("请取走票据，留意叫号", "Please take your ticket and listen for your number")
PHOTO = T("打印机暂时无法出票，请拍照留存本页，号码有效",
          "The printer cannot print now: please take a photo of this screen. Your number is valid.")
DONE = T("完成", "Done")
BACK_IN = T("{s} 秒后返回首页", "Back to the start in {s} s")
TICKET_VOICE = T("您的号码是 {number}。{ahead}请取走票据，留意叫号。",
                 "Your number is {number}. {ahead}Please take your ticket and listen for your number.")
AHEAD_VOICE = T("前面还有 {n} 人。", "{n} people are ahead of you. ")
PHOTO_VOICE = T("您的号码是 {number}。打印机暂时无法出票，请用手机拍下屏幕上的号码。",
                "Your number is {number}. The printer cannot print now: please take a photo of the screen.")

# -- plain notices (never an error: 004 第三十五条 hours, daily caps) ---------------------------------
CLOSED_TITLE = T("现在不能取这个号", "No tickets for this service right now")
CLOSED_HINT = T("您可以选择其他业务，或在办理时间再来", "You can choose another service, or come back during its hours")
CAP_TITLE = T("今日号源已满", "Today's tickets are all taken")
CAP_HINT = T("您可以改日办理，或预约办理", "Please come another day, or book a visit")
REFUSED_TITLE = T("暂时不能取这个号", "This ticket cannot be issued now")
REFUSED_HINT = T("如有疑问，请咨询工作人员", "If in doubt, please ask the staff")
OK = T("好的", "OK")

# -- faults ----------------------------------------------------------------------------------------
SERVER_DOWN = T("暂停取号，请联系工作人员", "Ticket issuing paused: please ask the staff")
PRINTER_FAULT = T("打印机故障（{detail}）：号码将显示在屏幕上，请拍照留存",
                  "Printer fault ({detail}): your number will be shown on screen, please photograph it")
LOADING = T("正在连接服务器…", "Connecting to the server…")

# -- booking (issue 8 not landed: the not-available path) ------------------------------------------
BOOKING_PROMPT = T("请输入预约码或预约时登记的手机号，也可扫描预约二维码",
                   "Enter your booking code or the phone number you booked with, or scan the booking QR code")
BOOKING_VOICE = T("请输入预约码或手机号。", "Please enter your booking code or phone number.")
BOOKING_BAD = T("请输入 6–12 位预约码，或 11 位手机号",
                "Enter a 6–12 character booking code or an 11-digit phone number")
CHECK_IN = T("签到", "Check in")
CHECKIN_REFUSED_TITLE = T("预约签到未成功", "Check-in did not go through")
CHECKIN_HINT = T("您也可以现在取普通号排队", "You can take a regular ticket now instead")
LANE_APPOINTMENT = T("预约", "Booking")
# a server without the booking API (issue 8) answers 404 not_found on the check-in path
BOOKING_CLOSED_TITLE = T("预约签到暂未开通", "Booking check-in is not available yet")
BOOKING_CLOSED = T("暂未开通，请取普通号", "Not available yet: please take a regular ticket")
TAKE_REGULAR = T("取普通号", "Take a regular ticket")

# -- maintenance -----------------------------------------------------------------------------------
MAINT_TITLE = T("设备维护", "Maintenance")
MAINT_PROMPT = T("请维护人员输入工号和密码", "Maintenance staff: enter your staff number and PIN")
STAFF_NO = T("工号", "Staff number")
PIN = T("密码", "PIN")
LOGIN = T("登录", "Log in")
CANCEL = T("取消", "Cancel")
NOT_MAINTENANCE = T("该账号不是维护人员账号", "This is not a maintenance account")
CHECKING = T("正在检查…", "Checking…")
TEST_PRINT = T("测试打印", "Test print")
PAPER = T("纸张状态", "Paper status")
SPEAKER = T("喇叭测试", "Speaker test")
TOUCH = T("触摸测试", "Touch test")
SERVER = T("服务器连接", "Server connection")
LEAVE = T("退出维护", "Leave maintenance")
TOUCH_PASSED = T("触摸测试通过：全部 {n} 个方格都有反应", "Touch test passed: all {n} squares responded")
TOUCH_LEFT = T("还剩 {n} 个方格", "{n} squares left")
TOUCH_PROGRESS = T("请逐一点击每个方格（{left}）", "Tap every square ({left})")
# -- 过号重排 (a missed number rejoins the queue; issue 16) ---------------------------------------------
REQUEUE = T("过号重排", "Missed your number?")
REQUEUE_SUB = T("扫描票上二维码或输入号码", "Scan your ticket or type its number")
REQUEUE_PROMPT = T("请把票上的二维码对准扫码口，或输入票上的号码（如 A012）",
                   "Hold your ticket's QR code to the scanner, or type the number on it (e.g. A012)")
REQUEUE_VOICE = T("过号了不要紧。请扫描票上的二维码，或输入票上的号码。",
                  "Missed your number? Scan the QR code on your ticket, or type its number.")
REQUEUE_GO = T("重新排队", "Rejoin the queue")
REQUEUE_BAD = T("请输入票上的号码：字母加数字，如 A012",
                "Type the number on your ticket: letters then digits, e.g. A012")
REQUEUE_SCANNED = T("已扫描票上的二维码", "Ticket QR code scanned")
REQUEUE_DONE = T("已重新排队", "You are back in the queue")
REQUEUE_REFUSED_TITLE = T("不能重新排队", "Cannot rejoin the queue")
REQUEUE_TAKE_NEW = T("重新取号", "Take a new ticket")
