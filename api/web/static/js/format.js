/* Pure text helpers: numbers, dates, weekday ranges and CSV. No DOM, so `node --test` runs them. */

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat("en-US", {
  style: "percent",
  maximumFractionDigits: 1,
});

/** A value as the page shows it: "–" for nothing, percentages for shares. */
export function fmt(value, kind) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (kind === "percent") return percent.format(value);
  if (kind === "percent-points") return `${number.format(value)}%`;
  if (typeof value === "number") return number.format(value);
  return String(value);
}

/** A moment as the team reads it: in the team's timezone (not the browser's); a bare date
 * as a date. */
export function when(iso, { dateOnly = false, timeZone = null } = {}) {
  if (!iso) return "–";
  const bare = ISO_DATE.test(iso);
  const date = new Date(bare ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = {
    year: "numeric",
    month: "short",
    day: "numeric",
    weekday: "short",
  };
  if (!(dateOnly || bare))
    Object.assign(options, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  if (bare) options.timeZone = "UTC";
  else if (timeZone) options.timeZone = timeZone;
  try {
    return date.toLocaleString("en-US", options);
  } catch {
    delete options.timeZone;
    return date.toLocaleString("en-US", options);
  }
}

export function isoDate(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The Monday on or after ``from`` (a local Date). */
export function nextMonday(from) {
  const day = new Date(from.getFullYear(), from.getMonth(), from.getDate());
  day.setDate(day.getDate() + ((8 - day.getDay()) % 7));
  return day;
}

/** ``text`` (YYYY-MM-DD) plus ``days`` calendar days. */
export function addDays(text, days) {
  const [y, m, d] = text.split("-").map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}

/** "Mon" … "Sun" of a YYYY-MM-DD date. */
export function weekdayOf(text) {
  const [y, m, d] = text.split("-").map(Number);
  return WEEKDAYS[(new Date(y, m - 1, d).getDay() + 6) % 7];
}

/** Opening hours as the form shows them: one "days window" per line. */
export function hoursText(hours) {
  if (!hours) return "";
  return Object.entries(hours)
    .map(([days, span]) => `${days} ${span}`)
    .join("\n");
}

/** The form's opening hours ("mon-fri 08:00-18:00", one per line or ";"-separated) as the
 * settings' {days: window} table; null when empty. The service's parser checks the words
 * and windows themselves; this only splits the lines and says which one has no shape.
 *
 * @throws {Error} naming the line that is not "days window".
 */
export function parseHours(text) {
  const hours = {};
  for (const raw of text.split(/[\n;]+/)) {
    const line = raw.trim();
    if (!line) continue;
    const match = line.match(/^([a-z,\- ]+?)\s*[ =:]\s*"?(\d{1,2}:\d{2}-\d{1,2}:\d{2}|closed)"?$/i);
    if (!match) throw new Error(`"${line}" is not like "mon-fri 08:00-18:00"`);
    hours[match[1].trim().toLowerCase().replace(/\s+/g, "")] = match[2].toLowerCase();
  }
  return Object.keys(hours).length ? hours : null;
}

/** A list typed in one text field ("voice, chat" or one per line) as its items. */
export function listItems(text) {
  return String(text ?? "")
    .split(/[\n,;|]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** RFC 4180 CSV text as rows of cells (quotes, doubled quotes and newlines inside quotes). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Rows of cells as CSV text, quoting only the cells that need it. */
export function toCsv(rows) {
  const quote = (cell) => {
    const text = String(cell ?? "");
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${rows.map((row) => row.map(quote).join(",")).join("\n")}\n`;
}

/** "agent-2" before "agent-10": the order the timeline draws its rows in. */
export function naturalCompare(a, b) {
  return String(a).localeCompare(String(b), "en", { numeric: true });
}
