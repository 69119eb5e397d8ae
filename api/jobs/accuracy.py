"""The forecast's accuracy report as a forecast job stores it and ``GET /v1/forecasts/{id}``
returns it: the API's typed form of ``forecast.backtest.AccuracyReport`` (same fields, dates as
ISO 8601, NaN as ``null``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class ModelAccuracy(BaseModel):
    """Backtest accuracy of one model on one channel."""

    model: str = Field(description="Model evaluated (the forecast first, then baselines).")
    intervals: int = Field(description="Backtested intervals with a known actual.")
    days: int = Field(description="Backtested days.")
    wape_interval: float | None = Field(
        description="Σ|forecast - actual| / Σ actual over intervals."
    )
    wape_interval_by_week: list[float | None] = Field(
        description="Interval WAPE for horizon week 1, 2, ..."
    )
    wape_daily: float | None = Field(description="WAPE of daily totals.")
    mase: float | None = Field(
        description="Mean absolute error relative to the seasonal naive (< 1 beats it)."
    )
    bias: float | None = Field(description="Σ forecast / Σ actual - 1 (> 0 over-forecasts).")
    bias_by_day_type: dict[str, float | None] = Field(
        description="Bias on `normal`, `holiday`, `eve`, `day_after` days (null: none tested)."
    )
    wape_by_day_type: dict[str, float | None] = Field(
        default_factory=dict,
        description="Interval WAPE on `normal`, `holiday`, `eve`, `day_after` days (null: none "
        "tested).",
    )
    days_by_day_type: dict[str, int] = Field(description="Backtested days of each type.")
    coverage: float | None = Field(
        description="Share of open intervals inside the band (0.8 when calibrated); null for a "
        "model without a band."
    )


class FlaggedHoliday(BaseModel):
    """A holiday in a backtested window that the history before its origin never showed."""

    origin: dt.date = Field(description="The backtest origin whose window held it.")
    date: dt.date = Field(description="The holiday.")
    name: str = Field(description="Its name.")
    assumption: str = Field(
        description="How it was forecast: the pooled effect of its kind, or the calendar prior "
        "(a holiday like the rest day), with the multiplier of a normal day."
    )
    forecast: float = Field(description="Forecast daily total.")
    actual: float | None = Field(description="Actual daily total (null: a gap in the data).")


class ChannelAccuracy(BaseModel):
    """The backtest of one channel."""

    channel: str = Field(description="Channel.")
    origins: list[dt.date] = Field(description="Forecast origins (dates), oldest first.")
    horizon_days: int = Field(description="Days forecast from each origin.")
    models_used: dict[str, int] = Field(description="Origins at which each model was picked.")
    results: list[ModelAccuracy] = Field(description="The forecast first, then baselines.")
    unseen_holidays: list[FlaggedHoliday] = Field(
        default_factory=list,
        description="Holidays the history had never shown at their origin, with the assumption "
        "used and how they came out.",
    )


class AccuracyReport(BaseModel):
    """How accurate the forecast was on past weeks, per channel, next to plain baselines."""

    model: str = Field(description="The model setting evaluated (`auto` or a model).")
    interval_minutes: int = Field(description="Interval length of the evaluation.")
    band_quantiles: list[float] = Field(description="Nominal quantiles of the band.")
    channels: list[ChannelAccuracy] = Field(description="One entry per channel.")
