"""The caller's team, and the catalogue of problem types."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.service.deps import TeamDep
from api.service.problems import PROBLEMS, NotFoundError, problem_responses

router = APIRouter()


class TeamInfo(BaseModel):
    """The team the API key belongs to."""

    id: int = Field(description="The team's number.")
    name: str = Field(description="The team's name.")
    timezone: str = Field(description="IANA timezone the team plans in, e.g. `Europe/Paris`.")
    created_at: dt.datetime = Field(description="When the team was created (UTC).")


class ProblemTypeInfo(BaseModel):
    """One kind of error the API returns."""

    type: str = Field(description="The `type` member of problem documents of this kind.")
    status: int = Field(description="HTTP status code used with it.")
    title: str = Field(description="Short summary.")
    description: str = Field(description="When it happens and what to do.")


@router.get(
    "/v1/team",
    tags=["team"],
    summary="The caller's team",
)
async def read_team(team: TeamDep) -> TeamInfo:
    """Which team the API key belongs to (useful to check a key)."""
    return TeamInfo(id=team.id, name=team.name, timezone=team.timezone, created_at=team.created_at)


def _catalogue() -> list[ProblemTypeInfo]:
    rows = {row.name: row for row in PROBLEMS.values()}
    return [
        ProblemTypeInfo(
            type=row.uri, status=row.status, title=row.title, description=row.description
        )
        for row in rows.values()
    ]


@router.get("/problems", tags=["problems"], summary="Every kind of error the API returns")
def list_problem_types() -> list[ProblemTypeInfo]:
    """The error table: each problem `type` with its status and what it means."""
    return _catalogue()


@router.get(
    "/problems/{name}",
    tags=["problems"],
    summary="One kind of error",
    responses=problem_responses(404),
)
def read_problem_type(name: str) -> ProblemTypeInfo:
    """What a problem `type` such as `/problems/invalid-history` means."""
    for info in _catalogue():
        if info.type == f"/problems/{name}":
            return info
    raise NotFoundError(f"there is no problem type named {name!r}; see /problems")
