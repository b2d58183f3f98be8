// /m: choose a hall.
"use strict";
HallQ.add({
  title: { zh: "预约与取号", en: "Book and take a ticket" },
  intro: { zh: "请选择办事大厅", en: "Choose a service hall" },
});

document.addEventListener("DOMContentLoaded", async () => {
  const list = document.getElementById("halls");
  let halls = [];
  const render = () => {
    list.replaceChildren(...halls.map((h) => HallQ.el("a", { href: "/m/" + encodeURIComponent(h.id) },
      HallQ.el("strong", { text: HallQ.pick(h, "name") }))));
  };
  HallQ.onLang(render);
  try {
    halls = (await HallQ.api("GET", "/halls")).halls;
    render();
  } catch (err) {
    HallQ.showError(document.getElementById("error"), err);
  }
});
