#!/usr/bin/env python3
"""OWSLib against a running forcemap: the OGC API - Features client that Python users reach for.

    owslib_client.py http://127.0.0.1:PORT

Every check prints one line, `ok   owslib: ...` or `FAIL owslib: ...` with what was expected
and what came back; the script then prints `owslib: N passed, M failed` and exits 1 if any
check failed (2 if OWSLib itself is missing). What OWSLib returns is compared with what the
server answers to plain HTTP requests, so the checks follow the dataset rather than a copy of it.
"""

import json
import sys
import traceback
import urllib.request

COLLECTIONS = ["countries", "groupings", "installations", "forces", "events", "routes", "borders"]
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
TAJIKISTAN = [67.3, 36.6, 75.2, 41.1]

try:
    import owslib
    from owslib.ogcapi.features import Features
except ImportError as error:  # a missing client is a failure, never a skip
    print(f"FAIL owslib: cannot import OWSLib ({error}); run tests/gis/install.sh", flush=True)
    sys.exit(2)

results = {"passed": 0, "failed": 0}


def check(name):
    """Runs the decorated function as one check: it returns a detail or raises AssertionError."""

    def run(function):
        try:
            detail = function()
        except AssertionError as error:
            results["failed"] += 1
            print(f"FAIL owslib: {name}: {error}", flush=True)
        except Exception:  # noqa: BLE001 - a client error is a failed check, with its trace
            results["failed"] += 1
            last = traceback.format_exc().strip().splitlines()[-1]
            print(f"FAIL owslib: {name}: {last}", flush=True)
        else:
            results["passed"] += 1
            print(f"ok   owslib: {name}" + (f" ({detail})" if detail else ""), flush=True)
        return function

    return run


def main(base):
    base = base.rstrip("/")

    def http_json(path):
        request = urllib.request.Request(base + path, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def ids(features):
        return [f["id"] for f in features["features"]]

    print(f"owslib: OWSLib {owslib.__version__} against {base}", flush=True)
    api = Features(base, timeout=60)

    @check("Features(url) reads the landing page and its links")
    def _():
        rels = sorted({link.get("rel") for link in api.links})
        for rel in ["service-desc", "conformance", "data"]:
            assert rel in rels, f"no {rel!r} link among {rels}"
        return ", ".join(rels)

    @check("conformance() includes OGC API - Features core and GeoJSON")
    def _():
        classes = api.conformance()["conformsTo"]
        for wanted in [CORE, GEOJSON]:
            assert wanted in classes, f"{wanted} missing from {classes}"
        return f"{len(classes)} classes"

    @check("api() finds and parses the OpenAPI 3.0 definition")
    def _():
        document = api.api()
        assert str(document.get("openapi", "")).startswith("3.0"), f"openapi = {document.get('openapi')!r}"
        path = "/collections/installations/items"
        assert path in document["paths"], f"{path} not in the definition"
        return f"openapi {document['openapi']}, {len(document['paths'])} paths"

    @check("collections() lists all seven collections")
    def _():
        found = [c["id"] for c in api.collections()["collections"]]
        missing = [c for c in COLLECTIONS if c not in found]
        assert not missing, f"missing {missing}; got {found}"
        return ", ".join(found)

    @check("feature_collections() counts all seven as feature collections")
    def _():
        found = api.feature_collections()
        assert sorted(found) == sorted(COLLECTIONS), f"got {found}"
        return f"{len(found)}"

    @check("collection('installations') describes its extent in CRS84")
    def _():
        described = api.collection("installations")
        bbox = described["extent"]["spatial"]["bbox"][0]
        assert len(bbox) == 4 and bbox[0] < 74.9 < bbox[2] and bbox[1] < 42.9 < bbox[3], f"bbox {bbox} misses Kant"
        return "bbox " + ",".join(f"{v:g}" for v in bbox)

    expected = http_json("/collections/installations/items?limit=10000&skipGeometry=true")
    expected_ids = ids(expected)

    @check("collection_items('installations', limit=...) returns the ids the API has")
    def _():
        got = api.collection_items("installations", limit=len(expected_ids))
        got_ids = ids(got)
        assert got_ids == expected_ids, f"expected {expected_ids}, got {got_ids}"
        assert got["numberMatched"] == expected["numberMatched"], (
            f"numberMatched {got['numberMatched']} != {expected['numberMatched']}"
        )
        assert all(f["geometry"]["type"] == "Point" for f in got["features"]), "an installation is not a Point"
        return f"{len(got_ids)} features"

    @check("collection_items with limit and offset pages through every installation once")
    def _():
        seen, offset, pages = [], 0, 0
        while True:
            page = api.collection_items("installations", limit=7, offset=offset)
            pages += 1
            seen += ids(page)
            if page["numberReturned"] < 7 or pages > 1000:
                break
            offset += 7
        assert seen == expected_ids, f"paged ids differ: {len(seen)} seen, {len(expected_ids)} expected"
        return f"{pages} pages"

    @check("collection_items with bbox=[67.3,36.6,75.2,41.1] returns the Kulob garrison, not Kant")
    def _():
        got = ids(api.collection_items("installations", bbox=TAJIKISTAN, limit=1000))
        assert "201st-garrison-kulob" in got, f"201st-garrison-kulob missing from {got}"
        assert "kant-air-base" not in got, f"kant-air-base (Kyrgyzstan) in {got}"
        return f"{len(got)} features"

    @check("collection_items with a CQL2 filter returns only Kyrgyz installations")
    def _():
        got = api.collection_items("installations", filter="country = 'KGZ'", limit=1000)
        countries = {f["properties"]["country"] for f in got["features"]}
        assert "kant-air-base" in ids(got), f"kant-air-base missing from {ids(got)}"
        assert countries == {"KGZ"}, f"countries {countries}"
        return f"{len(got['features'])} features"

    @check("collection_item('installations', 'kant-air-base') is in Kyrgyzstan")
    def _():
        kant = api.collection_item("installations", "kant-air-base")
        assert kant["id"] == "kant-air-base", f"id {kant['id']!r}"
        assert kant["properties"]["country"] == "KGZ", f"country {kant['properties'].get('country')!r}"
        lon, lat = kant["geometry"]["coordinates"][:2]
        assert 74 < lon < 76 and 42 < lat < 44, f"coordinates {lon}, {lat}"
        return f"{lon:.3f}, {lat:.3f}"

    @check("collection_queryables('installations') contains country")
    def _():
        queryables = api.collection_queryables("installations")
        names = sorted(queryables.get("properties", {}))
        assert "country" in names, f"country missing from {names}"
        return ", ".join(names)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        main(sys.argv[1])
    except Exception:  # noqa: BLE001 - an error outside a check (e.g. the landing page) fails the run
        results["failed"] += 1
        print("FAIL owslib: " + traceback.format_exc().strip().splitlines()[-1], flush=True)
    print(f"owslib: {results['passed']} passed, {results['failed']} failed", flush=True)
    sys.exit(1 if results["failed"] else 0)
