"""Issue 16's done-when: a manager does the whole week from the page, at laptop and at phone
width, with no console errors.

Signs in, imports a roster CSV and edits one agent, marks a special day, uploads an ACD
interval report (US dates, 12-hour clock, no channel column) through the column mapping,
forecasts, schedules the week with the roster and that forecast, and sees the coverage chart.
At 390 px every element box must stay inside the viewport (or inside a container that
scrolls sideways on purpose), not only the page's scroll width.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest

pytest.importorskip("playwright.sync_api", reason="the Playwright client is not installed")

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.web.conftest import REPO, TeamKey, plotly_traces, screenshot, sign_in
from tests.web.test_page_phone_width import OUTSIDE_THE_VIEWPORT, PHONE_HEIGHT, PHONE_WIDTH

pytestmark = pytest.mark.browser

WEEK_START = "2026-12-07"
SCHEDULE_WAIT_MILLISECONDS = 240_000
AGENTS = 16


@pytest.fixture(scope="module")
def acd_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of the sample's voice queue as an ACD interval report: `"Date","Interval",
    "Offered","Handled","AHT"`, US dates, 12-hour clock, half hours, no channel column."""
    history = pd.read_csv(REPO / "data" / "sample" / "history.csv", parse_dates=["interval_start"])
    first = pd.Timestamp(WEEK_START) - pd.Timedelta(weeks=3)
    voice = history[(history["channel"] == "voice") & (history["interval_start"] >= first)]
    halves = (
        voice.set_index("interval_start")
        .resample("30min")
        .agg({"volume": "sum", "aht_seconds": "mean"})
        .reset_index()
    )
    rows = ['"Date","Interval","Offered","Handled","AHT"']
    for start, volume, aht in zip(
        halves["interval_start"], halves["volume"], halves["aht_seconds"], strict=True
    ):
        handle = "" if volume == 0 or pd.isna(aht) else f"{aht:.0f}"
        clock = start.strftime("%I:%M %p").lstrip("0")
        rows.append(f'"{start:%m/%d/%Y}","{clock}","{volume}","{volume}","{handle}"')
    path = tmp_path_factory.mktemp("acd") / "acd-voice.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def roster_csv(tmp_path: Path) -> Path:
    """A voice team: full-timers and part-timers, one off on Sundays, one on time off."""
    lines = ["agent_id,name,skills,min_hours,max_hours,unavailable,time_off,preferred_start"]
    for number in range(1, AGENTS + 1):
        hours = "30,40" if number <= 12 else "16,24"
        unavailable = "sun" if number == 3 else ""
        time_off = "2026-12-09" if number == 5 else ""
        lines.append(f"v{number},Agent {number},voice,{hours},{unavailable},{time_off},")
    path = tmp_path / "agents.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console messages of type error (a failed request, a script error) while the test runs."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    return errors


def _set_targets_and_rules(page: Page) -> None:
    page.locator("#t-voice-service_level").fill("80")
    page.locator("#t-voice-answer_seconds").fill("20")
    page.locator("#t-voice-max_occupancy").fill("85")
    page.locator("#t-voice-shrinkage").fill("30")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator("#targets-status")).to_have_text("Targets saved.")
    page.get_by_label("Shift lengths (hours, comma-separated)").fill("8, 4")
    page.get_by_label("Start every (minutes)").fill("60")
    page.get_by_label("Days worked").fill("5")
    page.get_by_label("Consecutive days off").fill("2")
    page.get_by_label("Minimum paid hours").fill("16")
    page.get_by_label("Maximum paid hours").fill("40")
    page.get_by_label("Rest between shifts (hours)").fill("11")
    page.get_by_role("button", name="Save rules").click()
    expect(page.locator("#rules-status")).to_have_text("Rules saved.")


def _roster(page: Page, roster: Path) -> None:
    page.get_by_label("Roster CSV").set_input_files(roster)
    page.get_by_role("button", name="Import roster").click()
    expect(page.locator("#roster-status")).to_contain_text(f"{AGENTS} added")
    page.get_by_role("button", name="Edit v2").click()
    page.get_by_label("v2: Time off").fill("2026-12-10/2026-12-11")
    page.get_by_label("v2: Preferred start").fill("09:00")
    page.get_by_role("button", name="Save v2").click()
    expect(page.locator("#roster-status")).to_have_text("Saved v2.")
    expect(page.locator("#roster-table tr[data-agent=v2]")).to_contain_text("2026-12-10/2026-12-11")


