/* Schedule: the form (week, staff, forecast, band, time limit), the summary, the coverage
 * chart with its simulation toggle, and the timeline filtered and paged. */

import { ApiError, call, resultOf } from "./api.js";
import { drawFigure, forgetChart } from "./charts.js";
import { $, clear, clearFieldErrors, downloadLink, el, problemBlock, required } from "./dom.js";
import { addDays, fmt, weekdayOf } from "./format.js";
import { renderJob, runJob } from "./jobs.js";
import { forecastCovers, scheduleBody } from "./requests.js";
import { state } from "./state.js";
import { agentsWithSkill, timelinePage } from "./timeline.js";

export const scheduleStart = (request) => request?.week_start;

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

/** Projected service level per channel, with the target and whether it was met. */
function channelServiceLevels(summary) {
  const targets = summary.service_level_targets || {};
  return Object.entries(summary.projected_service_level || {}).map(([channel, level]) => {
    const row = { channel, service_level: level };
    if (channel in targets) {
      row.target = targets[channel];
      row.verdict = typeof level === "number" && level < row.target - 1e-9 ? "below target" : "met";
    }
    return row;
  });
}

function renderSummary(result) {
  const summary = result.summary || result;
  const box = clear($("#schedule-summary"));
  box.append(
    el(
      "dl",
      { class: "facts" },
      SUMMARY_FIELDS.filter(([key]) => key in summary).map(([key, label, kind]) => [
        el("dt", { text: label }),
        el("dd", { "data-field": key, text: fmt(summary[key], kind) }),
      ]),
    ),
  );
  const warnings = Array.isArray(summary.warnings) ? summary.warnings : [];
  if (warnings.length)
    box.append(
      el(
        "ul",
        { class: "warnings", "aria-label": "Warnings" },
        warnings.map((w) => el("li", { text: w })),
      ),
    );
  const channels = channelServiceLevels(summary);
  if (!channels.length) return;
  const columns = [...new Set(channels.flatMap((row) => Object.keys(row)))].filter((c) => c !== "channel");
  const kind = (c, value) => (/service_level|target/.test(c) && typeof value === "number" ? "percent" : undefined);
  box.append(
    el(
      "table",
      { class: "data", id: "channel-summary" },
      el("caption", { text: "Per channel over the week" }),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col", text: "Channel" }),
          columns.map((c) => el("th", { scope: "col", text: c.replaceAll("_", " ") })),
        ),
      ),
      el(
        "tbody",
        {},
        channels.map((row) =>
          el(
            "tr",
            {},
            el("th", { scope: "row", text: row.channel }),
            columns.map((c) => el("td", { class: "num", text: fmt(row[c], kind(c, row[c])) })),
          ),
        ),
      ),
    ),
  );
}

/* ---------- timeline ---------- */

async function drawTimeline() {
  const shown = state.schedule;
  if (!shown?.shiftsCsv) return;
  const query = new URLSearchParams();
  const channel = $("#timeline-channel").value;
  const day = $("#timeline-day").value;
  if (channel) query.set("channel", channel);
  if (day) query.set("day", day);
  const only = agentsWithSkill(state.agents, $("#timeline-skill").value);
  const page = timelinePage(shown.shiftsCsv, { only, channel, day, page: Number($("#timeline-page").value) || 1 });
  $("#timeline-page").max = String(page.pages);
  $("#timeline-page").value = String(page.page);
  await drawFigure(`/app/figures/timeline?${query}`, page.csv, $("#timeline-chart"));
  /* Said once the page is drawn, so what it says is what the chart shows. */
  const filters = [channel, day && `${weekdayOf(day)} ${day}`]
    .filter(Boolean)
    .map((text) => ` · ${text}`)
    .join("");
  $("#timeline-pages").textContent = page.agents
    ? `of ${page.pages}: agents ${page.first}–${page.last} of ${page.agents}${filters}`
    : `no agent matches these filters${filters}`;
}

