/* The JSON API under /v1: one `call` that sends the team's key and turns a problem+json
 * answer into an ApiError. */

import { state } from "./state.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The service does not have this route (an older service), as opposed to a missing id. */
  get missingRoute() {
    return (
      (this.status === 404 &&
        this.problem.type === "/problems/not-found" &&
        !/there is no/.test(this.problem.detail || "")) ||
      this.status === 405
    );
  }
}

export async function call(path, { method = "GET", json, body, headers = {}, as = "json" } = {}) {
  const init = { method, headers: { ...headers } };
  if (state.key) init.headers.Authorization = `Bearer ${state.key}`;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return null;
  if (as === "text") return response.text();
  return response.json();
}

/* A result route answers {job, result} (the result null until done) or the result itself. */
export const resultOf = (view) =>
  view && typeof view === "object" && "result" in view && "job" in view ? view.result || {} : view;
