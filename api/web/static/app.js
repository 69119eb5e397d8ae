/* staffcast page: plain JavaScript over the JSON API under /v1.
 *
 * The API key lives in sessionStorage (this tab only) and goes out as a Bearer token.
 * Figures are drawn on the server by api/charts.py (POST a CSV to /app/figures/...) so the
 * page and `staffcast plan` show the same charts; plotly.js only renders the JSON.
 */
"use strict";

const KEY_STORAGE = "staffcast.apiKey";
const POLL_MILLISECONDS = 700;
const FINISHED = new Set(["done", "failed", "cancelled"]);

/* The forecast and schedule routes of /v1, in one place: what the page posts to start a job,
 * and where a finished job's CSV files are unless its result links them itself
 * (result.links.csv / .shifts_csv / .coverage_csv). The job's own links.result is the JSON. */
/* A result route answers {job, result} (the result null until done) or the result itself. */
const resultOf = (view) => (view && typeof view === "object" && "result" in view && "job" in view ? view.result || {} : view);

const JOB_ROUTES = {
  forecast: {
    submit: "/v1/forecasts",
    body: ({ start, days, defaultAhtSeconds }) => (defaultAhtSeconds
      ? { start, days, default_aht_seconds: defaultAhtSeconds } : { start, days }),
    startOf: (request) => request?.start,
    files: { csv: (base) => `${base}/forecast.csv` },
  },
  schedule: {
    submit: "/v1/schedules",
    body: ({ start, timeLimitSeconds, useAgents = true, upperBand = false }) => ({
      week_start: start,
      ...(timeLimitSeconds ? { time_limit_seconds: timeLimitSeconds } : {}),
      ...(useAgents ? {} : { use_agents: false }),
      ...(upperBand ? { volume_column: "volume_high" } : {}),
    }),
    startOf: (request) => request?.week_start,
    files: {
      shifts_csv: (base) => `${base}/shifts.csv`,
      coverage_csv: (base) => `${base}/coverage.csv`,
    },
  },
};

const SHARE_FIELDS = new Set(["service_level", "max_abandon", "max_occupancy", "shrinkage", "response_share"]);
const TARGET_FIELDS = [
  ["service_level", "Service level (%)", "e.g. 80"],
  ["answer_seconds", "answered within (s)", "e.g. 20"],
  ["asa_seconds", "Max. avg. wait (s)", ""],
  ["patience_seconds", "Caller patience (s)", "Erlang A"],
  ["max_abandon", "Max. abandoned (%)", ""],
  ["max_occupancy", "Max. occupancy (%)", "e.g. 85"],
  ["shrinkage", "Shrinkage (%)", "e.g. 30"],
  ["concurrency", "Contacts at once", "chat: 2"],
  ["response_share", "Deferred: share (%)", "e.g. 90"],
  ["response_hours", "answered within (h)", "e.g. 4"],
];
const DEFAULT_CHANNELS = ["voice", "chat", "email"];
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const state = { key: null, team: null, settings: null, channels: [], historyEnd: null };

/* ---------- small helpers ---------- */

const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

function fmt(value, kind) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (kind === "percent") return percent.format(value);
  if (kind === "percent-points") return `${number.format(value)}%`;
  if (typeof value === "number") return number.format(value);
  return String(value);
}

/* A moment as the team reads it: in the team's timezone, not the browser's. */
function when(iso, { dateOnly = false } = {}) {
  if (!iso) return "–";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) dateOnly = true;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = { year: "numeric", month: "short", day: "numeric", weekday: "short" };
  if (!dateOnly) Object.assign(options, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  if (state.team && !/^\d{4}-\d{2}-\d{2}$/.test(iso)) options.timeZone = state.team.timezone;
  try {
    return date.toLocaleString(undefined, options);
  } catch (error) {
    delete options.timeZone;
    return date.toLocaleString(undefined, options);
  }
}

function isoDate(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function nextMonday(from) {
  const day = new Date(from.getFullYear(), from.getMonth(), from.getDate());
  const offset = (8 - day.getDay()) % 7 || 7;
  day.setDate(day.getDate() + (day.getDay() === 1 ? 0 : offset));
  return day;
}

function addDays(text, days) {
  const [y, m, d] = text.split("-").map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}

/* ---------- the API ---------- */

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  get missingRoute() {
    return this.status === 404 && this.problem.type === "/problems/not-found"
      && !/there is no/.test(this.problem.detail || "") || this.status === 405;
  }
}

async function call(path, { method = "GET", json, body, headers = {}, as = "json" } = {}) {
  const init = { method, headers: { ...headers } };
  if (state.key) init.headers.Authorization = `Bearer ${state.key}`;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch (error) { problem = null; }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return null;
  if (as === "text") return response.text();
  return response.json();
}

function problemBlock(error, what) {
  const box = el("div", { class: "problem", role: "alert" });
  if (error instanceof ApiError && error.missingRoute) {
    box.append(el("p", { text: `${what} is not available on this service yet.` }));
    return box;
  }
  const title = error.problem?.title || "Something went wrong";
  const detail = error.message || "";
  /* A detail that begins with the title says it again: show it once, as the heading. */
  if (detail.toLowerCase().startsWith(title.toLowerCase())) {
    box.append(el("p", { class: "problem-title", text: detail.charAt(0).toUpperCase() + detail.slice(1) }));
  } else {
    box.append(el("p", { class: "problem-title", text: title }));
    if (detail && detail !== title) box.append(el("p", { text: detail }));
  }
  const lines = error.problem?.errors || [];
  if (lines.length) {
    box.append(el("ul", { class: "problem-errors" }, lines.map((line) => el("li", { text: line }))));
  }
  return box;
}

/* ---------- sign in ---------- */

