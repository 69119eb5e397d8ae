/* Targets and rules: the targets form built from the service's JSON schema, the rules form,
 * and 422 messages placed next to the field they name. */

import { call } from "./api.js";
import { $, clear, clearFieldErrors, el, fieldError, setStatus } from "./dom.js";
import { hoursText, parseHours } from "./format.js";
import { problemLines, rulesPath, targetsPlace } from "./problems.js";
import { shownValue, targetFields, targetValue } from "./schema.js";
import { state } from "./state.js";

const DEFAULT_CHANNELS = ["voice", "chat", "email"];

/** The target fields from /openapi.json (fetched once; the document needs no key). */
export async function loadTargetFields() {
  if (!state.targetFields) state.targetFields = targetFields(await call("/openapi.json"));
  return state.targetFields;
}

export async function loadSettings() {
  try {
    [state.settings] = await Promise.all([call("/v1/settings"), loadTargetFields()]);
  } catch (error) {
    state.settings = state.settings || {
      targets: null,
      rules: null,
      special_days: [],
    };
    $("#targets-error").textContent = `Could not load the settings: ${error.message}`;
  }
  if (!$("#history-timezone").value && state.team) $("#history-timezone").placeholder = state.team.timezone;
  renderTargets();
  renderRules();
}

export function targetChannels() {
  const names = new Set(Object.keys(state.settings?.targets?.channels || {}));
  for (const name of state.channels) names.add(name);
  if (!names.size) for (const name of DEFAULT_CHANNELS) names.add(name);
  for (const box of document.querySelectorAll("#targets-channels fieldset")) names.add(box.dataset.channel);
  return [...names];
}

function targetInput(channel, field, values) {
  const id = `t-${channel}-${field.name}`;
  return el(
    "div",
    { class: "field" },
    el("label", { for: id, text: field.label, title: field.description }),
    el("input", {
      id,
      name: field.name,
      type: "number",
      step: field.step,
      min: field.min ?? field.exclusiveMin ?? (field.share ? "0" : null),
      max: field.max ?? field.exclusiveMax ?? (field.share ? "100" : null),
      placeholder: field.placeholder,
      value: shownValue(field, values[field.name]),
      "aria-describedby": `${id}-error`,
    }),
    el("p", { class: "field-error", id: `${id}-error`, role: "alert" }),
  );
}

export function renderTargets() {
  const container = $("#targets-channels");
  const fields = state.targetFields || [];
  const existing = state.settings?.targets?.channels || {};
  const shown = new Set([...container.querySelectorAll("fieldset")].map((box) => box.dataset.channel));
  for (const channel of targetChannels()) {
    if (shown.has(channel)) continue;
    const values = existing[channel] || {};
    const hoursId = `t-${channel}-hours`;
    container.append(
      el(
        "fieldset",
        { "data-channel": channel, class: "channel" },
        el("legend", { text: channel }),
        fields.map((field) => targetInput(channel, field, values)),
        el(
          "div",
          { class: "field wide" },
          el("label", {
            for: hoursId,
            text: "Deferred: business hours (one range per line)",
          }),
          el(
            "textarea",
            {
              id: hoursId,
              name: "hours",
              rows: "2",
              placeholder: "mon-fri 08:00-20:00",
              "aria-describedby": `${hoursId}-error`,
              spellcheck: "false",
            },
            hoursText(values.hours),
          ),
          el("p", {
            class: "field-error",
            id: `${hoursId}-error`,
            role: "alert",
          }),
        ),
      ),
    );
  }
}

function targetsDocument(form) {
  const byName = new Map((state.targetFields || []).map((field) => [field.name, field]));
  const channels = {};
  let valid = true;
  for (const box of form.querySelectorAll("#targets-channels fieldset")) {
    const fields = {};
    for (const input of box.querySelectorAll("input")) {
      const checked = targetValue(byName.get(input.name), input.value);
      if (checked.error) {
        fieldError(input, checked.error);
        valid = false;
      } else if (checked.value !== null) fields[input.name] = checked.value;
    }
    const hoursInput = box.querySelector("textarea");
    try {
      const hours = parseHours(hoursInput.value);
      if (hours) fields.hours = hours;
    } catch (error) {
      fieldError(hoursInput, error.message);
      valid = false;
    }
    if (Object.keys(fields).length) channels[box.dataset.channel] = fields;
  }
  return valid ? { channels } : null;
}

