"""A loopback server that answers Nominatim's ``/search`` as the real one does.

Real geopy talks to it over HTTP (``domain="127.0.0.1:PORT"``, ``scheme="http"``).
It knows a small table of places, honours ``viewbox`` with ``bounded=1``, answers
``[]`` for anything else, and can be told to fail: 429 with ``Retry-After``, 503,
an answer slower than the client's timeout, a body that is not JSON, or any JSON
at all with a 200 (:data:`MALFORMED` names the answers a real service has sent). It counts
the requests for each query, so tests can assert how often geopy asked.

    with NominatimServer() as server:
        server.fail(Fault.unavailable())
        ...
        assert server.total == 3

Run it on its own with ``python -m testing.nominatim --port 8088``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def query_key(q: str) -> str:
    """How the table is keyed: case, periods and spacing folded."""
    return " ".join(q.casefold().replace(".", " ").split())


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    display_name: str
    cls: str = "place"
    type: str = "house"
    #: Half the side of the bounding box, in degrees (a whole street is long).
    half_extent: float = 0.0001

    def as_json(self, place_id: int) -> dict:
        e = self.half_extent
        return {
            "place_id": place_id,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0. https://osm.org/copyright",
            "osm_type": "node",
            "osm_id": 1000 + place_id,
            "lat": f"{self.lat:.7f}",
            "lon": f"{self.lon:.7f}",
            "class": self.cls,
            "type": self.type,
            "place_rank": 30,
            "importance": 0.42,
            "addresstype": self.type,
            "name": "",
            "display_name": self.display_name,
            "boundingbox": [f"{self.lat - e:.7f}", f"{self.lat + e:.7f}", f"{self.lon - e:.7f}", f"{self.lon + e:.7f}"],
        }


#: One intersection, spelled two ways by hosts.
_HALSTED = Place(
    41.7797, -87.6444, "West 63rd Street & South Halsted Street, Englewood, Chicago, Illinois, 60621, United States",
    cls="highway", type="traffic_signals")

#: Known queries (as :func:`query_key` folds them) → places.
PLACES = {
    "1901 w cermak rd, chicago, il": Place(
        41.8523, -87.6742,
        "1901, West Cermak Road, Pilsen, Lower West Side, Chicago, Cook County, Illinois, 60608, United States"),
    "63rd & halsted, chicago, il": _HALSTED,
    "w 63rd st & s halsted st, chicago, il": _HALSTED,
    "5700 s cicero ave, chicago, il": Place(
        41.7897, -87.7417, "5700, South Cicero Avenue, Clearing, Chicago, Illinois, 60638, United States"),
    # Inside the city's box, outside its community areas.
    "4949 w cermak rd, cicero, il": Place(
        41.8516, -87.7513,
        "Cicero Town Hall, 4949, West Cermak Road, Cicero, Cook County, Illinois, 60804, United States",
        cls="amenity", type="townhall"),
    # Outside the city's box: only found when the search is not bounded.
    "1501 sherman ave, evanston, il": Place(
        42.0451, -87.6877, "1501, Sherman Avenue, Evanston, Cook County, Illinois, 60201, United States"),
    # Nominatim has no intersection search: it answers with one of the streets, miles long.
    "halsted & 95th, chicago, il": Place(
        41.8100, -87.6465, "South Halsted Street, Chicago, Cook County, Illinois, United States",
        cls="highway", type="primary", half_extent=0.08),
}


def _cermak(**fields) -> dict:
    """The Cermak place's JSON with some fields replaced (``None``: left out)."""
    place = PLACES["1901 w cermak rd, chicago, il"].as_json(place_id=1)
    place.update(fields)
    return {key: value for key, value in place.items() if value is not None}


