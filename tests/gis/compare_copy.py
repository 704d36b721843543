#!/usr/bin/env python3
"""Compares a collection as the API serves it with the copy a GIS client made of it.

    compare_copy.py BASE_URL COLLECTION COPY.geojson [--exact-dates]

COPY.geojson is the client's copy written back out as GeoJSON (for a GeoPackage:
`ogr2ogr -f GeoJSON copy.geojson out.gpkg COLLECTION`). Every feature must be there once, with
its geometry (coordinates within 1e-9 degrees) and every property the API gives it, with the
same value. Allowed, because GeoPackage or GDAL 3.6 cannot do better and no value is lost:
  - a list of strings stored as GDAL's text form of a list, `(2:crdf,csto)`;
  - nested objects stored as JSON text;
  - true/false stored as 1/0;
  - a full date `2009-06-14` written as `2009/06/14`: GDAL 3.6 reads each page of an
    OGC API - Features collection on its own, types a page whose values are all full dates as
    Date, and formats those dates this way when the layer's field is a string. Reported in the
    detail; refused with --exact-dates (for a copy made with OGR_GEOJSON_DATE_AS_STRING=YES).

Prints one line, what was compared or the first differences, and exits 1 on any difference.
"""

import json
import math
import re
import sys
import urllib.request

LIST_TEXT = re.compile(r"^\((\d+):(.*)\)$", re.S)
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def coordinates_equal(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(coordinates_equal(x, y) for x, y in zip(a, b))
    return False


def geometry_difference(served, copied):
    if served is None or copied is None:
        return None if served is copied or (served is None and copied is None) else (
            f"geometry {None if served is None else served['type']} became "
            f"{None if copied is None else copied['type']}")
    if served["type"] != copied["type"]:
        return f"geometry {served['type']} became {copied['type']}"
    if not coordinates_equal(served["coordinates"], copied["coordinates"]):
        return "coordinates differ"
    return None


def value_difference(name, served, copied, quirks, exact_dates):
    """None when `copied` holds the same value as `served`, else what differs."""
    if served is None:
        return None if copied is None else f"{name}: null became {copied!r}"
    if copied is None:
        return f"{name}: {served!r} became null"
    if isinstance(served, bool):
        return None if copied in (served, int(served)) else f"{name}: {served!r} became {copied!r}"
    if isinstance(served, (int, float)):
        ok = isinstance(copied, (int, float)) and math.isclose(served, copied, rel_tol=1e-12, abs_tol=1e-9)
        return None if ok else f"{name}: {served!r} became {copied!r}"
    if isinstance(served, list) and all(isinstance(v, str) for v in served) and isinstance(copied, str):
        match = LIST_TEXT.match(copied)
        if match and int(match.group(1)) == len(served):
            items = match.group(2).split(",") if served else []
            if items == served:
                return None
        return f"{name}: {served!r} became {copied!r}"
    if isinstance(served, (list, dict)):
        if isinstance(copied, str):
            try:
                copied = json.loads(copied)
            except ValueError:
                return f"{name}: {served!r} became {copied!r}"
        return None if copied == served else f"{name}: {json.dumps(served)[:80]} became {json.dumps(copied)[:80]}"
    if isinstance(served, str):
        if copied == served:
            return None
        if FULL_DATE.match(served) and copied == served.replace("-", "/"):
            quirks.append(name)
            return f"{name}: {served!r} became {copied!r}" if exact_dates else None
        return f"{name}: {served!r} became {copied!r}"
    return None if copied == served else f"{name}: {served!r} became {copied!r}"


def main(base, collection, copy_path, exact_dates):
    url = f"{base.rstrip('/')}/collections/{collection}/items?limit=10000"
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        served = json.load(response)
    with open(copy_path, encoding="utf-8") as f:
        copied = json.load(f)

    problems, quirks = [], []
    copies = {}
    for feature in copied["features"]:
        fid = feature["properties"].get("id", feature.get("id"))
        if fid in copies:
            problems.append(f"{fid}: copied twice")
        copies[fid] = feature
    served_ids = [f["id"] for f in served["features"]]
    for fid in sorted(set(copies) - set(served_ids), key=str):
        problems.append(f"{fid}: in the copy, not in the API")
    fields = set()
    for feature in copied["features"]:
        fields.update(feature["properties"])
    for feature in served["features"]:
        fid = feature["id"]
        copy = copies.get(fid)
        if copy is None:
            problems.append(f"{fid}: missing from the copy")
            continue
        difference = geometry_difference(feature.get("geometry"), copy.get("geometry"))
        if difference:
            problems.append(f"{fid}: {difference}")
        for name, value in feature["properties"].items():
            if name not in fields:
                problems.append(f"{fid}: property {name} dropped (no such field in the copy)")
                continue
            difference = value_difference(name, value, copy["properties"].get(name), quirks, exact_dates)
            if difference:
                problems.append(f"{fid}: {difference}")

    values = sum(len(f["properties"]) for f in served["features"])
    what = f"{collection}: {len(served_ids)} features, {values} property values"
    if problems:
        shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more" if len(problems) > 6 else "")
        print(f"{what}: {len(problems)} differences: {shown}")
        return 1
    note = ""
    if quirks:
        note = f" ({len(quirks)} full dates in {', '.join(sorted(set(quirks)))} written as YYYY/MM/DD by GDAL 3.6)"
    print(f"{what} and every geometry survive the copy{note}")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*args, exact_dates="--exact-dates" in sys.argv))