def _special_day(page: Page) -> None:
    page.get_by_label("Public holidays of (country code)").fill("US")
    page.get_by_role("button", name="Save holidays").click()
    expect(page.locator("#holidays-status")).to_have_text("Holidays saved.")
    form = page.locator("#special-day-form")
    form.get_by_label("Date", exact=True).fill("2026-12-11")
    form.get_by_label("Name", exact=True).fill("Winter sale")
    form.get_by_label("Volume multiplier").fill("1.3")
    page.get_by_role("button", name="Mark the day").click()
    expect(page.locator("#calendar-table tr", has_text="2026-12-11")).to_contain_text("Winter sale")


def _upload_through_the_mapping(page: Page, report: Path) -> None:
    page.get_by_label("CSV file").set_input_files(report)
    mapping = page.locator("#mapping")
    mapping.locator("summary").click()
    expect(page.locator("#mapping-columns")).to_contain_text(
        "Date, Interval, Offered, Handled, AHT"
    )
    mapping.get_by_label("Date", exact=True).select_option("Date")
    mapping.get_by_label("Time of day").select_option("Interval")
    mapping.get_by_label("Or one channel for the whole file").fill("voice")
    mapping.get_by_label("Dates are written").select_option("us")
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#upload-result")
    expect(result).to_contain_text("Accepted: acd-voice.csv")
    expect(result).to_contain_text("interval report")
    expect(result).to_contain_text("channel: voice")
    expect(page.locator("#history-summary table tbody tr")).to_have_count(1)


def _forecast_and_schedule(page: Page) -> None:
    page.locator("#forecast-start").fill(WEEK_START)
    page.get_by_role("button", name="Forecast").click()
    expect(page.locator("#forecast-job .job-line")).to_contain_text("done", timeout=120_000)
    choice = page.locator("#schedule-form").get_by_label("Forecast", exact=True)
    expect(choice.locator("option")).to_have_count(2)
    choice.select_option(index=1)
    page.get_by_label("Staff with").select_option("roster")
    page.get_by_label("Optimizer time limit (seconds)").fill("10")
    page.get_by_role("button", name="Request schedule").click()
    expect(page.locator("#schedule-job .job-line")).to_contain_text(
        "done", timeout=SCHEDULE_WAIT_MILLISECONDS
    )
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH], ids=["laptop", "phone"])
def test_a_manager_plans_the_whole_week_from_the_page(
    page: Page,
    make_team: Callable[..., TeamKey],
    api: httpx.Client,
    acd_report: Path,
    roster_csv: Path,
    console_errors: list[str],
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": PHONE_HEIGHT if width < 600 else 800})
    team = make_team()
    sign_in(page, team)
    _set_targets_and_rules(page)
    _roster(page, roster_csv)
    _special_day(page)
    _upload_through_the_mapping(page, acd_report)
    _forecast_and_schedule(page)

    forecasts = api.get("/v1/forecasts", headers=team.headers).json()
    schedules = api.get("/v1/schedules", headers=team.headers).json()
    assert schedules[0]["request"]["forecast_id"] == forecasts[0]["id"]
    assert schedules[0]["request"].get("use_agents", True) is True
    traces = plotly_traces(page, "#coverage-chart")
    assert {("voice", "required"), ("voice", "scheduled")} <= {
        (trace["meta"].get("channel"), trace["meta"].get("series")) for trace in traces
    }
    shifts = api.get(f"/v1/schedules/{schedules[0]['id']}/shifts.csv", headers=team.headers)
    agents = set(pd.read_csv(io.StringIO(shifts.text))["agent_id"])
    assert agents <= {f"v{number}" for number in range(1, AGENTS + 1)}, agents

    layout = page.evaluate(OUTSIDE_THE_VIEWPORT)
    screenshot(page, f"manager-week-{width}")
    assert layout["found"] == [], "\n".join(layout["found"])
    assert layout["scrollWidth"] <= layout["width"]
    assert console_errors == []
