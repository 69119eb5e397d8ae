"""Deferred work (email): the backlog model behind "90% within 4 business hours"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scheduler.staffing import Targets, requirements
from scheduler.staffing.deferred import deferred_requirements, deferred_service
from scheduler.staffing.hours import OperatingHours

MINUTES = 15


def _week(seed: int = 3) -> tuple[pd.Series[pd.Timestamp], np.ndarray, np.ndarray]:
    starts = pd.Series(pd.date_range("2026-12-07", periods=7 * 96, freq="15min", tz="UTC"))
    rng = np.random.default_rng(seed)
    hour = starts.dt.hour.to_numpy()
    volume = rng.poisson(np.where((hour >= 8) & (hour < 20), 25, 6)).astype(float)
    return starts, volume, np.full(volume.size, 420.0)


@pytest.mark.parametrize(("share", "hours"), [(0.9, 4.0), (1.0, 2.0), (0.8, 8.0)])
def test_required_staffing_meets_the_response_target_in_every_interval(
    share: float, hours: float
) -> None:
    starts, volume, aht = _week()
    is_open = OperatingHours.from_dict({"mon-fri": "08:00-20:00", "sat": "09:00-13:00"}).is_open(
        starts
    )
    agents = deferred_requirements(
        volume,
        aht,
        is_open,
        interval_minutes=MINUTES,
        response_share=share,
        response_hours=hours,
        cyclic=True,
    )
    assert (agents[~is_open] == 0).all()
    service, _ = deferred_service(
        volume, aht, is_open, agents, interval_minutes=MINUTES, response_hours=hours, cyclic=True
    )
    judged = ~np.isnan(service)
    assert judged.sum() == (volume > 0).sum()
    assert (service[judged] >= share - 1e-9).all()
    fewer = np.maximum(agents - 1, 0)
    service_fewer, _ = deferred_service(
        volume, aht, is_open, fewer, interval_minutes=MINUTES, response_hours=hours, cyclic=True
    )
    assert (service_fewer[judged] < share - 1e-9).any()


def test_round_the_clock_steady_work_needs_its_average_workload() -> None:
    volume = np.full(7 * 96, 12.0)
    aht = np.full(volume.size, 300.0)  # 3,600 agent-seconds per 900-second interval: 4 agents
    agents = deferred_requirements(
        volume,
        aht,
        np.ones(volume.size, dtype=bool),
        interval_minutes=MINUTES,
        response_share=1.0,
        response_hours=4,
        cyclic=True,
    )
    assert (agents == 4).all()


def test_email_arriving_overnight_is_staffed_when_the_office_opens() -> None:
    starts = pd.Series(pd.date_range("2026-12-07", periods=7 * 96, freq="15min", tz="UTC"))
    volume = np.where(starts.dt.hour < 8, 10.0, 0.0)
    targets = Targets.from_dict(
        {
            "channels": {
                "email": {
                    "response_share": 0.9,
                    "response_hours": 2,
                    "hours": {"mon-sun": "08:00-17:00"},
                }
            }
        }
    )
    table = requirements(
        pd.DataFrame(
            {"interval_start": starts, "channel": "email", "volume": volume, "aht_seconds": 60.0}
        ),
        targets,
    )
    hours = table["interval_start"].dt.hour
    assert table.loc[hours < 8, "agents"].eq(0).all()
    assert table.loc[(hours >= 8) & (hours < 10), "agents"].gt(0).all()
    assert table.loc[hours >= 11, "agents"].eq(0).all()  # the last 10% is due soon after


def test_a_short_week_is_judged_from_a_well_staffed_week_before_it() -> None:
    _, volume, aht = _week()
    is_open = np.ones(volume.size, dtype=bool)
    agents = deferred_requirements(
        volume,
        aht,
        is_open,
        interval_minutes=MINUTES,
        response_share=0.9,
        response_hours=4.0,
        cyclic=True,
    )
    short = agents.copy()
    short[-8:] = 0  # the last two hours of Sunday unstaffed

    def judge(surrounding: np.ndarray | None) -> np.ndarray:
        service, _ = deferred_service(
            volume,
            aht,
            is_open,
            short,
            interval_minutes=MINUTES,
            response_hours=4.0,
            cyclic=True,
            surrounding_agents=surrounding,
        )
        return service

    steady, judged = judge(None), judge(agents)
    assert np.nanmean(judged[: 6 * 96]) >= 0.9  # Monday to Saturday are not hurt
    assert np.nanmin(judged[-8:]) < 0.9  # the unstaffed hours are
    assert np.nanmean(steady) <= np.nanmean(judged)
