"""The manager's week on the page (issue 16): the roster editor, holidays and special days, the
targets form derived from the service's schema, and the paged timeline.

Each test signs in as its own team on the real service in headless Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

pytest.importorskip("playwright.sync_api", reason="the Playwright client is not installed")

from playwright.sync_api import Page, expect

from tests.web.conftest import TeamKey, plotly_traces, sign_in

pytestmark = pytest.mark.browser

ROSTER = (
    "agent_id,name,skills,min_hours,max_hours,unavailable,time_off,preferred_start\n"
    "a1,Ana,voice|chat,30,40,sun,,08:00\n"
    "a2,Ben,voice,20,32,,2026-12-24/2026-12-26,\n"
    "a3,Cy,email,30,40,mon-fri 00:00-07:00,,09:00\n"
)


def test_a_roster_file_with_bad_rows_is_refused_with_its_rows_and_columns(
    page: Page, make_team: Callable[..., TeamKey], tmp_path: Path
) -> None:
    sign_in(page, make_team())
    bad = tmp_path / "agents.csv"
    bad.write_text("agent_id,skills,min_hours\na1,voice,x\na2,,10\n")
    page.get_by_label("Roster CSV").set_input_files(bad)
    page.get_by_role("button", name="Import roster").click()
    problems = page.locator("#roster-import-result table.roster-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("2")
    expect(problems.nth(0)).to_contain_text("min_hours")
    expect(problems.nth(1)).to_contain_text("skills")
    expect(page.locator("#roster-status")).to_contain_text("the roster is unchanged")
    expect(page.locator("#roster-count")).to_contain_text("No agents yet")


def test_a_manager_imports_edits_adds_and_deletes_agents(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client, tmp_path: Path
) -> None:
    team = make_team()
    sign_in(page, team)
    roster = tmp_path / "agents.csv"
    roster.write_text(ROSTER)
    page.get_by_label("Roster CSV").set_input_files(roster)
    page.get_by_role("button", name="Import roster").click()
    expect(page.locator("#roster-status")).to_contain_text("3 added")
    expect(page.locator("#roster-table tbody tr")).to_have_count(3)

    page.get_by_role("button", name="Edit a2").click()
    page.get_by_label("a2: Min. hours").fill("50")
    page.get_by_role("button", name="Save a2").click()
    # The service's own check (min above max) lands in both cells it names.
    expect(page.locator("#agent-a2-min_hours-error")).to_contain_text("50 is above 32")
    expect(page.get_by_label("a2: Max. hours")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("a2: Min. hours").fill("24")
    page.get_by_label("a2: Skills").fill("voice, chat")
    page.get_by_label("a2: Unavailable").fill("sat; sun")
    page.get_by_label("a2: Preferred start").fill("10:30")
    page.get_by_role("button", name="Save a2").click()
    expect(page.locator("#roster-status")).to_have_text("Saved a2.")
    stored = api.get("/v1/agents/a2", headers=team.headers).json()
    assert stored["skills"] == ["voice", "chat"]
    assert stored["min_hours"] == 24
    assert stored["unavailable"] == ["sat", "sun"]
    assert stored["preferred_start"] == "10:30"

    page.get_by_role("button", name="Add an agent").click()
    page.get_by_label("new agent: Id").fill("a4")
    page.get_by_role("button", name="Save new agent").click()
    expect(page.locator("#agent-new-skills-error")).to_contain_text("at least one channel")
    page.get_by_label("new agent: Skills").fill("chat")
    page.get_by_role("button", name="Save new agent").click()
    expect(page.locator("#roster-table tbody tr")).to_have_count(4)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete a1").click()
    expect(page.locator("#roster-table tbody tr")).to_have_count(3)
    ids = [agent["agent_id"] for agent in api.get("/v1/agents", headers=team.headers).json()]
    assert ids == ["a2", "a3", "a4"]


def test_the_calendar_shows_the_public_holidays_and_the_days_the_team_marks(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client
) -> None:
    team = make_team()
    sign_in(page, team)
    page.get_by_label("Public holidays of (country code)").fill("XX")
    page.get_by_role("button", name="Save holidays").click()
    expect(page.locator("#holiday-country-error")).to_contain_text("no public holidays known")
    page.get_by_label("Public holidays of (country code)").fill("us")
    page.get_by_role("button", name="Save holidays").click()
    expect(page.locator("#holidays-status")).to_have_text("Holidays saved.")
    page.get_by_label("Eight weeks from").fill("2026-12-07")
    page.get_by_label("Eight weeks from").dispatch_event("change")
    christmas = page.locator("#calendar-table tr", has_text="2026-12-25")
    expect(christmas).to_contain_text("Christmas Day")
    expect(christmas).to_contain_text("public holidays")

    special = page.locator("#special-day-form")

    special.get_by_label("Date", exact=True).fill("2026-12-11")
    special.get_by_label("Name", exact=True).fill("Winter sale")
    special.get_by_label("Volume multiplier").fill("1.6")
    page.get_by_role("button", name="Mark the day").click()
    expect(page.locator("#special-status")).to_have_text("Marked 2026-12-11.")
    sale = page.locator("#calendar-table tr", has_text="2026-12-11")
    expect(sale).to_contain_text("Winter sale")
    expect(sale).to_contain_text("your special days")
    expect(sale).to_contain_text("\u00d7 1.6")
    settings = api.get("/v1/settings", headers=team.headers).json()
    assert settings["holiday_country"] == "US"
    assert settings["special_days"] == [
        {"date": "2026-12-11", "name": "Winter sale", "kind": "event", "multiplier": 1.6}
    ]

    special.get_by_label("Date", exact=True).fill("2026-12-26")
    special.get_by_label("Name", exact=True).fill("Shut")
    special.get_by_label("Kind").select_option("closed")
    special.get_by_label("Volume multiplier").fill("2")
    page.get_by_role("button", name="Mark the day").click()
    expect(page.locator("#special-multiplier-error")).to_contain_text("closed day")
    page.get_by_role("button", name="Remove 2026-12-11").click()
    expect(page.locator("#special-status")).to_have_text("Removed 2026-12-11.")
    expect(page.locator("#calendar-table")).not_to_contain_text("Winter sale")


def test_the_targets_form_has_one_field_per_field_of_the_published_schema(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client
) -> None:
    sign_in(page, make_team())
    schema = api.get("/openapi.json").json()["components"]["schemas"]["ChannelTargetFields"]
    numbers = [
        name
        for name, field in schema["properties"].items()
        if any(
            option.get("type") in {"number", "integer"} for option in field.get("anyOf", [field])
        )
    ]
    inputs = page.locator("#targets-channels fieldset[data-channel=voice] input")
    assert [inputs.nth(i).get_attribute("name") for i in range(inputs.count())] == numbers
    share = page.locator("#t-voice-service_level")
    expect(share).to_have_attribute("max", "100")
    label = page.locator("label[for=t-voice-service_level]")
    expect(label).to_contain_text("(%)")
    expect(label).to_have_attribute("title", schema["properties"]["service_level"]["description"])


def _shifts(agents: int) -> str:
    rows = ["agent_id,channel,start,end,paid_hours,breaks"]
    for number in range(1, agents + 1):
        channel = "chat" if number % 3 == 0 else "voice"
        for day in (7, 8):
            rows.append(
                f"agent-{number},{channel},2026-12-{day:02d}T08:00:00,2026-12-{day:02d}T16:00:00,"
                f"7.5,2026-12-{day:02d}T12:00:00/2026-12-{day:02d}T12:30:00"
            )
    return "\n".join(rows) + "\n"


def test_a_large_roster_is_drawn_a_page_of_agents_at_a_time_and_filtered_by_skill(
    page: Page, make_team: Callable[..., TeamKey], api: httpx.Client
) -> None:
    team = make_team()
    api.post(
        "/v1/agents",
        headers=team.headers,
        json={"agent_id": "agent-3", "skills": ["chat"]},
    ).raise_for_status()
    sign_in(page, team)
    expect(page.locator("#roster-table tbody tr")).to_have_count(1)
    page.evaluate(
        """async ([csv]) => {
            document.getElementById('schedule-result').hidden = false;
            const { state } = await import('/app/static/js/state.js');
            const { showTimeline } = await import('/app/static/js/schedule.js');
            state.schedule = { shiftsCsv: csv };
            await showTimeline(['voice', 'chat'], '2026-12-07');
        }""",
        [_shifts(139)],
    )
    expect(page.locator("#timeline-pages")).to_have_text("of 6: agents 1\u201325 of 139")

    def agents_drawn() -> set[str]:
        rows: list[list[str]] = page.eval_on_selector(
            "#timeline-chart", "(node) => node.data.map((trace) => trace.y || [])"
        )
        return {agent for row in rows for agent in row}

    assert agents_drawn() == {f"agent-{n}" for n in range(1, 26)}
    height = page.locator("#timeline-chart").bounding_box()
    assert height is not None
    assert height["height"] < 1400
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#timeline-pages")).to_have_text("of 6: agents 26\u201350 of 139")
    assert agents_drawn() == {f"agent-{n}" for n in range(26, 51)}
    page.get_by_label("Skill", exact=True).select_option("chat")
    expect(page.locator("#timeline-pages")).to_have_text("of 1: agents 1\u20131 of 1")
    assert agents_drawn() == {"agent-3"}
    page.get_by_label("Skill", exact=True).select_option("")
    page.get_by_label("Day", exact=True).select_option("2026-12-08")
    expect(page.locator("#timeline-pages")).to_have_text(
        "of 6: agents 1\u201325 of 139 · Tue 2026-12-08"
    )
    starts = page.eval_on_selector(
        "#timeline-chart", "(node) => node.data.flatMap((t) => t.base || [])"
    )
    assert starts
    assert all(re.match(r"2026-12-08", str(start)) for start in starts)
    page.get_by_label("Channel", exact=True).select_option("chat")
    expect(page.locator("#timeline-pages")).to_have_text(
        "of 2: agents 1\u201325 of 46 \u00b7 chat \u00b7 Tue 2026-12-08"
    )
    assert agents_drawn() == {f"agent-{n}" for n in range(3, 76, 3)}
    assert plotly_traces(page, "#timeline-chart")
