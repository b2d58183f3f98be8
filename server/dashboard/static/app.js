// hallq manager dashboard: live hall, warnings, follow-ups, reports. Plain DOM, no framework, no CDN.
// Every text from the server is put in the page as text (never as HTML). Times are shown in the hall's
// time zone (config.json). Chinese first; the English toggle switches every label.
"use strict";

const T = {
  title: ["hallq 管理驾驶舱", "hallq manager dashboard"],
  login: ["管理人员登录", "Manager login"], staff: ["工号", "Staff no."], pin: ["密码", "PIN"],
  signin: ["登录", "Log in"], logout: ["退出", "Log out"], lang: ["English", "中文"],
  managersOnly: ["仅限管理人员登录", "managers only"],
  tabHall: ["大厅实况", "Live hall"], tabWarnings: ["预警", "Warnings"], tabFollowups: ["差评回访", "Follow-ups"],
  tabReports: ["统计报表", "Reports"], menu: ["菜单", "Menu"],
  live: ["● 实时", "● live"], offline: ["○ 连接中断，重连中…", "○ disconnected, reconnecting…"],
  windows: ["窗口", "Windows"], queues: ["排队", "Queues"], tides: ["潮汐窗口", "Tide windows"],
  open: ["开放", "open"], paused: ["暂停", "paused"], closed: ["关闭", "closed"],
  nobody: ["无人", "nobody"], idle: ["空闲", "idle"], until: ["至", "until"],
  called: ["呼叫中", "called"], recalled: ["重呼", "recalled"], serving: ["办理中", "serving"],
  tideOf: ["潮汐：", "tide: "], openTide: ["开潮汐", "Open tide"], closeTide: ["关潮汐", "Close tide"],
  service: ["业务", "Service"], normal: ["普通", "Normal"], priority: ["优先", "Priority"],
  appointment: ["预约", "Appointment"], total: ["合计", "Total"], noTides: ["无潮汐窗口", "no tide windows"],
  manual: ["手动", "manual"], auto: ["自动", "automatic"], since: ["开始", "since"],
  openWarnings: ["未解除预警", "Open warnings"], recentWarnings: ["已解除预警（最近）", "Cleared warnings (recent)"],
  level: ["级别", "Level"], kind: ["类型", "Kind"], message: ["内容", "Message"], raised: ["发出", "Raised"],
  cleared: ["解除", "Cleared"], ack: ["确认", "Acknowledge"], acked: ["已确认", "Acknowledged"],
  note: ["备注", "Note"], noWarnings: ["当前没有预警", "no open warnings"], none: ["无", "none"],
  yellow: ["黄", "yellow"], red: ["红", "red"],
  followups: ["差评回访", "Follow-ups of bad ratings"], stateFilter: ["范围", "Show"],
  active: ["未办结", "not closed"], all: ["全部", "all"], ticket: ["票号", "Ticket"], window: ["窗口", "Window"],
  clerk: ["工作人员", "Clerk"], score: ["评价", "Rating"], state: ["状态", "State"], assignee: ["负责人", "Assignee"],
  contactBy: ["联系期限", "Contact by"], closeBy: ["办结期限", "Close by"], overdue: ["逾期", "Overdue"],
  contactLate: ["联系逾期", "contact late"], closeLate: ["办结逾期", "close late"],
  noFollowups: ["没有差评回访", "no follow-ups"], pick: ["点击一行查看并处理", "click a row to handle it"],
  assign: ["指派", "Assign"], contact: ["记录联系", "Record contact"], rectify: ["记录整改", "Record rectification"],
  close: ["办结答复", "Close with reply"], contactNote: ["联系记录", "Contact notes"],
  rectification: ["整改情况", "Rectification"], reply: ["答复", "Reply"], rated: ["评价时间", "Rated"],
  from: ["起", "From"], to: ["止", "To"], by: ["分组", "Group by"], period: ["周期", "Period"],
  run: ["生成报表", "Run report"], csv: ["下载 CSV", "Download CSV"], xlsx: ["下载 Excel", "Download Excel"],
  byNone: ["不分组", "none"], byService: ["业务", "service"], byWindow: ["窗口", "window"], byClerk: ["工作人员", "clerk"],
  byLane: ["通道", "lane"], byChannel: ["渠道", "channel"],
  pAll: ["整个区间", "whole range"], pDay: ["按日", "day"], pWeek: ["按周", "week"], pMonth: ["按月", "month"],
  visitors: ["取号人数", "Visitors"], waitChart: ["等候时间（分钟）", "Wait (minutes)"],
  waitMean: ["平均", "mean"], waitP90: ["P90", "p90"], waitMax: ["最长", "max"],
  ratingsChart: ["好差评（占办结）", "Ratings (share of served)"], good: ["好评", "good"], bad: ["差评", "bad"],
  unrated: ["未评价", "not rated"], noData: ["该区间没有数据", "no visits in this range"],
  tickets: ["办件数", "Tickets"], served: ["办结", "Served"], noShows: ["过号", "No-shows"],
  noShowRate: ["过号率", "No-show rate"], transfers: ["转办", "Transfers"], serviceMean: ["平均办理(分)", "Mean service (min)"],
  waitMeanCol: ["平均等候(分)", "Mean wait (min)"], waitP90Col: ["等候P90(分)", "p90 wait (min)"],
  waitMaxCol: ["最长等候(分)", "Max wait (min)"], goodRate: ["好评率", "Good rate"], badRate: ["差评率", "Bad rate"],
  unratedRate: ["未评价率", "Not rated"], group: ["分组", "Group"], periodCol: ["期间", "Period"],
};
const KINDS = {
  wait_over_target: ["等候超时", "wait over target"], service_over_limit: ["办理超时", "service over limit"],
  pause_overdue: ["暂停超时", "pause overdue"], window_unstaffed: ["窗口无人", "window unstaffed"],
  device_fault: ["设备故障", "device fault"], device_silent: ["设备失联", "device silent"],
  followup_overdue: ["差评回访逾期", "follow-up overdue"],
};

