/* Figures drawn on the server by api/charts.py (a CSV posted to /app/figures/...), so the page
 * and `staffcast plan` show the same charts; plotly.js only renders the JSON. */

import { call } from "./api.js";
import { clear, el } from "./dom.js";

let plotlyLoading = null;

/* plotly.js (about 5 MB, from the installed plotly package) is loaded on the first chart. */
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = el("script", { src: document.body.dataset.plotly });
      script.addEventListener("load", () => resolve(window.Plotly));
      script.addEventListener("error", () => {
        plotlyLoading = null;
        reject(new Error("could not load the chart library"));
      });
      document.head.append(script);
    });
  }
  return plotlyLoading;
}

export async function drawFigure(path, csv, target) {
  const [figure, Plotly] = await Promise.all([
    call(path, {
      method: "POST",
      body: csv,
      headers: { "Content-Type": "text/csv" },
    }),
    loadPlotly(),
  ]);
  figure.layout.autosize = true;
  delete figure.layout.width;
  figure.layout.modebar = { orientation: "v" }; // clear of the legend at the top right
  await Plotly.react(target, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
  });
  return figure;
}

/* Remove a drawn chart, so an old result never shows under a new request. */
export function forgetChart(target) {
  if (window.Plotly && target.data) window.Plotly.purge(target);
  clear(target);
}