#: 200 answers a geocoder must survive, by name: ``server.fail(Fault.answer(MALFORMED[name]))``.
MALFORMED = {
    "latitude 91": [_cermak(lat="91.0000000")],
    "latitude NaN": [_cermak(lat="NaN")],
    "latitude abc": [_cermak(lat="abc")],
    "longitude -200": [_cermak(lon="-200")],
    "no display_name": [_cermak(display_name=None)],
    "[null]": [None],
    "[1,2]": [1, 2],
    '"hello"': "hello",
    "null": None,
    '{"error":"Internal"}': {"error": "Internal"},
}


@dataclass
class Fault:
    """How to misbehave, for the next ``times`` requests (all of them when ``None``)."""

    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    times: int | None = None

    @classmethod
    def rate_limited(cls, retry_after: int | None, *, times: int | None = None) -> Fault:
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return cls(429, headers, b'{"error": "Too Many Requests"}', times=times)

    @classmethod
    def unavailable(cls, *, times: int | None = None) -> Fault:
        return cls(503, {}, b"<html><body>503 Service Unavailable</body></html>", times=times)

    @classmethod
    def slow(cls, seconds: float, *, times: int | None = None) -> Fault:
        return cls(delay=seconds, times=times)

    @classmethod
    def not_json(cls, *, times: int | None = None) -> Fault:
        return cls(200, {}, b"<html><body>Bad Gateway</body></html>", times=times)

    @classmethod
    def answer(cls, body: object, *, times: int | None = None) -> Fault:
        """A 200 whose JSON body is ``body``, whatever the query."""
        return cls(200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode(), times=times)


class NominatimServer:
    """The server, on its own thread; use it as a context manager or call start/stop."""

    def __init__(self, places: dict[str, Place] | None = None, *, port: int = 0):
        self.places = dict(PLACES if places is None else places)
        self.requests: Counter[str] = Counter()
        self.params: dict[str, dict[str, str]] = {}  # last parameters seen per query
        self.fault: Fault | None = None
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def domain(self) -> str:
        """What geopy's ``domain`` takes (with ``scheme="http"``)."""
        return f"127.0.0.1:{self.port}"

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def fail(self, fault: Fault | None) -> None:
        """Misbehave from now on as ``fault`` says; ``None`` to behave again."""
        with self._lock:
            self.fault = fault

    def start(self) -> NominatimServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> NominatimServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _take_fault(self) -> Fault | None:
        with self._lock:
            fault = self.fault
            if fault is not None and fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.fault = None
            return fault

    def answer(self, params: dict[str, str]) -> list[dict]:
        """The JSON list Nominatim would send for these parameters."""
        place = self.places.get(query_key(params.get("q", "")))
        if place is None or (params.get("bounded") == "1" and not _in_viewbox(place, params.get("viewbox", ""))):
            return []
        return [place.as_json(place_id=abs(hash(params["q"])) % 10**8)]


def _in_viewbox(place: Place, viewbox: str) -> bool:
    try:
        lon1, lat1, lon2, lat2 = (float(v) for v in viewbox.split(","))
    except ValueError:
        return True  # no box: nothing to bound by
    return min(lat1, lat2) <= place.lat <= max(lat1, lat2) and min(lon1, lon2) <= place.lon <= max(lon1, lon2)


def _handler(server: NominatimServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real service
        disable_nagle_algorithm = True  # else headers and body wait on a delayed ACK: 40 ms a request

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path != "/search":
                return self._send(404, {}, b'{"error": "not found"}')
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            key = query_key(params.get("q", ""))
            with server._lock:
                server.requests[key] += 1
                server.params[key] = params
            fault = server._take_fault()
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            if fault is not None and fault.body is not None:
                return self._send(fault.status, fault.headers, fault.body)
            body = json.dumps(server.answer(params)).encode()
            self._send(200, {"Content-Type": "application/json; charset=utf-8"}, body)

        def _send(self, status: int, headers: dict, body: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to tell it

        def log_message(self, format, *args):
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="A loopback Nominatim /search server.")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = NominatimServer(port=args.port)
    print(f"http://{server.domain}/search", flush=True)
    server._httpd.serve_forever()


if __name__ == "__main__":
    main()