const S = {
  lang: localStorage.getItem("hallq.lang") || "zh", token: sessionStorage.getItem("hallq.token"),
  me: JSON.parse(sessionStorage.getItem("hallq.me") || "null"), tz: "Asia/Shanghai", halls: [], hall: null,
  snapshot: null, warnings: [], followups: [], selected: null, tab: "hall", ws: null, wsRetry: 500,
  report: null, refreshTimer: null,
};

const $ = (id) => document.getElementById(id);
// a wide table scrolls inside its card (never the page); focusable, so a keyboard can scroll it too
const scroller = (label, table) => h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": label }, table);
const t = (key) => (T[key] ? T[key][S.lang === "zh" ? 0 : 1] : key);
const pair = (zh, en) => (S.lang === "zh" ? zh || en : en || zh);
const field = (obj, base) => pair(obj[base + "_zh"], obj[base + "_en"]);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function fmtTime(ts, withDate = false) {
  if (ts === null || ts === undefined) return "—";
  const opts = { timeZone: S.tz, hour: "2-digit", minute: "2-digit", hour12: false };
  if (withDate) Object.assign(opts, { year: "numeric", month: "2-digit", day: "2-digit" });
  return new Intl.DateTimeFormat("sv-SE", opts).format(new Date(ts * 1000));
}

function toast(text, bad = true) {
  const el = $("toast");
  el.textContent = text;
  el.className = bad ? "bad" : "good";
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 6000);
}

class ApiError extends Error {
  constructor(status, body) {
    super(body ? pair(body.message_zh, body.message_en) || body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = {};
  if (S.token) headers.Authorization = "Bearer " + S.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401 && S.token) { logout(); throw new ApiError(401, null); }
  if (!r.ok) {
    let detail = null;
    try { detail = await r.json(); } catch (e) { /* not JSON */ }
    throw new ApiError(r.status, detail);
  }
  if (raw) return r;
  return r.status === 204 ? null : r.json();
}

async function guard(promise) {
  try { return await promise; } catch (e) { if (e.status !== 401) toast(e.message); return undefined; }
}

// ---------------------------------------------------------------- login, language, tabs
function applyLanguage() {
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  $("title").textContent = t("title");
  $("login-title").textContent = t("login");
  $("l-staff").textContent = t("staff");
  $("l-pin").textContent = t("pin");
  $("login-button").textContent = t("signin");
  $("logout").textContent = t("logout");
  $("lang").textContent = t("lang");
  $("tab-hall").firstChild.textContent = t("tabHall");
  $("tab-warnings").firstChild.textContent = t("tabWarnings") + " ";
  $("tab-followups").firstChild.textContent = t("tabFollowups");
  $("tab-reports").firstChild.textContent = t("tabReports");
  menuLabel();
  if (S.me) $("who").textContent = `${S.me.name}（${S.me.staff_no}）`;
  renderAll();
}

async function login(ev) {
  ev.preventDefault();
  $("login-error").textContent = "";
  try {
    const r = await fetch("/api/v1/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ staff_no: $("staff-no").value.trim(), pin: $("pin").value }),
    });
    const body = await r.json();
    if (!r.ok) throw new ApiError(r.status, body);
    if (body.role !== "manager") {
      S.token = body.token;
      await fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: "Bearer " + body.token } });
      S.token = null;
      throw new Error(t("managersOnly"));
    }
    S.token = body.token;
    S.me = { name: body.name, staff_no: body.staff_no, hall: body.hall };
    sessionStorage.setItem("hallq.token", S.token);
    sessionStorage.setItem("hallq.me", JSON.stringify(S.me));
    $("pin").value = "";
    await start();
  } catch (e) {
    $("login-error").textContent = e.message;
  }
}

function logout() {
  if (S.token) fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: "Bearer " + S.token } }).catch(() => {});
  S.token = null; S.me = null;
  sessionStorage.removeItem("hallq.token"); sessionStorage.removeItem("hallq.me");
  if (S.ws) { S.ws.onclose = null; S.ws.close(); S.ws = null; }
  clearInterval(S.refreshTimer);
  $("login-view").hidden = false;
  for (const id of ["tabs", "menu", "logout", "link", "hall-select"]) $(id).hidden = true;
  for (const v of document.querySelectorAll(".view")) v.hidden = true;
  $("who").textContent = "";
}

