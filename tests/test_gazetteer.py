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


@pytest.mark.parametrize("text", [
    "citywide", "City-wide", "All of Chicago", "Chicago", "Chicago, IL", "Online", "Virtual (Zoom)",
    "All neighborhoods", "Everywhere in Chicago", "Todo Chicago", "Citywide / online", "Online – all of Chicago",
    "Google Meet", "en línea", "Cała Chicago", "zdalnie (Zoom)", "Citywide (hosted from Pilsen)",
])
def test_citywide(gazetteer, text):
    location = gazetteer.locate(text)
    assert location.precision is Precision.CITYWIDE and location.lat is None


@pytest.mark.parametrize("text, message", [
    ("Evanston", "Evanston, IL is outside Chicago"),
    ("Oak Park", "Oak Park, IL is outside Chicago"),
    ("Gary, IN", "Gary, IN is outside Chicago"),
    ("Evergreen Park", "Evergreen Park, IL is outside Chicago"),
    ("Naperville, IL", "Naperville, IL is outside Chicago"),
    ("Bridgeport, CT", "Bridgeport, CT is outside Chicago"),
    ("60201", "ZIP code 60201 is in Evanston, IL, outside Chicago"),
    ("02134", "ZIP code 02134 is in Allston, MA, outside Chicago"),
])
def test_outside_city_rejected_with_reason(gazetteer, text, message):
    with pytest.raises(OutsideCity, match=message):
        gazetteer.locate(text)


@pytest.mark.parametrize("text", [
    "asdfgh", "Parkside Heights", "my house", "99999", "East Lawndale", "the community", "Garfield Park", "Park",
])
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


@pytest.mark.parametrize("text, expected", [
    # direction and generic words are never crossed
    ("West Side", ("side", "West")),
    ("W. Englewood", ("area", 67)),
    ("E. Garfield Park", ("area", 27)),
    ("East Side", ("area", 52)),
    ("Garfield Ridge", ("area", 56)),
    ("North Park", ("area", 13)),
    ("North Center", ("area", 5)),
    ("South Lawndale", ("area", 30)),
    # abbreviations and small typos
    ("S. Shore", ("area", 43)),
    ("Washington Hts", ("area", 73)),
    ("Mt. Greenwood", ("area", 74)),
    ("Pilson", ("area", 31)),
    ("Lakeveiw", ("area", 6)),
    ("Uptwon", ("area", 3)),
    ("Woodlawm", ("area", 42)),
    ("Logan Sqaure", ("area", 22)),
    ("South Shor", ("area", 43)),
    # words around a name
    ("Austin neighborhood", ("area", 25)),
    ("In Bronzeville", ("area", 38)),
    ("Englewood, Chicago IL", ("area", 68)),
    ("Chatham area", ("area", 44)),
    ("Pilsen (Lower West Side)", ("area", 31)),
    ("Zoom, for Austin residents", ("area", 25)),
    # sides
    ("South Side", ("side", "South")),
    ("the Southside", ("side", "South")),
    ("SW side", ("side", "Southwest")),
    ("Far South Side", ("side", "Far South")),
    ("Northwest Side of Chicago", ("side", "Northwest")),
    ("Austin (West Side)", ("area", 25)),  # the finer of two places
])
def test_places_a_chicagoan_would_place(gazetteer, text, expected):
    location = gazetteer.locate(text)
    kind, value = expected
    if kind == "side":
        assert (location.precision, location.side, location.community_area) == (Precision.SIDE, value, None)
    else:
        assert location.community_area == value, location


def test_two_places_take_the_first_with_a_warning(gazetteer):
    location = gazetteer.locate("Hyde Park/Kenwood")
    assert location.community_area == 41
    assert location.note == "the answer names more than one place (Hyde Park, Kenwood); the first was used"
    assert gazetteer.locate("Pilsen (Lower West Side)").note == ""  # two names, one place


