/* Building and marking up the page: elements, field messages and problem boxes. */

import { ApiError } from "./api.js";
import { problemLines } from "./problems.js";

export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function clearFieldErrors(form) {
  for (const p of form.querySelectorAll(".field-error, .form-error")) p.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

/** Show ``message`` under ``input`` (its aria-describedby holder, else the field's). */
export function fieldError(input, message) {
  const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id.endsWith("error"));
  const holder = ids.length ? document.getElementById(ids[0]) : input.parentElement.querySelector(".field-error");
  if (holder) holder.textContent = message;
  input.setAttribute("aria-invalid", "true");
}

/** Whether ``input`` has a value; if not, says ``message`` under it and focuses it. */
export function required(input, message) {
  if (input.value) return true;
  fieldError(input, message);
  input.focus();
  return false;
}

/** A status line under a form: green when ``ok``, red otherwise. */
export function setStatus(node, text, ok = true) {
  node.textContent = text;
  node.classList.toggle("status-error", !ok);
}

/** A problem+json answer as a box: its title once, its detail, its row-level errors. */
export function problemBlock(error, what) {
  const box = el("div", { class: "problem", role: "alert" });
  if (error instanceof ApiError && error.missingRoute) {
    box.append(el("p", { text: `${what} is not available on this service yet.` }));
    return box;
  }
  const title = error.problem?.title || "Something went wrong";
  const detail = error.message || "";
  /* A detail that begins with the title says it again: show it once, as the heading. */
  if (detail.toLowerCase().startsWith(title.toLowerCase())) {
    box.append(
      el("p", {
        class: "problem-title",
        text: detail.charAt(0).toUpperCase() + detail.slice(1),
      }),
    );
  } else {
    box.append(el("p", { class: "problem-title", text: title }));
    if (detail && detail !== title) box.append(el("p", { text: detail }));
  }
  const lines = problemLines(error.problem).filter((line) => line !== detail);
  if (lines.length)
    box.append(
      el(
        "ul",
        { class: "problem-errors" },
        lines.map((line) => el("li", { text: line })),
      ),
    );
  return box;
}

export function downloadLink(text, filename, label) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  return el("a", {
    href: url,
    download: filename,
    class: "button",
    text: label,
  });
}
