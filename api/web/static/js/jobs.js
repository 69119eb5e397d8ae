/* Forecast, schedule and simulation jobs: submit, follow with progress, cancel. */

import { call } from "./api.js";
import { clear, el, problemBlock } from "./dom.js";
import { fmt } from "./format.js";

const POLL_MILLISECONDS = 700;
export const FINISHED = new Set(["done", "failed", "cancelled"]);
const WHAT = {
  forecast: "Forecasting",
  schedule: "Scheduling",
  simulation: "The simulation",
};

export function jobLine(job) {
  const p = job.progress || {};
  const parts = [`Job ${job.id}: ${job.status}`];
  if (job.status === "running") {
    if (p.stage) parts.push(p.stage);
    if (p.message) parts.push(p.message);
    if (p.elapsed_seconds != null) parts.push(`${fmt(p.elapsed_seconds)} s`);
    if (p.solutions != null) parts.push(`${p.solutions} schedule(s) found`);
    if (p.gap_percent != null) parts.push(`within ${fmt(p.gap_percent)}% of the bound`);
  }
  return parts.join(" · ");
}

export function renderJob(box, job, onCancel) {
  clear(box);
  box.append(el("p", { class: `job-line job-${job.status}`, text: jobLine(job) }));
  const fraction = job.progress?.fraction;
  if (job.status === "running" || job.status === "queued") {
    box.append(
      el("progress", {
        max: "1",
        value: fraction ?? false,
        "aria-label": "Progress",
      }),
    );
    const cancel = el("button", {
      type: "button",
      class: "secondary",
      text: job.cancel_requested ? "Cancelling…" : "Cancel",
    });
    cancel.disabled = job.cancel_requested;
    cancel.addEventListener("click", onCancel);
    box.append(cancel);
  }
  if (job.status === "failed" || job.status === "cancelled") {
    box.append(
      el("pre", {
        class: "reason",
        role: "alert",
        text: job.reason || job.status,
      }),
    );
  }
}

export async function followJob(box, job) {
  let current = job;
  const cancel = async () => {
    try {
      current = await call(`/v1/jobs/${current.id}/cancel`, { method: "POST" });
      renderJob(box, current, cancel);
    } catch (error) {
      box.append(problemBlock(error, "Cancelling"));
    }
  };
  renderJob(box, current, cancel);
  while (!FINISHED.has(current.status)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MILLISECONDS));
    try {
      current = await call(`/v1/jobs/${current.id}`);
    } catch (error) {
      box.append(problemBlock(error, "The job status"));
      return null;
    }
    renderJob(box, current, cancel);
  }
  return current.status === "done" ? current : null;
}

export async function runJob(kind, box, submit) {
  clear(box).append(el("p", { class: "job-line", text: `Submitting the ${kind}…` }));
  let job;
  try {
    job = await submit();
  } catch (error) {
    clear(box).append(problemBlock(error, WHAT[kind]));
    return null;
  }
  return followJob(box, job);
}

/** The newest job of ``kind``, followed if it still runs, and shown once done. */
export async function resumeLatest(kind, { startOf, show }) {
  let jobs;
  try {
    jobs = await call(`/v1/jobs?kind=${kind}&limit=1`);
  } catch {
    return;
  }
  if (!jobs.length) return;
  const job = jobs[0];
  const box = document.getElementById(`${kind}-job`);
  const start = startOf(job.request);
  if (start) document.getElementById(`${kind}-start`).value = start;
  if (FINISHED.has(job.status)) {
    renderJob(box, job, () => {});
    if (job.status === "done") await show(job);
    return;
  }
  const done = await followJob(box, job);
  if (done) await show(done);
}
