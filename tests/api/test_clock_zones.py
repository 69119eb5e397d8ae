"""The clock a country keeps, from the tz database's zone table."""

import pytest

from api.clock_zones import country_zone, one_clock, zones_of

TABLE = "\n".join(
    [
        "# comment",
        "IL\t+314650+0351326\tAsia/Jerusalem",
        "DE\t+5230+01322\tEurope/Berlin\tmost of Germany",
        "DE\t+4742+00841\tEurope/Busingen\tBusingen",
        "US\t+404251-0740023\tAmerica/New_York\tEastern (most areas)",
        "US\t+340308-1181434\tAmerica/Los_Angeles\tPacific",
        "XY\t+0000+00000\tNowhere/Unknown",
    ]
)


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("IL", "Asia/Jerusalem"),
        ("il", "Asia/Jerusalem"),
        ("DE", "Europe/Berlin"),  # Busingen keeps Berlin's clock
        ("US", None),  # several clocks
        ("XY", None),  # a zone the tz database cannot load
        ("FR", None),  # not in the table
    ],
)
def test_a_country_whose_zones_keep_one_clock_has_that_clock(
    country: str, zone: str | None
) -> None:
    assert one_clock(zones_of(TABLE, country)) == zone


def test_the_systems_zone_table_gives_the_clock_of_a_country() -> None:
    assert country_zone("IL") == "Asia/Jerusalem"
    assert country_zone("AE") == "Asia/Dubai"
    assert country_zone("BR") is None
