/* staffcast page: ES modules over the JSON API under /v1.
 *
 * The API key lives in sessionStorage (this tab only) and goes out as a Bearer token. Each
 * section of the page is one module (history, settings, roster, calendar, forecast,
 * schedule); the pure parts (format, requests, schema, problems, timeline) have unit tests
 * under tests/web/js, run by `node --test`.
 */

import { call } from "./api.js";
import { setupCalendar, showCalendarSettings } from "./calendar.js";
import { $ } from "./dom.js";
import { forecastStart, setupForecast, showForecast } from "./forecast.js";
import { isoDate, nextMonday } from "./format.js";
import { loadHistorySummary, setupUpload } from "./history.js";
import { resumeLatest } from "./jobs.js";
import { loadRoster, setupRoster } from "./roster.js";
import { loadForecastChoices, scheduleStart, setupSchedule, showSchedule } from "./schedule.js";
import { loadSettings, renderTargets, setupSettings } from "./settings.js";
import { KEY_STORAGE, state } from "./state.js";

/* The Monday after the stored history (or the next Monday) in the week fields. */
function setDefaultWeeks(force = false) {
  const monday = nextMonday(state.historyEnd ? new Date(state.historyEnd) : new Date());
  for (const id of ["#forecast-start", "#schedule-start"]) {
    if (force || !$(id).value) $(id).value = isoDate(monday);
  }
}

async function signIn(key) {
  state.key = key;
  const team = await call("/v1/team");
  state.team = team;
  sessionStorage.setItem(KEY_STORAGE, key);
  $("#team-name").textContent = `${team.name} · ${team.timezone}`;
  await Promise.allSettled([loadHistorySummary(), loadSettings(), loadRoster()]);
  setDefaultWeeks();
  await Promise.allSettled([showCalendarSettings(), loadForecastChoices()]);
  /* Shown once filled: a field the manager starts typing in is never overwritten by a late load. */
  $("#sign-in").hidden = true;
  for (const id of ["#signed-in", "#nav", "#who"]) $(id).hidden = false;
  resumeLatest("forecast", { startOf: forecastStart, show: showForecast }); // followed in the background
  resumeLatest("schedule", { startOf: scheduleStart, show: showSchedule });
}

function setupSignIn() {
  $("#sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#api-key");
    const message = $("#api-key-error");
    message.textContent = "";
    input.removeAttribute("aria-invalid");
    const key = input.value.trim();
    try {
      if (!key) throw new Error("Enter your team's API key.");
      await signIn(key);
      input.value = "";
    } catch (error) {
      state.key = null;
      message.textContent = !key
        ? error.message
        : error.status === 401
          ? "This key is not valid or has been revoked."
          : `Could not sign in: ${error.message}`;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  });
  $("#sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    window.location.reload();
  });
}

async function start() {
  setupSignIn();
  setupUpload({
    afterUpload: async () => {
      setDefaultWeeks(true);
      renderTargets();
      await loadForecastChoices();
    },
  });
  setupSettings();
  setupRoster();
  setupCalendar();
  setupForecast({ afterForecast: loadForecastChoices });
  setupSchedule();
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) {
    try {
      await signIn(key);
    } catch {
      sessionStorage.removeItem(KEY_STORAGE);
      state.key = null;
    }
  }
  document.body.dataset.ready = "true";
}

start();
