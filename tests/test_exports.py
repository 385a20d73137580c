import csv
import io
import json

from sync.publish.exports import csv_bytes, geojson_bytes, values_csv_bytes


def test_formulas_neutralized_numbers_kept():
    formulas = ['=HYPERLINK("http://evil.example","x")', "+1 555", "-@SUM(A1)", "@cmd", "\tx", "\rx"]
    data = values_csv_bytes(("cell",), [[text] for text in formulas] + [[-87.6], ["Hyde Park"], [None], ["a=b"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["cell"], *(["'" + text] for text in formulas), ["-87.6"], ["Hyde Park"], [""], ["a=b"]]


def test_csv_has_bom_crlf_and_round_trips():
    data = csv_bytes(("a", "b"), [{"a": "=1+1", "b": 'He said "hi",\nthen left'}, {"a": None, "b": 41.5}])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["a", "b"], ["'=1+1", 'He said "hi",\nthen left'], ["", "41.5"]]


def test_geojson_is_rfc7946():
    events = [
        {"id": "a", "title": "T", "lat": 41.8, "lon": -87.6},
        {"id": "b", "title": "Citywide", "lat": None, "lon": None},
    ]
    doc = json.loads(geojson_bytes(events))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["features"][0]["geometry"] == {"type": "Point", "coordinates": [-87.6, 41.8]}
    assert doc["features"][1]["geometry"] is None
    assert "lat" not in doc["features"][0]["properties"]
