/* History: the upload form (with a column mapping for interval reports) and what is stored. */

import { ApiError, call } from "./api.js";
import { $, clear, el, fieldError, problemBlock, setStatus } from "./dom.js";
import { fmt, when } from "./format.js";
import { headerOf, MAPPING_FIELDS, mappingFields, savedMappingFor } from "./requests.js";
import { state, teamZone } from "./state.js";

export async function loadHistorySummary() {
  const target = $("#history-summary");
  try {
    const summary = await call("/v1/history/summary");
    clear(target);
    if (!summary.channels.length) {
      target.append(el("p", { class: "muted", text: "Nothing stored yet." }));
      return;
    }
    state.channels = summary.channels.map((c) => c.channel);
    state.historyEnd = summary.channels
      .map((c) => c.last_interval_start)
      .sort()
      .pop();
    const at = (moment) => when(moment, { timeZone: teamZone() });
    target.append(
      el("p", {
        text: `${summary.interval_minutes}-minute intervals, ${summary.uploads} upload(s), times in ${summary.timezone}.`,
      }),
      el(
        "table",
        { class: "data" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["Channel", "From", "To", "Intervals", "Missing", "Contacts"].map((h) =>
              el("th", { scope: "col", text: h }),
            ),
          ),
        ),
        el(
          "tbody",
          {},
          summary.channels.map((c) =>
            el(
              "tr",
              {},
              el("th", { scope: "row", text: c.channel }),
              el("td", { text: at(c.first_interval_start) }),
              el("td", { text: at(c.last_interval_start) }),
              el("td", { class: "num", text: fmt(c.intervals) }),
              el("td", { class: "num", text: fmt(c.gap_intervals) }),
              el("td", { class: "num", text: fmt(c.total_volume) }),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    clear(target).append(problemBlock(error, "The history summary"));
  }
}

function listSection(box, title, items, line, className = "compact") {
  box.append(el("h4", { text: `${title}: ${items.length}` }));
  if (items.length)
    box.append(
      el(
        "ul",
        { class: className },
        items.slice(0, 20).map((item) => el("li", { text: line(item) })),
      ),
    );
}

export function renderUnderstood(upload) {
  const s = upload.summary;
  const at = (moment, options = {}) => when(moment, { timeZone: teamZone(), ...options });
  const result = clear($("#upload-result"));
  result.append(el("h3", { text: `Accepted: ${upload.filename || "history file"}` }));
  const interval =
    `${s.interval_minutes} minutes` +
    (s.source_interval_minutes && s.source_interval_minutes !== s.interval_minutes
      ? ` (file: ${s.source_interval_minutes})`
      : "");
  const facts = [
    ["Format", s.source_format.replaceAll("_", " ")],
    ["Channels", s.channels.join(", ")],
    ["From", at(s.first_interval)],
    ["To", at(s.last_interval)],
    ["Interval", interval],
    ["Rows read", fmt(s.rows_read)],
    ["Intervals added / replaced", `${fmt(upload.rows_added)} / ${fmt(upload.rows_replaced)}`],
    ["Duplicate rows (last kept)", fmt(s.duplicates)],
    ["Closed intervals filled with 0", fmt(s.closed_intervals)],
    ["Timezone", upload.timezone],
  ];
  const mapping = Object.entries(s.mapping || {}).filter(([, value]) => value);
  if (mapping.length) {
    const words = mapping
      .map(([key, value]) => `${key.replace("_column", "").replaceAll("_", " ")}: ${value}`)
      .join("; ");
    const source =
      { saved: " (your team's saved mapping)", "found by name": " (found by their names)" }[s.mapping_source] || "";
    facts.push(["Columns read as", `${words}${source}`]);
  }
  if (s.channel_labels && Object.keys(s.channel_labels).length) {
    facts.push([
      "Channel labels read as",
      Object.entries(s.channel_labels)
        .map(([label, channel]) => `${label} → ${channel}`)
        .join("; "),
    ]);
  }
  result.append(
    el(
      "dl",
      { class: "facts" },
      facts.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]),
    ),
  );
  listSection(result, "Gaps (missing data)", s.gaps || [], (g) => `${g.channel}: ${at(g.start)} – ${at(g.end)}`);
  listSection(
    result,
    "Unusual volumes",
    s.outliers || [],
    (o) => `${o.channel} ${at(o.start, { dateOnly: /^daily/.test(o.why) })}: ${fmt(o.value)} — ${o.why}`,
  );
  listSection(result, "Warnings", s.warnings || [], (w) => w, "warnings");
}

const HEADER_BYTES = 65_536;

/** The team's saved mappings (none when the service keeps none). */
async function savedMappings() {
  try {
    return await call("/v1/history/mappings");
  } catch (error) {
    if (error instanceof ApiError && error.missingRoute) return [];
    throw error;
  }
}

/** The chosen file's columns as the choices of every column select of the mapping, and the
 * team's saved mapping for these columns filled in. */
async function showColumns(file) {
  const columns = file ? headerOf(await file.slice(0, HEADER_BYTES).text()) : [];
  const saved = columns.length ? savedMappingFor(await savedMappings(), columns) : null;
  $("#mapping-columns").textContent = columns.length
    ? `Columns in ${file.name}: ${columns.join(", ")}.${saved ? " Your team's saved mapping for these columns is filled in." : ""}`
    : "Choose a file to see its columns.";
  for (const select of document.querySelectorAll("#mapping select[data-role=column]")) {
    clear(select).append(
      el("option", { value: "", text: "found by name" }),
      ...columns.map((column) => el("option", { value: column, text: column })),
    );
  }
  if (!saved) return;
  for (const name of MAPPING_FIELDS) {
    const node = document.querySelector(`#mapping [name=${name}]`);
    if (node) node.value = saved[name] ?? "";
  }
}

/** The upload's form fields: the file, timezone, interval and the column mapping; null when
 * the mapping cannot be sent (its problem is shown). */
function uploadData(file) {
  const values = Object.fromEntries(
    [...document.querySelectorAll("#mapping [name]")].map((node) => [node.name, node.value]),
  );
  const mapping = mappingFields(values);
  if (mapping.problems) {
    $("#mapping").open = true;
    fieldError($("#map-channel"), mapping.problems.channel);
    return null;
  }
  const data = new FormData();
  data.append("file", file);
  for (const [id, name] of [
    ["#history-timezone", "timezone"],
    ["#history-interval", "interval_minutes"],
  ]) {
    const value = $(id).value.trim();
    if (value) data.append(name, value);
  }
  for (const [name, value] of Object.entries(mapping.fields)) data.append(name, value);
  return data;
}

/** A rejection the mapping can fix (an interval report's column or channel) opens it. */
function offerMapping(error) {
  if (/interval report|column mapping|channel column|date order|--channel|--date-order|-column/i.test(error.message)) {
    $("#mapping").open = true;
  }
}

export function setupUpload({ afterUpload }) {
  const form = $("#upload-form");
  $("#history-file").addEventListener("change", () => showColumns($("#history-file").files[0]));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fileInput = $("#history-file");
    const status = $("#upload-status");
    const result = clear($("#upload-result"));
    for (const id of ["#history-file-error", "#history-timezone-error", "#map-channel-error"]) $(id).textContent = "";
    if (!fileInput.files.length) {
      $("#history-file-error").textContent = "Choose a CSV file to upload.";
      fileInput.focus();
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    setStatus(status, `Uploading ${fileInput.files[0].name}…`);
    try {
      const upload = await call("/v1/history", {
        method: "POST",
        body: uploadData(fileInput.files[0]),
      });
      setStatus(status, "Upload accepted.");
      renderUnderstood(upload);
      await loadHistorySummary();
      await afterUpload();
    } catch (error) {
      setStatus(status, "Not imported: nothing was stored.", false);
      if (error.problem?.type === "/problems/invalid-parameter" && /timezone/i.test(error.message)) {
        $("#history-timezone-error").textContent = error.message;
      }
      offerMapping(error);
      result.append(problemBlock(error, "History upload"));
    } finally {
      button.disabled = false;
      result.focus();
    }
  });
}
