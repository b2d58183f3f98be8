// /m/{hall}/mine: a booking by code + the phone or ID number it was made with; cancel before the slot.
"use strict";
HallQ.add({
  title: { zh: "我的预约", en: "My booking" },
  back: { zh: "‹ 返回", en: "‹ Back" },
  code_label: { zh: "预约码", en: "Booking code" },
  person_label: { zh: "预约时验证的手机号", en: "The mobile number you proved when booking" },
  find: { zh: "查询", en: "Find" },
  f_service: { zh: "事项", en: "Service" },
  f_time: { zh: "时间", en: "Time" },
  f_person: { zh: "预约人", en: "Booked by" },
  f_hall: { zh: "大厅", en: "Hall" },
  hint_booked: { zh: "请于 {from}–{until} 到大厅取号机签到；可在 {start} 前随时取消。",
                 en: "Check in at a kiosk between {from} and {until}; you can cancel any time before {start}." },
  cancel: { zh: "取消预约", en: "Cancel booking" },
  confirm_q: { zh: "确定要取消这次预约吗？", en: "Cancel this booking?" },
  confirm_yes: { zh: "确认取消", en: "Yes, cancel it" },
  confirm_no: { zh: "不取消", en: "No, keep it" },
  cancelled_note: { zh: "预约已取消。", en: "The booking is cancelled." },
  empty: { zh: "请填写预约码和手机号", en: "Enter the booking code and your mobile number" },
});

document.addEventListener("DOMContentLoaded", async () => {
  const hallId = HallQ.hallFromPath();
  const $ = (id) => document.getElementById(id);
  const errorBox = $("error");
  let booking = null;
  $("back").href = "/m/" + encodeURIComponent(hallId);
  const preset = new URLSearchParams(location.search).get("code");
  if (preset) $("code").value = preset;
  let proof = null;  // the phone token of this look-up, reused to cancel
  HallQ.codeButton(hallId, $("send-code"), () => $("person").value.trim(), $("otp-note"), errorBox);

  function render() {
    if (!booking) return;
    const b = booking;
    $("state").textContent = HallQ.stateLabel(b.state);
    $("state").className = "state " + b.state;
    $("code-shown").textContent = b.code;
    const facts = [["f_service", HallQ.pick(b, "service_name")], ["f_time", `${b.day} ${b.start}–${b.end}`],
      ["f_hall", HallQ.pick(b, "hall_name")], ["f_person", b.person]];
    $("facts").replaceChildren(...facts.flatMap(([k, v]) => [HallQ.el("dt", { text: HallQ.t(k) }), HallQ.el("dd", { text: v })]));
    $("hint").textContent = b.state === "booked"
      ? HallQ.t("hint_booked", { from: b.checkin_from, until: b.checkin_on_time_until, start: b.start }) : "";
    (b.cancellable ? HallQ.show : HallQ.hide)($("cancel"));
    (b.state === "cancelled" ? HallQ.show : HallQ.hide)($("cancelled-note"));
    HallQ.hide($("confirm"));
    HallQ.show($("booking"));
  }

  $("form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    HallQ.hide(errorBox);
    const code = $("code").value.trim().toUpperCase();
    const person = $("person").value.trim();
    if (!code || !person) { HallQ.showError(errorBox, HallQ.t("empty")); return; }
    try {
      proof = await HallQ.proveWith(hallId, person, $("otp").value);
      booking = (await HallQ.api("POST", `/halls/${encodeURIComponent(hallId)}/bookings/lookup`,
        { code, phone_token: proof })).booking;
      render();
    } catch (err) {
      HallQ.hide($("booking"));
      HallQ.showError(errorBox, err);
    }
  });

  $("cancel").addEventListener("click", () => { HallQ.hide($("cancel")); HallQ.show($("confirm")); });
  $("confirm-no").addEventListener("click", () => { HallQ.hide($("confirm")); HallQ.show($("cancel")); });
  $("confirm-yes").addEventListener("click", async () => {
    HallQ.hide(errorBox);
    $("confirm-yes").disabled = true;
    try {
      booking = (await HallQ.api("POST",
        `/halls/${encodeURIComponent(hallId)}/bookings/${encodeURIComponent(booking.code)}/cancel`,
        { phone_token: proof })).booking;
      render();
    } catch (err) {
      HallQ.showError(errorBox, err);
    } finally {
      $("confirm-yes").disabled = false;
    }
  });

  HallQ.onLang(render);
  try {
    const hall = await HallQ.hall(hallId);
    const name = () => { $("hall-name").textContent = HallQ.pick(hall, "name"); };
    HallQ.onLang(name);
    name();
  } catch (err) {
    HallQ.showError(errorBox, err);
  }
});