function placeTargetsProblem(error) {
  const lines = problemLines(error.problem, error.message);
  const shares = new Set((state.targetFields || []).filter((field) => field.share).map((field) => field.name));
  let placed = false;
  for (const line of lines) {
    const place = targetsPlace(line);
    const input = place && document.getElementById(`t-${place.channel}-${place.field}`);
    if (!input) continue;
    fieldError(
      input,
      shares.has(place.field) ? `${place.message} (this field is a percentage: 80 means 0.8)` : place.message,
    );
    if (!placed) input.focus();
    placed = true;
  }
  if (!placed) $("#targets-error").textContent = lines.join(" · ");
}

/* ---------- rules ---------- */

function get(object, path) {
  return path.split(".").reduce((node, key) => (node == null ? undefined : node[key]), object);
}

function set(object, path, value) {
  const keys = path.split(".");
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function breakRow(rule = {}, index = 0) {
  const window_ = rule.after_hours || [];
  const cell = (name, attributes, label) =>
    el(
      "td",
      {},
      el("input", {
        ...attributes,
        name,
        "aria-label": `Break ${index + 1}: ${label}`,
      }),
    );
  const row = el(
    "tr",
    { "data-path": `shifts.breaks[${index}]` },
    cell("minutes", { type: "number", min: "5", step: "5", value: rule.minutes ?? "" }, "minutes"),
    cell(
      "earliest",
      { type: "number", min: "0", step: "0.25", value: window_[0] ?? "" },
      "earliest start, hours after shift start",
    ),
    cell(
      "latest",
      { type: "number", min: "0", step: "0.25", value: window_[1] ?? "" },
      "latest start, hours after shift start",
    ),
    el(
      "td",
      {},
      el("input", {
        type: "checkbox",
        name: "paid",
        checked: rule.paid === true,
        "aria-label": `Break ${index + 1}: paid`,
      }),
    ),
    cell(
      "min_shift_hours",
      {
        type: "number",
        min: "0",
        step: "0.5",
        value: rule.min_shift_hours ?? "",
      },
      "only for shifts of at least, hours",
    ),
    el(
      "td",
      {},
      el("button", {
        type: "button",
        class: "link remove-break",
        text: "Remove",
        "aria-label": `Remove break ${index + 1}`,
      }),
    ),
  );
  const message = el(
    "tr",
    { class: "break-error" },
    el("td", { colspan: "6" }, el("p", { class: "field-error", role: "alert" })),
  );
  return [row, message];
}

export function renderHours() {
  const container = clear($("#hours-channels"));
  const hours = state.settings?.rules?.hours || {};
  for (const channel of new Set([...Object.keys(hours), ...targetChannels()])) {
    const id = `rule-hours-${channel}`;
    container.append(
      el(
        "div",
        { class: "field" },
        el("label", { for: id, text: channel }),
        el(
          "textarea",
          {
            id,
            rows: "2",
            "data-path": `hours.${channel}`,
            spellcheck: "false",
            placeholder: "around the clock",
            "aria-describedby": `${id}-error`,
          },
          hoursText(hours[channel]),
        ),
        el("p", { class: "field-error", id: `${id}-error`, role: "alert" }),
      ),
    );
  }
}

function renderRules() {
  const rules = state.settings?.rules || {};
  for (const input of $("#rules-form").querySelectorAll("input[data-path]")) {
    const value = get(rules, input.dataset.path);
    input.value = Array.isArray(value) ? value.join(", ") : (value ?? "");
  }
  const body = clear($("#breaks-body"));
  (get(rules, "shifts.breaks") || []).forEach((rule, index) => {
    body.append(...breakRow(rule, index));
  });
  renderHours();
}

function readRuleInput(rules, input) {
  const text = input.value.trim();
  const path = input.dataset.path;
  if (!text) {
    set(rules, path, undefined);
    return true;
  }
  if (path === "shifts.lengths_hours") {
    const values = text
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
    if (!values.length || values.some((v) => !Number.isFinite(v) || v <= 0)) {
      fieldError(input, "Enter shift lengths in hours separated by commas, e.g. 4, 6, 8.");
      return false;
    }
    set(rules, path, values);
    return true;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    fieldError(input, "Enter a number.");
    return false;
  }
  set(rules, path, value);
  return true;
}

function readBreaks(form) {
  let valid = true;
  const breaks = [];
  for (const row of form.querySelectorAll("#breaks-body tr[data-path]")) {
    const read = (name) => row.querySelector(`[name=${name}]`).value.trim();
    const rule = {
      minutes: Number(read("minutes")),
      after_hours: [Number(read("earliest")), Number(read("latest"))],
      paid: row.querySelector("[name=paid]").checked,
    };
    if (read("min_shift_hours")) rule.min_shift_hours = Number(read("min_shift_hours"));
    if (!read("minutes") || !read("earliest") || !read("latest")) {
      row.nextElementSibling.querySelector(".field-error").textContent =
        "Give the break's minutes and its earliest and latest start.";
      valid = false;
    }
    breaks.push(rule);
  }
  return { breaks, valid };
}

function rulesDocument(form) {
  const rules = structuredClone(state.settings?.rules || {});
  let valid = true;
  for (const input of form.querySelectorAll("input[data-path]")) valid = readRuleInput(rules, input) && valid;
  const read = readBreaks(form);
  valid = read.valid && valid;
  set(rules, "shifts.breaks", read.breaks.length ? read.breaks : undefined);
  for (const area of form.querySelectorAll("#hours-channels textarea")) {
    try {
      set(rules, area.dataset.path, parseHours(area.value) || undefined);
    } catch (error) {
      fieldError(area, error.message);
      valid = false;
    }
  }
  for (const table of ["shifts", "week", "hours", "budget"]) {
    if (rules[table] && !Object.keys(rules[table]).length) delete rules[table];
  }
  return valid ? rules : null;
}

function placeRulesProblem(error) {
  const lines = problemLines(error.problem, error.message);
  const targets = [...document.querySelectorAll("#rules-form [data-path]")];
  let placed = false;
  for (const line of lines) {
    const path = rulesPath(line);
    if (!path) continue;
    const best = targets
      .filter(
        (node) =>
          path === node.dataset.path ||
          path.startsWith(`${node.dataset.path}.`) ||
          path.startsWith(`${node.dataset.path}[`),
      )
      .sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
    if (!best) continue;
    const input = best.tagName === "TR" ? best.querySelector("input") : best;
    if (best.tagName === "TR") {
      best.nextElementSibling.querySelector(".field-error").textContent = line;
      input.setAttribute("aria-invalid", "true");
    } else fieldError(best, line);
    if (!placed) input.focus();
    placed = true;
  }
  if (!placed) $("#rules-error").textContent = lines.join(" · ");
}

/** Submit a settings form: check it, PATCH it, place the service's problems. */
function saveOnSubmit(form, { status, read, key, saved, place }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    setStatus(status, "");
    const document_ = read(form);
    if (!document_) {
      setStatus(status, "Fix the marked fields.", false);
      return;
    }
    try {
      state.settings = await call("/v1/settings", {
        method: "PATCH",
        json: { [key]: document_ },
      });
      setStatus(status, saved);
    } catch (error) {
      setStatus(status, "Not saved.", false);
      place(error);
    }
  });
}

