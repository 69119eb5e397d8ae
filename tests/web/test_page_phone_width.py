"""At phone width (390 px) no element of the page leaves the viewport: every element's box is
compared with it, not only the page's scroll width (a layout a new manager met clipped)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

pytest.importorskip("playwright.sync_api", reason="the Playwright client is not installed")

from playwright.sync_api import Page, expect

from tests.web.conftest import TeamKey, screenshot, sign_in
from tests.web.test_page import WEEK_START, history_slice, team_with_history

pytestmark = pytest.mark.browser
__all__ = ["history_slice"]  # the module fixture, shared with test_page

PHONE_WIDTH, PHONE_HEIGHT = 390, 844

# Every visible element of the page whose box leaves the viewport, unless it sits inside a
# container that scrolls sideways on purpose (a wide table in its own scroller) or inside a
# chart's SVG (whose own box is checked).
OUTSIDE_THE_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (node) => {
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const found = [];
  for (const node of document.querySelectorAll("body *")) {
    // Plotly measures text in a hidden SVG it parks at -10000 px once a chart is drawn.
    if (node.closest("#js-plotly-tester")) continue;
    const box = node.getBoundingClientRect();
    if (!box.width || !box.height || !node.getClientRects().length) continue;
    const style = getComputedStyle(node);
    if (style.visibility === "hidden" || style.position === "absolute") continue;
    // Inside a chart's SVG only the SVG's own box counts: plotly parks unused shapes at
    // x = -10000 on purpose.
    if (node.tagName.toLowerCase() !== "svg" && node.closest("svg")) continue;
    if (scrolls(node)) continue;
    if (box.left < -1 || box.right > width + 1) {
      const name = node.id ? `#${node.id}` : (typeof node.className === "string"
        ? node.className.split(" ").filter(Boolean).map((c) => `.${c}`).join("") : "");
      found.push(`${node.tagName.toLowerCase()}${name} [${Math.round(box.left)}, `
        + `${Math.round(box.right)}]`);
    }
  }
  return { width, scrollWidth: document.documentElement.scrollWidth, found };
}"""


def test_at_phone_width_no_element_leaves_the_viewport(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history_slice: Path
) -> None:
    team = team_with_history(make_team(), api, history_slice)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    sign_in(page, team)
    page.locator("#forecast-start").fill(WEEK_START)
    page.get_by_role("button", name="Forecast").click()
    expect(page.locator("#forecast-job .job-line")).to_contain_text("done", timeout=120_000)
    expect(page.locator("#forecast-accuracy table")).to_be_visible()
    layout = page.evaluate(OUTSIDE_THE_VIEWPORT)
    screenshot(page, "phone-390")
    assert layout["found"] == [], "\n".join(layout["found"])
    assert layout["scrollWidth"] <= layout["width"]
