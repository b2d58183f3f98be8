"""The citizen's phone pages (云叫号), served by the hall server: plain HTML, CSS and a little JavaScript.

=====================  ===========================================================================
path                   page
=====================  ===========================================================================
``/m``                 choose a hall
``/m/{hall}``          the hall: book, my booking, take a ticket remotely
``/m/{hall}/book``     预约: service → day and slot (with the materials to bring) → phone or ID
``/m/{hall}/mine``     我的预约: booking code + phone or ID → the booking; cancel before the slot
``/m/{hall}/take``     远程取号: service + phone → the tracking page
``/t/{token}``         the ticket's QR: number, people ahead, estimated wait, live; "请到 3 号窗口办理"
=====================  ===========================================================================

The pages are static files; everything they show comes from the public API (``/api/v1/halls``,
``…/booking/slots``, ``…/bookings…``, ``…/remote-tickets``, ``/api/v1/track/{token}``), so they work
behind any proxy that passes ``/api/v1``. No inline script: the CSP allows only this server's files.
"""

from .pages import router

__all__ = ["router"]