// at phone width (style.css, ≤ 700 px) the tabs are a menu under this button, closed after a choice
function menuLabel() {
  const names = { hall: "tabHall", warnings: "tabWarnings", followups: "tabFollowups", reports: "tabReports" };
  $("menu").textContent = `☰ ${t("menu")} · ${t(names[S.tab])}`;
}

function toggleMenu(open) {
  const header = document.querySelector("header.top");
  const now = open === undefined ? !header.classList.contains("menu-open") : open;
  header.classList.toggle("menu-open", now);
  $("menu").setAttribute("aria-expanded", String(now));
}

function showTab(tab) {
  S.tab = tab;
  toggleMenu(false);
  menuLabel();
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === tab);
  for (const name of ["hall", "warnings", "followups", "reports"]) $("view-" + name).hidden = name !== tab;
  if (tab === "followups") loadFollowups();
  if (tab === "warnings") loadWarnings();
}

async function start() {
  $("login-view").hidden = true;
  for (const id of ["tabs", "menu", "logout", "link"]) $(id).hidden = false;
  $("who").textContent = `${S.me.name}（${S.me.staff_no}）`;
  const listing = await guard(api("/halls"));
  if (!listing) return;
  S.halls = listing.halls.filter((x) => !S.me.hall || x.id === S.me.hall);
  S.hall = S.halls.some((x) => x.id === S.hall) ? S.hall : S.halls[0].id;
  const sel = $("hall-select");
  sel.replaceChildren(...S.halls.map((x) => h("option", { value: x.id, selected: x.id === S.hall }, field(x, "name"))));
  sel.hidden = S.halls.length < 2;
  showTab(S.tab);
  await switchHall(S.hall);
  clearInterval(S.refreshTimer);
  S.refreshTimer = setInterval(renderAll, 30000); // "waited N min" and overdue marks move with the clock
}

async function switchHall(hall) {
  S.hall = hall;
  S.snapshot = null; S.warnings = []; S.followups = []; S.selected = null; S.report = null;
  await Promise.all([loadSnapshot(), loadWarnings(), loadFollowups()]);
  connect();
  renderAll();
}

const hallInfo = () => S.halls.find((x) => x.id === S.hall);

// ---------------------------------------------------------------- data and the live stream
// Loads overlap (an action's own reload, the reloads its events bring) and their answers can come back
// out of order: only the answer of the latest load of a kind is shown, never an older one over a newer.
const asked = { snapshot: 0, warnings: 0, followups: 0 };
async function latest(kind, request) {
  const mine = ++asked[kind];
  const r = await guard(request);
  return mine === asked[kind] ? r : null;
}

async function loadSnapshot() {
  const snap = await latest("snapshot", api(`/halls/${S.hall}/snapshot`));
  if (snap) { S.snapshot = snap; renderHall(); }
  return snap;
}

async function loadWarnings() {
  if (!S.hall) return;
  const r = await latest("warnings", api(`/halls/${S.hall}/warnings?limit=100`));
  if (r) { S.warnings = r.warnings; renderWarnings(); }
}

async function loadFollowups() {
  if (!S.hall) return;
  const state = $("fu-state") ? $("fu-state").value : "active";
  const r = await latest("followups", api(`/halls/${S.hall}/followups?state=${state}`));
  if (r) { S.followups = r.followups; renderFollowups(); }
}

const pending = new Set();
function soon(what) { // coalesce bursts of events into one reload per kind
  if (pending.has(what)) return;
  pending.add(what);
  setTimeout(() => { pending.delete(what); what(); }, 150);
}

function connect() {
  if (S.ws) { S.ws.onclose = null; S.ws.close(); }
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const since = S.snapshot ? `?since=${S.snapshot.seq}` : "";
  // the token goes in the first message, never in the URL (URLs end up in logs: issue 13)
  const ws = new WebSocket(`${proto}//${location.host}/api/v1/halls/${S.hall}/events${since}`);
  S.ws = ws;
  ws.onopen = () => { ws.send(JSON.stringify({ token: S.token })); S.wsRetry = 500; setLink(true); };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.kind === "resync") { loadSnapshot().then(connect); return; }
    if (msg.kind === "error") { toast(pair(msg.message_zh, msg.message_en)); return; }
    if (S.snapshot && typeof msg.seq === "number") S.snapshot.seq = Math.max(S.snapshot.seq, msg.seq);
    const kind = msg.kind || "";
    if (kind.startsWith("warning.")) { soon(loadWarnings); if (kind === "warning.raised") flash(); }
    else if (kind.startsWith("followup.")) soon(loadFollowups);
    else soon(loadSnapshot);
  };
  ws.onclose = () => {
    setLink(false);
    S.wsRetry = Math.min(S.wsRetry * 2, 10000);
    setTimeout(() => { if (S.token && S.ws === ws) { loadSnapshot().then(connect); } }, S.wsRetry);
  };
}

