"""What the simulation does beyond the formulas: breaks, agents leaving late, handle-time
spread, chat slots, email in business hours, determinism, and the errors it gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scheduler.errors import InvalidTargetsError
from scheduler.simulation import InvalidSimulationError, SimulationOptions, simulate_week
from scheduler.simulation.kernel import serve
from scheduler.staffing import Targets
from tests.scheduler.simulation.weeks import WEEK_START, constant_workload, round_the_clock

VOICE = Targets.from_dict({"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20}}})


def _array(*values: float) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def test_a_contact_in_progress_at_a_break_is_finished_and_the_next_one_waits() -> None:
    # One agent; a break from t=5 to t=20. The contact started at 0 runs to 10 (the agent
    # leaves late); the one arriving at 6 waits for the agent's return at 20.
    starts = serve(
        arrivals=_array(0.0, 6.0),
        service_seconds=_array(10.0, 1.0),
        deadlines=_array(np.inf, np.inf),
        change_times=_array(0.0, 5.0, 20.0),
        servers=np.asarray([1, 0, 1], dtype=np.int64),
        rng=np.random.default_rng(0),
    )
    assert starts.tolist() == [0.0, 20.0]


def test_the_agent_who_goes_on_break_is_drawn_at_random_among_busy_and_idle() -> None:
    # Two agents busy until 10 and 100.5; one goes on break at t=2. If it is the first, the
    # waiting contact starts at 100.5; if the second (who finishes its contact on overtime),
    # at 10. A schedule does not know who is busy: over many seeds both happen about equally.
    outcomes = [
        serve(
            arrivals=_array(0.0, 0.5, 1.0),
            service_seconds=_array(10.0, 100.0, 1.0),
            deadlines=_array(np.inf, np.inf, np.inf),
            change_times=_array(0.0, 2.0),
            servers=np.asarray([2, 1], dtype=np.int64),
            rng=np.random.default_rng(seed),
        )[2]
        for seed in range(200)
    ]
    assert set(outcomes) == {10.0, 100.5}
    assert 0.35 < outcomes.count(10.0) / len(outcomes) < 0.65


def test_a_contact_whose_patience_runs_out_first_abandons_and_the_next_is_served() -> None:
    starts = serve(
        arrivals=_array(0.0, 1.0, 2.0),
        service_seconds=_array(10.0, 5.0, 5.0),
        deadlines=_array(np.inf, 4.0, np.inf),
        change_times=_array(0.0),
        servers=np.asarray([1], dtype=np.int64),
        rng=np.random.default_rng(0),
    )
    assert np.isnan(starts[1])
    assert starts[[0, 2]].tolist() == [0.0, 10.0]


def test_an_hourly_break_for_everyone_lowers_the_service_level() -> None:
    workload = constant_workload(8.0, 300.0)
    plain = round_the_clock(11)
    with_breaks = plain.copy()
    # Every agent takes 15 minutes off at the top of every hour of the first day.
    breaks = ";".join(
        f"{(WEEK_START + pd.Timedelta(hours=h)).isoformat()}/"
        f"{(WEEK_START + pd.Timedelta(hours=h, minutes=15)).isoformat()}"
        for h in range(24)
    )
    with_breaks.loc[:3, "breaks"] = breaks
    options = SimulationOptions(replications=5)
    calm = simulate_week(plain, workload, VOICE, options).days
    broken = simulate_week(with_breaks, workload, VOICE, options).days
    assert broken["service_level_high"].iloc[0] < calm["service_level_low"].iloc[0]
    assert broken["service_level"].iloc[1:].to_numpy() == pytest.approx(
        calm["service_level"].iloc[1:].to_numpy(), abs=0.03
    )


def test_steadier_handle_times_shorten_the_wait() -> None:
    workload, schedule = constant_workload(8.0, 300.0), round_the_clock(10)
    exponential = simulate_week(schedule, workload, VOICE, SimulationOptions(replications=5))
    steady = simulate_week(schedule, workload, VOICE, SimulationOptions(replications=5, aht_cv=0.3))
    # M/G/N with CV 0.3 waits about (1 + 0.09) / 2 as long as M/M/N (Lee-Longton).
    assert steady.week["asa_seconds_high"].iloc[0] < exponential.week["asa_seconds_low"].iloc[0]


def test_a_chat_agent_with_concurrency_two_counts_as_two_servers() -> None:
    chat = {"service_level": 0.8, "answer_seconds": 60, "concurrency": 2}
    targets = Targets.from_dict({"channels": {"chat": chat}})
    workload = constant_workload(8.0, 600.0, channel="chat")
    result = simulate_week(
        round_the_clock(5, "chat"), workload, targets, SimulationOptions(replications=3)
    )
    # 5 agents x 2 slots = 10 servers for 8 erlangs: occupancy 0.8 (3 agents would be 1.33).
    assert result.week["occupancy"].iloc[0] == pytest.approx(0.8, abs=0.02)
    assert result.intervals["on_floor"].max() == 5


def test_email_that_arrives_while_closed_waits_for_the_business_hours() -> None:
    email = {"response_share": 0.9, "response_hours": 2, "hours": {"mon-sun": "08:00-18:00"}}
    targets = Targets.from_dict({"channels": {"email": email}})
    workload = constant_workload(1.0, 600.0, channel="email")
    result = simulate_week(
        round_the_clock(20, "email"), workload, targets, SimulationOptions(replications=3)
    )
    hours = result.intervals["interval_start"].dt.hour
    day = result.intervals[(hours >= 8) & (hours < 15)]
    night = result.intervals[(hours >= 20) | (hours < 6)]
    # 20 agents clear the night's 14 agent-hours of mail by about 08:45, within 2 business
    # hours of 08:00 (the clock stops overnight), and the day's mail right after.
    assert day["service_level"].mean() > 0.99
    assert night["service_level"].mean() > 0.99
    assert night["asa_seconds"].mean() > 2 * 3600


def test_the_same_seed_gives_the_same_week_and_another_seed_another() -> None:
    workload, schedule = constant_workload(4.0, 300.0), round_the_clock(6)
    first = simulate_week(schedule, workload, VOICE, SimulationOptions(replications=2))
    again = simulate_week(schedule, workload, VOICE, SimulationOptions(replications=2))
    other = simulate_week(schedule, workload, VOICE, SimulationOptions(replications=2, seed=1))
    pd.testing.assert_frame_equal(first.intervals, again.intervals)
    assert not first.week["service_level"].equals(other.week["service_level"])


def test_a_schedule_for_another_week_is_refused_naming_the_row_and_value() -> None:
    schedule = round_the_clock(2)
    schedule.loc[1, "start"] = "2026-05-25T00:00:00+00:00"
    with pytest.raises(
        InvalidSimulationError,
        match=r"schedule row 3, column `start`: "
        r"2026-05-25T00:00:00\+00:00 is outside the workload's week",
    ):
        simulate_week(schedule, constant_workload(1.0, 300.0), VOICE)


def test_a_channel_without_targets_is_refused_by_name() -> None:
    workload = pd.concat(
        [constant_workload(1.0, 300.0), constant_workload(1.0, 300.0, channel="chat")]
    )
    with pytest.raises(InvalidTargetsError, match="channel 'chat' has no service target"):
        simulate_week(round_the_clock(2), workload, VOICE)


def test_a_negative_handle_time_cv_is_refused_naming_the_option() -> None:
    with pytest.raises(InvalidSimulationError, match=r"option `aht_cv`: -0\.5 must be"):
        SimulationOptions(aht_cv=-0.5)


def test_a_shift_for_a_channel_missing_from_the_workload_is_refused() -> None:
    with pytest.raises(InvalidSimulationError, match="row 2, column `channel`: 'chat' has no"):
        simulate_week(round_the_clock(1, "chat"), constant_workload(1.0, 300.0), VOICE)


def test_progress_is_reported_after_each_replication_and_raising_from_it_stops() -> None:
    workload, schedule = constant_workload(2.0, 300.0), round_the_clock(4)
    calls: list[tuple[int, int]] = []
    simulate_week(
        schedule,
        workload,
        VOICE,
        SimulationOptions(replications=3),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]

    class StopError(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise StopError

    with pytest.raises(StopError):
        simulate_week(schedule, workload, VOICE, SimulationOptions(replications=3), stop)
