"""The kiosk's ID-card texts (issue 18), Chinese first, English second — kept beside ``kiosk.texts``
so the card flow stays one module of its own."""

from __future__ import annotations

from client.i18n import T

GREETING = T("{name}，您好", "Hello, {name}")
SENIOR = T("您已年满 {age} 周岁，已为您开启优先通道（绿色通道）",
           "You are {age} or over: the priority lane is open for you")
PROMPT = T("请选择您要办理的业务", "Please choose what you have come for")
PRIORITY_PROMPT = T("请选择业务，取优先号", "Choose your service for a priority ticket")
BOOKED = T("您今天 {start} 预约了“{service}”", 'You booked "{service}" today at {start}')
CHECK_IN = T("一键签到取号", "Check in now")
LEAVE = T("退出", "Leave")
VOICE = T("已读取身份证。请选择您要办理的业务。", "ID card read. Please choose your service.")
SENIOR_VOICE = T("已读取身份证，已为您开启优先通道。请选择您要办理的业务。",
                 "ID card read. The priority lane is open for you. Please choose your service.")
BOOKED_VOICE = T("您今天有预约，请按“一键签到取号”。", "You have a booking today: press Check in now. ")
NOT_READ_TITLE = T("未能读取证件", "The card could not be read")
NOT_READ_HINT = T("您也可以直接在屏幕上选择业务取号", "You can also choose your service on the screen")
CARD_CHECK = T("身份证读卡器", "ID card reader")
