import assert from "node:assert/strict";
import { test } from "node:test";

import {
  agentPlace,
  calendarField,
  problemLines,
  rulesPath,
  targetsPlace,
} from "../../../api/web/static/js/problems.js";

test("a problem's lines come once each, the detail first", () => {
  const problem = { detail: "the agents table has 1 problem(s): x", errors: ["row 2: x", "row 2: x"] };
  assert.deepEqual(problemLines(problem), ["the agents table has 1 problem(s): x", "row 2: x"]);
});

test("a roster problem names its row and cells, from a file or from one agent", () => {
  assert.deepEqual(agentPlace("row 3, column `skills`: is empty; list channels like voice|chat"), {
    row: 3,
    fields: ["skills"],
    message: "is empty; list channels like voice|chat",
  });
  assert.deepEqual(agentPlace("row 2, columns `min_hours`/`max_hours`: 50 is above 10"), {
    row: 2,
    fields: ["min_hours", "max_hours"],
    message: "50 is above 10",
  });
  assert.deepEqual(agentPlace("body.skills: List should have at least 1 item after validation, not 0"), {
    row: null,
    fields: ["skills"],
    message: "List should have at least 1 item after validation, not 0",
  });
  assert.deepEqual(agentPlace("body.unavailable.0: String should have at most 100 characters").fields, ["unavailable"]);
  assert.equal(agentPlace("the agents table has 2 problem(s)"), null);
});

test("a targets problem names its channel and field, from the domain or the request", () => {
  assert.deepEqual(targetsPlace("channel 'voice', field `answer_seconds`: needed with service_level"), {
    channel: "voice",
    field: "answer_seconds",
    message: "needed with service_level",
  });
  assert.deepEqual(targetsPlace("body.targets.channels.chat.concurrency: Input should be a valid integer"), {
    channel: "chat",
    field: "concurrency",
    message: "Input should be a valid integer",
  });
});

test("a rules problem's path is read in the form's own notation", () => {
  assert.equal(rulesPath("shifts.breaks[1].after_hours: 9 is after the shift"), "shifts.breaks[1].after_hours");
  assert.equal(
    rulesPath("body.rules.shifts.breaks.0.minutes: Input should be greater than 0"),
    "shifts.breaks[0].minutes",
  );
  assert.equal(rulesPath("no path here"), null);
});

test("a calendar problem lands on the country, the subdivision or the special days", () => {
  assert.equal(
    calendarField(
      "no public holidays known for country 'XX' (Country XX not available); use an ISO 3166-1 code such as US, GB or DE and a subdivision code such as CA",
    ),
    "holiday_country",
  );
  assert.equal(calendarField("no public holidays known for country 'US' and subdivision 'ZZ'"), "holiday_subdivision");
  assert.equal(calendarField("subdivision 'ZZ' given without a country; add --country"), "holiday_subdivision");
  assert.equal(calendarField("special days list the same date twice; keep one per date"), "special_days");
});
