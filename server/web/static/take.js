// /m/{hall}/take: a walk-in ticket from a phone (channel "phone"), then the tracking page.
"use strict";
HallQ.add({
  title: { zh: "远程取号", en: "Take a ticket remotely" },
  back: { zh: "‹ 返回", en: "‹ Back" },
  intro: { zh: "在办理时间内取号，不必在大厅等候；快到您时会发消息提醒。",
           en: "Take a ticket during opening hours and wait where you like: we send you a message before your turn." },
  choose_service: { zh: "选择办理事项", en: "Choose a service" },
  phone_label: { zh: "手机号（用于到号提醒）", en: "Mobile number (for the reminder)" },
  privacy: { zh: "号码只用于本次提醒和防止重复取号，系统只保存加密摘要。",
             en: "Used only for this reminder and to stop duplicate tickets; stored as a keyed hash." },
  submit: { zh: "取号", en: "Take a ticket" },
  empty: { zh: "请填写手机号", en: "Enter your mobile number" },
});

document.addEventListener("DOMContentLoaded", async () => {
  const hallId = HallQ.hallFromPath();
  const $ = (id) => document.getElementById(id);
  const errorBox = $("error");
  let hall = null;
  let service = null;
  $("back").href = "/m/" + encodeURIComponent(hallId);

  function render() {
    if (!hall) return;
    $("hall-name").textContent = HallQ.pick(hall, "name");
    $("services").replaceChildren(...hall.services.map((s) => {
      const b = HallQ.el("button", { type: "button", "data-service": s.code, "aria-pressed": String(service === s.code) },
        HallQ.pick(s, "name"));
      b.addEventListener("click", () => {
        service = s.code;
        $("services").querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
        HallQ.show($("form"));
        $("phone").focus();
      });
      return b;
    }));
  }

  HallQ.codeButton(hallId, $("send-code"), () => $("phone").value.trim(), $("otp-note"), errorBox);

  $("form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    HallQ.hide(errorBox);
    const phone = $("phone").value.trim();
    if (!phone) { HallQ.showError(errorBox, HallQ.t("empty")); return; }
    $("submit").disabled = true;
    try {
      const phone_token = await HallQ.proveWith(hallId, phone, $("otp").value);
      const ticket = await HallQ.api("POST", `/halls/${encodeURIComponent(hallId)}/remote-tickets`,
        { service, phone, phone_token });
      location.href = "/t/" + encodeURIComponent(ticket.track_token);
    } catch (err) {
      HallQ.showError(errorBox, err);
      $("submit").disabled = false;
    }
  });

  HallQ.onLang(render);
  try {
    hall = await HallQ.hall(hallId);
    render();
  } catch (err) {
    HallQ.showError(errorBox, err);
  }
});
