// /m/{hall}/book: service → day and slot (materials shown first, 003 §3) → phone or ID → booking code.
"use strict";
HallQ.add({
  title: { zh: "预约办理", en: "Book a visit" },
  back: { zh: "‹ 返回", en: "‹ Back" },
  choose_service: { zh: "1. 选择办理事项", en: "1. Choose a service" },
  choose_slot: { zh: "2. 选择日期和时段", en: "2. Choose a day and a time" },
  materials: { zh: "请携带以下材料", en: "Please bring" },
  no_materials: { zh: "（无特别材料要求）", en: "(nothing in particular)" },
  no_slots: { zh: "近期没有可预约的时段，请现场取号", en: "No slots soon: please take a walk-in ticket" },
  left: { zh: "余 {n}", en: "{n} left" },
  full: { zh: "已满", en: "full" },
  your_id: { zh: "3. 填写手机号或身份证号", en: "3. Your phone or ID number" },
  person_label: { zh: "手机号或身份证号", en: "Mobile or ID number" },
  person_ph: { zh: "如 13812345678", en: "e.g. 13812345678" },
  privacy: { zh: "仅用于预约、签到和未到记录；系统只保存加密摘要，页面只显示部分号码。",
             en: "Used only for booking, check-in and no-show records; stored as a keyed hash, shown masked." },
  submit: { zh: "确认预约", en: "Book" },
  summary: { zh: "{service}：{day} {start}–{end}", en: "{service}: {day} {start}–{end}" },
  done_title: { zh: "预约成功", en: "Booked" },
  your_code: { zh: "预约码（签到时输入）", en: "Booking code (enter it to check in)" },
  f_service: { zh: "事项", en: "Service" },
  f_time: { zh: "时间", en: "Time" },
  f_person: { zh: "预约人", en: "Booked by" },
  checkin_hint: { zh: "请于 {day} {from}–{until} 到大厅取号机输入预约码或手机号签到。",
                  en: "Check in at a kiosk in the hall on {day} between {from} and {until} with this code or "
                      + "your phone number." },
  rules: { zh: "逾时签到按现场取号排队。不能前来请提前取消：半年内 3 次预约未到也未取消，一年内不能预约。",
           en: "Late check-ins join the walk-in queue. If you cannot come, cancel in advance: 3 bookings neither "
               + "kept nor cancelled within half a year suspend booking for a year." },
  to_mine: { zh: "查看或取消预约", en: "See or cancel this booking" },
  empty_person: { zh: "请填写手机号或身份证号", en: "Enter your phone or ID number" },
  contact_label: { zh: "联系手机（选填：验证后可在线查询和取消）",
                   en: "Mobile number (optional: prove it to look up or cancel online)" },
  card_hint: { zh: "请携带身份证原件：在取号机上刷身份证签到，或到窗口签到。",
               en: "Bring your ID card: check in by placing it on the kiosk's reader, or at a counter." },
});

