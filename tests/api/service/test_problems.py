"""The one error table: every error class becomes a problem document with its own status and
type; an unexpected error is a 500 problem that leaks nothing."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.service import create_app
from api.service.problems import (
    INTERNAL_ERROR,
    PROBLEM_MEDIA_TYPE,
    PROBLEMS,
    ServiceError,
    problem_response,
)
from api.settings import ServiceSettings
from forecast.errors import ForecastError
from scheduler.errors import SchedulerError

DOMAIN_ERRORS = [cls for cls in PROBLEMS if issubclass(cls, ForecastError | SchedulerError)]
SERVICE_ERRORS = [cls for cls in PROBLEMS if issubclass(cls, ServiceError)]


@pytest.mark.parametrize("error_class", DOMAIN_ERRORS, ids=lambda cls: cls.__name__)
def test_every_domain_error_is_a_422_with_its_rows_listed(error_class: type[Exception]) -> None:
    error = error_class("row 2, column `volume`: 'x' is not a number", ["row 2: a", "row 3: b"])
    response = problem_response(error, "/v1/somewhere")
    body = json.loads(bytes(response.body))
    assert response.status_code == 422
    assert response.media_type == PROBLEM_MEDIA_TYPE
    assert body["type"] == PROBLEMS[error_class].uri
    assert body["errors"] == ["row 2: a", "row 3: b"]
    assert body["detail"].startswith("row 2, column `volume`")


@pytest.mark.parametrize("error_class", SERVICE_ERRORS, ids=lambda cls: cls.__name__)
def test_every_service_error_has_its_own_status_and_type(error_class: type[Exception]) -> None:
    response = problem_response(error_class("what went wrong"), "/v1/x")
    body = json.loads(bytes(response.body))
    assert response.status_code == PROBLEMS[error_class].status
    assert body["type"] == PROBLEMS[error_class].uri
    assert body["detail"] == "what went wrong"


def test_each_problem_type_has_one_name() -> None:
    names = [row.name for row in PROBLEMS.values()]
    assert len(names) == len(set(names))


def test_an_unexpected_error_is_a_500_problem_without_internals(
    settings: ServiceSettings,
) -> None:
    app = create_app(settings)

    def broken() -> None:
        raise RuntimeError("secret connection string postgres://user:pw@db")

    app.add_api_route("/boom", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["type"] == INTERNAL_ERROR.uri
    assert "secret" not in response.text