async function signIn(key) {
  state.key = key;
  const team = await call("/v1/team");
  state.team = team;
  sessionStorage.setItem(KEY_STORAGE, key);
  $("#team-name").textContent = `${team.name} · ${team.timezone}`;
  $("#sign-in").hidden = true;
  $("#signed-in").hidden = false;
  $("#nav").hidden = false;
  $("#who").hidden = false;
  await Promise.allSettled([loadHistorySummary(), loadSettings()]);
  setDefaultWeeks();
  resumeLatest("forecast");  // not awaited: a running job is followed in the background
  resumeLatest("schedule");
}

function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
  window.location.reload();
}

function setupSignIn() {
  const form = $("#sign-in-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#api-key");
    const message = $("#api-key-error");
    message.textContent = "";
    input.removeAttribute("aria-invalid");
    const key = input.value.trim();
    if (!key) {
      message.textContent = "Enter your team's API key.";
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    try {
      await signIn(key);
      input.value = "";
    } catch (error) {
      state.key = null;
      message.textContent = error.status === 401
        ? "This key is not valid or has been revoked."
        : `Could not sign in: ${error.message}`;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  });
  $("#sign-out").addEventListener("click", signOut);
}

/* ---------- history ---------- */

async function loadHistorySummary() {
  const target = $("#history-summary");
  try {
    const summary = await call("/v1/history/summary");
    clear(target);
    if (!summary.channels.length) {
      target.append(el("p", { class: "muted", text: "Nothing stored yet." }));
      return;
    }
    state.channels = summary.channels.map((c) => c.channel);
    state.historyEnd = summary.channels.map((c) => c.last_interval_start).sort().pop();
    target.append(el("p", { text: `${summary.interval_minutes}-minute intervals, ${summary.uploads} upload(s), times in ${summary.timezone}.` }));
    target.append(el("table", { class: "data" },
      el("thead", {}, el("tr", {}, ["Channel", "From", "To", "Intervals", "Missing", "Contacts"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, summary.channels.map((c) => el("tr", {},
        el("th", { scope: "row", text: c.channel }),
        el("td", { text: when(c.first_interval_start) }),
        el("td", { text: when(c.last_interval_start) }),
        el("td", { class: "num", text: fmt(c.intervals) }),
        el("td", { class: "num", text: fmt(c.gap_intervals) }),
        el("td", { class: "num", text: fmt(c.total_volume) }),
      )))));
  } catch (error) {
    clear(target).append(problemBlock(error, "The history summary"));
  }
}

function renderUnderstood(upload) {
  const s = upload.summary;
  const result = clear($("#upload-result"));
  result.append(el("h3", { text: `Accepted: ${upload.filename || "history file"}` }));
  const facts = [
    ["Format", s.source_format.replace("_", " ")],
    ["Channels", s.channels.join(", ")],
    ["From", when(s.first_interval)],
    ["To", when(s.last_interval)],
    ["Interval", `${s.interval_minutes} minutes` + (s.source_interval_minutes && s.source_interval_minutes !== s.interval_minutes ? ` (file: ${s.source_interval_minutes})` : "")],
    ["Rows read", fmt(s.rows_read)],
    ["Intervals added / replaced", `${fmt(upload.rows_added)} / ${fmt(upload.rows_replaced)}`],
    ["Duplicate rows (last kept)", fmt(s.duplicates)],
    ["Closed intervals filled with 0", fmt(s.closed_intervals)],
    ["Timezone", upload.timezone],
  ];
  result.append(el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])));
  const gaps = s.gaps || [];
  result.append(el("h4", { text: `Gaps (missing data): ${gaps.length}` }));
  if (gaps.length) {
    result.append(el("ul", { class: "compact" }, gaps.slice(0, 20).map((g) =>
      el("li", { text: `${g.channel}: ${when(g.start)} – ${when(g.end)}` }))));
  }
  const outliers = s.outliers || [];
  result.append(el("h4", { text: `Unusual volumes: ${outliers.length}` }));
  if (outliers.length) {
    result.append(el("ul", { class: "compact" }, outliers.slice(0, 20).map((o) =>
      el("li", { text: `${o.channel} ${when(o.start, { dateOnly: /^daily/.test(o.why) })}: ${fmt(o.value)} — ${o.why}` }))));
  }
  const warnings = s.warnings || [];
  result.append(el("h4", { text: `Warnings: ${warnings.length}` }));
  if (warnings.length) {
    result.append(el("ul", { class: "warnings" }, warnings.map((w) => el("li", { text: w }))));
  }
}

function setupUpload() {
  const form = $("#upload-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fileInput = $("#history-file");
    const status = $("#upload-status");
    const result = clear($("#upload-result"));
    $("#history-file-error").textContent = "";
    $("#history-timezone-error").textContent = "";
    if (!fileInput.files.length) {
      $("#history-file-error").textContent = "Choose a CSV file to upload.";
      fileInput.focus();
      return;
    }
    const data = new FormData();
    data.append("file", fileInput.files[0]);
    const timezone = $("#history-timezone").value.trim();
    if (timezone) data.append("timezone", timezone);
    const interval = $("#history-interval").value;
    if (interval) data.append("interval_minutes", interval);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.classList.remove("status-error");
    status.textContent = `Uploading ${fileInput.files[0].name}…`;
    try {
      const upload = await call("/v1/history", { method: "POST", body: data });
      status.textContent = "Upload accepted.";
      renderUnderstood(upload);
      await loadHistorySummary();
      setDefaultWeeks(true);
      renderTargets();
    } catch (error) {
      status.textContent = "Not imported: nothing was stored.";
      status.classList.add("status-error");
      if (error.problem?.type === "/problems/invalid-parameter" && /timezone/i.test(error.message)) {
        $("#history-timezone-error").textContent = error.message;
      }
      result.append(problemBlock(error, "History upload"));
    } finally {
      button.disabled = false;
      result.focus();
    }
  });
}

