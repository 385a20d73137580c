import pytest

from sync.config import load_config
from sync.errors import LocationNotFound, NeedsGeocoder, OutsideCity
from sync.locate.gazetteer import Gazetteer
from sync.locate.geography import load_geography
from sync.records import Precision
from tests.helpers import DEFAULT_CONFIG


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_config(load_config(DEFAULT_CONFIG))


def test_geography_has_77_areas_and_the_city_zips():
    geo = load_geography()
    assert len(geo.areas) == 77
    assert geo.areas[76].name == "O'Hare" and geo.areas[32].name == "Loop"
    assert geo.area_at(41.7943, -87.5907).name == "Hyde Park"
    assert geo.area_at(42.0451, -87.6877) is None  # Evanston
    assert len(geo.zips) >= 55
    for area in geo.areas.values():  # the marker point lies inside its own area
        assert geo.area_at(area.lat, area.lon).number == area.number


@pytest.mark.parametrize("text, number, precision", [
    ("Hyde Park", 41, Precision.COMMUNITY_AREA),
    ("hyde park", 41, Precision.COMMUNITY_AREA),
    ("AUSTIN", 25, Precision.COMMUNITY_AREA),
    ("Pilsen", 31, Precision.COMMUNITY_AREA),
    ("Little Village", 30, Precision.COMMUNITY_AREA),
    ("Lawndale", 29, Precision.COMMUNITY_AREA),
    ("Bronzeville", 38, Precision.COMMUNITY_AREA),
    ("Back of the Yards", 61, Precision.COMMUNITY_AREA),
    ("Wicker Park", 24, Precision.COMMUNITY_AREA),
    ("O'Hare", 76, Precision.COMMUNITY_AREA),
    ("O’Hare", 76, Precision.COMMUNITY_AREA),
    ("Englwood", 68, Precision.COMMUNITY_AREA),
    ("Humbolt Park", 23, Precision.COMMUNITY_AREA),
    ("Logan Sqaure", 22, Precision.COMMUNITY_AREA),
    ("Bronzevile", 38, Precision.COMMUNITY_AREA),
    ("South Chicago", 46, Precision.COMMUNITY_AREA),
    ("Pilsen neighborhood, Chicago IL", 31, Precision.COMMUNITY_AREA),
    ("60623", 30, Precision.ZIP),
    ("60666", 76, Precision.ZIP),
])
def test_places_resolve(gazetteer, text, number, precision):
    location = gazetteer.locate(text)
    assert (location.community_area, location.precision) == (number, precision)
    assert location.lat and location.lon


@pytest.mark.parametrize("text", ["citywide", "City-wide", "All of Chicago", "Chicago"])
def test_citywide(gazetteer, text):
    location = gazetteer.locate(text)
    assert location.precision is Precision.CITYWIDE and location.lat is None


@pytest.mark.parametrize("text, message", [
    ("Evanston", "Evanston, IL is outside Chicago"),
    ("Oak Park", "Oak Park, IL is outside Chicago"),
    ("Gary, IN", "Gary, IN is outside Chicago"),
    ("60201", "ZIP code 60201 is in Evanston, IL, outside Chicago"),
    ("02134", "ZIP code 02134 is in Allston, MA, outside Chicago"),
])
def test_outside_city_rejected_with_reason(gazetteer, text, message):
    with pytest.raises(OutsideCity, match=message):
        gazetteer.locate(text)


@pytest.mark.parametrize("text", ["asdfgh", "Parkside Heights", "my house", "99999"])
def test_no_invented_matches(gazetteer, text):
    with pytest.raises(LocationNotFound):
        gazetteer.locate(text)


def test_address_needs_geocoder_unless_a_zip_is_known(gazetteer):
    with pytest.raises(NeedsGeocoder, match="address needs an online geocoder"):
        gazetteer.locate("1901 W Cermak Rd")
    with pytest.raises(NeedsGeocoder, match="intersection needs an online geocoder"):
        gazetteer.locate("63rd and Halsted")
    assert gazetteer.locate("5100 S Ashland Ave, Chicago, IL 60609").community_area == 61
    assert gazetteer.locate("1901 W Cermak Rd", "60608").precision is Precision.ZIP


def test_zip_column_used_when_text_is_blank(gazetteer):
    assert gazetteer.locate("", "60637").community_area_name in ("Hyde Park", "Woodlawn")
