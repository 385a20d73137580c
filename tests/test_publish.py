"""Public outputs never show a location finer than the configured precision."""

import pytest

from sync.locate.geography import load_geography
from sync.publish import public_point
from sync.records import Location, Precision

GEO = load_geography()
HOUSE = Location(Precision.ADDRESS, 31, "Lower West Side", 41.852312, -87.674219, zip="60608", matched="1901 W Cermak")


@pytest.mark.parametrize("public, shown, point", [
    (Precision.COMMUNITY_AREA, Precision.COMMUNITY_AREA, (GEO.areas[31].lat, GEO.areas[31].lon)),
    (Precision.ZIP, Precision.ZIP, GEO.zip_point("60608")),
    (Precision.INTERSECTION, Precision.INTERSECTION, (41.852, -87.674)),
    (Precision.ADDRESS, Precision.ADDRESS, (41.85231, -87.67422)),
])
def test_address_is_coarsened_to_the_public_precision(public, shown, point):
    lat, lon, place, precision = public_point(HOUSE, public, GEO)
    assert precision is shown
    assert (lat, lon) == (round(point[0], 5), round(point[1], 5))
    assert place.startswith("Lower West Side")


def test_coarse_locations_are_never_made_finer():
    area = Location(Precision.COMMUNITY_AREA, 41, "Hyde Park", GEO.areas[41].lat, GEO.areas[41].lon)
    assert public_point(area, Precision.ADDRESS, GEO)[3] is Precision.COMMUNITY_AREA
    assert public_point(Location(Precision.CITYWIDE), Precision.COMMUNITY_AREA, GEO) == (
        None, None, "Citywide", Precision.CITYWIDE)
