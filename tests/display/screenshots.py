"""The screenshots in docs/img/display-*.png: a busy morning in the display test hall, on a real server.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.display.screenshots [--out docs/img]

The display test hall with 40 windows: clerks sign in (a few windows stay closed), visitors take tickets,
windows call and serve, one clerk leaves a whereabouts notice (去向留言), a standby window opens as a tide
window, and the board is captured at 1920×1080: windows 1–20 (both pages of the window list), all 40
windows (first and last page), a zone A screen, the same in English, and the board offline.
Not a test (pytest collects only ``test_*.py``); it reuses the tests' server start-up.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
CLERKS = ["王小明", "李芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐强", "孙悦",
          "马超", "朱琳", "胡斌", "郭婷", "何军", "林娜", "罗鹏", "高燕", "宋佳", "唐宁", "许诺", "韩雪", "冯涛",
          "邓超", "曹阳", "彭丽", "曾伟", "肖静", "田野", "董洁", "袁华", "潘文", "于敏", "蒋勇", "蔡琴", "余波",
          "杜鹃", "叶青"]
WINDOWS = 40
CLOSED = {6, 14, 19, 27, 35}
NOTICES = [
    "本中心实行“午间不打烊”服务，12:00–13:30 照常办理",
    "请提前备好身份证原件；材料不全可到17号窗口咨询，一次性告知所需材料",
    "办事遇到困难，请到19号窗口“办不成事”反映",
]
TICKETS = {"MA01": 16, "RE01": 13, "CE01": 2, "SA01": 6, "PS01": 4, "TX01": 9, "HR01": 8, "MI01": 3, "HF01": 2,
           "CO01": 3}
SERVING = [1, 2, 4, 5, 7, 9, 10, 12, 15, 17, 18, 21, 22, 24, 25, 26, 28, 30, 31, 33, 36, 38, 39]
CALLING = [3, 8, 16, 11]  # called just now (the last one live on the board, flashing)
NO_PHOTO = {9, 17, 30}  # clerks without a photo: their cards show none (no placeholder face)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer

    from client.appkit import make_application, save_screenshot
    from display import WindowFilter
    from display.app import Display
    from tests.display.display_support import HALL, PIN, make_people, start_display_server
    from tests.server.conftest import stop_server
    from tests.support.photos import portrait

    app = make_application()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-display-shots-"))
    srv = start_display_server(tmp, windows=WINDOWS)
    shown: list[Display] = []

    def wait(signal, timeout_ms: int = 30_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    def board(**kwargs) -> Display:
        display = Display.create(srv.base_url, people.display_token(), hall=HALL, notices=NOTICES, **kwargs)
        shown.append(display)
        display.window.resize(1920, 1080)
        display.window.show()
        display.start()
        wait(display.board.ready)
        while display.board.photos_loading:  # the clerks' photos are on their way (004 第十四条)
            wait(display.board.windows.dataChanged)
        return display

    try:
        people = make_people(srv, WINDOWS)
        staff = people.client(people.manager_token)
        kiosk = people.client(people.kiosk)
        clerks = {}
        for n, name in enumerate(CLERKS, start=1):
            staff_no = f"{1100 + n}"
            photo = "" if n in NO_PHOTO else portrait(tmp / f"{staff_no}.png", n)
            srv.add_clerk(staff_no, pin=PIN, role="clerk", windows=(n,), hall=HALL, name=name, photo=photo)
            if n not in CLOSED:
                clerks[n] = people.client(srv.login(staff_no, PIN))
                clerks[n].sign_in(HALL, n)
        for service, count in TICKETS.items():
            for i in range(count):
                kiosk.issue(HALL, service, lane="priority" if i == 1 else "normal")
        for n in SERVING:
            clerks[n].call(HALL, n)
            clerks[n].start(HALL, n)
        clerks[13].pause(HALL, 13, "到后台取件", until=time.time() + 20 * 60)
        staff.open_tide(HALL, 20, "RE01")  # 潮汐窗口 (000 第十八条)

        main_board = board(window_filter=WindowFilter.parse(windows="1-20"))
        everything = board()
        for n in CALLING:  # live calls: the last one flashes on the board as it is captured
            clerks[n].call(HALL, n)
            wait(main_board.board.call_shown)
        for shown_board, name in ((main_board, "display-board"), (everything, "display-board-40")):
            view = shown_board.window
            view.ticker.offset = 0  # the notice line from its start
            print(save_screenshot(view, args.out / f"{name}.png"))
            view.grid.show_page(view.grid.pages - 1)  # the window list's last page
            print(save_screenshot(view, args.out / f"{name}-page{view.grid.pages}.png"))
            view.grid.show_page(0)

        zone = board(window_filter=WindowFilter.parse(zone="A"))
        print(save_screenshot(zone.window, args.out / "display-zone-a.png"))
        english = board(lang="en")
        print(save_screenshot(english.window, args.out / "display-en.png"))

        srv.proc.kill()  # the server goes away: "连接中断" after a few seconds
        srv.proc.wait(timeout=30)
        wait(main_board.board.offline_changed)
        print(save_screenshot(main_board.window, args.out / "display-offline.png"))
        for client in [staff, kiosk, *clerks.values()]:
            client.close()
    finally:
        for display in shown:
            display.close()
        stop_server(srv)
        app.processEvents()


if __name__ == "__main__":
    main()
