"""Chicago's geography from the ``chicago`` package's data files.

We read the package's data files directly instead of importing its modules:
its ``__init__`` pulls in ``six`` and builds collections we do not need, and
its community areas carry no polygons. Community-area polygons are dissolved
from the 801 census tracts by their ``commarea`` property with shapely
(a fraction of a second), ZIP polygons come from the package's ZIP file.

>>> geo = load_geography()
>>> geo.area_at(41.7943, -87.5907).name        # the University of Chicago
'Hyde Park'
>>> geo.areas[76].name
"O'Hare"
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from sync.publish.files import PRIVATE_FILE, replace_file

#: The official names, spelled as the city writes them (the CSV is upper case, "OHARE").
_NAME_FIXES = {"OHARE": "O'Hare", "MCKINLEY PARK": "McKinley Park", "LOOP": "Loop"}


@dataclass(frozen=True)
class CommunityArea:
    number: int
    name: str
    polygon: BaseGeometry = field(repr=False)
    #: A point inside the area (not the centroid, which can fall outside), for markers.
    lat: float
    lon: float


def data_dir() -> Path:
    """The ``chicago`` package's data folder, found without importing the package."""
    spec = importlib.util.find_spec("chicago")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the 'chicago' package is not installed (pip install chicago)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


class Geography:
    """The 77 community areas and the city's ZIP codes, with point look-ups."""

    def __init__(self, areas: dict[int, CommunityArea], zips: dict[str, BaseGeometry],
                 zip_areas: dict[str, int | None] | None = None):
        self.areas = areas
        self.zips = zips
        self._numbers = list(areas)
        self._tree = shapely.STRtree([areas[n].polygon for n in self._numbers])
        bounds = shapely.bounds([a.polygon for a in areas.values()])
        self.bounds = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
        if zip_areas is None:
            zip_areas = {code: getattr(self._area_for_polygon(poly), "number", None) for code, poly in zips.items()}
        self.zip_areas = zip_areas

    def __reduce__(self):
        # The STRtree does not pickle; rebuilding it is cheap, unlike the dissolve and the ZIP overlaps.
        return Geography, (self.areas, self.zips, self.zip_areas)

    def area_at(self, lat: float, lon: float) -> CommunityArea | None:
        """The community area containing a point, or ``None`` outside the city."""
        point = shapely.Point(lon, lat)
        for index in self._tree.query(point, predicate="intersects"):
            return self.areas[self._numbers[int(index)]]
        return None

    def zip_area(self, code: str) -> CommunityArea | None:
        """The community area covering most of a Chicago ZIP, or ``None`` for a ZIP outside it."""
        number = self.zip_areas.get(code)
        return self.areas[number] if number is not None else None

    def zip_point(self, code: str) -> tuple[float, float] | None:
        poly = self.zips.get(code)
        if poly is None:
            return None
        point = poly.representative_point()
        return point.y, point.x

    def zip_at(self, lat: float, lon: float) -> str | None:
        point = shapely.Point(lon, lat)
        for code, poly in self.zips.items():
            if poly.contains(point):
                return code
        return None

    def _area_for_polygon(self, polygon: BaseGeometry) -> CommunityArea | None:
        best, best_area = None, 0.0
        for index in self._tree.query(polygon, predicate="intersects"):
            area = self.areas[self._numbers[int(index)]]
            overlap = area.polygon.intersection(polygon).area
            if overlap > best_area:
                best, best_area = area, overlap
        return best

    @functools.cached_property
    def outlines(self) -> dict:
        """The community areas as a small GeoJSON FeatureCollection for the map page."""
        return self.areas_geojson()

    def areas_geojson(self, *, tolerance: float = 0.0004, digits: int = 5) -> dict:
        """The community areas as a small GeoJSON FeatureCollection for the map page."""
        features = []
        for area in self.areas.values():
            simple = shapely.set_precision(area.polygon.simplify(tolerance, preserve_topology=True), 10**-digits)
            features.append({
                "type": "Feature",
                "properties": {"number": area.number, "name": area.name},
                "geometry": json.loads(shapely.to_geojson(simple)),
            })
        return {"type": "FeatureCollection", "features": features}


def _title(name: str) -> str:
    return _NAME_FIXES.get(name) or name.title()


@functools.cache
def load_geography(cache_dir: Path | None = None) -> Geography:
    """The city's geography, built once per process; with ``cache_dir``, once per data version.

    Building it parses 5 MB of GeoJSON and dissolves 801 tracts (about a second);
    the pickled result loads in a few milliseconds, which matters for a sync run
    every few minutes.
    """
    base = data_dir()
    if cache_dir is None:
        return build_geography(base)
    stamp = hashlib.sha256(b"geography-1")
    for name in _DATA_FILES:
        info = (base / name).stat()
        stamp.update(f"{name}:{info.st_size}:{info.st_mtime_ns}".encode())
    cached = Path(cache_dir) / f"geography-{stamp.hexdigest()[:16]}.pickle"
    try:
        return pickle.loads(cached.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass
    geography = build_geography(base)
    cached.parent.mkdir(parents=True, exist_ok=True)
    replace_file(cached, pickle.dumps(geography, protocol=pickle.HIGHEST_PROTOCOL), PRIVATE_FILE)
    return geography


_DATA_FILES = ("CommAreas.csv", "census_tracts_as_of_2010.geojson", "chicago_zip_codes.geojson")


def build_geography(base: Path) -> Geography:
    """Dissolve the census tracts into community areas and read the ZIP polygons."""
    with open(base / "CommAreas.csv", newline="", encoding="utf-8") as fh:
        names = {int(row["AREA_NUMBE"]): _title(row["COMMUNITY"].strip()) for row in csv.DictReader(fh)}
    tracts = json.loads((base / "census_tracts_as_of_2010.geojson").read_text(encoding="utf-8"))
    by_area: dict[int, list[BaseGeometry]] = {}
    for feature in tracts["features"]:
        number = int(feature["properties"]["commarea"])
        by_area.setdefault(number, []).append(shape(feature["geometry"]))
    areas = {}
    for number in sorted(by_area):
        polygon = shapely.union_all(by_area[number]).buffer(0)
        inside = polygon.representative_point()
        areas[number] = CommunityArea(number, names[number], polygon, round(inside.y, 6), round(inside.x, 6))
    zip_features = json.loads((base / "chicago_zip_codes.geojson").read_text(encoding="utf-8"))["features"]
    zips: dict[str, BaseGeometry] = {}
    for feature in zip_features:
        code = feature["properties"]["zip"].strip().zfill(5)
        geom = shape(feature["geometry"])
        zips[code] = shapely.union_all([zips[code], geom]) if code in zips else geom
    return Geography(areas, zips)