function setLink(up) {
  const el = $("link");
  el.textContent = up ? t("live") : t("offline");
  el.className = "link " + (up ? "up" : "down");
}

function flash() {
  const el = $("tab-warnings");
  el.classList.remove("flash");
  void el.offsetWidth;
  el.classList.add("flash");
}

function renderAll() {
  if (!S.token) return;
  setLink(S.ws && S.ws.readyState === 1);
  renderHall(); renderWarnings(); renderFollowups(); renderReports();
}

// ---------------------------------------------------------------- live hall
function serviceName(code) {
  const info = hallInfo();
  const svc = info && info.services.find((s) => s.code === code);
  return svc ? field(svc, "name") : code;
}

async function tide(window, action, service) {
  const body = action === "open" ? { service } : undefined;
  const r = await guard(api(`/halls/${S.hall}/windows/${window}/tide/${action}`, { method: "POST", body: body || {} }));
  if (r !== undefined) loadSnapshot();
}

function windowCard(w, listing) {
  const cls = ["win", w.status, w.tide_service ? "tide" : ""].join(" ");
  const cur = w.current;
  const lines = [
    h("div", { class: "win-head" }, h("span", { class: "win-no" }, w.number), h("span", { class: "win-name" }, field(w, "name")),
      h("span", { class: "status " + w.status }, t(w.status))),
    h("div", { class: "win-clerk" }, w.clerk ? `${w.clerk.name}（${w.clerk.staff_no}）` : t("nobody")),
    h("div", { class: "win-current" }, cur ? [h("b", {}, cur.number), " ", serviceName(cur.service), " · ", t(cur.state)] : t("idle")),
  ];
  if (w.status === "paused") lines.push(h("div", { class: "win-pause" }, `${w.pause_reason || ""}${w.pause_until ? ` ${t("until")} ${fmtTime(w.pause_until)}` : ""}`));
  if (w.tide_service) {
    lines.push(h("div", { class: "win-tide" }, t("tideOf") + serviceName(w.tide_service),
      h("button", { class: "small", "data-action": "close-tide", onclick: () => tide(w.number, "close") }, t("closeTide"))));
  } else if (listing && listing.tide_eligible && w.status !== "closed") { // a tide window needs a clerk
    const own = new Set(listing.profile.flatMap((tier) => tier.services));
    const choices = hallInfo().services.filter((s) => !own.has(s.code));
    if (choices.length) {
      const sel = h("select", { "aria-label": t("service") }, choices.map((s) => h("option", { value: s.code }, field(s, "name"))));
      lines.push(h("div", { class: "win-tide" }, sel,
        h("button", { class: "small", "data-action": "open-tide", onclick: () => tide(w.number, "open", sel.value) }, t("openTide"))));
    }
  }
  return h("div", { class: cls, "data-window": w.number }, lines);
}

function renderHall() {
  const view = $("view-hall");
  if (!S.snapshot || !S.token) return;
  const snap = S.snapshot;
  const info = hallInfo();
  const listing = new Map((info ? info.windows : []).map((w) => [w.number, w]));
  const queueRows = snap.waiting.map((q) => h("tr", { "data-service": q.service },
    h("td", {}, `${q.prefix} ${field(q, "name")}`), h("td", { class: "num" }, q.normal), h("td", { class: "num" }, q.priority),
    h("td", { class: "num" }, q.appointment), h("td", { class: "num total" }, q.total)));
  const total = snap.waiting.reduce((a, q) => a + q.total, 0);
  const tides = snap.tides.length
    ? h("ul", { class: "tides" }, snap.tides.map((x) => h("li", {},
      `${x.window} · ${serviceName(x.service)} · ${x.manual ? t("manual") : t("auto")} · ${t("since")} ${fmtTime(x.since)}`)))
    : h("p", { class: "muted" }, t("noTides"));
  view.replaceChildren(
    h("h2", {}, field(snap, "name")),
    h("div", { class: "cols" },
      h("div", { class: "card wide" }, h("h3", {}, t("windows")), h("div", { class: "grid", id: "windows" }, snap.windows.map((w) => windowCard(w, listing.get(w.number))))),
      h("div", { class: "card side" },
        h("h3", {}, `${t("queues")} (${total})`),
        scroller(t("queues"), h("table", { id: "queues" }, h("thead", {}, h("tr", {}, h("th", {}, t("service")), h("th", {}, t("normal")),
          h("th", {}, t("priority")), h("th", {}, t("appointment")), h("th", {}, t("total")))), h("tbody", {}, queueRows))),
        h("h3", {}, t("tides")), tides)));
}

// ---------------------------------------------------------------- warnings
async function acknowledge(id, note) {
  const r = await guard(api(`/halls/${S.hall}/warnings/${id}/ack`, { method: "POST", body: { note } }));
  if (r) { toast(t("acked"), false); loadWarnings(); }
}