export function setupSettings() {
  $("#add-channel").addEventListener("click", () => {
    const input = $("#new-channel");
    const name = input.value.trim().toLowerCase();
    if (!/^[a-z0-9_-]+$/.test(name)) {
      input.focus();
      return;
    }
    state.channels = [...new Set([...state.channels, name])];
    input.value = "";
    renderTargets();
    renderHours();
    document.querySelector(`#targets-channels fieldset[data-channel="${name}"] input`)?.focus();
  });
  saveOnSubmit($("#targets-form"), {
    status: $("#targets-status"),
    read: targetsDocument,
    key: "targets",
    saved: "Targets saved.",
    place: placeTargetsProblem,
  });
  $("#add-break").addEventListener("click", () => {
    const body = $("#breaks-body");
    const [row, message] = breakRow({}, body.querySelectorAll("tr[data-path]").length);
    body.append(row, message);
    row.querySelector("input").focus();
  });
  $("#breaks-body").addEventListener("click", (event) => {
    if (!event.target.classList.contains("remove-break")) return;
    const row = event.target.closest("tr");
    row.nextElementSibling.remove();
    row.remove();
    document.querySelectorAll("#breaks-body tr[data-path]").forEach((other, index) => {
      other.dataset.path = `shifts.breaks[${index}]`;
    });
    $("#add-break").focus();
  });
  saveOnSubmit($("#rules-form"), {
    status: $("#rules-status"),
    read: rulesDocument,
    key: "rules",
    saved: "Rules saved.",
    place: placeRulesProblem,
  });
}
