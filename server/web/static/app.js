// hallq phone pages: shared helpers (language, API calls, errors). Plain browser JavaScript, no build step.
// Every text shown comes from a {zh, en} pair; Chinese is the default, English one tap away.
"use strict";

const HallQ = (() => {
  const LANG_KEY = "hallq.lang";
  const dict = {
    lang_toggle: { zh: "English", en: "中文" },
    home: { zh: "首页", en: "Home" },
    network_error: { zh: "网络连接失败，请稍后再试", en: "Network error: please try again" },
    loading: { zh: "加载中…", en: "Loading…" },
    minutes: { zh: "{n} 分钟", en: "{n} min" },
    state_booked: { zh: "已预约", en: "Booked" },
    state_checked_in: { zh: "已签到", en: "Checked in" },
    state_late: { zh: "已签到（逾时，按现场排队）", en: "Checked in late (walk-in queue)" },
    state_cancelled: { zh: "已取消", en: "Cancelled" },
    state_no_show: { zh: "未到（已过签到时间）", en: "Not kept (check-in time over)" },
    after_hours: { zh: "工作时间外", en: "after hours" },
    weekday_1: { zh: "周一", en: "Mon" }, weekday_2: { zh: "周二", en: "Tue" },
    weekday_3: { zh: "周三", en: "Wed" }, weekday_4: { zh: "周四", en: "Thu" },
    weekday_5: { zh: "周五", en: "Fri" }, weekday_6: { zh: "周六", en: "Sat" },
    weekday_7: { zh: "周日", en: "Sun" },
    otp_label: { zh: "短信验证码", en: "Code sent by message" },
    send_code: { zh: "获取验证码", en: "Send code" },
    resend_in: { zh: "{n} 秒后可重发", en: "resend in {n} s" },
    code_sent: { zh: "验证码已发送至 {to}，10 分钟内有效", en: "Code sent to {to}, valid for 10 min" },
    need_phone: { zh: "请先填写手机号", en: "Enter the mobile number first" },
    need_code: { zh: "请填写收到的 6 位验证码", en: "Enter the 6-digit code you received" },
  };
  const langListeners = [];
  const stored = (() => { try { return localStorage.getItem(LANG_KEY); } catch (e) { return null; } })();
  let lang = new URLSearchParams(location.search).get("lang") || stored || "zh";
  if (lang !== "en") lang = "zh";

  function add(texts) { Object.assign(dict, texts); }

  function t(key, params) {
    const entry = dict[key];
    let s = entry ? (entry[lang] !== undefined ? entry[lang] : entry.zh) : key;
    for (const [k, v] of Object.entries(params || {})) s = s.split("{" + k + "}").join(String(v));
    return s;
  }

  // "name_zh"/"name_en" style fields of API objects
  function pick(obj, base) { return obj[base + "_" + lang] || obj[base + "_zh"] || ""; }

  function apply(root) {
    // a key without a translation keeps the page's own (Chinese) text
    (root || document).querySelectorAll("[data-i18n]").forEach((el) => {
      if (dict[el.dataset.i18n]) el.textContent = t(el.dataset.i18n);
    });
    (root || document).querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    const toggle = document.getElementById("lang");
    if (toggle) toggle.textContent = t("lang_toggle");
  }

  function setLang(value) {
    lang = value === "en" ? "en" : "zh";
    try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode: fine */ }
    apply();
    langListeners.forEach((fn) => fn(lang));
  }

  function onLang(fn) { langListeners.push(fn); }

  class ApiError extends Error {
    constructor(status, data) {
      super(data && data.message ? data.message : "HTTP " + status);
      this.status = status;
      this.data = data;
    }
  }

  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch("/api/v1" + path, init);
    } catch (e) {
      throw new ApiError(0, null);
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function errorText(err) {
    if (err && err.data && err.data.message_zh) return lang === "en" ? err.data.message_en : err.data.message_zh;
    return t("network_error");
  }

  function showError(el, err) {
    el.textContent = typeof err === "string" ? err : errorText(err);
    el.classList.remove("hidden");
  }

  function hide(el) { el.classList.add("hidden"); }
  function show(el) { el.classList.remove("hidden"); }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  // -- proving a phone number with a one-time code (issue 13) ------------------------------------------
  // The p_… token the right code earns is kept for this tab only (sessionStorage), per number, and sent in
  // request bodies; never in a URL.
  const PROOF_KEY = "hallq.phone_proof";
  function normPhone(text) {
    let v = (text || "").replace(/[\s-]/g, "");
    if (v.startsWith("+86")) v = v.slice(3);
    return v;
  }
  function isPhone(text) { return /^1[3-9]\d{9}$/.test(normPhone(text)); }
  function cachedProof(phone) {
    try {
      const p = JSON.parse(sessionStorage.getItem(PROOF_KEY) || "null");
      if (p && p.phone === normPhone(phone) && p.expires_at * 1000 > Date.now() + 60000) return p.token;
    } catch (e) { /* private mode: prove again */ }
    return null;
  }

  // wires a "获取验证码" button: sends a code to getPhone(), then waits 60 s before another
  function codeButton(hallId, button, getPhone, note, errorBox) {
    button.addEventListener("click", async () => {
      hide(errorBox);
      const phone = getPhone();
      if (!isPhone(phone)) { showError(errorBox, t("need_phone")); return; }
      button.disabled = true;
      try {
        const sent = await api("POST", `/halls/${encodeURIComponent(hallId)}/phone/code`, { phone });
        note.textContent = t("code_sent", { to: sent.to });
        show(note);
        let left = 60;
        const label = button.textContent;
        const tick = setInterval(() => {
          left -= 1;
          button.textContent = left > 0 ? t("resend_in", { n: left }) : label;
          if (left <= 0) { clearInterval(tick); button.disabled = false; }
        }, 1000);
      } catch (err) {
        showError(errorBox, err);
        button.disabled = false;
      }
    });
  }

  // the phone token for ``phone``: cached, or earned now with ``code``
  async function proveWith(hallId, phone, code) {
    const cached = cachedProof(phone);
    if (cached) return cached;
    if (!/^\d{6}$/.test((code || "").trim())) throw new ApiError(0, { message_zh: t("need_code"), message_en: t("need_code") });
    const proof = await api("POST", `/halls/${encodeURIComponent(hallId)}/phone/verify`, { phone, code: code.trim() });
    try {
      sessionStorage.setItem(PROOF_KEY, JSON.stringify({ phone: normPhone(phone), token: proof.phone_token,
                                                         expires_at: proof.expires_at }));
    } catch (e) { /* private mode */ }
    return proof.phone_token;
  }

  function hallFromPath() {
    const m = location.pathname.match(/^\/m\/([a-z0-9_-]+)/);
    return m ? m[1] : null;
  }

  async function hall(id) {
    const data = await api("GET", "/halls");
    return data.halls.find((h) => h.id === id) || null;
  }

  function dayLabel(day, weekday) {
    return day.slice(5).replace("-", "/") + " " + t("weekday_" + weekday);
  }

  function stateLabel(state) { return t("state_" + state); }

  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.getElementById("lang");
    if (toggle) toggle.addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
    apply();
  });

  return {
    add, t, pick, apply, setLang, onLang, api, ApiError, errorText, showError, hide, show, el, hallFromPath, hall,
    dayLabel, stateLabel, isPhone, codeButton, proveWith, cachedProof, get lang() { return lang; },
  };
})();
