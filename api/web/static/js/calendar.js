/* Holidays and special days: the country and subdivision, the calendar the forecast will use
 * in the coming weeks, and the team's own days with their kinds and multipliers. */

import { call } from "./api.js";
import { $, clear, clearFieldErrors, el, fieldError, problemBlock, setStatus } from "./dom.js";
import { fmt, isoDate, nextMonday } from "./format.js";
import { calendarField, problemLines } from "./problems.js";
import { specialDay, withSpecialDay } from "./requests.js";
import { state } from "./state.js";

const CALENDAR_DAYS = 56;
const KIND_WORDS = {
  holiday: "holiday",
  eve: "eve",
  day_after: "day after",
  event: "event",
  closed: "closed",
};

export async function loadCalendar() {
  const box = $("#calendar-days");
  const start = $("#calendar-start").value || isoDate(nextMonday(new Date()));
  $("#calendar-start").value = start;
  try {
    const days = await call(`/v1/calendar?start=${start}&days=${CALENDAR_DAYS}`);
    clear(box).append(
      days.length
        ? el(
            "table",
            { class: "data", id: "calendar-table" },
            el("caption", {
              text: `Days the forecast treats as special in the ${CALENDAR_DAYS / 7} weeks from ${start}`,
            }),
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                ["Date", "Day", "Name", "Treated as", "From", "Volume"].map((h) => el("th", { scope: "col", text: h })),
              ),
            ),
            el(
              "tbody",
              {},
              days.map((day) =>
                el(
                  "tr",
                  {},
                  [
                    day.date,
                    day.weekday,
                    day.name,
                    KIND_WORDS[day.kind] || day.kind,
                    day.source === "team" ? "your special days" : "public holidays",
                  ].map((text) => el("td", { text })),
                  el("td", {
                    class: "num",
                    text: day.multiplier === null ? "learned" : `× ${fmt(day.multiplier)}`,
                  }),
                ),
              ),
            ),
          )
        : el("p", {
            class: "muted",
            text: `No holiday or special day in the ${CALENDAR_DAYS / 7} weeks from ${start}: set the country or mark days below.`,
          }),
    );
  } catch (error) {
    clear(box).append(problemBlock(error, "The calendar"));
  }
}

function renderSpecialDays() {
  const days = state.settings?.special_days || [];
  $("#holiday-country").value = state.settings?.holiday_country || "";
  $("#holiday-subdivision").value = state.settings?.holiday_subdivision || "";
  const box = clear($("#special-days"));
  if (!days.length) {
    box.append(el("p", { class: "muted", text: "No special days marked." }));
    return;
  }
  box.append(
    el(
      "table",
      { class: "data", id: "special-days-table" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["Date", "Name", "Kind", "Volume", ""].map((h) => el("th", { scope: "col", text: h })),
        ),
      ),
      el(
        "tbody",
        {},
        days.map((day) =>
          el(
            "tr",
            { "data-date": day.date },
            el("td", { text: day.date }),
            el("td", { text: day.name }),
            el("td", { text: day.kind }),
            el("td", {
              class: "num",
              text: day.multiplier == null ? (day.kind === "closed" ? "0" : "learned") : `× ${fmt(day.multiplier)}`,
            }),
            el(
              "td",
              {},
              el("button", {
                type: "button",
                class: "link",
                "data-date": day.date,
                text: "Remove",
                "aria-label": `Remove ${day.date}`,
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** PATCH part of the calendar settings; the 422 lands on the field it names. */
async function saveCalendar(change, form, status, saved) {
  try {
    state.settings = await call("/v1/settings", {
      method: "PATCH",
      json: change,
    });
    setStatus(status, saved);
    renderSpecialDays();
    await loadCalendar();
  } catch (error) {
    setStatus(status, "Not saved.", false);
    const left = [];
    for (const line of problemLines(error.problem, error.message)) {
      const field = calendarField(line);
      const input = field === "special_days" ? $("#special-date") : field && form.querySelector(`[name=${field}]`);
      if (input && form.contains(input)) fieldError(input, line);
      else left.push(line);
    }
    if (left.length) form.querySelector(".form-error").textContent = left.join(" · ");
  }
}

export function setupCalendar() {
  $("#calendar-start").addEventListener("change", loadCalendar);
  $("#holidays-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(event.target);
    const change = {
      holiday_country: $("#holiday-country").value.trim() || null,
      holiday_subdivision: $("#holiday-subdivision").value.trim() || null,
    };
    await saveCalendar(change, event.target, $("#holidays-status"), "Holidays saved.");
  });
  $("#special-day-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    clearFieldErrors(form);
    const fields = Object.fromEntries(
      ["date", "name", "kind", "multiplier"].map((name) => [name, form.querySelector(`[name=${name}]`).value]),
    );
    const checked = specialDay(fields);
    if (checked.problems) {
      for (const [name, message] of Object.entries(checked.problems))
        fieldError(form.querySelector(`[name=${name}]`), message);
      setStatus($("#special-status"), "Fix the marked fields.", false);
      return;
    }
    const days = withSpecialDay(state.settings?.special_days || [], checked.day);
    await saveCalendar({ special_days: days }, form, $("#special-status"), `Marked ${checked.day.date}.`);
  });
  $("#special-days").addEventListener("click", async (event) => {
    const date = event.target.closest("button[data-date]")?.dataset.date;
    if (!date) return;
    const days = (state.settings?.special_days || []).filter((day) => day.date !== date);
    await saveCalendar({ special_days: days }, $("#special-day-form"), $("#special-status"), `Removed ${date}.`);
  });
}

export function showCalendarSettings() {
  renderSpecialDays();
  return loadCalendar();
}
