"""The target fields are declared once (``ChannelTarget``'s field metadata): the API's target
models in ``/openapi.json`` carry exactly its bounds, descriptions and units, and enforce the
bounds."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.service import create_app
from api.settings import ServiceSettings
from api.target_fields import target_bounds, target_option_help, target_range
from scheduler.staffing import ChannelTarget
from tests.api.conftest import TeamCredentials

SCHEMA_BOUNDS = {
    "gt": "exclusiveMinimum",
    "ge": "minimum",
    "lt": "exclusiveMaximum",
    "le": "maximum",
}
# The API models with target fields, and the target fields each takes.
TARGET_MODELS = {
    "ChannelTargetFields": [
        field.name for field in dataclasses.fields(ChannelTarget) if field.name != "channel"
    ],
    "ErlangRequest": [
        "service_level",
        "answer_seconds",
        "asa_seconds",
        "shrinkage",
        "max_occupancy",
        "patience_seconds",
        "max_abandon",
        "concurrency",
    ],
}


def _schema_bounds(prop: dict[str, Any]) -> dict[str, float]:
    """The numeric bounds of a property schema (of its non-null branch, if optional)."""
    branches = prop.get("anyOf", [prop])
    found: dict[str, float] = {}
    for branch in branches:
        for keyword, schema_key in SCHEMA_BOUNDS.items():
            if schema_key in branch:
                found[keyword] = branch[schema_key]
    return found


@pytest.fixture(scope="module")
def components() -> dict[str, Any]:
    with TestClient(create_app(ServiceSettings(database_url="sqlite://"))) as client:
        schemas: dict[str, Any] = client.get("/openapi.json").json()["components"]["schemas"]
    return schemas


@pytest.mark.parametrize(
    ("model", "name"),
    [(model, name) for model, names in TARGET_MODELS.items() for name in names],
)
def test_each_api_target_field_has_the_dataclass_bounds_and_description(
    components: dict[str, Any], model: str, name: str
) -> None:
    metadata = ChannelTarget.__dataclass_fields__[name].metadata
    prop = components[model]["properties"][name]
    assert _schema_bounds(prop) == target_bounds(name)
    assert prop["description"] == metadata["description"]
    assert prop["x-unit"] == metadata["unit"]
    assert prop["title"] == metadata["label"]


@pytest.mark.parametrize("name", TARGET_MODELS["ErlangRequest"])
def test_each_command_line_target_option_shows_the_declared_description_and_range(
    name: str,
) -> None:
    """``staffcast erlang --help`` is derived from the same declaration; its range is one word
    (``0<x<1``), so that help at 80 columns never breaks it."""
    result = CliRunner().invoke(app, ["erlang", "--help"], env={"COLUMNS": "80"})
    unwrapped = "".join(result.output.split())
    assert "".join(target_option_help(name).split()) in unwrapped
    assert f"({target_range(name)})" in target_option_help(name)
    assert " " not in target_range(name)


def test_every_target_field_but_the_channel_declares_a_description_and_unit() -> None:
    for field in dataclasses.fields(ChannelTarget):
        assert field.metadata["label"], field.name
        assert field.metadata["description"], field.name
        assert field.metadata["unit"], field.name


@pytest.mark.parametrize(
    ("name", "value"),
    [("patience_seconds", 0.5), ("concurrency", 101), ("answer_seconds", 100_000)],
)
def test_settings_and_the_erlang_endpoint_refuse_the_same_out_of_range_target(
    client: TestClient, team: TeamCredentials, name: str, value: float
) -> None:
    """Before, only `/v1/staffing/erlang` had these bounds; `/v1/settings` took any positive
    value. The declared bound now holds for both (the erlang endpoint's bounds won)."""
    target: dict[str, float] = {"service_level": 0.8, "answer_seconds": 20, name: value}
    if name == "patience_seconds":
        target["max_abandon"] = 0.1
    settings = client.patch(
        "/v1/settings", headers=team.headers, json={"targets": {"channels": {"voice": target}}}
    )
    erlang = client.post(
        "/v1/staffing/erlang",
        headers=team.headers,
        json={"volume": 100, "aht_seconds": 180, **target},
    )
    for response in (settings, erlang):
        assert response.status_code == 422, response.text
        assert any(name in line for line in response.json()["errors"])
