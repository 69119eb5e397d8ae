/* Where a problem+json answer belongs on the page: the lines of a 422 (its `detail` and its
 * `errors`) matched to the field, cell or row they name. Pure: text in, places out. */

/** The problem's lines, each once: the detail first, then the listed errors. */
export function problemLines(problem, message = "") {
  const lines = [message || problem?.detail || problem?.title || "", ...(problem?.errors || [])];
  return lines.filter((line, index) => line && lines.indexOf(line) === index);
}

/** A targets problem names the channel and the field: the domain's "channel 'voice', field
 * `service_level`: ..." or the request's "body.targets.channels.voice.service_level: ...". */
export function targetsPlace(line) {
  const domain = line.match(/channel '([^']+)', field `([^`]+)`/);
  const request = line.match(/channels\.([^.\s:]+)\.([a-z_]+)/);
  const match = domain || request;
  if (!match) return null;
  const message = line
    .replace(/^.*?field `[^`]+`:\s*/, "")
    .replace(/^body\.targets\.channels\.[^:]+:\s*/, "")
    .replace(/^None is missing/, "Missing");
  return { channel: match[1], field: match[2], message };
}

/** A rules problem starts with the setting's path ("shifts.breaks[1].after_hours: ..."; the
 * request's own errors say "body.rules.shifts.breaks.1..."), returned in the first form. */
export function rulesPath(line) {
  const found = (line.match(/^(?:body\.rules\.)?([A-Za-z0-9_.[\]-]+)\s*:/) || [])[1];
  return found ? found.replace(/\.(\d+)(?=\.|$)/g, "[$1]") : null;
}

/** An agents problem as the row and the cells it names: the roster parser's "row 3, column
 * `skills`: ..." and "row 2, columns `min_hours`/`max_hours`: ..." (row 2 is the first
 * agent of a file), or the request's "body.skills: ..." (no row). The fields are the
 * columns named; the roster's table shows the ones it has a cell for.
 *
 * @returns {{row: number|null, fields: string[], message: string}|null}
 */
export function agentPlace(line) {
  const parsed = line.match(/^row (\d+), columns? ((?:`[a-z_]+`\/?)+):\s*(.*)$/s);
  if (parsed) {
    const fields = [...parsed[2].matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    return { row: Number(parsed[1]), fields, message: parsed[3] };
  }
  const request = line.match(/^body\.([a-z_]+)(?:\.\d+)?:\s*(.*)$/s);
  if (request) return { row: null, fields: [request[1]], message: request[2] };
  return null;
}

/** The calendar field a problem names: a quoted subdivision, else the country, or the special
 * days (the country's message also suggests subdivision codes, unquoted). */
export function calendarField(line) {
  if (/^body\.special_days|special day|same date/i.test(line)) return "special_days";
  if (/subdivision '/i.test(line)) return "holiday_subdivision";
  if (/country/i.test(line)) return "holiday_country";
  return null;
}