def test_virtual_answers_are_never_pinned_to_the_zip_column(gazetteer):
    assert gazetteer.locate("Online – all of Chicago", "60615").precision is Precision.CITYWIDE
    assert gazetteer.locate("Zoom", "60644").precision is Precision.CITYWIDE


def test_zip_column_places_an_unplaceable_answer(gazetteer):
    location = gazetteer.locate("idk", "60621")
    assert (location.precision, location.zip, location.community_area) == (Precision.ZIP, "60621", 68)


def test_intersections_without_a_street_type_go_to_the_geocoder(gazetteer):
    for text in ("Clark and Foster", "Lawrence & Kimball", "Madison/Pulaski", "corner of 79th and Stony Island"):
        with pytest.raises(NeedsGeocoder, match="intersection needs an online geocoder"):
            gazetteer.locate(text)
    # two places joined by "and" are places, not streets
    assert gazetteer.locate("Pilsen and Little Village").community_area == 31


def test_venues_resolve_to_their_community_area(gazetteer):
    location = gazetteer.locate("DuSable Museum")
    assert (location.precision, location.community_area, location.venue) == (Precision.VENUE, 40, "DuSable Museum")
    assert gazetteer.locate("St. Sabina").community_area == 71
    assert gazetteer.locate("Navy Pier").community_area == 8


def test_rejection_names_the_answer_and_suggests_names(gazetteer):
    with pytest.raises(LocationNotFound) as caught:
        gazetteer.locate("Hydee Parkk")
    assert "'Hydee Parkk'" in str(caught.value) and "did you mean" in str(caught.value)
    assert "Hyde Park" in str(caught.value)


def test_staff_corrections_apply_before_matching(tmp_path):
    from sync.locate.geography import load_geography

    config = load_config(DEFAULT_CONFIG)
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("# staff corrections\ntyped,place\n"
                           "Casa de la Comunidad,Pilsen\nOur church,reject\nThe whole south,side:Far South\n"
                           "West Side,citywide\nEnglewood,67\n", encoding="utf-8")
    config = config.model_copy(update={"location": config.location.model_copy(update={"corrections": corrections})})
    gaz = Gazetteer.from_config(config, geography=load_geography())
    assert gaz.locate("casa de la comunidad!").community_area == 31
    assert gaz.locate("the whole SOUTH").side == "Far South"
    assert gaz.locate("West Side").precision is Precision.CITYWIDE
    assert gaz.locate("Englewood").community_area == 67
    with pytest.raises(LocationNotFound, match="staff correction"):
        gaz.locate("Our Church")


def test_a_bad_correction_names_the_file_and_line(tmp_path):
    from sync.errors import ConfigError

    config = load_config(DEFAULT_CONFIG)
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("typed,place\nSomewhere,Atlantis\n", encoding="utf-8")
    config = config.model_copy(update={"location": config.location.model_copy(update={"corrections": corrections})})
    with pytest.raises(ConfigError, match=r"corrections.csv:2: 'Atlantis' is not a community area"):
        Gazetteer.from_config(config)


def test_place_data_files_are_consistent():
    """Every name in the bundled files is placeable and says what it means exactly."""
    from sync.locate.geography import load_geography
    from sync.locate.placedata import SIDES, load_names, load_sides

    geography = load_geography()
    config = load_config(DEFAULT_CONFIG)
    names = load_names(geography, neighborhoods=config.location.aliases, venues=config.location.venues)
    sides = load_sides(config.location.sides, geography)
    assert sorted(set(sides.values())) == sorted(SIDES) and len(sides) == 77
    assert sum(p.kind == "neighborhood" for p in names.values()) >= 250
    assert sum(p.kind == "venue" for p in names.values()) >= 200
    for place in names.values():  # venues with a point: the point lies in the venue's own area
        if place.kind == "venue" and place.lat is not None:
            assert geography.area_at(place.lat, place.lon).number == place.area, place