/* ---------- settings: targets ---------- */

async function loadSettings() {
  try {
    state.settings = await call("/v1/settings");
  } catch (error) {
    state.settings = { targets: null, rules: null };
    $("#targets-error").textContent = `Could not load the settings: ${error.message}`;
  }
  if (!$("#history-timezone").value && state.team) $("#history-timezone").placeholder = state.team.timezone;
  renderTargets();
  renderRules();
}

function targetChannels() {
  const names = new Set(Object.keys(state.settings?.targets?.channels || {}));
  for (const name of state.channels) names.add(name);
  if (!names.size) DEFAULT_CHANNELS.forEach((name) => names.add(name));
  for (const box of document.querySelectorAll("#targets-channels fieldset")) names.add(box.dataset.channel);
  return [...names];
}

function hoursText(hours) {
  if (!hours) return "";
  return Object.entries(hours).map(([days, span]) => `${days} ${span}`).join("\n");
}

function parseHours(text) {
  const hours = {};
  for (const raw of text.split(/[\n;]+/)) {
    const line = raw.trim();
    if (!line) continue;
    const match = line.match(/^([a-z,\- ]+?)\s*[ =:]\s*"?(\d{1,2}:\d{2}-\d{1,2}:\d{2}|closed)"?$/i);
    if (!match) throw new Error(`"${line}" is not like "mon-fri 08:00-18:00"`);
    hours[match[1].trim().toLowerCase().replace(/\s+/g, "")] = match[2].toLowerCase();
  }
  return Object.keys(hours).length ? hours : null;
}

function renderTargets() {
  const container = $("#targets-channels");
  const existing = state.settings?.targets?.channels || {};
  const current = {};
  for (const box of container.querySelectorAll("fieldset")) current[box.dataset.channel] = true;
  for (const channel of targetChannels()) {
    if (current[channel]) continue;
    const values = existing[channel] || {};
    const box = el("fieldset", { "data-channel": channel, class: "channel" }, el("legend", { text: channel }));
    for (const [field, label, hint] of TARGET_FIELDS) {
      const id = `t-${channel}-${field}`;
      let value = values[field];
      if (value !== undefined && value !== null && SHARE_FIELDS.has(field)) value = +(value * 100).toFixed(4);
      box.append(el("div", { class: "field" },
        el("label", { for: id, text: label }),
        el("input", { id, name: field, type: "number", step: "any", min: "0", placeholder: hint,
          value: value ?? "", "aria-describedby": `${id}-error` }),
        el("p", { class: "field-error", id: `${id}-error`, role: "alert" })));
    }
    const hoursId = `t-${channel}-hours`;
    box.append(el("div", { class: "field wide" },
      el("label", { for: hoursId, text: "Deferred: business hours (one range per line)" }),
      el("textarea", { id: hoursId, name: "hours", rows: "2", placeholder: "mon-fri 08:00-20:00", "aria-describedby": `${hoursId}-error`, spellcheck: "false" }, hoursText(values.hours)),
      el("p", { class: "field-error", id: `${hoursId}-error`, role: "alert" })));
    container.append(box);
  }
}

