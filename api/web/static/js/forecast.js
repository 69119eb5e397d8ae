/* Forecast: the form (week, days, default handle time), the job, the chart, the models and
 * the backtest accuracy. */

import { call, resultOf } from "./api.js";
import { drawFigure, forgetChart } from "./charts.js";
import { $, clear, clearFieldErrors, downloadLink, el, fieldError, problemBlock, required } from "./dom.js";
import { fmt } from "./format.js";
import { runJob } from "./jobs.js";
import { defaultAht, forecastBody } from "./requests.js";

export const forecastStart = (request) => request?.start;

const headRow = (names) =>
  el(
    "thead",
    {},
    el(
      "tr",
      {},
      names.map((h) => el("th", { scope: "col", text: h })),
    ),
  );
const textCells = (values) => values.map((value) => el("td", { text: value }));
const numberCells = (values, kind) => values.map((value) => el("td", { class: "num", text: fmt(value, kind) }));

function unseenHolidays(channels) {
  return channels.flatMap((c) => (c.unseen_holidays || []).map((h) => ({ channel: c.channel, ...h })));
}

/* Which model each channel got, and where the forecast had to guess. */
function renderModels(channels) {
  const box = clear($("#forecast-models"));
  if (!Array.isArray(channels) || !channels.length) return;
  const band = (c) =>
    c.band_method
      ? ` · band from ${c.band_method === "backtest" ? "past errors" : "count noise only (little history)"}`
      : "";
  box.append(
    el("h3", { text: "Model per channel" }),
    el(
      "ul",
      { class: "compact" },
      channels.map((c) =>
        el(
          "li",
          {},
          el("strong", { text: c.channel }),
          `: ${c.model || "–"}`,
          band(c),
          (c.notes || []).length
            ? el(
                "ul",
                { class: "warnings" },
                c.notes.map((n) => el("li", { text: n })),
              )
            : null,
        ),
      ),
    ),
  );
  const unseen = unseenHolidays(channels);
  if (!unseen.length) return;
  box.append(
    el("h3", { text: "Holidays in the window never seen in the history" }),
    el(
      "table",
      { class: "data unseen-holidays" },
      headRow(["Channel", "Date", "Holiday", "Assumption used"]),
      el(
        "tbody",
        {},
        unseen.map((h) => el("tr", {}, textCells([h.channel, h.date, h.name, h.assumption]))),
      ),
    ),
  );
}

const DAY_TYPES = ["normal", "holiday", "eve", "day_after", "event"];
const WAPE_TYPES = ["normal", "holiday", "eve", "day_after"];

function accuracyRow(channel) {
  const result = (channel.results || [])[0] || {};
  const bias = result.bias_by_day_type || {};
  const wape = result.wape_by_day_type || {};
  return el(
    "tr",
    {},
    el("th", { scope: "row", text: channel.channel }),
    el("td", { text: result.model || "–" }),
    numberCells(
      [
        result.wape_interval,
        result.wape_daily,
        ...WAPE_TYPES.map((t) => wape[t]),
        result.bias,
        ...DAY_TYPES.map((t) => bias[t]),
        result.coverage,
      ],
      "percent",
    ),
  );
}

function renderAccuracy(report) {
  const box = clear($("#forecast-accuracy"));
  if (!report?.channels) return;
  const label = (t) => t.replace("_", " ");
  box.append(
    el("h3", { text: "Accuracy on past weeks (backtest)" }),
    el(
      "table",
      { class: "data" },
      el("caption", {
        text: "WAPE: weighted absolute error (per interval, overall and by day type); bias: + means over-forecast; band coverage should be near the band's nominal share.",
      }),
      headRow([
        "Channel",
        "Model",
        "WAPE (interval)",
        "WAPE (daily)",
        ...WAPE_TYPES.map((t) => `WAPE ${label(t)}`),
        "Bias",
        ...DAY_TYPES.map((t) => `Bias ${label(t)}`),
        "Band coverage",
      ]),
      el("tbody", {}, report.channels.map(accuracyRow)),
    ),
  );
  const flags = unseenHolidays(report.channels);
  if (!flags.length) return;
  box.append(
    el(
      "table",
      { class: "data unseen-holidays" },
      el("caption", {
        text: "Holidays the history had never shown when they were forecast, and the assumption used.",
      }),
      headRow(["Channel", "Date", "Holiday", "Assumption used", "Forecast", "Actual"]),
      el(
        "tbody",
        {},
        flags.map((h) =>
          el(
            "tr",
            {},
            textCells([h.channel, h.date, h.name, h.assumption]),
            numberCells([h.forecast]),
            el("td", {
              class: "num",
              text: h.actual == null ? "–" : fmt(h.actual),
            }),
          ),
        ),
      ),
    ),
  );
}

export async function showForecast(job) {
  const base = job.links.result;
  try {
    const result = resultOf(await call(base));
    renderModels(result.channels);
    renderAccuracy(result.accuracy || result.accuracy_report);
    const csv = await call(result?.links?.csv || `${base}/forecast.csv`, {
      as: "text",
    });
    await drawFigure("/app/figures/forecast", csv, $("#forecast-chart"));
    const start = result.start || forecastStart(job.request) || "forecast";
    clear($("#forecast-download")).append(downloadLink(csv, `forecast-${start}.csv`, "Download forecast CSV"));
  } catch (error) {
    clear($("#forecast-accuracy")).append(problemBlock(error, "The forecast result"));
  }
}

export function setupForecast({ afterForecast }) {
  $("#forecast-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#forecast-start");
    clearFieldErrors(event.target);
    if (!required(input, "Choose the first day to forecast.")) return;
    const ahtField = $("#forecast-default-aht");
    const aht = defaultAht(ahtField.value, { min: Number(ahtField.min), max: Number(ahtField.max) });
    if (aht.error) {
      fieldError(ahtField, aht.error);
      ahtField.focus();
      return;
    }
    forgetChart($("#forecast-chart"));
    for (const id of ["#forecast-models", "#forecast-accuracy", "#forecast-download"]) clear($(id));
    const body = forecastBody({
      start: input.value,
      days: Number($("#forecast-days").value || 7),
      defaultAhtSeconds: aht.value,
    });
    const job = await runJob("forecast", $("#forecast-job"), () =>
      call("/v1/forecasts", { method: "POST", json: body }),
    );
    if (job) await showForecast(job);
    await afterForecast();
  });
}
