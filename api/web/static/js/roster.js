/* The roster: list the agents, add one, import agents.csv, edit one agent in place (skills,
 * contract hours, unavailability, time off, preferred start) or delete it. A 422 from the
 * service is shown in the cell it names. */

import { call } from "./api.js";
import { $, clear, clearFieldErrors, el, fieldError, problemBlock, setStatus } from "./dom.js";
import { fmt, naturalCompare } from "./format.js";
import { agentPlace, problemLines } from "./problems.js";
import { agentBody } from "./requests.js";
import { state } from "./state.js";

const COLUMNS = [
  ["agent_id", "Id"],
  ["name", "Name"],
  ["skills", "Skills"],
  ["min_hours", "Min. hours"],
  ["max_hours", "Max. hours"],
  ["unavailable", "Unavailable"],
  ["time_off", "Time off"],
  ["preferred_start", "Preferred start"],
];
const HINTS = {
  agent_id: "e.g. a-17",
  skills: "voice, chat",
  unavailable: "sun; mon-fri 00:00-07:00",
  time_off: "2026-12-24/2026-12-26",
  preferred_start: "08:00",
};

const cellText = (agent, name) =>
  Array.isArray(agent[name]) ? agent[name].join("; ") : agent[name] == null ? "" : String(agent[name]);

export async function loadRoster() {
  try {
    state.agents = (await call("/v1/agents")).sort((a, b) => naturalCompare(a.agent_id, b.agent_id));
    renderRoster();
  } catch (error) {
    clear($("#roster-table")).append(problemBlock(error, "The roster"));
  }
}

function renderRoster() {
  const count = state.agents.length;
  $("#roster-count").textContent = count
    ? `${count} agent(s).`
    : "No agents yet: schedules use open positions until you add some.";
  const rows = state.agents.map((agent) =>
    el(
      "tr",
      { "data-agent": agent.agent_id },
      COLUMNS.map(([name], i) =>
        i === 0
          ? el("th", { scope: "row", text: agent.agent_id })
          : el("td", {
              class: /hours/.test(name) ? "num" : null,
              text: name.endsWith("hours") ? fmt(agent[name] ?? null) : cellText(agent, name),
            }),
      ),
      el(
        "td",
        { class: "actions" },
        el("button", {
          type: "button",
          class: "link",
          "data-action": "edit",
          text: "Edit",
          "aria-label": `Edit ${agent.agent_id}`,
        }),
        " ",
        el("button", {
          type: "button",
          class: "link",
          "data-action": "delete",
          text: "Delete",
          "aria-label": `Delete ${agent.agent_id}`,
        }),
      ),
    ),
  );
  clear($("#roster-table")).append(
    el(
      "table",
      { class: "data roster" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          COLUMNS.map(([, label]) => el("th", { scope: "col", text: label })),
          el("th", { scope: "col", text: "Actions" }),
        ),
      ),
      el("tbody", {}, rows),
    ),
  );
}

/** A row of inputs for ``agent`` (a new agent when null), one error line under each. */
function editorRow(agent) {
  const key = agent ? agent.agent_id : "new agent";
  const cells = COLUMNS.map(([name, label]) => {
    if (agent && name === "agent_id") return el("th", { scope: "row", text: agent.agent_id });
    const id = `agent-${agent ? agent.agent_id.replace(/[^A-Za-z0-9_-]/g, "_") : "new"}-${name}`;
    return el(
      "td",
      {},
      el("input", {
        id,
        name,
        type: "text",
        value: agent ? cellText(agent, name) : "",
        placeholder: HINTS[name] || "",
        spellcheck: "false",
        "aria-label": `${key}: ${label}`,
        "aria-describedby": `${id}-error`,
      }),
      el("p", { class: "field-error", id: `${id}-error`, role: "alert" }),
    );
  });
  return el(
    "tr",
    { class: "editing", "data-agent": agent ? agent.agent_id : "" },
    cells,
    el(
      "td",
      { class: "actions" },
      el("button", {
        type: "button",
        "data-action": "save",
        text: "Save",
        "aria-label": `Save ${key}`,
      }),
      " ",
      el("button", {
        type: "button",
        class: "secondary",
        "data-action": "cancel",
        text: "Cancel",
      }),
    ),
  );
}

function rowFields(row) {
  return Object.fromEntries([...row.querySelectorAll("input")].map((input) => [input.name, input.value]));
}