function clearFieldErrors(form) {
  for (const p of form.querySelectorAll(".field-error, .form-error")) p.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function fieldError(input, message) {
  const id = input.getAttribute("aria-describedby");
  const holder = id ? document.getElementById(id) : input.parentElement.querySelector(".field-error");
  if (holder) holder.textContent = message;
  input.setAttribute("aria-invalid", "true");
}

function targetsDocument(form) {
  const channels = {};
  let valid = true;
  for (const box of form.querySelectorAll("#targets-channels fieldset")) {
    const channel = box.dataset.channel;
    const fields = {};
    for (const input of box.querySelectorAll("input")) {
      const text = input.value.trim();
      if (!text) continue;
      let value = Number(text);
      if (!Number.isFinite(value)) { fieldError(input, "Enter a number."); valid = false; continue; }
      if (SHARE_FIELDS.has(input.name)) {
        if (value < 0 || value > 100) { fieldError(input, "Enter a percentage between 0 and 100."); valid = false; continue; }
        value = value / 100;
      }
      fields[input.name] = value;
    }
    const hoursInput = box.querySelector("textarea");
    try {
      const hours = parseHours(hoursInput.value);
      if (hours) fields.hours = hours;
    } catch (error) { fieldError(hoursInput, error.message); valid = false; }
    if (Object.keys(fields).length) channels[channel] = fields;
  }
  return valid ? { channels } : null;
}

/* A problem about targets names the channel and the field; show it next to that input. */
function placeTargetsProblem(error) {
  let placed = false;
  const lines = [error.message, ...(error.problem?.errors || [])];
  for (const line of lines) {
    const domain = line.match(/channel '([^']+)', field `([^`]+)`/);
    const request = line.match(/channels\.([^.\s:]+)\.([a-z_]+)/);
    const match = domain || request;
    if (!match) continue;
    const input = document.getElementById(`t-${match[1]}-${match[2]}`);
    if (input) {
      let message = line.replace(/^.*?field `[^`]+`:\s*/, "").replace(/^body\.targets\.channels\.[^:]+:\s*/, "").replace(/^None is missing/, "Missing");
      if (SHARE_FIELDS.has(match[2])) message += " (this field is a percentage: 80 means 0.8)";
      fieldError(input, message);
      if (!placed) input.focus();
      placed = true;
    }
  }
  if (!placed) $("#targets-error").textContent = [error.message, ...(error.problem?.errors || [])].filter((v, i, a) => a.indexOf(v) === i).join(" · ");
}

function setupTargets() {
  const form = $("#targets-form");
  $("#add-channel").addEventListener("click", () => {
    const input = $("#new-channel");
    const name = input.value.trim().toLowerCase();
    if (!/^[a-z0-9_-]+$/.test(name)) { input.focus(); return; }
    state.channels = [...new Set([...state.channels, name])];
    input.value = "";
    renderTargets();
    renderHours();
    document.getElementById(`t-${name}-service_level`)?.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const status = $("#targets-status");
    status.textContent = "";
    const document_ = targetsDocument(form);
    status.classList.remove("status-error");
    if (!document_) { status.textContent = "Fix the marked fields."; status.classList.add("status-error"); return; }
    try {
      state.settings = await call("/v1/settings", { method: "PATCH", json: { targets: document_ } });
      status.textContent = "Targets saved.";
    } catch (error) {
      status.textContent = "Not saved.";
      status.classList.add("status-error");
      placeTargetsProblem(error);
    }
  });
}

/* ---------- settings: rules ---------- */

function get(object, path) {
  return path.split(".").reduce((node, key) => (node == null ? undefined : node[key]), object);
}

function set(object, path, value) {
  const keys = path.split(".");
  let node = object;
  keys.slice(0, -1).forEach((key) => { if (typeof node[key] !== "object" || node[key] === null) node[key] = {}; node = node[key]; });
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last]; else node[last] = value;
}

function breakRow(rule = {}, index = 0) {
  const window_ = rule.after_hours || [];
  const path = `shifts.breaks[${index}]`;
  const cell = (name, attributes, label) => el("td", {}, el("input", { ...attributes, name, "aria-label": `Break ${index + 1}: ${label}` }));
  const row = el("tr", { "data-path": path },
    cell("minutes", { type: "number", min: "5", step: "5", value: rule.minutes ?? "" }, "minutes"),
    cell("earliest", { type: "number", min: "0", step: "0.25", value: window_[0] ?? "" }, "earliest start, hours after shift start"),
    cell("latest", { type: "number", min: "0", step: "0.25", value: window_[1] ?? "" }, "latest start, hours after shift start"),
    el("td", {}, el("input", { type: "checkbox", name: "paid", checked: rule.paid === true, "aria-label": `Break ${index + 1}: paid` })),
    cell("min_shift_hours", { type: "number", min: "0", step: "0.5", value: rule.min_shift_hours ?? "" }, "only for shifts of at least, hours"),
    el("td", {}, el("button", { type: "button", class: "link remove-break", text: "Remove", "aria-label": `Remove break ${index + 1}` })));
  const message = el("tr", { class: "break-error" }, el("td", { colspan: "6" }, el("p", { class: "field-error", role: "alert" })));
  return [row, message];
}

function renumberBreaks() {
  const rows = [...document.querySelectorAll("#breaks-body tr[data-path]")];
  rows.forEach((row, index) => { row.dataset.path = `shifts.breaks[${index}]`; });
}

function renderHours() {
  const container = clear($("#hours-channels"));
  const hours = state.settings?.rules?.hours || {};
  const names = new Set([...Object.keys(hours), ...targetChannels()]);
  for (const channel of names) {
    const id = `rule-hours-${channel}`;
    container.append(el("div", { class: "field" },
      el("label", { for: id, text: channel }),
      el("textarea", { id, rows: "2", "data-path": `hours.${channel}`, "data-channel": channel, spellcheck: "false",
        placeholder: "around the clock", "aria-describedby": `${id}-error` }, hoursText(hours[channel])),
      el("p", { class: "field-error", id: `${id}-error`, role: "alert" })));
  }
}

function renderRules() {
  const rules = state.settings?.rules || {};
  const form = $("#rules-form");
  for (const input of form.querySelectorAll("input[data-path]")) {
    const value = get(rules, input.dataset.path);
    input.value = Array.isArray(value) ? value.join(", ") : (value ?? "");
  }
  const body = clear($("#breaks-body"));
  (get(rules, "shifts.breaks") || []).forEach((rule, index) => body.append(...breakRow(rule, index)));
  renderHours();
}

function rulesDocument(form) {
  const rules = JSON.parse(JSON.stringify(state.settings?.rules || {}));
  let valid = true;
  for (const input of form.querySelectorAll("input[data-path]")) {
    const text = input.value.trim();
    const path = input.dataset.path;
    if (!text) { set(rules, path, undefined); continue; }
    if (path === "shifts.lengths_hours") {
      const values = text.split(/[,\s]+/).filter(Boolean).map(Number);
      if (!values.length || values.some((v) => !Number.isFinite(v) || v <= 0)) {
        fieldError(input, "Enter shift lengths in hours separated by commas, e.g. 4, 6, 8."); valid = false; continue;
      }
      set(rules, path, values);
    } else {
      const value = Number(text);
      if (!Number.isFinite(value)) { fieldError(input, "Enter a number."); valid = false; continue; }
      set(rules, path, value);
    }
  }
  const breaks = [];
  for (const row of form.querySelectorAll("#breaks-body tr[data-path]")) {
    const read = (name) => row.querySelector(`[name=${name}]`).value.trim();
    const rule = { minutes: Number(read("minutes")), after_hours: [Number(read("earliest")), Number(read("latest"))], paid: row.querySelector("[name=paid]").checked };
    if (read("min_shift_hours")) rule.min_shift_hours = Number(read("min_shift_hours"));
    if (!read("minutes") || !read("earliest") || !read("latest")) {
      row.nextElementSibling.querySelector(".field-error").textContent = "Give the break's minutes and its earliest and latest start.";
      valid = false;
    }
    breaks.push(rule);
  }
  if (breaks.length) set(rules, "shifts.breaks", breaks); else set(rules, "shifts.breaks", undefined);
  for (const area of form.querySelectorAll("#hours-channels textarea")) {
    try {
      set(rules, area.dataset.path, parseHours(area.value) || undefined);
    } catch (error) { fieldError(area, error.message); valid = false; }
  }
  for (const table of ["shifts", "week", "hours", "budget"]) {
    if (rules[table] && !Object.keys(rules[table]).length) delete rules[table];
  }
  return valid ? rules : null;
}

/* A rules problem starts with the setting's path ("shifts.breaks[1].after_hours: ..."). */
function placeRulesProblem(error) {
  const lines = [error.message, ...(error.problem?.errors || [])];
  const targets = [...document.querySelectorAll("#rules-form [data-path]")];
  let placed = false;
  for (const line of lines) {
    const found = (line.match(/^(?:body\.rules\.)?([A-Za-z0-9_.[\]-]+)\s*:/) || [])[1];
    if (!found) continue;
    const path = found.replace(/\.(\d+)(?=\.|$)/g, "[$1]");  // request errors say breaks.0
    const best = targets.filter((node) => path === node.dataset.path || path.startsWith(`${node.dataset.path}.`) || path.startsWith(`${node.dataset.path}[`))
      .sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
    if (!best) continue;
    if (best.tagName === "TR") {
      best.nextElementSibling.querySelector(".field-error").textContent = line;
      best.querySelector("input").setAttribute("aria-invalid", "true");
      if (!placed) best.querySelector("input").focus();
    } else {
      fieldError(best, line);
      if (!placed) best.focus();
    }
    placed = true;
  }
  if (!placed) $("#rules-error").textContent = lines.filter((v, i, a) => a.indexOf(v) === i).join(" · ");
}

function setupRules() {
  const form = $("#rules-form");
  $("#add-break").addEventListener("click", () => {
    const body = $("#breaks-body");
    const index = body.querySelectorAll("tr[data-path]").length;
    const [row, message] = breakRow({}, index);
    body.append(row, message);
    row.querySelector("input").focus();
  });
  $("#breaks-body").addEventListener("click", (event) => {
    if (!event.target.classList.contains("remove-break")) return;
    const row = event.target.closest("tr");
    row.nextElementSibling.remove();
    row.remove();
    renumberBreaks();
    $("#add-break").focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const status = $("#rules-status");
    status.textContent = "";
    const rules = rulesDocument(form);
    status.classList.remove("status-error");
    if (!rules) { status.textContent = "Fix the marked fields."; status.classList.add("status-error"); return; }
    try {
      state.settings = await call("/v1/settings", { method: "PATCH", json: { rules } });
      status.textContent = "Rules saved.";
    } catch (error) {
      status.textContent = "Not saved.";
      status.classList.add("status-error");
      placeRulesProblem(error);
    }
  });
}

/* ---------- jobs ---------- */

function jobLine(job) {
  const p = job.progress || {};
  const parts = [`Job ${job.id}: ${job.status}`];
  if (job.status === "running") {
    if (p.stage) parts.push(p.stage);
    if (p.message) parts.push(p.message);
    if (p.elapsed_seconds != null) parts.push(`${fmt(p.elapsed_seconds)} s`);
    if (p.solutions != null) parts.push(`${p.solutions} schedule(s) found`);
    if (p.gap_percent != null) parts.push(`within ${fmt(p.gap_percent)}% of the bound`);
  }
  return parts.join(" · ");
}

function renderJob(box, job, onCancel) {
  clear(box);
  box.append(el("p", { class: `job-line job-${job.status}`, text: jobLine(job) }));
  const fraction = job.progress?.fraction;
  if (job.status === "running" || job.status === "queued") {
    box.append(el("progress", { max: "1", value: fraction ?? false, "aria-label": "Progress" }));
    const cancel = el("button", { type: "button", class: "secondary", text: job.cancel_requested ? "Cancelling…" : "Cancel" });
    cancel.disabled = job.cancel_requested;
    cancel.addEventListener("click", onCancel);
    box.append(cancel);
  }
  if (job.status === "failed" || job.status === "cancelled") {
    box.append(el("pre", { class: "reason", role: "alert", text: job.reason || job.status }));
  }
}

async function runJob(kind, box, submit) {
  clear(box).append(el("p", { class: "job-line", text: `Submitting the ${kind}…` }));
  let job;
  try {
    job = await submit();
  } catch (error) {
    clear(box).append(problemBlock(error, ({ schedule: "Scheduling", simulation: "The simulation" })[kind] || "Forecasting"));
    return null;
  }
  return followJob(kind, box, job);
}

async function followJob(kind, box, job) {
  const cancel = async () => {
    try { job = await call(`/v1/jobs/${job.id}/cancel`, { method: "POST" }); renderJob(box, job, cancel); } catch (error) { box.append(problemBlock(error, "Cancelling")); }
  };
  renderJob(box, job, cancel);
  while (!FINISHED.has(job.status)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MILLISECONDS));
    try {
      job = await call(`/v1/jobs/${job.id}`);
    } catch (error) {
      box.append(problemBlock(error, "The job status"));
      return null;
    }
    renderJob(box, job, cancel);
  }
  return job.status === "done" ? job : null;
}

async function resumeLatest(kind) {
  let jobs;
  try {
    jobs = await call(`/v1/jobs?kind=${kind}&limit=1`);
  } catch (error) {
    return;
  }
  if (!jobs.length) return;
  const job = jobs[0];
  const box = $(`#${kind}-job`);
  const start = JOB_ROUTES[kind].startOf(job.request);
  if (start) $(`#${kind}-start`).value = start;
  const show = kind === "schedule" ? showSchedule : showForecast;
  if (FINISHED.has(job.status)) {
    renderJob(box, job, () => {});
    if (job.status === "done") await show(job);
    return;
  }
  const done = await followJob(kind, box, job);
  if (done) await show(done);
}

function resultFile(result, kind, name, base) {
  const links = result?.links || {};
  return links[name] || JOB_ROUTES[kind].files[name](base);
}

let plotlyLoading = null;

/* plotly.js (about 5 MB, from the installed plotly package) is loaded on the first chart. */
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = el("script", { src: document.body.dataset.plotly });
      script.addEventListener("load", () => resolve(window.Plotly));
      script.addEventListener("error", () => { plotlyLoading = null; reject(new Error("could not load the chart library")); });
      document.head.append(script);
    });
  }
  return plotlyLoading;
}

