"""``/v1/staffing``: the single-interval staffing calculator (``staffcast erlang``)."""

from __future__ import annotations

import dataclasses
from typing import Final, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.request_models import RequestModel
from api.service.deps import TeamDep
from api.target_fields import target_field
from forecast.limits import MAX_AHT_SECONDS
from scheduler.staffing import ChannelTarget, interval_staffing

router = APIRouter(prefix="/v1/staffing", tags=["staffing"])


class ErlangRequest(RequestModel):
    """One interval of one live channel and its service target."""

    volume: float = Field(
        ge=0, le=1_000_000, description="Contacts offered in the interval.", examples=[100]
    )
    aht_seconds: float = Field(
        gt=0,
        le=MAX_AHT_SECONDS,
        description="Average handle time in seconds (per contact).",
        examples=[180],
    )
    interval_minutes: int = Field(
        default=30, ge=1, le=1440, description="Length of the interval in minutes."
    )
    service_level: float | None = target_field("service_level", examples=[0.8])
    answer_seconds: float | None = target_field("answer_seconds", examples=[20])
    asa_seconds: float | None = target_field("asa_seconds")
    shrinkage: float = target_field("shrinkage", 0.0)
    max_occupancy: float | None = target_field("max_occupancy")
    patience_seconds: float | None = target_field("patience_seconds")
    max_abandon: float | None = target_field("max_abandon")
    concurrency: int = target_field("concurrency", 1)
    agents: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="What-if: report the KPIs of this many agents instead of the requirement.",
    )


TARGET_FIELDS: Final = frozenset(ErlangRequest.model_fields) & {
    field.name for field in dataclasses.fields(ChannelTarget)
}
"""The request's fields that are the interval's service target (its ``ChannelTarget``)."""


class ErlangResult(BaseModel):
    """Agents needed (or the KPIs of the given agents) and what they achieve."""

    model: Literal["erlang_c", "erlang_a"] = Field(
        description="Queueing model used: `erlang_a` when a patience is given."
    )
    load_erlangs: float = Field(description="Offered load: volume x AHT / interval length.")
    agents: int = Field(description="Agents on the floor (required, or as given).")
    scheduled_agents: int = Field(
        description="Agents to schedule so `agents` remain after shrinkage."
    )
    service_level: float = Field(description="Share answered within `answer_seconds`.")
    asa_seconds: float | None = Field(
        description="Average speed of answer in seconds; null when unbounded (too few agents)."
    )
    occupancy: float = Field(description="Share of agent time busy with contacts.")
    p_wait: float = Field(description="Probability that a contact waits.")
    p_abandon: float | None = Field(description="Probability of abandoning (Erlang A only).")
    unmet_targets: list[str] = Field(description="Targets these agents miss; empty when all met.")
    one_fewer_misses: list[str] | None = Field(
        description="Targets one agent fewer would miss (shows the answer is minimal); null "
        "for a what-if."
    )


@router.post(
    "/erlang",
    summary="Agents needed in one interval",
)
def erlang(body: ErlangRequest, team: TeamDep) -> ErlangResult:
    """The `staffcast erlang` calculation: the least agents meeting every given target
    (service level, ASA, abandonment, occupancy — the most restrictive wins), or with
    `agents` the KPIs that many would reach."""
    target = ChannelTarget(channel="interval", **body.model_dump(include=set(TARGET_FIELDS)))
    result = interval_staffing(
        body.volume, body.aht_seconds, body.interval_minutes, target, body.agents
    )
    # The result's fields are the model's, one for one; pydantic checks each (a tuple of
    # targets becomes a list).
    return ErlangResult.model_validate(result, from_attributes=True)
