"""The manager's page in headless Chromium against the real service.

Each test signs in as its own team. Steps that need a ``/v1`` route the service does not have
yet are skipped with the route's name (see :func:`needs_routes`), never faked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

pytest.importorskip("playwright.sync_api", reason="the Playwright client is not installed")

from playwright.sync_api import Page, expect

from tests.web.conftest import (
    REPO,
    TeamKey,
    needs_routes,
    plotly_traces,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

SAMPLE_HISTORY = REPO / "data" / "sample" / "history.csv"
SAMPLE_TARGETS = {
    "channels": {
        "voice": {
            "service_level": 0.8,
            "answer_seconds": 20,
            "max_occupancy": 0.85,
            "shrinkage": 0.3,
        },
        "chat": {"service_level": 0.8, "answer_seconds": 60, "concurrency": 2, "shrinkage": 0.3},
        "email": {"response_share": 0.9, "response_hours": 4, "shrinkage": 0.3},
    }
}
RULES = {
    "shifts": {
        "lengths_hours": [8],
        "start_step_minutes": 60,
        "breaks": [{"minutes": 30, "after_hours": [3.5, 5.0], "paid": False}],
    },
    "week": {
        "days_per_agent": 5,
        "consecutive_days_off": 2,
        "min_hours": 30,
        "max_hours": 40,
        "min_rest_hours": 11,
    },
}
WEEK_START = "2026-12-07"  # the Monday after the sample history ends
SCHEDULE_WAIT_MILLISECONDS = 180_000


@pytest.fixture(scope="module")
def history_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The last three weeks of the sample history, as a smaller canonical CSV (fast)."""
    history = pd.read_csv(SAMPLE_HISTORY, dtype=str, keep_default_na=False)
    first = pd.Timestamp(WEEK_START) - pd.Timedelta(weeks=3)
    kept = history[pd.to_datetime(history["interval_start"]) >= first]
    path = tmp_path_factory.mktemp("history") / "history-slice.csv"
    kept.to_csv(path, index=False)
    return path


def team_with_history(team: TeamKey, api: httpx.Client, history: Path) -> TeamKey:
    """``team`` after uploading ``history`` through the API (for tests that drive later
    steps)."""
    upload = api.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("history.csv", history.read_bytes(), "text/csv")},
    )
    assert upload.status_code == 201, upload.text
    return team


def without_nulls(document: Any) -> Any:
    """``document`` without the fields the API reports as null (not set)."""
    if isinstance(document, dict):
        return {key: without_nulls(value) for key, value in document.items() if value is not None}
    if isinstance(document, list):
        return [without_nulls(item) for item in document]
    return document


def test_a_wrong_key_is_refused_next_to_the_field_and_the_right_one_signs_in(
    page: Page, make_team: Callable[..., TeamKey]
) -> None:
    team = make_team()
    screenshot(page, "01-sign-in")
    page.get_by_label("API key").fill("sc_notakey_000")
    page.get_by_label("API key").press("Enter")
    expect(page.locator("#api-key-error")).to_have_text(re.compile("not valid"))
    expect(page.get_by_label("API key")).to_have_attribute("aria-invalid", "true")
    sign_in(page, team)
    expect(page.locator("#team-name")).to_contain_text(team.name)
    expect(page.locator("#sign-in")).to_be_hidden()
    page.reload()  # the key is kept for the tab
    page.wait_for_selector("#signed-in:not([hidden])")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("#sign-in:not([hidden])")