async function drawFigure(path, csv, target) {
  const [figure, Plotly] = await Promise.all([
    call(path, { method: "POST", body: csv, headers: { "Content-Type": "text/csv" } }),
    loadPlotly(),
  ]);
  figure.layout.autosize = true;
  delete figure.layout.width;
  figure.layout.modebar = { orientation: "v" };  // clear of the legend at the top right
  await Plotly.react(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
  return figure;
}

/* Remove a drawn chart, so an old result never shows under a new request. */
function forgetChart(target) {
  if (window.Plotly && target.data) window.Plotly.purge(target);
  clear(target);
}

function downloadLink(text, filename, label) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  return el("a", { href: url, download: filename, class: "button", text: label });
}

/* ---------- forecast ---------- */

function setDefaultWeeks(force = false) {
  let monday = nextMonday(new Date());
  if (state.historyEnd) monday = nextMonday(new Date(state.historyEnd));
  for (const id of ["#forecast-start", "#schedule-start"]) {
    if (force || !$(id).value) $(id).value = isoDate(monday);
  }
}

function weekStartProblem(input, message) {
  const holder = document.getElementById(input.getAttribute("aria-describedby"));
  holder.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

/* Which model each channel got, and where the forecast had to guess. */
function renderModels(channels) {
  const box = clear($("#forecast-models"));
  if (!Array.isArray(channels) || !channels.length) return;
  box.append(el("h3", { text: "Model per channel" }));
  box.append(el("ul", { class: "compact" }, channels.map((c) => el("li", {},
    el("strong", { text: c.channel }), `: ${c.model || "–"}`,
    c.band_method ? ` · band from ${c.band_method === "backtest" ? "past errors" : "count noise only (little history)"}` : "",
    (c.notes || []).length ? el("ul", { class: "warnings" }, c.notes.map((n) => el("li", { text: n }))) : null))));
  const unseen = channels.flatMap((c) => (c.unseen_holidays || []).map((h) => ({ channel: c.channel, ...h })));
  if (unseen.length) {
    box.append(el("h3", { text: "Holidays in the window never seen in the history" }));
    box.append(el("table", { class: "data unseen-holidays" },
      el("thead", {}, el("tr", {}, ["Channel", "Date", "Holiday", "Assumption used"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, unseen.map((h) => el("tr", {},
        el("td", { text: h.channel }), el("td", { text: h.date }), el("td", { text: h.name }), el("td", { text: h.assumption }))))));
  }
}

function renderAccuracy(report) {
  const box = clear($("#forecast-accuracy"));
  if (!report || !report.channels) return;
  box.append(el("h3", { text: "Accuracy on past weeks (backtest)" }));
  const dayTypes = ["normal", "holiday", "eve", "day_after", "event"];
  const wapeTypes = ["normal", "holiday", "eve", "day_after"];
  const rows = report.channels.map((channel) => {
    const result = (channel.results || [])[0] || {};
    const bias = result.bias_by_day_type || {};
    const wape = result.wape_by_day_type || {};
    return el("tr", {},
      el("th", { scope: "row", text: channel.channel }),
      el("td", { text: result.model || "–" }),
      el("td", { class: "num", text: fmt(result.wape_interval, "percent") }),
      el("td", { class: "num", text: fmt(result.wape_daily, "percent") }),
      wapeTypes.map((type) => el("td", { class: "num", text: fmt(wape[type], "percent") })),
      el("td", { class: "num", text: fmt(result.bias, "percent") }),
      dayTypes.map((type) => el("td", { class: "num", text: fmt(bias[type], "percent") })),
      el("td", { class: "num", text: fmt(result.coverage, "percent") }));
  });
  box.append(el("table", { class: "data" },
    el("caption", { text: "WAPE: weighted absolute error (per interval, overall and by day type); bias: + means over-forecast; band coverage should be near the band's nominal share." }),
    el("thead", {}, el("tr", {}, ["Channel", "Model", "WAPE (interval)", "WAPE (daily)", ...wapeTypes.map((t) => `WAPE ${t.replace("_", " ")}`), "Bias", ...dayTypes.map((t) => `Bias ${t.replace("_", " ")}`), "Band coverage"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows)));
  const flags = report.channels.flatMap((c) => (c.unseen_holidays || []).map((h) => ({ channel: c.channel, ...h })));
  if (flags.length) {
    box.append(el("table", { class: "data unseen-holidays" },
      el("caption", { text: "Holidays the history had never shown when they were forecast, and the assumption used." }),
      el("thead", {}, el("tr", {}, ["Channel", "Date", "Holiday", "Assumption used", "Forecast", "Actual"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, flags.map((h) => el("tr", {},
        el("td", { text: h.channel }), el("td", { text: h.date }), el("td", { text: h.name }), el("td", { text: h.assumption }),
        el("td", { class: "num", text: fmt(h.forecast) }), el("td", { class: "num", text: h.actual == null ? "–" : fmt(h.actual) }))))));
  }
}

async function showForecast(job) {
  const base = job.links.result;
  const target = $("#forecast-chart");
  try {
    const result = resultOf(await call(base));
    renderModels(result.channels);
    renderAccuracy(result.accuracy || result.accuracy_report);
    const csv = await call(resultFile(result, "forecast", "csv", base), { as: "text" });
    await drawFigure("/app/figures/forecast", csv, target);
    const start = result.start || JOB_ROUTES.forecast.startOf(job.request) || "forecast";
    clear($("#forecast-download")).append(downloadLink(csv, `forecast-${start}.csv`, "Download forecast CSV"));
  } catch (error) {
    clear($("#forecast-accuracy")).append(problemBlock(error, "The forecast result"));
  }
}

function setupForecast() {
  $("#forecast-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#forecast-start");
    clearFieldErrors(event.target);
    if (!input.value) { weekStartProblem(input, "Choose the first day to forecast."); return; }
    const days = Number($("#forecast-days").value || 7);
    const ahtInput = $("#forecast-default-aht");
    const defaultAhtSeconds = ahtInput.value ? Number(ahtInput.value) : null;
    if (defaultAhtSeconds !== null && !(defaultAhtSeconds > 0 && defaultAhtSeconds <= 86400)) {
      $("#forecast-default-aht-error").textContent = "A handle time is a number of seconds, from 1 to 86400.";
      ahtInput.setAttribute("aria-invalid", "true");
      ahtInput.focus();
      return;
    }
    forgetChart($("#forecast-chart"));
    clear($("#forecast-models"));
    clear($("#forecast-accuracy"));
    clear($("#forecast-download"));
    const job = await runJob("forecast", $("#forecast-job"), () =>
      call(JOB_ROUTES.forecast.submit, { method: "POST", json: JOB_ROUTES.forecast.body({ start: input.value, days, defaultAhtSeconds }) }));
    if (job) await showForecast(job);
  });
}

/* ---------- schedule ---------- */

const SUMMARY_FIELDS = [
  ["paid_hours", "Paid hours"],
  ["lower_bound_hours", "Bound (best possible)"],
  ["gap_percent", "Above the bound", "percent-points"],
  ["headcount", "Headcount"],
  ["shortfall_agent_hours", "Shortfall (agent-hours)"],
  ["intervals_below_target", "Intervals below target (all channels)"],
  ["status", "Optimizer status"],
  ["solve_seconds", "Solve time (s)"],
  ["unassigned_shift_share", "Shifts nobody could take", "percent"],
];

function channelServiceLevels(summary) {
  for (const key of ["service_level_by_channel", "projected_service_level", "service_levels", "channels"]) {
    const value = summary[key];
    if (!value || typeof value !== "object") continue;
    if (Array.isArray(value)) return value;
    const targets = summary.service_level_targets || {};
    return Object.entries(value).map(([channel, item]) => {
      const row = item !== null && typeof item === "object" ? { channel, ...item } : { channel, service_level: item };
      if (channel in targets) {
        row.target = targets[channel];
        row.verdict = typeof row.service_level === "number" && row.service_level < row.target - 1e-9 ? "below target" : "met";
      }
      return row;
    });
  }
  return [];
}

function renderSummary(result) {
  const summary = result.summary || result;
  const box = clear($("#schedule-summary"));
  box.append(el("dl", { class: "facts" }, SUMMARY_FIELDS.filter(([key]) => key in summary).map(([key, label, kind]) =>
    [el("dt", { text: label }), el("dd", { "data-field": key, text: fmt(summary[key], kind) })])));
  const warnings = Array.isArray(summary.warnings) ? summary.warnings : [];
  if (warnings.length) {
    box.append(el("ul", { class: "warnings", "aria-label": "Warnings" }, warnings.map((w) => el("li", { text: w }))));
  }
  const channels = channelServiceLevels(summary);
  if (channels.length) {
    const columns = [...new Set(channels.flatMap((row) => Object.keys(row)))].filter((c) => c !== "channel");
    box.append(el("table", { class: "data", id: "channel-summary" },
      el("caption", { text: "Per channel over the week" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Channel" }), columns.map((c) => el("th", { scope: "col", text: c.replaceAll("_", " ") })))),
      el("tbody", {}, channels.map((row) => el("tr", {}, el("th", { scope: "row", text: row.channel }),
        columns.map((c) => el("td", { class: "num", text: fmt(row[c], /service_level|share|target/.test(c) && typeof row[c] === "number" && row[c] <= 1 ? "percent" : undefined) })))))));
  }
}

async function drawTimeline(shiftsCsv) {
  const channel = $("#timeline-channel").value;
  const day = $("#timeline-day").value;
  const query = new URLSearchParams();
  if (channel) query.set("channel", channel);
  if (day) query.set("day", day);
  await drawFigure(`/app/figures/timeline?${query}`, shiftsCsv, $("#timeline-chart"));
}

async function showSchedule(job) {
  const base = job.links.result;
  const weekStart = JOB_ROUTES.schedule.startOf(job.request) || $("#schedule-start").value;
  $("#schedule-result").hidden = false;
  try {
    const result = resultOf(await call(base));
    renderSummary(result);
    const [shiftsCsv, coverageCsv] = await Promise.all([
      call(resultFile(result, "schedule", "shifts_csv", base), { as: "text" }),
      call(resultFile(result, "schedule", "coverage_csv", base), { as: "text" }),
    ]);
    clear($("#schedule-downloads")).append(
      downloadLink(shiftsCsv, `shifts-${weekStart}.csv`, "Download shifts CSV"), " ",
      downloadLink(coverageCsv, `coverage-${weekStart}.csv`, "Download coverage CSV"));
    state.scheduleId = job.id;
    state.coverageCsv = coverageCsv;
    state.simulationCsv = null;
    $("#coverage-simulated").checked = false;
    clear($("#simulation-job"));
    clear($("#simulation-summary"));
    const coverage = await drawFigure("/app/figures/coverage", coverageCsv, $("#coverage-chart"));
    const channels = [...new Set(coverage.data.map((trace) => trace.meta?.channel).filter(Boolean))];
    const channelSelect = $("#timeline-channel");
    clear(channelSelect).append(el("option", { value: "", text: "all channels" }), ...channels.map((c) => el("option", { value: c, text: c })));
    const daySelect = $("#timeline-day");
    clear(daySelect).append(el("option", { value: "", text: "whole week" }));
    if (weekStart) {
      for (let i = 0; i < 7; i += 1) {
        const date = addDays(weekStart, i);
        const [y, m, d] = date.split("-").map(Number);
        const weekday = WEEKDAYS[(new Date(y, m - 1, d).getDay() + 6) % 7];
        daySelect.append(el("option", { value: date, text: `${weekday} ${date}` }));
      }
    }
    state.shiftsCsv = shiftsCsv;
    await drawTimeline(shiftsCsv);
  } catch (error) {
    $("#schedule-summary").append(problemBlock(error, "The schedule result"));
  }
}

/* ---------- simulation (the coverage chart's toggle) ---------- */

function renderSimulationSummary(summary) {
  const rows = Object.entries(summary?.channels || {});
  const box = clear($("#simulation-summary"));
  if (!rows.length) return;
  box.append(el("table", { class: "data", id: "simulation-table" },
    el("caption", { text: `Simulated week (${summary.replications} replications, 95% interval) next to the Erlang projection` }),
    el("thead", {}, el("tr", {}, ["Channel", "Projected", "Simulated", "95% interval", "Intervals outside it"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows.map(([channel, row]) => el("tr", {},
      el("th", { scope: "row", text: channel }),
      el("td", { class: "num", text: fmt(row.projected_service_level, "percent") }),
      el("td", { class: "num", "data-field": "simulated", text: fmt(row.service_level, "percent") }),
      el("td", { class: "num", text: `${fmt(row.service_level_low, "percent")} – ${fmt(row.service_level_high, "percent")}` }),
      el("td", { class: "num", text: `${row.intervals_disagreeing} of ${row.intervals_with_contacts}${Object.keys(row.reasons || {}).length ? ` (${Object.entries(row.reasons).map(([r, n]) => `${r} ${n}`).join(", ")})` : ""}` }))))));
}

/* The schedule's latest finished simulation, or a new one (followed with its progress). */
async function simulationOf(scheduleId) {
  const box = $("#simulation-job");
  let job = null;
  try {
    const latest = await call(`/v1/schedules/${scheduleId}/simulation`);
    if (latest.job.status === "done") job = latest.job;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  if (!job) {
    job = await runJob("simulation", box, () => call(`/v1/schedules/${scheduleId}/simulation`, { method: "POST", json: {} }));
    if (!job) return null;
  } else {
    renderJob(box, job, () => {});
  }
  const [view, csv] = await Promise.all([
    call(`/v1/simulations/${job.id}`),
    call(`/v1/simulations/${job.id}/intervals.csv`, { as: "text" }),
  ]);
  return { summary: view.summary, csv };
}

async function toggleSimulation() {
  const toggle = $("#coverage-simulated");
  const chart = $("#coverage-chart");
  if (!state.coverageCsv) return;
  toggle.disabled = true;
  try {
    if (!toggle.checked) {
      clear($("#simulation-summary"));
      await drawFigure("/app/figures/coverage", state.coverageCsv, chart);
      return;
    }
    if (!state.simulationCsv) {
      const simulated = await simulationOf(state.scheduleId);
      if (!simulated) { toggle.checked = false; return; }
      state.simulationCsv = simulated.csv;
      state.simulationSummary = simulated.summary;
    }
    renderSimulationSummary(state.simulationSummary);
    if (toggle.checked) await drawFigure("/app/figures/coverage", state.simulationCsv, chart);
  } catch (error) {
    toggle.checked = false;
    $("#simulation-job").append(problemBlock(error, "The simulation"));
  } finally {
    toggle.disabled = false;
  }
}

function setupSchedule() {
  $("#coverage-simulated").addEventListener("change", toggleSimulation);
  $("#schedule-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#schedule-start");
    clearFieldErrors(event.target);
    if (!input.value) { weekStartProblem(input, "Choose the Monday of the week to schedule."); return; }
    $("#schedule-result").hidden = true;
    forgetChart($("#coverage-chart"));
    forgetChart($("#timeline-chart"));
    clear($("#schedule-summary"));
    clear($("#schedule-downloads"));
    state.shiftsCsv = null;
    const limit = Number($("#schedule-time-limit").value) || null;
    const body = JOB_ROUTES.schedule.body({
      start: input.value,
      timeLimitSeconds: limit,
      useAgents: $("#schedule-staff").value === "roster",
      upperBand: $("#schedule-band").checked,
    });
    const button = event.target.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const job = await runJob("schedule", $("#schedule-job"), () => call(JOB_ROUTES.schedule.submit, { method: "POST", json: body }));
      if (job) await showSchedule(job);
    } finally {
      button.disabled = false;
    }
  });
  for (const id of ["#timeline-channel", "#timeline-day"]) {
    $(id).addEventListener("change", async () => {
      if (!state.shiftsCsv) return;
      try { await drawTimeline(state.shiftsCsv); } catch (error) { $("#timeline-chart").replaceChildren(problemBlock(error, "The timeline")); }
    });
  }
}

/* ---------- start ---------- */

document.addEventListener("DOMContentLoaded", async () => {
  setupSignIn();
  setupUpload();
  setupTargets();
  setupRules();
  setupForecast();
  setupSchedule();
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) {
    try { await signIn(key); } catch (error) { sessionStorage.removeItem(KEY_STORAGE); state.key = null; }
  }
  document.body.dataset.ready = "true";
});
