import assert from "node:assert/strict";
import { test } from "node:test";

import {
  agentBody,
  defaultAht,
  forecastBody,
  forecastCovers,
  headerOf,
  mappingFields,
  savedMappingFor,
  scheduleBody,
  specialDay,
  withSpecialDay,
} from "../../../api/web/static/js/requests.js";

test("a forecast without a default handle time sends only the window", () => {
  assert.deepEqual(forecastBody({ start: "2026-12-07", days: 7 }), { start: "2026-12-07", days: 7 });
  assert.deepEqual(forecastBody({ start: "2026-12-07", days: 14, defaultAhtSeconds: 400 }), {
    start: "2026-12-07",
    days: 14,
    default_aht_seconds: 400,
  });
});

test("the default handle time is empty, or seconds within the field's bounds, else a message", () => {
  const bounds = { min: 1, max: 86400 };
  assert.deepEqual(defaultAht("", bounds), { value: null });
  assert.deepEqual(defaultAht(" 300 ", bounds), { value: 300 });
  assert.deepEqual(defaultAht("86400", bounds), { value: 86400 });
  assert.match(defaultAht("0", bounds).error, /from 1 to 86400; "0" is not/);
  assert.match(defaultAht("0.5", bounds).error, /"0.5" is not/);
  assert.match(defaultAht("abc", bounds).error, /"abc" is not/);
  assert.ok(defaultAht("86401", bounds).error);
  assert.match(defaultAht("700", { min: 1, max: 600 }).error, /from 1 to 600; "700" is not/);
});

test("a schedule sends only what differs from the service's defaults", () => {
  assert.deepEqual(scheduleBody({ start: "2026-12-07" }), { week_start: "2026-12-07" });
  assert.deepEqual(
    scheduleBody({ start: "2026-12-07", timeLimitSeconds: 10, useAgents: false, upperBand: true, forecastId: "12" }),
    {
      week_start: "2026-12-07",
      time_limit_seconds: 10,
      use_agents: false,
      volume_column: "volume_high",
      forecast_id: 12,
    },
  );
});

test("a forecast covers a week only when all seven days are inside it", () => {
  const job = { request: { start: "2026-12-07", days: 14 } };
  assert.equal(forecastCovers(job, "2026-12-07"), true);
  assert.equal(forecastCovers(job, "2026-12-14"), true);
  assert.equal(forecastCovers(job, "2026-12-15"), false);
  assert.equal(forecastCovers(job, "2026-11-30"), false);
  assert.equal(forecastCovers({ request: { start: "2026-12-07" } }, "2026-12-07"), true);
});

test("an agent's typed cells become the API's lists and numbers", () => {
  const { body } = agentBody(
    {
      agent_id: " a-17 ",
      name: "Ana",
      skills: "Voice, chat",
      min_hours: "20",
      max_hours: "",
      unavailable: "sun; mon-fri 00:00-07:00",
      time_off: "2026-12-24/2026-12-26",
      preferred_start: "08:00",
    },
    { isNew: true },
  );
  assert.deepEqual(body, {
    agent_id: "a-17",
    name: "Ana",
    skills: ["voice", "chat"],
    unavailable: ["sun", "mon-fri 00:00-07:00"],
    time_off: ["2026-12-24/2026-12-26"],
    min_hours: 20,
    max_hours: null,
    preferred_start: "08:00",
  });
});

test("an agent without skills, with words for hours or a bad start time is refused per cell", () => {
  const { problems } = agentBody({ skills: " ", min_hours: "lots", preferred_start: "8am" }, { isNew: true });
  assert.deepEqual(Object.keys(problems).sort(), ["agent_id", "min_hours", "preferred_start", "skills"]);
  assert.match(problems.min_hours, /"lots" is not a number of hours/);
  assert.match(problems.preferred_start, /"8am" is not a time of day/);
});

test("a special day needs a date, a name and a kind; a closed day takes no multiplier", () => {
  assert.deepEqual(specialDay({ date: "2026-12-11", name: "Winter sale", kind: "event", multiplier: "1.5" }), {
    day: { date: "2026-12-11", name: "Winter sale", kind: "event", multiplier: 1.5 },
  });
  assert.deepEqual(
    specialDay({ date: "2026-12-11", name: "Sale", kind: "event", multiplier: "" }).day.multiplier,
    null,
  );
  const { problems } = specialDay({ date: "", name: " ", kind: "party", multiplier: "-1" });
  assert.deepEqual(Object.keys(problems).sort(), ["date", "kind", "multiplier", "name"]);
  assert.match(
    specialDay({ date: "2026-12-25", name: "Shut", kind: "closed", multiplier: "2" }).problems.multiplier,
    /closed/,
  );
});

test("marking a date again replaces its special day, and the list stays in date order", () => {
  const days = [
    { date: "2026-12-24", name: "Eve", kind: "eve", multiplier: null },
    { date: "2026-12-11", name: "Sale", kind: "event", multiplier: 1.5 },
  ];
  const marked = withSpecialDay(days, { date: "2026-12-24", name: "Closed", kind: "closed", multiplier: null });
  assert.deepEqual(
    marked.map((day) => [day.date, day.name]),
    [
      ["2026-12-11", "Sale"],
      ["2026-12-24", "Closed"],
    ],
  );
});

test("the column mapping sends only what the manager chose", () => {
  assert.deepEqual(mappingFields({ date_column: "Date", time_column: " ", channel: " voice ", date_order: "us" }), {
    fields: { date_column: "Date", channel: "voice", date_order: "us" },
  });
  assert.deepEqual(mappingFields({}), { fields: {} });
});

test("a mapping with a channel column and one channel for the file is refused, naming both", () => {
  const { problems } = mappingFields({ channel_column: "Queue", channel: "voice" });
  assert.match(problems.channel, /not both \("Queue" and "voice"\)/);
});

test("the columns of a report are read from its header row, quotes and BOM removed", () => {
  assert.deepEqual(headerOf('\ufeff"Date","Interval","Offered","Handled","AHT"\r\n"12/07/2026","9:00 AM"'), [
    "Date",
    "Interval",
    "Offered",
    "Handled",
    "AHT",
  ]);
  assert.deepEqual(headerOf('"Avg Handle Time (s)","Calls, offered"\n'), ["Avg Handle Time (s)", "Calls, offered"]);
  assert.deepEqual(headerOf(""), []);
});

test("a saved mapping is found by the file's columns, case and spacing aside", () => {
  const saved = [
    { columns: ["Date", "Interval", "Offered"], mapping: { channel: "voice" } },
    { columns: ["Queue", "StartInterval"], mapping: { channel: "chat" } },
  ];
  assert.deepEqual(savedMappingFor(saved, ["date", " interval", "OFFERED"]), { channel: "voice" });
  assert.equal(savedMappingFor(saved, ["Date", "Interval"]), null);
  assert.equal(savedMappingFor([], ["Date"]), null);
});
