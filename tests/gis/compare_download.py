#!/usr/bin/env python3
"""Compares a GeoJSON answer of the API with a download of the same answer as GDAL reads it.

    compare_download.py GEOJSON_URL COPY.geojson FORMAT

COPY.geojson is the download (FORMAT: csv, fgb or kml) written back out by GDAL
(`ogr2ogr -f GeoJSON COPY.geojson download.FORMAT`). Every feature of the GeoJSON answer must
be there once (matched by its `id` field), with its geometry (coordinates within 1e-9) and every
property with the same value. Allowed, because the format has no better way and no value is
lost:
  - field names matched without regard to case (GDAL's KML driver names the Placemark's
    <name> `Name`, which is the `name` property);
  - in CSV and KML every value is text: numbers, booleans, arrays and objects as their JSON
    text, compared after parsing it;
  - in FlatGeobuf, arrays and objects in JSON columns;
  - in KML, a MultiGeometry read as a GeometryCollection of the same parts.
Fields GDAL adds itself (KML's `begin`, `end`, `description`, ...) are not compared.

Prints one line, what was compared or the first differences, and exits 1 on any difference.
"""

import json
import math
import sys
import urllib.request

from compare_copy import coordinates_equal

SINGLE = {"MultiPoint": "Point", "MultiLineString": "LineString", "MultiPolygon": "Polygon"}


def parts(geometry):
    """The simple parts of a geometry: (type, coordinates) pairs."""
    if geometry is None:
        return []
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return [p for g in geometry["geometries"] for p in parts(g)]
    if kind in SINGLE:
        return [(SINGLE[kind], c) for c in geometry["coordinates"]]
    return [(kind, geometry["coordinates"])]


def geometry_difference(served, copied, fmt):
    if served is None or copied is None:
        if served is None and copied is None:
            return None
        return f"geometry {served and served['type']} became {copied and copied['type']}"
    # KML has no multi-geometries of its own (a MultiGeometry reads back as a collection), and
    # FlatGeobuf downloads write a one-part MultiLineString as its LineString (GDAL 3.6 cannot
    # read one without part ends, which the writer leaves out).
    one_line = served["type"] == "MultiLineString" and len(served["coordinates"]) == 1
    if served["type"] != copied["type"] and not (
        (fmt == "kml" and copied["type"] == "GeometryCollection")
        or (fmt == "fgb" and one_line and copied["type"] == "LineString")
    ):
        return f"geometry {served['type']} became {copied['type']}"
    a, b = parts(served), parts(copied)
    if len(a) != len(b) or any(x[0] != y[0] or not coordinates_equal(x[1], y[1]) for x, y in zip(a, b)):
        return f"{served['type']} coordinates differ"
    return None


def value_difference(name, served, copied):
    """None when `copied` holds the same value as `served`, else what differs."""
    if served is None:
        return None if copied is None else f"{name}: null became {copied!r}"
    if copied is None:
        return f"{name}: {served!r} became null"
    if isinstance(served, str):
        return None if copied == served else f"{name}: {served!r} became {copied!r}"
    if isinstance(copied, str):
        try:
            copied = json.loads(copied)
        except ValueError:
            return f"{name}: {json.dumps(served)[:80]} became the text {copied[:80]!r}"
    if isinstance(served, bool) or isinstance(copied, bool):
        return None if copied is served else f"{name}: {served!r} became {copied!r}"
    if isinstance(served, (int, float)):
        ok = isinstance(copied, (int, float)) and math.isclose(served, copied, rel_tol=1e-12, abs_tol=1e-9)
        return None if ok else f"{name}: {served!r} became {copied!r}"
    return None if copied == served else f"{name}: {json.dumps(served)[:80]} became {json.dumps(copied)[:80]}"


def main(url, copy_path, fmt):
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        served = json.load(response)
    with open(copy_path, encoding="utf-8") as f:
        copied = json.load(f)

    problems = []
    copies = {}
    for feature in copied["features"]:
        props = {k.lower(): v for k, v in feature["properties"].items()}
        copies.setdefault(props.get("id"), []).append((props, feature.get("geometry")))
    served_ids = [f["id"] for f in served["features"]]
    for fid in sorted(set(copies) - set(served_ids), key=str):
        problems.append(f"{fid}: in the download, not in the GeoJSON")
    values = 0
    for feature in served["features"]:
        fid = feature["id"]
        if not copies.get(fid):
            problems.append(f"{fid}: missing from the download")
            continue
        props, geometry = copies[fid].pop(0)
        difference = geometry_difference(feature.get("geometry"), geometry, fmt)
        if difference:
            problems.append(f"{fid}: {difference}")
        for name, value in feature["properties"].items():
            values += 1
            difference = value_difference(name, value, props.get(name.lower()))
            if difference:
                problems.append(f"{fid}: {difference}")
    for fid, left in copies.items():
        if left and fid in served_ids:
            problems.append(f"{fid}: {len(left)} more times in the download than in the GeoJSON")

    what = f"{len(served_ids)} features, {values} property values"
    if problems:
        shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more" if len(problems) > 6 else "")
        print(f"{what}: {len(problems)} differences: {shown}")
        return 1
    print(f"{what} and every geometry as in the GeoJSON")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
