// /dashboard/admin: devices (maintenance, manager) and staff accounts (manager) without SQL (issue 15).
// Uses the dashboard's session (sessionStorage "hallq.token"); every change goes through /api/v1/admin/…,
// which audits it with its before and after. Times in the hall's time zone (/dashboard/config.json).
"use strict";
const $ = (id) => document.getElementById(id);
const A = { token: sessionStorage.getItem("hallq.token"), me: JSON.parse(sessionStorage.getItem("hallq.me") || "null"),
            tz: "Asia/Shanghai", hall: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function toast(text, ok = false) {
  const box = $("toast");
  box.textContent = text; box.className = ok ? "ok" : ""; box.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

async function api(path, { method = "GET", body } = {}) {
  const headers = { Authorization: "Bearer " + A.token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401) { sessionStorage.removeItem("hallq.token"); location.href = "/dashboard/"; throw new Error("401"); }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) throw new Error(data ? `${data.message_zh}（${data.message_en}）` : `HTTP ${r.status}`);
  return data;
}

// The toast comes once the page shows the result (after the reload), so that nothing typed after it is
// overwritten by a render still on its way.
async function act(promise, done) {
  try { await promise; await load(); if (done) toast(done, true); } catch (e) { if (e.message !== "401") toast(e.message); }
}

function when(ts) {
  if (!ts) return "-";
  return new Intl.DateTimeFormat("zh-CN", { timeZone: A.tz, month: "2-digit", day: "2-digit", hour: "2-digit",
                                            minute: "2-digit", hour12: false }).format(new Date(ts * 1000));
}

function deviceRow(d) {
  const name = el("input", { value: d.name, "aria-label": `设备 ${d.id} 名称 name`, maxlength: "64" });
  const state = d.active ? "启用 enabled" : "停用 disabled";
  return el("tr", { class: d.active ? "" : "off", "data-device": d.id },
    el("td", {}, d.id), el("td", {}, d.kind), el("td", {}, name), el("td", {}, d.window ?? "-"),
    el("td", {}, when(d.last_seen)), el("td", { class: "state" }, state),
    el("td", {}, el("div", { class: "row" },
      el("button", { class: "small plain", onclick: () => act(api(`/admin/devices/${d.id}`, { method: "PATCH",
        body: { name: name.value } }), `已改名 / renamed: ${name.value}`) }, "改名 rename"),
      el("button", { class: "small plain", onclick: () => act(api(`/admin/devices/${d.id}`, { method: "PATCH",
        body: { active: !d.active } }), d.active ? "已停用 / disabled" : "已启用 / enabled") },
        d.active ? "停用 disable" : "启用 enable"),
      el("button", { class: "small danger", onclick: () => {
        if (confirm(`删除设备 ${d.name}？其令牌立即失效。\nRemove ${d.name}? Its token stops working at once.`)) {
          act(api(`/admin/devices/${d.id}`, { method: "DELETE" }), "已删除 / removed");
        }
      } }, "删除 remove"))));
}

function clerkRow(c) {
  const windows = el("input", { class: "windows", value: c.windows.join(","), "aria-label": `${c.staff_no} 窗口 windows` });
  const role = el("select", { "aria-label": `${c.staff_no} 角色 role` },
    ...["clerk", "manager", "maintenance"].map((r) => el("option", r === c.role ? { value: r, selected: "" } : { value: r }, r)));
  const pin = el("input", { class: "pin", type: "password", inputmode: "numeric", "aria-label": `${c.staff_no} 新密码 new PIN` });
  const self = A.me && A.me.staff_no === c.staff_no;
  let state = c.active ? "启用 enabled" : "停用 disabled";
  // kept out by wrong PINs: locked hard (until a manager unlocks) or slowed down (some address waits)
  const locked = c.locked_until && c.locked_until * 1000 > Date.now();
  const throttled = c.throttled_until && c.throttled_until * 1000 > Date.now();
  if (locked) state += "，已锁定 locked";
  else if (throttled) state += `，密码错误限速至 throttled until ${when(c.throttled_until)}`;
  return el("tr", { class: c.active ? "" : "off", "data-clerk": c.staff_no },
    el("td", {}, c.staff_no), el("td", {}, c.name), el("td", {}, role),
    el("td", {}, el("div", { class: "row" }, windows,
      el("button", { class: "small plain", onclick: () => act(api(`/admin/clerks/${c.staff_no}`, { method: "PATCH",
        body: { windows: windows.value.split(",").map((v) => v.trim()).filter(Boolean).map(Number),
                ...(role.value !== c.role ? { role: role.value } : {}) } }), "已保存 / saved") }, "保存 save"))),
    el("td", {}, el("div", { class: "row" }, el("span", { class: "state" }, state),
      self ? "" : el("button", { class: "small plain", onclick: () => act(api(`/admin/clerks/${c.staff_no}`,
        { method: "PATCH", body: { active: !c.active } }), c.active ? "已停用 / disabled" : "已启用 / enabled") },
        c.active ? "停用 disable" : "启用 enable"),
      // POST …/unlock (audited): the clerk logs in at once, from every address
      locked || throttled ? el("button", { class: "small plain", onclick: () => act(api(
        `/admin/clerks/${c.staff_no}/unlock`, { method: "POST" }), `已解锁 ${c.staff_no} / unlocked`) }, "解锁 unlock") : "")),
    el("td", {}, el("div", { class: "row" }, pin,
      el("button", { class: "small plain", onclick: () => act(api(`/admin/clerks/${c.staff_no}/pin`,
        { method: "POST", body: { pin: pin.value } }), `已重设 ${c.staff_no} 的密码 / PIN reset`) }, "重设 reset"))));
}

// ---- hall configuration (managers): the everyday keys, saved with PATCH /halls/{hall}/config
const HOURS = ["weekdays", "weekday_extended", "saturday", "sunday"];
const list = (text) => text.split(",").map((v) => v.trim()).filter(Boolean);
// a profile as text: tiers separated by ";", services by ","; "GEN,SOC; TAX" = two tiers
const profileText = (tiers) => tiers.map((t) => t.services.join(",")).join("; ");
const profileOf = (text, old) => text.split(";").map((tier, i) => ({ ...(old[i] && old[i].after_wait_min
  ? { after_wait_min: old[i].after_wait_min } : {}), services: list(tier) })).filter((t) => t.services.length);

function showConfig(cfg) {
  A.cfg = cfg; A.cfgEdited = false;
  $("cfg-notices").value = cfg.notices.join("\n");
  for (const k of HOURS) $("cfg-" + k).value = cfg.hours[k].join(", ");
  $("cfg-tide").checked = cfg.tide_enabled;
  $("cfg-services").replaceChildren(...cfg.services.map((s) => el("tr", { "data-service": s.code },
    el("td", {}, s.code), el("td", {}, `${s.name_zh} ${s.name_en}`),
    el("td", {}, el("input", { class: "cap", inputmode: "numeric", value: s.daily_cap,
                               "aria-label": `${s.code} 每日限额 daily cap` })))));
  $("cfg-windows").replaceChildren(...cfg.windows.map((w) => el("tr", { "data-window": w.number },
    el("td", {}, w.number),
    el("td", {}, el("input", { class: "zh", value: w.name_zh, "aria-label": `${w.number} 名称` })),
    el("td", {}, el("input", { class: "en", value: w.name_en, "aria-label": `${w.number} name` })),
    el("td", {}, el("input", { class: "profile", value: profileText(w.profile), "aria-label": `${w.number} profile` })),
    el("td", {}, el("input", { type: "checkbox", class: "green", "aria-label": `${w.number} 绿色通道 green channel`,
                               ...(w.green_channel ? { checked: "" } : {}) })),
    el("td", {}, el("input", { type: "checkbox", class: "tide", "aria-label": `${w.number} 潮汐 tide`,
                               ...(w.tide_eligible ? { checked: "" } : {}) })))));
}

async function saveConfig(e) {
  e.preventDefault();
  const body = { notices: $("cfg-notices").value.split("\n"), tide_enabled: $("cfg-tide").checked, hours: {},
                 services: {}, windows: {} };
  for (const k of HOURS) body.hours[k] = list($("cfg-" + k).value);
  for (const row of $("cfg-services").children) {
    body.services[row.dataset.service] = { daily_cap: Number(row.querySelector("input").value) };
  }
  for (const row of $("cfg-windows").children) {
    const old = A.cfg.windows.find((w) => String(w.number) === row.dataset.window);
    body.windows[row.dataset.window] = { name_zh: row.querySelector(".zh").value, name_en: row.querySelector(".en").value,
      green_channel: row.querySelector(".green").checked, tide_eligible: row.querySelector(".tide").checked,
      profile: profileOf(row.querySelector(".profile").value, old.profile) };
  }
  try {
    const done = await api(`/halls/${encodeURIComponent(A.hall)}/config`, { method: "PATCH", body });
    $("cfg-changes").replaceChildren(...(done.changes.length ? done.changes.map((c) => el("li", {},
      `${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)) : [el("li", {}, "没有变化 / no change")]));
    toast(`已生效 / applied: ${done.changes.length}`, true);
    showConfig(await api(`/halls/${encodeURIComponent(A.hall)}/config`));
  } catch (err) { if (err.message !== "401") toast(err.message); }
}

// Everything is fetched first and put on the page in one step: rendering the devices while the staff list was
// still on its way let a PIN typed in between be wiped by the clerks' re-render (the reset then sent no PIN).
async function load() {
  const q = A.hall ? `?hall=${encodeURIComponent(A.hall)}` : "";
  const devices = await api("/admin/devices" + q);
  const r = await fetch("/api/v1/admin/clerks" + q, { headers: { Authorization: "Bearer " + A.token } });
  // managers only: maintenance sees the devices alone (403 here)
  const clerks = r.ok ? (await r.json()).clerks : null;
  const cfg = clerks ? await api(`/halls/${encodeURIComponent(A.hall)}/config`) : null;
  $("device-rows").replaceChildren(...devices.devices.map(deviceRow));
  $("devices").hidden = false;
  if (clerks) {
    $("clerk-rows").replaceChildren(...clerks.map(clerkRow));
    $("clerks").hidden = false;
    // a reload after another action keeps what the manager has typed in the form and not saved yet
    if (!A.cfgEdited) showConfig(cfg);
    $("config").hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!A.token) { $("need-login").hidden = false; return; }
  const cfg = await fetch("/dashboard/config.json").then((r) => r.json());
  A.tz = cfg.timezone;
  const halls = (await fetch("/api/v1/halls").then((r) => r.json())).halls;
  const mine = A.me && A.me.hall ? halls.filter((h) => h.id === A.me.hall) : halls;
  $("hall-select").replaceChildren(...mine.map((h) => el("option", { value: h.id }, h.name_zh)));
  A.hall = mine.length ? mine[0].id : null;
  $("hall-select").addEventListener("change", (e) => { A.hall = e.target.value; act(load()); });
  $("who").textContent = A.me ? `${A.me.name} ${A.me.staff_no}` : "";
  $("config-form").addEventListener("submit", saveConfig);
  $("config-form").addEventListener("input", () => { A.cfgEdited = true; });
  $("device-add").addEventListener("submit", async (e) => {
    e.preventDefault();
    const w = $("add-window").value.trim();
    try {
      const made = await api("/admin/devices", { method: "POST", body: { kind: $("add-kind").value,
        name: $("add-name").value, hall: A.hall, window: w ? Number(w) : null } });
      $("new-token").textContent = `令牌（只显示这一次）/ token, shown only now: ${made.token}`;
      $("new-token").hidden = false;
      $("add-name").value = ""; $("add-window").value = "";
      await load();
    } catch (err) { if (err.message !== "401") toast(err.message); }
  });
  act(load());
});
