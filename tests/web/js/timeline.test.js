import assert from "node:assert/strict";
import { test } from "node:test";

import { parseCsv } from "../../../api/web/static/js/format.js";
import { agentsWithSkill, timelinePage } from "../../../api/web/static/js/timeline.js";

/* 60 agents, two shifts each; agent-1 … agent-60 in natural order. */
const SHIFTS = [
  "agent_id,channel,start,end,breaks",
  ...Array.from({ length: 60 }, (_, i) => [
    `agent-${i + 1},voice,2026-12-07T08:00:00,2026-12-07T16:00:00,"12:00-12:30, 14:00-14:15"`,
    `agent-${i + 1},chat,2026-12-08T08:00:00,2026-12-08T16:00:00,`,
  ]).flat(),
].join("\n");

const agentsOf = (csv) => [
  ...new Set(
    parseCsv(csv)
      .slice(1)
      .map((row) => row[0]),
  ),
];

test("a page holds 25 agents with all their shifts, in natural order", () => {
  const first = timelinePage(SHIFTS);
  assert.equal(first.pages, 3);
  assert.equal(first.agents, 60);
  assert.deepEqual([first.first, first.last], [1, 25]);
  const agents = agentsOf(first.csv);
  assert.equal(agents.length, 25);
  assert.deepEqual(agents.slice(0, 3), ["agent-1", "agent-2", "agent-3"]);
  assert.equal(parseCsv(first.csv).length, 1 + 50);
  assert.equal(parseCsv(first.csv)[1][4], "12:00-12:30, 14:00-14:15", "quoted breaks survive");
});

test("the last page holds the rest, and a page past the end shows the last", () => {
  const last = timelinePage(SHIFTS, { page: 9 });
  assert.equal(last.page, 3);
  assert.deepEqual([last.first, last.last], [51, 60]);
  assert.deepEqual(
    agentsOf(last.csv),
    Array.from({ length: 10 }, (_, i) => `agent-${51 + i}`),
  );
});

test("a skill keeps only the agents who have it; none matching keeps the header", () => {
  const agents = [
    { agent_id: "agent-2", skills: ["voice", "chat"] },
    { agent_id: "agent-40", skills: ["email"] },
  ];
  const chat = timelinePage(SHIFTS, { only: agentsWithSkill(agents, "chat") });
  assert.deepEqual(agentsOf(chat.csv), ["agent-2"]);
  assert.equal(chat.pages, 1);
  const nobody = timelinePage(SHIFTS, { only: agentsWithSkill(agents, "social") });
  assert.equal(nobody.agents, 0);
  assert.deepEqual(parseCsv(nobody.csv), [["agent_id", "channel", "start", "end", "breaks"]]);
  assert.equal(agentsWithSkill(agents, ""), null);
});

test("a channel and a day keep the agents with shifts of that channel starting that day", () => {
  const chat = timelinePage(SHIFTS, { channel: "chat", day: "2026-12-08" });
  assert.equal(chat.agents, 60);
  assert.ok(
    parseCsv(chat.csv)
      .slice(1)
      .every((row) => row[1] === "chat" && row[2].startsWith("2026-12-08")),
  );
  assert.equal(timelinePage(SHIFTS, { channel: "chat", day: "2026-12-07" }).agents, 0);
  assert.equal(timelinePage(SHIFTS, { channel: "email" }).agents, 0);
});

test("a shifts table without agent ids is refused by name", () => {
  assert.throws(() => timelinePage("channel,start\nvoice,x\n"), /no agent_id column/);
});