function warningRow(w) {
  const kind = KINDS[w.kind] || [w.kind, w.kind];
  let ack;
  if (w.acknowledged_at) ack = h("span", { class: "acked" }, `${t("acked")} ${w.acknowledged_by} ${fmtTime(w.acknowledged_at)}${w.ack_note ? " · " + w.ack_note : ""}`);
  else {
    const note = h("input", { class: "note", placeholder: t("note"), "aria-label": t("note") });
    ack = h("span", {}, note, h("button", { class: "small", "data-action": "ack", onclick: () => acknowledge(w.id, note.value) }, t("ack")));
  }
  return h("tr", { class: "level-" + w.level + (w.open ? "" : " cleared"), "data-warning": w.id, "data-kind": w.kind },
    h("td", {}, h("span", { class: "chip " + w.level }, t(w.level))), h("td", {}, pair(kind[0], kind[1])),
    h("td", { class: "msg" }, field(w, "message")), h("td", {}, fmtTime(w.raised_at, true)),
    h("td", {}, w.open ? "" : fmtTime(w.cleared_at, true)), h("td", {}, ack));
}

function renderWarnings() {
  const open = S.warnings.filter((w) => w.open);
  const badge = $("warn-badge");
  badge.textContent = open.length;
  badge.hidden = open.length === 0;
  badge.classList.toggle("red", open.some((w) => w.level === "red"));
  if (!S.token) return;
  const head = () => h("thead", {}, h("tr", {}, [t("level"), t("kind"), t("message"), t("raised"), t("cleared"), t("ack")].map((x) => h("th", {}, x))));
  const cleared = S.warnings.filter((w) => !w.open).slice(0, 30);
  const restore = keepDrafts("#view-warnings input.note", (el) => el.closest("tr").dataset.warning);
  $("view-warnings").replaceChildren(
    h("div", { class: "card" }, h("h2", {}, `${t("openWarnings")} (${open.length})`),
      open.length ? scroller(t("openWarnings"), h("table", { id: "open-warnings", class: "list" }, head(), h("tbody", {}, open.map(warningRow)))) : h("p", { class: "muted", id: "no-warnings" }, t("noWarnings"))),
    h("div", { class: "card" }, h("h2", {}, t("recentWarnings")),
      cleared.length ? scroller(t("recentWarnings"), h("table", { id: "cleared-warnings", class: "list" }, head(), h("tbody", {}, cleared.map(warningRow)))) : h("p", { class: "muted" }, t("none"))));
  restore($("view-warnings"));
}

// ---------------------------------------------------------------- follow-ups
function overdueOf(f) {
  const now = Date.now() / 1000;
  if (f.state === "closed") return "";
  if (now > f.close_due) return "closeLate";
  if (f.state === "open" && now > f.contact_due) return "contactLate";
  return "";
}

const DRAFTS = { assign: "fu-staff", contact: "fu-contact", rectify: "fu-rectify", close: "fu-reply" };

async function followupAction(id, action, body) {
  const r = await guard(api(`/halls/${S.hall}/followups/${id}/${action}`, { method: "POST", body }));
  if (r) { S.selected = id; delete FU_DRAFTS[`${id}:${DRAFTS[action]}`]; await loadFollowups(); }
}

// What a manager types in a follow-up's boxes, kept as it is typed (follow-up id : box id), so that no
// re-render loses it: the list reloads on every followup.* event and after every action, and those answers
// can land between a keystroke and the click that sends it (a reply typed after "记录整改" was wiped by
// the rectification's second reload and the close went out empty: a CI run at 23:07). A box's draft is
// dropped once the action that sends it succeeds.
const FU_DRAFTS = {};
function draftBox(tag, f, id, attrs, initial = "") {
  const key = `${f.id}:${id}`;
  const el = h(tag, { id, ...attrs, oninput: (e) => { FU_DRAFTS[key] = e.target.value; } });
  el.value = key in FU_DRAFTS ? FU_DRAFTS[key] : initial;
  return el;
}

// what is being typed survives a re-render (events arrive while a manager types)
function keepDrafts(selector, key) {
  const kept = {};
  for (const el of document.querySelectorAll(selector)) kept[key(el)] = el.value;
  return (root) => {
    for (const el of root.querySelectorAll(selector)) {
      const k = key(el);
      if (k in kept) el.value = kept[k];
    }
  };
}