function fillTimelineFilters(channels, weekStart) {
  const options = (select, first, items) =>
    clear(select).append(
      el("option", { value: "", text: first }),
      ...items.map(([value, text]) => el("option", { value, text })),
    );
  options(
    $("#timeline-channel"),
    "all channels",
    channels.map((c) => [c, c]),
  );
  const skills = [...new Set(state.agents.flatMap((agent) => agent.skills))].sort();
  options(
    $("#timeline-skill"),
    "all agents",
    skills.map((s) => [s, `agents with ${s}`]),
  );
  const days = weekStart ? Array.from({ length: 7 }, (_, i) => addDays(weekStart, i)) : [];
  options(
    $("#timeline-day"),
    "whole week",
    days.map((d) => [d, `${weekdayOf(d)} ${d}`]),
  );
  $("#timeline-page").value = "1";
}

/** The timeline of ``state.schedule``'s shifts, its filters set for ``channels`` and the week. */
export async function showTimeline(channels, weekStart) {
  fillTimelineFilters(channels, weekStart);
  await drawTimeline();
}

async function redrawTimeline(resetPage) {
  if (resetPage) $("#timeline-page").value = "1";
  try {
    await drawTimeline();
  } catch (error) {
    $("#timeline-chart").replaceChildren(problemBlock(error, "The timeline"));
  }
}

function setupTimeline() {
  for (const id of ["#timeline-channel", "#timeline-day", "#timeline-skill"])
    $(id).addEventListener("change", () => redrawTimeline(true));
  $("#timeline-page").addEventListener("change", () => redrawTimeline(false));
  for (const [id, step] of [
    ["#timeline-previous", -1],
    ["#timeline-next", 1],
  ]) {
    $(id).addEventListener("click", () => {
      $("#timeline-page").value = String((Number($("#timeline-page").value) || 1) + step);
      redrawTimeline(false);
    });
  }
}

/* ---------- result ---------- */

export async function showSchedule(job) {
  const base = job.links.result;
  const weekStart = scheduleStart(job.request) || $("#schedule-start").value;
  $("#schedule-result").hidden = false;
  try {
    const result = resultOf(await call(base));
    renderSummary(result);
    const links = result?.links || {};
    const [shiftsCsv, coverageCsv] = await Promise.all([
      call(links.shifts_csv || `${base}/shifts.csv`, { as: "text" }),
      call(links.coverage_csv || `${base}/coverage.csv`, { as: "text" }),
    ]);
    clear($("#schedule-downloads")).append(
      downloadLink(shiftsCsv, `shifts-${weekStart}.csv`, "Download shifts CSV"),
      " ",
      downloadLink(coverageCsv, `coverage-${weekStart}.csv`, "Download coverage CSV"),
    );
    state.schedule = {
      id: job.id,
      shiftsCsv,
      coverageCsv,
      simulationCsv: null,
      simulationSummary: null,
    };
    $("#coverage-simulated").checked = false;
    clear($("#simulation-job"));
    clear($("#simulation-summary"));
    const coverage = await drawFigure("/app/figures/coverage", coverageCsv, $("#coverage-chart"));
    await showTimeline([...new Set(coverage.data.map((trace) => trace.meta?.channel).filter(Boolean))], weekStart);
  } catch (error) {
    $("#schedule-summary").append(problemBlock(error, "The schedule result"));
  }
}

/* ---------- simulation (the coverage chart's toggle) ---------- */

function renderSimulationSummary(summary) {
  const rows = Object.entries(summary?.channels || {});
  const box = clear($("#simulation-summary"));
  if (!rows.length) return;
  const reasons = (row) => {
    const listed = Object.entries(row.reasons || {});
    return listed.length ? ` (${listed.map(([r, n]) => `${r} ${n}`).join(", ")})` : "";
  };
  box.append(
    el(
      "table",
      { class: "data", id: "simulation-table" },
      el("caption", {
        text: `Simulated week (${summary.replications} replications, 95% interval) next to the Erlang projection`,
      }),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["Channel", "Projected", "Simulated", "95% interval", "Intervals outside it"].map((h) =>
            el("th", { scope: "col", text: h }),
          ),
        ),
      ),
      el(
        "tbody",
        {},
        rows.map(([channel, row]) =>
          el(
            "tr",
            {},
            el("th", { scope: "row", text: channel }),
            el("td", {
              class: "num",
              text: fmt(row.projected_service_level, "percent"),
            }),
            el("td", {
              class: "num",
              "data-field": "simulated",
              text: fmt(row.service_level, "percent"),
            }),
            el("td", {
              class: "num",
              text: `${fmt(row.service_level_low, "percent")} – ${fmt(row.service_level_high, "percent")}`,
            }),
            el("td", {
              class: "num",
              text: `${row.intervals_disagreeing} of ${row.intervals_with_contacts}${reasons(row)}`,
            }),
          ),
        ),
      ),
    ),
  );
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
  if (job) renderJob(box, job, () => {});
  else {
    job = await runJob("simulation", box, () =>
      call(`/v1/schedules/${scheduleId}/simulation`, {
        method: "POST",
        json: {},
      }),
    );
    if (!job) return null;
  }
  const [view, csv] = await Promise.all([
    call(`/v1/simulations/${job.id}`),
    call(`/v1/simulations/${job.id}/intervals.csv`, { as: "text" }),
  ]);
  return { summary: view.summary, csv };
}