/** Show each problem in the cell it names; what names no cell goes to the roster's status. */
function placeAgentProblems(row, lines) {
  const left = [];
  for (const line of lines) {
    const place = agentPlace(line);
    const inputs = place ? place.fields.map((field) => row.querySelector(`input[name=${field}]`)).filter(Boolean) : [];
    if (!inputs.length) left.push(line);
    for (const input of inputs) fieldError(input, place.message);
  }
  row.querySelector("[aria-invalid=true]")?.focus();
  return left;
}

async function saveRow(row) {
  const status = $("#roster-status");
  const isNew = !row.dataset.agent;
  clearFieldErrors(row);
  const checked = agentBody(rowFields(row), { isNew });
  if (checked.problems) {
    placeAgentProblems(
      row,
      Object.entries(checked.problems).map(([field, message]) => `body.${field}: ${message}`),
    );
    setStatus(status, "Fix the marked cells.", false);
    return;
  }
  try {
    const path = isNew ? "/v1/agents" : `/v1/agents/${encodeURIComponent(row.dataset.agent)}`;
    const saved = await call(path, {
      method: isNew ? "POST" : "PUT",
      json: checked.body,
    });
    setStatus(status, `Saved ${saved.agent_id}.`);
    await loadRoster();
  } catch (error) {
    const left = placeAgentProblems(row, problemLines(error.problem, error.message));
    setStatus(status, `Not saved: ${left.length ? left.join(" · ") : "fix the marked cells."}`, false);
  }
}

async function deleteAgent(agentId) {
  const status = $("#roster-status");
  try {
    await call(`/v1/agents/${encodeURIComponent(agentId)}`, {
      method: "DELETE",
    });
    setStatus(status, `Deleted ${agentId}.`);
    await loadRoster();
  } catch (error) {
    setStatus(status, `Not deleted: ${error.message}`, false);
  }
}

/** An import's problems as a table of row, column and message. */
function importProblems(error) {
  const places = problemLines(error.problem, error.message).map((line) => ({
    line,
    place: agentPlace(line),
  }));
  const rows = places.filter(({ place }) => place?.row);
  const box = problemBlock(error, "Importing the roster");
  if (rows.length) {
    box.append(
      el(
        "table",
        { class: "data roster-problems" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["Row", "Column", "Problem"].map((h) => el("th", { scope: "col", text: h })),
          ),
        ),
        el(
          "tbody",
          {},
          rows.map(({ place }) =>
            el(
              "tr",
              {},
              el("td", { class: "num", text: String(place.row) }),
              el("td", { text: place.fields.join(", ") }),
              el("td", { text: place.message }),
            ),
          ),
        ),
      ),
    );
  }
  return box;
}

function setupImport() {
  $("#roster-import").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("#roster-file");
    const result = clear($("#roster-import-result"));
    clearFieldErrors(event.target);
    if (!input.files.length) {
      fieldError(input, "Choose the roster CSV (agent_id, skills, …).");
      input.focus();
      return;
    }
    const data = new FormData();
    data.append("file", input.files[0]);
    if ($("#roster-replace").checked) data.append("replace", "true");
    try {
      const changed = await call("/v1/agents/upload", {
        method: "POST",
        body: data,
      });
      setStatus(
        $("#roster-status"),
        `Imported: ${changed.added} added, ${changed.updated} updated, ${changed.removed} removed; ${changed.agents} agent(s) in the roster.`,
      );
      await loadRoster();
    } catch (error) {
      setStatus($("#roster-status"), "Not imported: the roster is unchanged.", false);
      result.append(importProblems(error));
    }
  });
}

export function setupRoster() {
  setupImport();
  $("#add-agent").addEventListener("click", () => {
    const body = $("#roster-table tbody");
    if (!body) return;
    body.querySelector("tr.editing:not([data-agent])")?.remove();
    const row = editorRow(null);
    body.prepend(row);
    row.querySelector("input").focus();
  });
  $("#roster-table").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const row = button.closest("tr");
    const agent = state.agents.find((one) => one.agent_id === row.dataset.agent);
    const action = button.dataset.action;
    if (action === "edit" && agent) {
      const editor = editorRow(agent);
      row.replaceWith(editor);
      editor.querySelector("input").focus();
    } else if (action === "cancel") {
      renderRoster();
    } else if (action === "save") {
      await saveRow(row);
    } else if (action === "delete" && agent && window.confirm(`Delete ${agent.agent_id} from the roster?`)) {
      await deleteAgent(agent.agent_id);
    }
  });
}