function followupDetail(f) {
  const input = (id, ph) => draftBox("textarea", f, id, { placeholder: ph, rows: 2, "aria-label": ph });
  const staff = draftBox("input", f, "fu-staff", { placeholder: t("staff"), "aria-label": t("staff") }, f.assignee || "");
  const contactText = input("fu-contact", t("contactNote"));
  const rectText = input("fu-rectify", t("rectification"));
  const replyText = input("fu-reply", t("reply"));
  const closedNow = f.state === "closed";
  const dl = [
    [t("ticket"), `${f.number} · ${serviceName(f.service)}`], [t("window"), f.window ?? "—"], [t("clerk"), f.clerk || "—"],
    [t("score"), `${f.score} ${field(f, "score")}`], [t("rated"), fmtTime(f.rated_at, true)],
    [t("contactBy"), fmtTime(f.contact_due, true)], [t("closeBy"), fmtTime(f.close_due, true)],
    [t("state"), field(f, "state")], [t("assignee"), f.assignee || "—"],
    [t("contactNote"), f.contact_note || "—"], [t("rectification"), f.rectification || "—"], [t("reply"), f.reply || "—"],
  ];
  return h("div", { class: "card", id: "fu-detail", "data-followup": f.id },
    h("h3", {}, `#${f.id} ${f.number}`),
    h("dl", {}, dl.map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
    closedNow ? null : h("div", { class: "actions" },
      h("div", {}, staff, h("button", { "data-action": "assign", onclick: () => followupAction(f.id, "assign", { staff_no: staff.value.trim() }) }, t("assign"))),
      h("div", {}, contactText, h("button", { "data-action": "contact", onclick: () => followupAction(f.id, "contact", { note: contactText.value }) }, t("contact"))),
      h("div", {}, rectText, h("button", { "data-action": "rectify", onclick: () => followupAction(f.id, "rectify", { text: rectText.value }) }, t("rectify"))),
      h("div", {}, replyText, h("button", { "data-action": "close", onclick: () => followupAction(f.id, "close", { reply: replyText.value }) }, t("close")))));
}

function renderFollowups() {
  if (!S.token) return;
  const view = $("view-followups");
  const prev = $("fu-state") ? $("fu-state").value : "active";
  const sel = h("select", { id: "fu-state", onchange: loadFollowups, "aria-label": t("stateFilter") },
    h("option", { value: "active", selected: prev === "active" }, t("active")), h("option", { value: "all", selected: prev === "all" }, t("all")));
  const rows = S.followups.map((f) => {
    const late = overdueOf(f);
    return h("tr", { "data-followup": f.id, class: (S.selected === f.id ? "selected " : "") + (late ? "late" : ""), onclick: () => { S.selected = f.id; renderFollowups(); } },
      h("td", {}, "#" + f.id), h("td", {}, f.number), h("td", {}, serviceName(f.service)), h("td", {}, f.window ?? "—"),
      h("td", {}, `${f.score} ${field(f, "score")}`), h("td", {}, field(f, "state")), h("td", {}, f.assignee || "—"),
      h("td", {}, fmtTime(f.contact_due, true)), h("td", {}, fmtTime(f.close_due, true)),
      h("td", {}, late ? h("span", { class: "chip " + (late === "closeLate" ? "red" : "yellow") }, t(late)) : ""));
  });
  const chosen = S.followups.find((f) => f.id === S.selected);
  // replaceChildren() writes a null as the text "null": only the parts there are
  view.replaceChildren(...[
    h("div", { class: "card" }, h("h2", {}, t("followups"), " ", h("label", { class: "inline" }, t("stateFilter"), " ", sel)),
      rows.length ? scroller(t("followups"), h("table", { id: "followups", class: "list clickable" },
        h("thead", {}, h("tr", {}, ["#", t("ticket"), t("service"), t("window"), t("score"), t("state"), t("assignee"), t("contactBy"), t("closeBy"), t("overdue")].map((x) => h("th", {}, x)))),
        h("tbody", {}, rows))) : h("p", { class: "muted", id: "no-followups" }, t("noFollowups")),
      rows.length && !chosen ? h("p", { class: "muted" }, t("pick")) : null),
    chosen ? followupDetail(chosen) : null].filter(Boolean));
}

// ---------------------------------------------------------------- reports and charts
const SVGNS = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const num = (v) => (v >= 10 ? v.toFixed(0) : v >= 0.05 ? String(+v.toFixed(1)) : "0"); // 12.4 → "12", 2.25 → "2.3"

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
}

// text width estimate for the charts' 11 px labels: ideographs ~1 em, the rest ~0.6 em
const TICK_PX = 11;
const textW = (str, px = TICK_PX) => [...str].reduce((w, c) => w + (c.codePointAt(0) > 0x2e80 ? px : px * 0.6), 0);
function fitText(str, width, px = TICK_PX) { // cut with "…" to fit width
  if (textW(str, px) <= width) return str;
  let out = "";
  for (const c of str) { if (textW(out + c + "…", px) > width) break; out += c; }
  return out + "…";
}
function wrapText(str, width, lines = 2) { // up to `lines` lines of at most width; the last one cut
  const out = [];
  let rest = str;
  while (rest && out.length < lines - 1 && textW(rest) > width) {
    let line = "";
    for (const c of rest) { if (textW(line + c) > width) break; line += c; }
    const space = line.lastIndexOf(" "); // break at a space (period · group) when there is one
    if (space > 0) line = line.slice(0, space);
    out.push(line.trim());
    rest = rest.slice(line.length).trim();
  }
  if (rest) out.push(fitText(rest, width));
  return out;
}