async function toggleSimulation() {
  const toggle = $("#coverage-simulated");
  const shown = state.schedule;
  if (!shown?.coverageCsv) return;
  toggle.disabled = true;
  try {
    if (!toggle.checked) {
      clear($("#simulation-summary"));
      await drawFigure("/app/figures/coverage", shown.coverageCsv, $("#coverage-chart"));
      return;
    }
    if (!shown.simulationCsv) {
      const simulated = await simulationOf(shown.id);
      if (!simulated) {
        toggle.checked = false;
        return;
      }
      shown.simulationCsv = simulated.csv;
      shown.simulationSummary = simulated.summary;
    }
    renderSimulationSummary(shown.simulationSummary);
    if (toggle.checked) await drawFigure("/app/figures/coverage", shown.simulationCsv, $("#coverage-chart"));
  } catch (error) {
    toggle.checked = false;
    $("#simulation-job").append(problemBlock(error, "The simulation"));
  } finally {
    toggle.disabled = false;
  }
}

/* ---------- which forecast ---------- */

/** The finished forecasts that cover the chosen week, newest first, as the form's choices
 * (the first choice forecasts the week afresh when the schedule runs). */
export async function loadForecastChoices() {
  const select = $("#schedule-forecast");
  const chosen = select.value;
  let jobs = [];
  try {
    jobs = await call("/v1/forecasts?limit=50");
  } catch {
    jobs = [];
  }
  const week = $("#schedule-start").value;
  const covering = jobs.filter((job) => job.status === "done" && forecastCovers(job, week));
  clear(select).append(
    el("option", { value: "", text: "a new forecast of the week" }),
    ...covering.map((job) =>
      el("option", {
        value: String(job.id),
        text: `forecast ${job.id}: from ${job.request.start}, ${job.request.days ?? 7} days${job.request.default_aht_seconds ? `, AHT ${job.request.default_aht_seconds} s` : ""}`,
      }),
    ),
  );
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
  $("#schedule-forecast-hint").textContent = covering.length
    ? `${covering.length} finished forecast(s) cover this week.`
    : "No finished forecast covers this week: the schedule forecasts it first.";
}

export function setupSchedule() {
  $("#coverage-simulated").addEventListener("change", toggleSimulation);
  $("#schedule-start").addEventListener("change", loadForecastChoices);
  setupTimeline();
  $("#schedule-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#schedule-start");
    clearFieldErrors(event.target);
    if (!required(input, "Choose the Monday of the week to schedule.")) return;
    $("#schedule-result").hidden = true;
    forgetChart($("#coverage-chart"));
    forgetChart($("#timeline-chart"));
    clear($("#schedule-summary"));
    clear($("#schedule-downloads"));
    state.schedule = null;
    const body = scheduleBody({
      start: input.value,
      timeLimitSeconds: Number($("#schedule-time-limit").value) || null,
      useAgents: $("#schedule-staff").value === "roster",
      upperBand: $("#schedule-band").checked,
      forecastId: $("#schedule-forecast").value || null,
    });
    const button = event.target.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const job = await runJob("schedule", $("#schedule-job"), () =>
        call("/v1/schedules", { method: "POST", json: body }),
      );
      if (job) await showSchedule(job);
    } finally {
      button.disabled = false;
    }
  });
}
