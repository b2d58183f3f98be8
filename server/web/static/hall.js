// /m/{hall}: what a visitor can do from a phone.
"use strict";
HallQ.add({
  book: { zh: "预约办理", en: "Book a visit" },
  book_sub: { zh: "选择事项和时段，到时签到优先办理", en: "Pick a service and a time; check in on arrival" },
  mine: { zh: "我的预约", en: "My booking" },
  mine_sub: { zh: "查看或取消预约", en: "See or cancel a booking" },
  take: { zh: "远程取号", en: "Take a ticket remotely" },
  take_sub: { zh: "不必在大厅排队，到号前提醒您", en: "Queue from anywhere; we remind you before your turn" },
  walkin: { zh: "预约不是必需的：到大厅取号机随时可以现场取号。",
            en: "Booking is never required: the hall's kiosks always issue walk-in tickets." },
});

document.addEventListener("DOMContentLoaded", async () => {
  const id = HallQ.hallFromPath();
  for (const [el, page] of [["to-book", "book"], ["to-mine", "mine"], ["to-take", "take"]]) {
    document.getElementById(el).href = "/m/" + encodeURIComponent(id) + "/" + page;
  }
  try {
    const hall = await HallQ.hall(id);
    const render = () => {
      const name = HallQ.pick(hall, "name");
      document.getElementById("hall-name").textContent = name;
      document.title = name;
    };
    HallQ.onLang(render);
    render();
  } catch (err) {
    HallQ.showError(document.getElementById("error"), err);
  }
});
