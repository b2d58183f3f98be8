// /t/{token}: the page the ticket's QR code opens. Polls GET /api/v1/track/{token} every few seconds.
"use strict";
HallQ.add({
  title: { zh: "排队进度", en: "Your place in the queue" },
  ahead: { zh: "前面还有 {n} 人", en: "{n} ahead of you" },
  ahead_one: { zh: "前面还有 1 人", en: "1 person ahead of you" },
  next: { zh: "下一个就是您", en: "You are next" },
  wait: { zh: "预计等待约 {n} 分钟", en: "Estimated wait about {n} min" },
  wait_short: { zh: "请留意叫号", en: "Please watch for your number" },
  called: { zh: "请到 {n} 号窗口办理", en: "Please go to window {n}" },
  serving: { zh: "正在 {n} 号窗口办理", en: "Being served at window {n}" },
  done: { zh: "已办结，感谢您的耐心", en: "Done: thank you for your patience" },
  no_show: { zh: "已过号", en: "Missed" },
  no_show_detail: { zh: "请尽快到取号机点“过号重排”，扫描票上二维码或输入票号；也可请窗口工作人员重排。超过时限请重新取号",
                    en: "Soon: tap “Missed your number?” on a kiosk and scan your ticket’s QR code or type its number, or ask at a window. After the time limit, take a new ticket" },
  cancelled: { zh: "已取消", en: "Cancelled" },
  transferred: { zh: "已转办", en: "Transferred" },
  updated: { zh: "实时更新 · {time}", en: "Live · {time}" },
  stale: { zh: "网络不稳定，正在重试…", en: "Connection lost, retrying…" },
  unknown: { zh: "没有这张票（二维码无效或已过期）", en: "No such ticket (invalid or expired QR code)" },
  remind_label: { zh: "到号提醒：留下手机号，快到时发消息通知您", en: "Reminder: leave your mobile number for a message before your turn" },
  remind_submit: { zh: "提醒我", en: "Remind me" },
  remind_ok: { zh: "已设置：前面剩 {n} 人时提醒 {to}", en: "Set: {to} gets a message when {n} are ahead" },
  empty: { zh: "请填写手机号", en: "Enter your mobile number" },
  note: { zh: "本页自动刷新，无需重新扫码。过号了？在时限内到取号机点“过号重排”扫描本票二维码或输入票号，或请窗口工作人员重排。",
          en: "This page updates itself. Missed your call? Within the time limit, tap “Missed your number?” on a kiosk and scan this ticket or type its number, or ask at a window." },
});

document.addEventListener("DOMContentLoaded", () => {
  const $ = (id) => document.getElementById(id);
  const token = decodeURIComponent(location.pathname.split("/").pop());
  const POLL_MS = 3000;
  const FINAL = new Set(["done", "no_show", "cancelled"]);
  let last = null;
  let lastAt = null;
  let remind = null;

  function render() {
    if (!last) return;
    const d = last;
    $("number").textContent = d.number;
    $("service").textContent = HallQ.pick(d, "service_name");
    let headline = "";
    let detail = "";
    if (d.state === "waiting") {
      headline = d.ahead === 0 ? HallQ.t("next") : (d.ahead === 1 ? HallQ.t("ahead_one") : HallQ.t("ahead", { n: d.ahead }));
      const minutes = Math.ceil(d.estimated_wait_s / 60);
      detail = minutes > 0 ? HallQ.t("wait", { n: minutes }) : HallQ.t("wait_short");
    } else if (d.state === "called" || d.state === "recalled") {
      headline = HallQ.t("called", { n: d.window });
      detail = HallQ.pick(d, "window_name") || "";
    } else if (d.state === "serving") {
      headline = HallQ.t("serving", { n: d.window });
    } else if (d.state === "no_show") {
      headline = HallQ.t("no_show");
      detail = HallQ.t("no_show_detail");
    } else {
      headline = HallQ.t(d.state);
    }
    $("headline").textContent = headline;
    $("detail").textContent = detail;
    const card = $("ticket");
    card.classList.toggle("called", d.state === "called" || d.state === "recalled");
    card.classList.toggle("final", FINAL.has(d.state));
    HallQ.show(card);
    (d.state === "waiting" && !remind ? HallQ.show : HallQ.hide)($("remind"));
    if (remind) {
      $("notify-ok").textContent = HallQ.t("remind_ok", { n: remind.ahead, to: remind.to });
      HallQ.show($("remind")); HallQ.hide($("notify-form")); HallQ.show($("notify-ok"));
    }
    const live = $("live");
    live.textContent = HallQ.t("updated", { time: lastAt.toLocaleTimeString(HallQ.lang === "en" ? "en-GB" : "zh-CN") });
    live.classList.remove("stale");
    HallQ.show(live);
  }

  async function poll() {
    let again = true;
    try {
      last = await HallQ.api("GET", "/track/" + encodeURIComponent(token));
      lastAt = new Date();
      HallQ.hide($("error"));
      render();
      again = !FINAL.has(last.state);
    } catch (err) {
      if (err.status === 404) {
        HallQ.showError($("error"), HallQ.t("unknown"));
        HallQ.hide($("ticket")); HallQ.hide($("remind")); HallQ.hide($("live"));
        again = false;
      } else {
        const live = $("live");
        live.textContent = HallQ.t("stale");
        live.classList.add("stale");
        HallQ.show(live);
      }
    }
    if (again) setTimeout(poll, POLL_MS);
  }

  $("notify-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    HallQ.hide($("error"));
    const phone = $("phone").value.trim();
    if (!phone) { HallQ.showError($("error"), HallQ.t("empty")); return; }
    try {
      remind = await HallQ.api("POST", "/track/" + encodeURIComponent(token) + "/notify", { phone });
      render();
    } catch (err) {
      HallQ.showError($("error"), err);
    }
  });

  HallQ.onLang(render);
  poll();
});