def test_targets_show_validation_messages_next_to_the_field_and_save(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client
) -> None:
    team = make_team()
    sign_in(page, team)
    service_level = page.locator("#t-voice-service_level")
    service_level.fill("150")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator("#t-voice-service_level-error")).to_contain_text("between 0 and 100")
    # Caught by the server's targets parser, shown by the field it names.
    service_level.fill("80")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator("#t-voice-answer_seconds-error")).to_contain_text("answer_seconds")
    expect(page.locator("#targets-status")).to_have_text("Not saved.")
    screenshot(page, "03a-targets-field-message", "#targets-form")
    page.locator("#t-voice-answer_seconds").fill("20")
    page.locator("#t-voice-shrinkage").fill("30")
    page.locator("#t-email-response_share").fill("90")
    page.locator("#t-email-response_hours").fill("4")
    page.locator("#t-email-hours").fill("mon-fri 08:00-20:00")
    page.locator("#t-chat-service_level").fill("80")
    page.locator("#t-chat-answer_seconds").fill("60")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator("#targets-status")).to_have_text("Targets saved.")
    stored = without_nulls(api.get("/v1/settings", headers=team.headers).json()["targets"])[
        "channels"
    ]
    assert stored["voice"] == {"service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.3}
    assert stored["email"]["hours"] == {"mon-fri": "08:00-20:00"}

    page.locator("#rule-lengths").fill("8, nine")
    page.get_by_role("button", name="Save rules").click()
    expect(page.locator("#rule-lengths")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#rules-form .field-error").first).to_contain_text("separated by commas")
    page.locator("#rule-lengths").fill("8, 9")
    page.locator("#rule-step").fill("30")
    page.get_by_role("button", name="Add a break").click()
    page.get_by_label("Break 1: minutes").fill("30")
    page.get_by_label("Break 1: earliest start, hours after shift start").fill("3.5")
    page.get_by_label("Break 1: latest start, hours after shift start").fill("5")
    page.locator("#rule-days").fill("5")
    page.locator("#rule-hours-voice").fill("mon-fri 07:00-22:00\nsat-sun 09:00-17:00")
    page.get_by_label("Most paid hours in the week").fill("2400")
    page.get_by_role("button", name="Save rules").click()
    expect(page.locator("#rules-status")).to_have_text("Rules saved.")
    rules = without_nulls(api.get("/v1/settings", headers=team.headers).json()["rules"])
    assert rules["budget"] == {"max_paid_hours": 2400}
    assert rules["shifts"] == {
        "lengths_hours": [8, 9],
        "start_step_minutes": 30,
        "breaks": [{"minutes": 30, "after_hours": [3.5, 5], "paid": False}],
    }
    assert rules["week"] == {"days_per_agent": 5}
    assert rules["hours"] == {"voice": {"mon-fri": "07:00-22:00", "sat-sun": "09:00-17:00"}}
    screenshot(page, "03-targets-and-rules", "#settings")


@needs_routes("POST /v1/history")
def test_an_uploaded_history_shows_what_was_understood(
    page: Page, make_team: Callable[..., TeamKey], history_slice: Path
) -> None:
    team = make_team()
    sign_in(page, team)
    page.get_by_label("CSV file").set_input_files(history_slice)
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#upload-result")
    expect(result).to_contain_text("Accepted: history-slice.csv", timeout=60_000)
    expect(result).to_contain_text("chat, email, voice")
    expect(result).to_contain_text("15 minutes")
    expect(result.locator("dl")).to_contain_text("Intervals added / replaced")
    expect(page.locator("#history-summary table tbody tr")).to_have_count(3)
    expect(page.locator("#schedule-start")).to_have_value(WEEK_START)
    screenshot(page, "02-history-upload", "#history")


@needs_routes("POST /v1/history")
def test_a_malformed_history_is_rejected_with_its_row_errors(
    page: Page, make_team: Callable[..., TeamKey], tmp_path: Path
) -> None:
    team = make_team()
    sign_in(page, team)
    bad = tmp_path / "broken.csv"
    bad.write_text(
        "interval_start,channel,volume,aht_seconds\n"
        "2026-11-30T09:00,voice,12,300\n"
        "2026-11-30T09:15,voice,-3,300\n"
        "2026-11-30T09:30,voice,lots,300\n"
    )
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Upload").click()
    errors = page.locator("#upload-result .problem-errors li")
    expect(errors.first).to_be_visible()
    text = " ".join(errors.all_inner_texts())
    assert "row 3" in text
    assert "row 4" in text
    expect(page.locator("#upload-status")).to_contain_text("nothing was stored")
    expect(page.locator("#history-summary")).to_contain_text("Nothing stored yet")
    screenshot(page, "02b-history-rejected", "#history")


def _without_handle_time(history: Path, folder: Path) -> Path:
    frame = pd.read_csv(history, dtype=str, keep_default_na=False)
    path = folder / "no-aht.csv"
    frame.drop(columns="aht_seconds").to_csv(path, index=False)
    return path


def test_a_history_without_handle_time_forecasts_with_the_default_aht_field(
    page: Page,
    make_team: Callable[..., TeamKey],
    api: httpx.Client,
    history_slice: Path,
    tmp_path: Path,
) -> None:
    team = team_with_history(make_team(), api, _without_handle_time(history_slice, tmp_path))
    sign_in(page, team)
    page.locator("#forecast-start").fill(WEEK_START)
    page.get_by_label("Handle time when the history has none (seconds)").fill("380")
    page.get_by_role("button", name="Forecast").click()
    expect(page.locator("#forecast-job .job-line")).to_contain_text("done", timeout=120_000)
    jobs = api.get("/v1/forecasts", headers=team.headers).json()
    latest = jobs[0] if isinstance(jobs, list) else jobs["items"][0]
    assert latest["request"]["default_aht_seconds"] == 380


def test_a_rejected_upload_says_it_was_rejected_once(
    page: Page, make_team: Callable[..., TeamKey], tmp_path: Path
) -> None:
    sign_in(page, make_team())
    bad = tmp_path / "broken.csv"
    bad.write_text("interval_start,channel,volume\n2026-11-30T09:00,voice,-3\n")
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-result .problem-errors li").first).to_be_visible()
    shown = page.locator("#history").inner_text().lower()
    assert shown.count("rejected") == 1, shown
    expect(page.locator("#upload-status")).to_contain_text("nothing was stored")


def test_the_coverage_chart_draws_required_scheduled_shortfall_and_service_level(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client
) -> None:
    """The chart pipeline of the schedule view (CSV -> /app/figures -> plotly) on a coverage
    table given here, so it is checked even before the schedule routes exist."""
    team = make_team()
    api.patch("/v1/settings", headers=team.headers, json={"targets": SAMPLE_TARGETS})
    sign_in(page, team)
    rows = ["interval_start,channel,required,scheduled,shortfall,projected_service_level"]
    for hour in range(8, 12):
        for channel, short in (("voice", hour == 10), ("chat", False)):
            scheduled = 4 if short else 6
            level = 0.62 if short else 0.86
            rows.append(
                f"2026-12-07T{hour:02d}:00:00-05:00,{channel},6,{scheduled},{6 - scheduled},{level}"
            )
    page.evaluate(
        "async ([csv]) => { document.getElementById('schedule-result').hidden = false;"
        " const chart = document.getElementById('coverage-chart');"
        " const { drawFigure } = await import('/app/static/js/charts.js');"
        " await drawFigure('/app/figures/coverage', csv, chart); }",
        ["\n".join(rows) + "\n"],
    )
    traces = plotly_traces(page, "#coverage-chart")
    series = {(trace["meta"]["channel"], trace["meta"]["series"]) for trace in traces}
    assert {("voice", "required"), ("voice", "scheduled"), ("voice", "shortfall")} <= series
    assert {("voice", "service_level"), ("voice", "target"), ("chat", "target")} <= series
    shortfall = {
        t["meta"]["channel"]: t["points"] for t in traces if t["meta"]["series"] == "shortfall"
    }
    assert shortfall == {"voice": 1, "chat": 0}
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()
    screenshot(page, "04-coverage-chart", "#coverage-chart")


def open_schedule_form(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history: Path
) -> None:
    """A new team with history, targets and rules signs in and picks the week to schedule."""
    team = team_with_history(make_team(), api, history)
    settings = api.patch(
        "/v1/settings", headers=team.headers, json={"targets": SAMPLE_TARGETS, "rules": RULES}
    )
    assert settings.status_code == 200, settings.text
    sign_in(page, team)
    page.locator("#schedule-start").fill(WEEK_START)


def request_schedule(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history: Path
) -> None:
    """A new team with history, targets and rules asks the page for the week's schedule."""
    open_schedule_form(page, make_team, api, history)
    page.get_by_label("Optimizer time limit (seconds)").fill("10")
    page.get_by_role("button", name="Request schedule").click()


@needs_routes("POST /v1/history", "POST /v1/schedules")
def test_the_schedule_form_asks_for_open_positions_and_the_upper_band_when_chosen(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history_slice: Path
) -> None:
    open_schedule_form(page, make_team, api, history_slice)
    page.get_by_label("Staff with").select_option("open")
    page.get_by_label("Staff for the forecast's upper band (safer)").check()
    with page.expect_request(
        lambda r: r.url.endswith("/v1/schedules") and r.method == "POST"
    ) as sent:
        page.get_by_role("button", name="Request schedule").click()
    assert sent.value.post_data_json == {
        "week_start": WEEK_START,
        "use_agents": False,
        "volume_column": "volume_high",
    }


@needs_routes("POST /v1/history", "POST /v1/schedules")
def test_a_requested_schedule_shows_progress_then_coverage_timeline_summary_and_downloads(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history_slice: Path
) -> None:
    request_schedule(page, make_team, api, history_slice)
    expect(page.locator("#schedule-job")).to_contain_text(re.compile("queued|running|done"))
    screenshot(page, "04-schedule-progress", "#schedule")
    expect(page.locator("#schedule-job .job-line")).to_contain_text(
        "done", timeout=SCHEDULE_WAIT_MILLISECONDS
    )
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()
    traces = plotly_traces(page, "#coverage-chart")
    channels = {trace["meta"]["channel"] for trace in traces}
    assert channels == {"voice", "chat", "email"}
    for channel in channels:
        drawn = {t["meta"]["series"] for t in traces if t["meta"]["channel"] == channel}
        assert {"required", "scheduled", "shortfall"} <= drawn
    expect(page.locator("#schedule-summary")).to_contain_text("Paid hours")
    expect(page.locator("#schedule-summary")).to_contain_text(
        "Intervals below target (all channels)"
    )
    email = page.locator("#channel-summary tr", has_text="email")
    expect(email).to_contain_text("90")  # the response share is email's target
    expect(page.locator("#channel-summary thead")).to_contain_text("target")
    expect(page.locator("#timeline-chart .main-svg").first).to_be_visible()
    page.get_by_label("Channel", exact=True).select_option("voice")
    page.wait_for_function(
        "() => document.getElementById('timeline-chart').data.every("
        "t => t.meta.series === 'breaks' || t.meta.channel === 'voice')"
    )
    screenshot(page, "05-schedule-result")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download coverage CSV").click()
    coverage = pd.read_csv(download.value.path())
    assert {"interval_start", "channel", "required", "scheduled"} <= set(coverage.columns)
    assert set(coverage["channel"]) == {"voice", "chat", "email"}
    with page.expect_download() as download:
        page.get_by_role("link", name="Download shifts CSV").click()
    shifts = pd.read_csv(download.value.path())
    assert {"agent_id", "channel", "start", "end"} <= set(shifts.columns)


@needs_routes(
    "POST /v1/history", "POST /v1/schedules", "POST /v1/schedules/{schedule_id}/simulation"
)
def test_the_simulation_toggle_overlays_the_simulated_service_level_with_its_band(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history_slice: Path
) -> None:
    request_schedule(page, make_team, api, history_slice)
    expect(page.locator("#schedule-job .job-line")).to_contain_text(
        "done", timeout=SCHEDULE_WAIT_MILLISECONDS
    )
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()
    # The figure POSTs hold a write transaction on SQLite while they draw: let the timeline
    # finish before the simulation job is submitted.
    expect(page.locator("#timeline-chart .main-svg").first).to_be_visible()
    page.get_by_label(re.compile("Simulated service level")).check()
    expect(page.locator("#simulation-job .job-line")).to_contain_text(
        "done", timeout=SCHEDULE_WAIT_MILLISECONDS
    )
    expect(page.locator("#simulation-table")).to_contain_text("voice")
    page.wait_for_function(
        "() => document.getElementById('coverage-chart').data.some("
        "t => t.meta && t.meta.series === 'simulated')"
    )
    traces = plotly_traces(page, "#coverage-chart")
    drawn = {(t["meta"]["channel"], t["meta"]["series"]) for t in traces}
    assert {
        ("voice", "simulated"),
        ("voice", "simulated_band"),
        ("voice", "service_level"),
    } <= drawn
    screenshot(page, "05b-simulated-service-level", "#schedule-result")
    page.get_by_label(re.compile("Simulated service level")).uncheck()
    page.wait_for_function(
        "() => !document.getElementById('coverage-chart').data.some("
        "t => t.meta && t.meta.series === 'simulated')"
    )


@needs_routes("POST /v1/history", "POST /v1/forecasts")
def test_a_forecast_shows_the_band_and_the_accuracy_report(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, history_slice: Path
) -> None:
    team = team_with_history(make_team(), api, history_slice)
    api.patch("/v1/settings", headers=team.headers, json={"holiday_country": "US"})
    sign_in(page, team)
    page.locator("#forecast-start").fill(WEEK_START)
    page.get_by_role("button", name="Forecast").click()
    expect(page.locator("#forecast-job .job-line")).to_contain_text("done", timeout=120_000)
    expect(page.locator("#forecast-chart .main-svg").first).to_be_visible()
    traces = plotly_traces(page, "#forecast-chart")
    series = {(t["meta"]["channel"], t["meta"]["series"]) for t in traces}
    assert {("voice", "history"), ("voice", "forecast"), ("voice", "band_high")} <= series
    marked = page.eval_on_selector(
        "#forecast-chart", "(node) => node.layout.annotations.map((note) => note.text)"
    )
    assert "Thanksgiving Day" in marked  # in the two weeks of history drawn before the forecast
    expect(page.locator("#forecast-accuracy")).to_contain_text("WAPE")
    expect(page.locator("#forecast-accuracy")).to_contain_text("WAPE holiday")
    screenshot(page, "06-forecast", "#forecast")
