"""Request dates and times are read from ISO 8601 text only: a number is not a date."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from api.request_models import IsoDate, IsoDateTime, RequestModel


class Dated(RequestModel):
    day: IsoDate | None = None
    moment: IsoDateTime | None = None


def test_dates_and_times_are_read_from_iso_text_and_pass_when_already_typed() -> None:
    read = Dated.model_validate({"day": "2026-12-24", "moment": "2026-12-07T09:00"})
    assert read.day == dt.date(2026, 12, 24)
    assert read.moment == dt.datetime(2026, 12, 7, 9)
    assert Dated(day=dt.date(2026, 1, 2)).day == dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("day", "expected an ISO 8601 date such as 2026-12-24"),
        ("moment", "expected an ISO 8601 timestamp such as 2026-12-07T09:00"),
    ],
)
def test_a_number_for_a_date_or_time_is_refused_with_an_example(field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Dated.model_validate({field: 0})
