/* The timeline's pages: a week of shifts cut to the agents of one page (and of one skill),
 * so a roster of 139 agents is read 25 rows at a time instead of as one 5,000 px chart.
 * Pure: shifts CSV in, the page's CSV out. */

import { naturalCompare, parseCsv, toCsv } from "./format.js";

export const AGENTS_PER_PAGE = 25;

/** The agents whose skills include ``skill`` (all of them for no skill). */
export function agentsWithSkill(agents, skill) {
  if (!skill) return null;
  return new Set(agents.filter((agent) => agent.skills.includes(skill)).map((agent) => agent.agent_id));
}

/** One page of the shifts table.
 *
 * @param {string} shiftsCsv the schedule's shifts.csv (an `agent_id` column)
 * @param {{only?: Set<string>|null, channel?: string, day?: string, page?: number, perPage?: number}} options
 *   ``channel`` keeps its shifts, ``day`` (YYYY-MM-DD) the shifts starting that local day
 *   (``start`` is local time with its offset, so its date is its first ten characters)
 * @returns {{csv: string, page: number, pages: number, agents: number, first: number, last: number}}
 *   the page (clamped to the pages there are), how many agents match, and which of them
 *   (1-based) the page shows; ``csv`` keeps the header even when no agent matches
 */
export function timelinePage(
  shiftsCsv,
  { only = null, channel = "", day = "", page = 1, perPage = AGENTS_PER_PAGE } = {},
) {
  const [header, ...rows] = parseCsv(shiftsCsv).filter((row) => row.length > 1 || row[0] !== "");
  const column = header.indexOf("agent_id");
  if (column < 0) throw new Error("the shifts table has no agent_id column");
  const channelColumn = header.indexOf("channel");
  const startColumn = header.indexOf("start");
  const matching = rows.filter(
    (row) =>
      (!only || only.has(row[column])) &&
      (!channel || row[channelColumn] === channel) &&
      (!day || String(row[startColumn]).slice(0, 10) === day),
  );
  const agents = [...new Set(matching.map((row) => row[column]))].sort(naturalCompare);
  const pages = Math.max(1, Math.ceil(agents.length / perPage));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const shown = new Set(agents.slice((current - 1) * perPage, current * perPage));
  return {
    csv: toCsv([header, ...matching.filter((row) => shown.has(row[column]))]),
    page: current,
    pages,
    agents: agents.length,
    first: agents.length ? (current - 1) * perPage + 1 : 0,
    last: Math.min(current * perPage, agents.length),
  };
}
