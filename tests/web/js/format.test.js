import assert from "node:assert/strict";
import { test } from "node:test";

import {
  addDays,
  fmt,
  hoursText,
  listItems,
  naturalCompare,
  nextMonday,
  parseCsv,
  parseHours,
  toCsv,
  weekdayOf,
  when,
} from "../../../api/web/static/js/format.js";

test("opening hours read one range per line or per semicolon", () => {
  assert.deepEqual(parseHours("mon-fri 08:00-18:00\nSat 09:00-13:00"), {
    "mon-fri": "08:00-18:00",
    sat: "09:00-13:00",
  });
  assert.deepEqual(parseHours("mon-fri: 07:00-22:00; sun closed"), { "mon-fri": "07:00-22:00", sun: "closed" });
});

test("empty opening hours mean around the clock, not an empty table", () => {
  assert.equal(parseHours("  \n "), null);
});

test("an opening-hours line without a window is named in the message", () => {
  assert.throws(
    () => parseHours("mon-fri 08:00-18:00\nweekdays all day"),
    /"weekdays all day" is not like "mon-fri 08:00-18:00"/,
  );
});

test("opening hours survive the round trip through the form's text", () => {
  const hours = { "mon-fri": "08:00-20:00", sat: "10:00-14:00" };
  assert.deepEqual(parseHours(hoursText(hours)), hours);
});

test("values are shown with one decimal, shares as percentages and nothing as a dash", () => {
  assert.equal(fmt(1234.56), "1,234.6");
  assert.equal(fmt(0.805, "percent"), "80.5%");
  assert.equal(fmt(3.25, "percent-points"), "3.3%");
  assert.equal(fmt(null), "–");
  assert.equal(fmt(Number.NaN), "–");
  assert.equal(fmt("optimal"), "optimal");
});

test("a moment is shown in the team's timezone, a bare date as that date", () => {
  assert.equal(when("2026-12-07T14:00:00Z", { timeZone: "America/New_York" }), "Mon, Dec 7, 2026, 09:00");
  assert.equal(when("2026-12-07"), "Mon, Dec 7, 2026");
  assert.equal(when(null), "–");
  assert.equal(when("not a date"), "not a date");
});

test("the next Monday of a Monday is that Monday; of a Sunday, the day after", () => {
  assert.equal(nextMonday(new Date(2026, 11, 7)).getDate(), 7);
  assert.equal(nextMonday(new Date(2026, 11, 6)).getDate(), 7);
  assert.equal(nextMonday(new Date(2026, 11, 8)).getDate(), 14);
});

test("adding days crosses months and years, and weekdays follow", () => {
  assert.equal(addDays("2026-12-28", 6), "2027-01-03");
  assert.equal(weekdayOf("2027-01-03"), "Sun");
  assert.equal(weekdayOf("2026-12-07"), "Mon");
});

test("a typed list splits on commas, semicolons, bars and lines and drops blanks", () => {
  assert.deepEqual(listItems("voice, chat|email;\n social ,"), ["voice", "chat", "email", "social"]);
  assert.deepEqual(listItems(""), []);
});

test("CSV keeps quoted commas, doubled quotes and line breaks inside quotes", () => {
  const rows = parseCsv('agent_id,breaks\r\na1,"12:00-12:30, 15:00-15:15"\na2,"say ""hi""\nthere"\n');
  assert.deepEqual(rows, [
    ["agent_id", "breaks"],
    ["a1", "12:00-12:30, 15:00-15:15"],
    ["a2", 'say "hi"\nthere'],
  ]);
  assert.deepEqual(parseCsv(toCsv(rows)), rows);
});

test("agents sort by their numbers, not by their characters", () => {
  assert.deepEqual(["a10", "a2", "a1"].sort(naturalCompare), ["a1", "a2", "a10"]);
});
