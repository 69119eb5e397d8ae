"""Handle-time forecast per channel x interval of the week, volume-weighted.

The AHT of a slot of the week (Tuesday 09:00) is the total handle time over the total contacts
in that slot across the last ``weeks`` weeks — a volume-weighted mean, so a quiet interval with
one long call does not count as much as a busy one. Thin slots are shrunk towards the same time
of day across all weekdays, and that towards the channel's overall AHT, with ``prior_contacts``
pseudo-contacts at each step (an empirical-Bayes style credibility weight)::

    aht_slot = (handle_seconds_slot + k x aht_time_of_day) / (contacts_slot + k)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.daygrid import ChannelHistory, FloatMatrix


def _weighted(
    handle_seconds: FloatMatrix, contacts: FloatMatrix, prior: FloatMatrix, prior_contacts: float
) -> FloatMatrix:
    """Credibility-weighted AHT; where there are no contacts and no prior weight, the prior."""
    numerator = handle_seconds + prior_contacts * prior
    denominator = contacts + prior_contacts
    fallback = np.broadcast_to(prior, numerator.shape).astype(np.float64)
    result: FloatMatrix = np.divide(numerator, denominator, out=fallback, where=denominator > 0)
    return result


def forecast_aht(
    history: ChannelHistory,
    days: pd.DatetimeIndex,
    *,
    weeks: int = 8,
    prior_contacts: float = 20.0,
) -> FloatMatrix:
    """AHT in seconds for each slot of each of ``days``.

    Args:
        history: the channel history (AHT is taken where both AHT and volume are known).
        days: the forecast dates.
        weeks: how many recent weeks to average (older history is used only if these have no
            handle time at all).
        prior_contacts: credibility weight of the time-of-day and channel averages.

    Returns:
        A ``(days, slots)`` matrix; all NaN if the history carries no handle time.
    """
    known = np.isfinite(history.aht_seconds) & (np.nan_to_num(history.volume) > 0)
    recent = np.zeros(len(history.days), dtype=bool)
    recent[-7 * weeks :] = True
    if not (known & recent[:, None]).any():
        recent[:] = True
    known &= recent[:, None]
    contacts = np.where(known, history.volume, 0.0)
    handle_seconds = np.where(known, history.aht_seconds * np.nan_to_num(history.volume), 0.0)
    if contacts.sum() <= 0:
        return np.full((len(days), history.slots_per_day), np.nan)
    overall = handle_seconds.sum() / contacts.sum()
    time_of_day = _weighted(
        handle_seconds.sum(axis=0), contacts.sum(axis=0), np.full(1, overall), prior_contacts
    )
    weekdays = history.weekdays
    by_weekday = np.empty((7, history.slots_per_day))
    for weekday in range(7):
        rows = weekdays == weekday
        by_weekday[weekday] = _weighted(
            handle_seconds[rows].sum(axis=0),
            contacts[rows].sum(axis=0),
            time_of_day,
            prior_contacts,
        )
    result: FloatMatrix = by_weekday[np.asarray(days.day_of_week)]
    return result
