"""``/v1/agents``: the team's roster — list, create, update, delete, bulk upload as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Response, UploadFile, status
from pydantic import BaseModel, Field, StringConstraints

from api.request_models import OneLine, RequestModel
from api.service.csv_files import csv_content, csv_response
from api.service.deps import SessionDep, TeamDep
from api.service.problems import (
    ConflictError,
    InvalidUploadError,
    NotFoundError,
    problem_responses,
)
from api.storage.agents import (
    MAX_LABEL_CHARACTERS,
    UnreadableRosterError,
    agent_record,
    checked_roster,
    find_agent,
    records_from_csv,
    roster_frame,
    store_roster,
    team_agents,
)
from api.storage.models import Agent

router = APIRouter(prefix="/v1/agents", tags=["agents"])

AgentIdPath = Annotated[
    str, Path(min_length=1, max_length=64, description="The agent's id in your roster."), OneLine
]


# A skill (channel name), a weekday window or a date: at most 100 characters, like the
# channel names of an uploaded history.
Label = Annotated[str, StringConstraints(max_length=MAX_LABEL_CHARACTERS), OneLine]


class AgentFields(RequestModel):
    """An agent's contract, availability and wishes (the columns of agents.csv)."""

    name: Label = Field(default="", description="Display name.")
    skills: list[Label] = Field(
        min_length=1,
        max_length=50,
        description='Channels the agent may serve, e.g. `["voice", "chat"]`.',
    )
    min_hours: float | None = Field(
        default=None, description="Contract minimum paid hours per week (default: the rules')."
    )
    max_hours: float | None = Field(
        default=None, description="Contract maximum paid hours per week (default: the rules')."
    )
    unavailable: list[Label] = Field(
        default_factory=list,
        max_length=400,
        description="When the agent never works: weekdays (`sun`), weekday windows "
        "(`mon-fri 00:00-07:00`) or dates (`2026-06-03`).",
    )
    time_off: list[Label] = Field(
        default_factory=list,
        max_length=400,
        description="Approved time off: dates or ranges `2026-06-05/2026-06-07`.",
    )
    preferred_start: Label | None = Field(
        default=None,
        description="Preferred start time of day, `08:00` (a soft wish).",
    )


class NewAgent(AgentFields):
    """A new agent."""

    agent_id: Annotated[str, OneLine] = Field(
        min_length=1, max_length=64, description="Unique id in the roster, shown in schedules."
    )


class AgentInfo(BaseModel):
    """A stored agent."""

    agent_id: str = Field(description="Unique id in the roster.")
    name: str = Field(description="Display name.")
    skills: list[str] = Field(description="Channels the agent may serve.")
    min_hours: float | None = Field(description="Contract minimum paid hours per week.")
    max_hours: float | None = Field(description="Contract maximum paid hours per week.")
    unavailable: list[str] = Field(description="Weekdays, windows or dates never worked.")
    time_off: list[str] = Field(description="Approved time off (dates or ranges).")
    preferred_start: str | None = Field(description="Preferred start time of day.")
    updated_at: dt.datetime = Field(description="Last change (UTC).")

    @classmethod
    def of(cls, agent: Agent) -> AgentInfo:
        """From the stored row."""
        return cls(**agent_record(agent), updated_at=agent.updated_at)


class RosterUpload(BaseModel):
    """What a roster upload changed."""

    added: int = Field(description="Agents that were not in the roster.")
    updated: int = Field(description="Agents whose row replaced the stored one.")
    removed: int = Field(description="Agents removed (only with `replace`).")
    agents: int = Field(description="Agents in the roster now.")


def _checked(agent_id: str, fields: AgentFields) -> dict[str, Any]:
    record = {"agent_id": agent_id, **fields.model_dump(exclude={"agent_id"})}
    record["skills"] = [skill.strip().lower() for skill in record["skills"]]
    checked_roster([record])
    return record


def _found(session: SessionDep, team: TeamDep, agent_id: str) -> Agent:
    agent = find_agent(session, team.id, agent_id)
    if agent is None:
        raise NotFoundError(f"there is no agent {agent_id!r} in the roster")
    return agent


def _stored(session: SessionDep, team: TeamDep, agent_id: str, fields: AgentFields) -> AgentInfo:
    """Store agent ``agent_id`` with ``fields`` (checked by the optimizer's parser), committed."""
    store_roster(session, team.id, [_checked(agent_id, fields)], replace=False)
    session.commit()
    return AgentInfo.of(_found(session, team, agent_id))


@router.get("", summary="The roster")
def list_agents(team: TeamDep, session: SessionDep) -> list[AgentInfo]:
    """Every agent of the team, by id."""
    return [AgentInfo.of(agent) for agent in team_agents(session, team.id)]


@router.get(
    ".csv",
    summary="The roster as CSV",
    response_class=Response,
    responses={200: csv_content("agents.csv, as the optimizer and the upload read it.")},
)
def download_agents(team: TeamDep, session: SessionDep) -> Response:
    """`agent_id`, `name`, `skills` (`voice|chat`), `min_hours`, `max_hours`, `unavailable`,
    `time_off` (`;`-separated), `preferred_start`."""
    records = [agent_record(agent) for agent in team_agents(session, team.id)]
    return csv_response(roster_frame(records), "agents.csv")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add an agent",
    responses=problem_responses(409),
)
def create_agent(body: NewAgent, team: TeamDep, session: SessionDep) -> AgentInfo:
    """Add one agent; checked by the optimizer's own parser."""
    if find_agent(session, team.id, body.agent_id) is not None:
        raise ConflictError(f"agent {body.agent_id!r} already exists; PUT it to change it")
    return _stored(session, team, body.agent_id, body)


@router.get("/{agent_id}", summary="One agent", responses=problem_responses(404))
def read_agent(agent_id: AgentIdPath, team: TeamDep, session: SessionDep) -> AgentInfo:
    """One agent of the roster."""
    return AgentInfo.of(_found(session, team, agent_id))


@router.put("/{agent_id}", summary="Change an agent", responses=problem_responses(404))
def update_agent(
    agent_id: AgentIdPath, body: AgentFields, team: TeamDep, session: SessionDep
) -> AgentInfo:
    """Replace an agent's fields."""
    _found(session, team, agent_id)
    return _stored(session, team, agent_id, body)


@router.delete(
    "/{agent_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an agent",
    responses=problem_responses(404),
)
def delete_agent(agent_id: AgentIdPath, team: TeamDep, session: SessionDep) -> None:
    """Remove an agent from the roster (schedules already made keep their shifts)."""
    session.delete(_found(session, team, agent_id))
    session.commit()


@router.post("/upload", summary="Upload the roster as CSV")
def upload_agents(
    team: TeamDep,
    session: SessionDep,
    file: Annotated[
        UploadFile,
        File(
            description="agents.csv: `agent_id`, `skills` required; `name`, `min_hours`, "
            "`max_hours`, `unavailable`, `time_off`, `preferred_start` optional."
        ),
    ],
    replace: Annotated[
        bool, Form(description="Remove agents that are not in the file (default: keep them).")
    ] = False,
) -> RosterUpload:
    """Add or update every agent of the file by `agent_id`, in one transaction: a file with
    any bad row changes nothing (422 listing each row, column and value)."""
    try:
        records = records_from_csv(file.file.read())
    except UnreadableRosterError as error:
        raise InvalidUploadError(str(error)) from None
    written = store_roster(session, team.id, records, replace=replace)
    session.commit()
    return RosterUpload(
        added=written.added,
        updated=written.updated,
        removed=written.removed,
        agents=len(team_agents(session, team.id)),
    )
