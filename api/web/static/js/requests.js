/* What the page sends to /v1, built from what the manager typed, and the messages for typing
 * that cannot be sent. Pure: values in, request bodies (or messages) out. */

import { listItems, parseCsv } from "./format.js";

/** The default handle time field: null when empty, or the problem with it. The bounds are
 * the field's own min and max, which the server renders from its limits. */
export function defaultAht(text, { min, max }) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) return { value: null };
  const value = Number(trimmed);
  if (!(value >= min && value <= max)) {
    return {
      error: `A handle time is a number of seconds, from ${min} to ${max}; "${trimmed}" is not.`,
    };
  }
  return { value };
}

/** POST /v1/forecasts. */
export function forecastBody({ start, days, defaultAhtSeconds = null }) {
  return defaultAhtSeconds ? { start, days, default_aht_seconds: defaultAhtSeconds } : { start, days };
}

/** POST /v1/schedules: the week, the staff (roster or open positions), which forecast, the
 * band and the time limit; defaults are left out so the service's own apply. */
export function scheduleBody({
  start,
  timeLimitSeconds = null,
  useAgents = true,
  upperBand = false,
  forecastId = null,
}) {
  return {
    week_start: start,
    ...(timeLimitSeconds ? { time_limit_seconds: timeLimitSeconds } : {}),
    ...(useAgents ? {} : { use_agents: false }),
    ...(upperBand ? { volume_column: "volume_high" } : {}),
    ...(forecastId ? { forecast_id: Number(forecastId) } : {}),
  };
}

/** Whether a finished forecast covers the seven days from ``weekStart`` (its request's
 * start and days, both local dates). */
export function forecastCovers(job, weekStart) {
  const start = job?.request?.start;
  const days = Number(job?.request?.days ?? 7);
  if (!start || !weekStart) return false;
  const first = Date.parse(`${start}T00:00:00Z`);
  const week = Date.parse(`${weekStart}T00:00:00Z`);
  return first <= week && week + 7 * 86_400_000 <= first + days * 86_400_000;
}

/** An agent form's text fields as the body of POST/PUT /v1/agents, or the cells' problems
 * ({field: message}) when some cannot be sent. */
export function agentBody(fields, { isNew = false } = {}) {
  const problems = {};
  const body = {
    name: String(fields.name ?? "").trim(),
    skills: listItems(fields.skills).map((skill) => skill.toLowerCase()),
    unavailable: listItems(fields.unavailable),
    time_off: listItems(fields.time_off),
    min_hours: null,
    max_hours: null,
    preferred_start: String(fields.preferred_start ?? "").trim() || null,
  };
  if (isNew) {
    body.agent_id = String(fields.agent_id ?? "").trim();
    if (!body.agent_id) problems.agent_id = "Give the agent an id (it is shown in schedules).";
  }
  if (!body.skills.length) problems.skills = "List at least one channel the agent serves, e.g. voice, chat.";
  for (const name of ["min_hours", "max_hours"]) {
    const text = String(fields[name] ?? "").trim();
    if (!text) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) problems[name] = `"${text}" is not a number of hours.`;
    else body[name] = value;
  }
  if (body.preferred_start && !/^\d{1,2}:\d{2}$/.test(body.preferred_start)) {
    problems.preferred_start = `"${body.preferred_start}" is not a time of day like 08:00.`;
  }
  return Object.keys(problems).length ? { problems } : { body };
}

export const SPECIAL_DAY_KINDS = ["closed", "holiday", "eve", "event"];

/** A special-day form as one entry of the settings' `special_days`, or its problems. */
export function specialDay(fields) {
  const problems = {};
  const date = String(fields.date ?? "").trim();
  const name = String(fields.name ?? "").trim();
  const kind = String(fields.kind ?? "").trim();
  const multiplierText = String(fields.multiplier ?? "").trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.date = "Choose the date.";
  if (!name) problems.name = "Name the day (days with the same name share what the forecast learns).";
  if (!SPECIAL_DAY_KINDS.includes(kind)) problems.kind = `Choose one of ${SPECIAL_DAY_KINDS.join(", ")}.`;
  let multiplier = null;
  if (multiplierText) {
    multiplier = Number(multiplierText);
    if (!(multiplier >= 0) || !Number.isFinite(multiplier)) {
      problems.multiplier = `"${multiplierText}" is not a volume multiplier (1.5 means 50% more).`;
    } else if (kind === "closed") {
      problems.multiplier = "A closed day has no contacts: leave the multiplier empty.";
    }
  }
  if (Object.keys(problems).length) return { problems };
  return { day: { date, name, kind, multiplier } };
}

/** The special days with ``day`` added or replacing the one on its date, by date. */
export function withSpecialDay(days, day) {
  return [...days.filter((other) => other.date !== day.date), day].sort((a, b) => a.date.localeCompare(b.date));
}

export const MAPPING_FIELDS = [
  "date_column",
  "time_column",
  "volume_column",
  "handled_column",
  "aht_column",
  "channel_column",
  "channel",
  "date_order",
];

/** The column mapping form as the upload's form fields (only those given), or its problem. */
export function mappingFields(values) {
  const given = Object.fromEntries(
    MAPPING_FIELDS.map((name) => [name, String(values[name] ?? "").trim()]).filter(([, value]) => value),
  );
  if (given.channel && given.channel_column) {
    return {
      problems: {
        channel: `Give a channel column or one channel for the file, not both ("${given.channel_column}" and "${given.channel}").`,
      },
    };
  }
  return { fields: given };
}

/** The header row of a CSV's first bytes (the columns the mapping chooses from). */
export function headerOf(text) {
  const [header = []] = parseCsv(String(text).replace(/^\ufeff/, ""));
  return header.map((cell) => cell.trim()).filter(Boolean);
}

/** A header's columns compared as the service compares them: case, "_" and spaces aside. */
const columnKey = (columns) =>
  columns
    .map((column) =>
      column
        .replace(/[\s_]+/g, " ")
        .trim()
        .toLowerCase(),
    )
    .join("\u001f");

/** The team's saved mapping for a file with these columns, if any. */
export function savedMappingFor(saved, columns) {
  const key = columnKey(columns);
  return saved.find((entry) => columnKey(entry.columns) === key)?.mapping || null;
}