// grouped vertical bars: labels along x (on two lines, cut to their group's width; with many groups only
// every k-th is labelled, so labels never overlap), one bar per series in each group
function barChart(id, title, labels, series, unit) {
  const W = 560, H = 272, L = 44, R = 10, TOP = 34, B = 70;
  const max = niceMax(Math.max(0, ...series.flatMap((x) => x.values.filter((v) => v !== null))));
  const gw = (W - L - R) / Math.max(1, labels.length), bw = Math.min(36, (gw * 0.8) / series.length);
  const y = (v) => TOP + (H - TOP - B) * (1 - v / max);
  const every = Math.max(1, Math.ceil((2 * TICK_PX + 6) / gw)); // a label needs room for two ideographs
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", id, role: "img", "aria-label": title });
  svg.append(s("text", { x: L, y: 18, class: "chart-title" }, title));
  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "gridline" }),
      s("text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, num(v)));
  }
  labels.forEach((lab, i) => {
    const gx = L + gw * i + (gw - bw * series.length) / 2;
    series.forEach((ser, j) => {
      const v = ser.values[i];
      if (v === null || v === undefined) return;
      const x = gx + bw * j;
      svg.append(s("rect", { x, y: y(v), width: bw - 2, height: Math.max(0, H - B - y(v)), fill: ser.color, class: "bar" },
        s("title", {}, `${lab} ${ser.name}: ${num(v)}${unit}`)));
      svg.append(s("text", { x: x + (bw - 2) / 2, y: y(v) - 3, class: "value", "text-anchor": "middle" }, num(v)));
    });
    if (i % every) return;
    const cx = L + gw * i + gw / 2;
    const lines = wrapText(lab, Math.min(gw * every - 6, 2 * (W - 2 - cx), 2 * (cx - 2)));
    svg.append(s("text", { x: cx, y: H - B + 16, class: "tick xlabel", "text-anchor": "middle" },
      lines.map((line, k) => s("tspan", { x: cx, dy: k ? 13 : 0 }, line)), s("title", {}, lab)));
  });
  svg.append(s("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
  legend(svg, series, L, H - 18);
  return svg;
}

// 100 % stacked horizontal bars (good / bad / not rated) per row
function stackChart(id, title, labels, parts) {
  // the label column is as wide as the longest label (at most 40 % of the chart; longer ones are cut)
  const rowH = 24, TOP = 34, W = 560, R = 10;
  const L = Math.ceil(Math.min(W * 0.4, Math.max(40, ...labels.map((lab) => textW(lab))) + 14));
  const H = TOP + rowH * labels.length + 34;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", id, role: "img", "aria-label": title });
  svg.append(s("text", { x: 8, y: 18, class: "chart-title" }, title));
  labels.forEach((lab, i) => {
    let x = L;
    const yy = TOP + i * rowH;
    svg.append(s("text", { x: L - 6, y: yy + 15, class: "tick ylabel", "text-anchor": "end" }, fitText(lab, L - 14),
      s("title", {}, lab)));
    for (const p of parts) {
      const v = p.values[i];
      if (v === null || v === undefined) continue;
      const w = (W - L - R) * v;
      if (w <= 0) continue;
      svg.append(s("rect", { x, y: yy + 2, width: w, height: rowH - 6, fill: p.color, class: "bar" }, s("title", {}, `${lab} ${p.name}: ${(100 * v).toFixed(1)}%`)));
      if (w > 34) svg.append(s("text", { x: x + w / 2, y: yy + 15, class: "value inside", "text-anchor": "middle" }, `${(100 * v).toFixed(0)}%`));
      x += w;
    }
  });
  legend(svg, parts, 8, H - 12);
  return svg;
}

function legend(svg, series, x, y) {
  series.forEach((ser) => {
    svg.append(s("rect", { x, y: y - 9, width: 10, height: 10, fill: ser.color }), s("text", { x: x + 14, y, class: "tick" }, ser.name));
    x += 24 + ser.name.length * 9;
  });
}

function localDate(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: S.tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

function reportQuery() {
  return `from=${$("r-from").value}&to=${$("r-to").value}&by=${$("r-by").value}&period=${$("r-period").value}`;
}

async function runReport() {
  const r = await guard(api(`/halls/${S.hall}/reports?${reportQuery()}`));
  if (r) { S.report = r; renderReportResult(); }
}

async function download(format) {
  const r = await guard(api(`/halls/${S.hall}/reports?${reportQuery()}&format=${format}`, { raw: true }));
  if (!r) return;
  const url = URL.createObjectURL(await r.blob());
  const a = h("a", { href: url, download: `report-${S.hall}-${$("r-from").value}-${$("r-to").value}.${format}` });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function renderReports() {
  if (!S.token) return;
  const view = $("view-reports");
  const keep = (id, dflt) => ($(id) ? $(id).value : dflt);
  const opt = (value, key, cur) => h("option", { value, selected: value === cur }, t(key));
  const by = keep("r-by", "service"), period = keep("r-period", "all");
  view.replaceChildren(
    h("div", { class: "card" }, h("h2", {}, t("tabReports")),
      h("form", { id: "report-form", class: "row", onsubmit: (e) => { e.preventDefault(); runReport(); } },
        h("label", {}, t("from"), " ", h("input", { id: "r-from", type: "date", value: keep("r-from", localDate(-6)), required: true })),
        h("label", {}, t("to"), " ", h("input", { id: "r-to", type: "date", value: keep("r-to", localDate(0)), required: true })),
        h("label", {}, t("by"), " ", h("select", { id: "r-by" }, opt("none", "byNone", by), opt("service", "byService", by), opt("window", "byWindow", by),
          opt("clerk", "byClerk", by), opt("lane", "byLane", by), opt("channel", "byChannel", by))),
        h("label", {}, t("period"), " ", h("select", { id: "r-period" }, opt("all", "pAll", period), opt("day", "pDay", period), opt("week", "pWeek", period), opt("month", "pMonth", period))),
        h("button", { type: "submit", id: "r-run" }, t("run")),
        h("button", { type: "button", class: "plain", onclick: () => download("csv") }, t("csv")),
        h("button", { type: "button", class: "plain", onclick: () => download("xlsx") }, t("xlsx")))),
    h("div", { id: "report-result" }));
  renderReportResult();
}

function renderReportResult() {
  const box = $("report-result");
  if (!box || !S.report) return;
  const rep = S.report;
  if (!rep.rows.length) { box.replaceChildren(h("div", { class: "card" }, h("p", { class: "muted", id: "report-empty" }, t("noData")))); return; }
  const label = (r) => (rep.period !== "all" && rep.by !== "none" ? `${r.period} ${pair(r.label_zh, r.label_en)}` : rep.by === "none" ? r.period : pair(r.label_zh, r.label_en));
  const labels = rep.rows.map(label);
  const min = (v) => (v === null ? null : v / 60);
  const pct = (v) => (v === null ? "—" : (100 * v).toFixed(1) + "%");
  const mins = (v) => (v === null ? "—" : (v / 60).toFixed(1));
  const cols = [["tickets", (r) => r.tickets], ["served", (r) => r.served], ["noShows", (r) => r.no_shows], ["noShowRate", (r) => pct(r.no_show_rate)],
    ["transfers", (r) => r.transfers], ["waitMeanCol", (r) => mins(r.wait_mean)], ["waitP90Col", (r) => mins(r.wait_p90)], ["waitMaxCol", (r) => mins(r.wait_max)],
    ["serviceMean", (r) => mins(r.service_mean)], ["goodRate", (r) => pct(r.good_rate)], ["badRate", (r) => pct(r.bad_rate)], ["unratedRate", (r) => pct(r.unrated_rate)]];
  box.replaceChildren(
    h("div", { class: "charts" },
      h("div", { class: "card" }, barChart("chart-visitors", t("visitors"), labels, [{ name: t("visitors"), values: rep.rows.map((r) => r.visitors), color: "#2f6fb3" }], "")),
      h("div", { class: "card" }, barChart("chart-waits", t("waitChart"), labels, [
        { name: t("waitMean"), values: rep.rows.map((r) => min(r.wait_mean)), color: "#4c9a6a" },
        { name: t("waitP90"), values: rep.rows.map((r) => min(r.wait_p90)), color: "#e0a030" },
        { name: t("waitMax"), values: rep.rows.map((r) => min(r.wait_max)), color: "#c0483c" }], t("waitChart").includes("分") ? " 分" : " min")),
      h("div", { class: "card" }, stackChart("chart-ratings", t("ratingsChart"), labels, [
        { name: t("good"), values: rep.rows.map((r) => r.good_rate), color: "#2e7d4f" },
        { name: t("bad"), values: rep.rows.map((r) => r.bad_rate), color: "#b03a2e" },
        { name: t("unrated"), values: rep.rows.map((r) => r.unrated_rate), color: "#66717d" }]))),
    h("div", { class: "card" }, scroller(t("tabReports"), h("table", { id: "report-table", class: "list" },
      h("thead", {}, h("tr", {}, h("th", {}, t("group")), h("th", {}, t("visitors")), cols.map(([k]) => h("th", {}, t(k))))),
      h("tbody", {}, rep.rows.map((r, i) => h("tr", { "data-key": r.key }, h("td", {}, labels[i]), h("td", { class: "num" }, r.visitors),
        cols.map(([, f]) => h("td", { class: "num" }, f(r))))))))));
}

// ---------------------------------------------------------------- boot
document.addEventListener("DOMContentLoaded", async () => {
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  $("menu").addEventListener("click", () => toggleMenu());
  $("lang").addEventListener("click", () => { S.lang = S.lang === "zh" ? "en" : "zh"; localStorage.setItem("hallq.lang", S.lang); applyLanguage(); });
  $("hall-select").addEventListener("change", (e) => switchHall(e.target.value));
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showTab(b.dataset.tab));
  try { S.tz = (await (await fetch("/dashboard/config.json")).json()).timezone || S.tz; } catch (e) { /* keep the default */ }
  applyLanguage();
  if (S.token && S.me) start(); else logout();
});