document.addEventListener("DOMContentLoaded", async () => {
  const hallId = HallQ.hallFromPath();
  const $ = (id) => document.getElementById(id);
  const errorBox = $("error");
  const state = { hall: null, service: null, offer: null, day: null, slot: null, booking: null };
  $("back").href = "/m/" + encodeURIComponent(hallId);

  // the number to prove: the person's own mobile, or for an ID number the optional contact mobile
  const phoneToProve = () => (HallQ.isPhone($("person").value) ? $("person").value.trim() : $("contact").value.trim());
  const syncPerson = () => {
    const person = $("person").value.replace(/[\s-]/g, "");
    const isId = person.length >= 15 && !HallQ.isPhone(person);
    (isId ? HallQ.show : HallQ.hide)($("contact-box"));
    (isId && !$("contact").value.trim() ? HallQ.hide : HallQ.show)($("otp-box"));
  };
  $("person").addEventListener("input", syncPerson);
  $("contact").addEventListener("input", syncPerson);
  HallQ.codeButton(hallId, $("send-code"), phoneToProve, $("otp-note"), errorBox);

  const pressed = (container, button) => {
    container.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
  };

  function renderServices() {
    const box = $("services");
    box.replaceChildren(...state.hall.services.map((s) => {
      const b = HallQ.el("button", { type: "button", "data-service": s.code, "aria-pressed": String(state.service === s.code) },
        HallQ.pick(s, "name"), HallQ.pick(s, "description") ? HallQ.el("small", { text: HallQ.pick(s, "description") }) : null);
      b.addEventListener("click", () => chooseService(s.code, b));
      return b;
    }));
  }

  async function chooseService(code, button) {
    HallQ.hide(errorBox);
    state.service = code; state.day = null; state.slot = null;
    pressed($("services"), button);
    HallQ.hide($("step-person"));
    try {
      state.offer = await HallQ.api("GET", `/halls/${encodeURIComponent(hallId)}/booking/slots?service=${encodeURIComponent(code)}`);
    } catch (err) { HallQ.showError(errorBox, err); return; }
    renderOffer();
    HallQ.show($("step-slot"));
    $("step-slot").scrollIntoView({ behavior: "smooth" });
  }

  function renderOffer() {
    const offer = state.offer;
    const materials = offer.materials.length ? offer.materials : [HallQ.t("no_materials")];
    $("materials").replaceChildren(...materials.map((m) => HallQ.el("li", { text: m })));
    const days = offer.days;
    HallQ.hide($("no-slots"));
    if (!days.length) { HallQ.show($("no-slots")); $("days").replaceChildren(); $("slots").replaceChildren(); return; }
    if (!state.day || !days.find((d) => d.day === state.day)) state.day = days[0].day;
    $("days").replaceChildren(...days.map((d) => {
      const b = HallQ.el("button", { type: "button", "data-day": d.day, "aria-pressed": String(d.day === state.day) },
        HallQ.dayLabel(d.day, d.weekday));
      b.addEventListener("click", () => { state.day = d.day; state.slot = null; HallQ.hide($("step-person")); renderOffer(); });
      return b;
    }));
    const day = days.find((d) => d.day === state.day);
    $("slots").replaceChildren(...day.slots.map((s) => {
      const note = s.left > 0 ? HallQ.t("left", { n: s.left }) : HallQ.t("full");
      const b = HallQ.el("button", { type: "button", "data-start": s.start,
        "aria-pressed": String(state.slot && state.slot.start === s.start) },
        s.start, HallQ.el("small", { text: s.after_hours ? HallQ.t("after_hours") + " · " + note : note }));
      if (s.left <= 0) b.disabled = true;
      b.addEventListener("click", () => chooseSlot(s, b));
      return b;
    }));
  }

  function chooseSlot(slot, button) {
    state.slot = slot;
    pressed($("slots"), button);
    renderSummary();
    HallQ.show($("step-person"));
    $("person").focus();
  }

  function renderSummary() {
    if (!state.slot) return;
    const svc = state.hall.services.find((s) => s.code === state.service);
    $("summary").textContent = HallQ.t("summary", { service: HallQ.pick(svc, "name"), day: state.day,
      start: state.slot.start, end: state.slot.end });
  }

  function renderDone() {
    const b = state.booking;
    if (!b) return;
    $("code").textContent = b.code;
    const facts = [["f_service", HallQ.pick(b, "service_name")], ["f_time", `${b.day} ${b.start}–${b.end}`],
      ["f_person", b.person]];
    $("facts").replaceChildren(...facts.flatMap(([k, v]) => [HallQ.el("dt", { text: HallQ.t(k) }), HallQ.el("dd", { text: v })]));
    $("checkin-hint").textContent = HallQ.t("checkin_hint", { day: b.day, from: b.checkin_from, until: b.checkin_on_time_until });
    $("to-mine").href = `/m/${encodeURIComponent(hallId)}/mine?code=${encodeURIComponent(b.code)}`;
    (b.verified ? HallQ.show : HallQ.hide)($("to-mine"));
    (b.verified ? HallQ.hide : HallQ.show)($("card-hint"));
  }

  $("form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    HallQ.hide(errorBox);
    const person = $("person").value.trim();
    if (!person) { HallQ.showError(errorBox, HallQ.t("empty_person")); return; }
    $("submit").disabled = true;
    try {
      const body = { service: state.service, day: state.day, start: state.slot.start, person };
      const phone = phoneToProve();
      if (phone) body.phone_token = await HallQ.proveWith(hallId, phone, $("otp").value);
      const data = await HallQ.api("POST", `/halls/${encodeURIComponent(hallId)}/bookings`, body);
      state.booking = data.booking;
      for (const id of ["step-service", "step-slot", "step-person"]) HallQ.hide($(id));
      renderDone();
      HallQ.show($("done"));
      window.scrollTo(0, 0);
    } catch (err) {
      HallQ.showError(errorBox, err);
    } finally {
      $("submit").disabled = false;
    }
  });

  HallQ.onLang(() => {
    if (!state.hall) return;
    $("hall-name").textContent = HallQ.pick(state.hall, "name");
    renderServices();
    if (state.offer) renderOffer();
    renderSummary();
    renderDone();
  });

  try {
    state.hall = await HallQ.hall(hallId);
    $("hall-name").textContent = HallQ.pick(state.hall, "name");
    renderServices();
    const pre = new URLSearchParams(location.search).get("service");
    const preButton = pre && $("services").querySelector(`[data-service="${CSS.escape(pre)}"]`);
    if (preButton) chooseService(pre, preButton);
  } catch (err) {
    HallQ.showError(errorBox, err);
  }
});
