"""Generation rules for the API document tests that an OpenAPI document cannot state.

schemathesis draws every parameter from its schema. Three rules of this API tie a value to
something a JSON Schema cannot express, so they are applied here, and only here:

- `filter` is CQL2: a language, not a pattern. Each drawn filter is replaced by a well-formed
  expression over the collection's own queryables (read from `/collections/{id}/queryables`,
  the document clients use), in the language `filter-lang` asks for, picked by the drawn text
  so that a run is repeatable.
- `/analysis/changes` needs `to` not before `from`; the other endpoints' `datetime` intervals
  must not end before they start. Cases that break this are dropped, not sent.
- A `bbox` is four (or six) numbers whose meaning depends on their place: longitudes within
  ±180, latitudes within ±90, south not north of north. In a projected `bbox-crs` the valid
  numbers depend on the projection, so those cases are dropped as well.
- CSV and KML downloads (`f=csv`, `f=kml`) are WGS 84 longitude/latitude only: CSV cannot
  declare a CRS and KML has one. A case asking either for another `crs` is dropped.

One judgement of the tool is re-made here: a schema-violating value it draws can reach the wire
as text the schema admits (an empty array is sent as `bbox=`, which the document allows as an
empty value; the integer 0 for an array parameter is sent as `0`, a one-item list). When the
request as sent, read the way the document says the server reads it, is valid, the server was
right to accept it, and that "schema-violating request accepted" report is dropped. Every other
report stands.

Everything else the server refuses must be refused by the document too.
"""

import json
import os
import random
import urllib.parse
import urllib.request
import zlib

import jsonschema_rs
import schemathesis

BASE = os.environ["FORCEMAP_URL"].rstrip("/")
_queryables = {}


def queryables(collection):
    if collection not in _queryables:
        with urllib.request.urlopen(f"{BASE}/collections/{collection}/queryables") as r:
            _queryables[collection] = json.load(r)["properties"]
    return _queryables[collection]


def collection_of(context):
    parts = context.operation.path.strip("/").split("/") if context.operation else []
    if len(parts) == 3 and parts[0] == "collections" and parts[2] == "items":
        return parts[1]
    return None


def by_type(properties, *types):
    return sorted(
        name for name, schema in properties.items()
        if schema.get("type") in types and not schema.get("format") and name != "datetime"
    )


def comparisons(properties, rng):
    """Simple comparisons in both languages, as (text, json) pairs."""
    out = [
        ("S_INTERSECTS(geometry, BBOX(60,30,80,45))",
         {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [60, 30, 80, 45]}]}),
        ("T_INTERSECTS(datetime, INTERVAL('2000-01-01','2010-12-31'))",
         {"op": "t_intersects", "args": [{"property": "datetime"}, {"interval": ["2000-01-01", "2010-12-31"]}]}),
    ]
    for name in by_type(properties, "string"):
        prop = {"property": name}
        out += [
            (f"{name} = 'Kant'", {"op": "=", "args": [prop, "Kant"]}),
            (f"{name} <> 'x'", {"op": "<>", "args": [prop, "x"]}),
            (f"{name} LIKE 'K%'", {"op": "like", "args": [prop, "K%"]}),
            (f"{name} IS NULL", {"op": "isNull", "args": [prop]}),
            (f"{name} IN ('a','b')", {"op": "in", "args": [prop, ["a", "b"]]}),
        ]
    for name in by_type(properties, "number", "integer"):
        prop = {"property": name}
        n = rng.randint(0, 1000)
        out += [
            (f"{name} > {n}", {"op": ">", "args": [prop, n]}),
            (f"{name} BETWEEN 1 AND {n + 1}", {"op": "between", "args": [prop, 1, n + 1]}),
        ]
    return out


def well_formed_filter(properties, drawn, lang):
    rng = random.Random(zlib.crc32(str(drawn).encode()))
    simple = comparisons(properties, rng)
    a, b = rng.choice(simple), rng.choice(simple)
    shape = rng.randrange(4)
    if shape == 0:
        text, tree = a
    elif shape == 1:
        text, tree = f"{a[0]} AND {b[0]}", {"op": "and", "args": [a[1], b[1]]}
    elif shape == 2:
        text, tree = f"{a[0]} OR {b[0]}", {"op": "or", "args": [a[1], b[1]]}
    else:
        text, tree = f"NOT ({a[0]})", {"op": "not", "args": [a[1]]}
    return json.dumps(tree) if lang == "cql2-json" else text


@schemathesis.hook
def map_query(context, query):
    collection = collection_of(context)
    if collection and query and isinstance(query.get("filter"), str):
        query["filter"] = well_formed_filter(
            queryables(collection), query["filter"], query.get("filter-lang", "cql2-text")
        )
    return query


def days(text, last):
    """First (or last) day a reduced-precision date or a date-time covers, as a sortable tuple."""
    date = text[:10]
    parts = [int(p) for p in date.split("-") if p.isdigit()]
    if len(parts) == 1:
        return (parts[0], 12, 31) if last else (parts[0], 1, 1)
    if len(parts) == 2:
        return (parts[0], parts[1], 31) if last else (parts[0], parts[1], 1)
    return tuple(parts)


def ordered(start, end):
    try:
        return days(end, True) >= days(start, False)
    except ValueError:
        return True  # not a date: the schema decides


CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def bbox_is_meaningful(query):
    box = query.get("bbox")
    if box is None:
        return True
    if query.get("bbox-crs", CRS84) != CRS84:
        return False
    numbers = box if isinstance(box, list) else str(box).split(",")
    try:
        numbers = [float(n) for n in numbers]
    except (TypeError, ValueError):
        return True  # not numbers: the schema decides
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4:
        return True
    west, south, east, north = numbers
    return all(abs(lon) <= 180 for lon in (west, east)) and -90 <= south <= north <= 90


@schemathesis.hook
def filter_query(context, query):
    if not query:
        return True
    if not bbox_is_meaningful(query):
        return False
    if query.get("f") in ("csv", "kml") and query.get("crs", CRS84) != CRS84:
        return False
    if context.operation and context.operation.path == "/analysis/changes":
        start, end = query.get("from"), query.get("to")
        if isinstance(start, str) and isinstance(end, str) and not ordered(start, end):
            return False
    interval = query.get("datetime")
    if isinstance(interval, str) and "/" in interval:
        start, end = interval.split("/", 1)
        if start not in ("", "..") and end not in ("", "..") and not ordered(start, end):
            return False
    return True


_document = None


def document():
    global _document
    if _document is None:
        with urllib.request.urlopen(f"{BASE}/api?f=json") as r:
            _document = json.load(r)
    return _document


def parameters_of(path):
    doc = document()
    out = {}
    for p in doc["paths"].get(path, {}).get("get", {}).get("parameters", []):
        if "$ref" in p:
            p = doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        if p.get("in") == "query":
            out[p["name"]] = p
    return out


def read_as_the_server_does(parameter, text):
    """A query value as the document says it is read: form style, not exploded."""
    schema = parameter.get("schema", {})
    kind = schema.get("type")
    if kind == "array":
        item_kind = schema.get("items", {}).get("type")
        return [number_or_text(t, item_kind) for t in text.split(",")]
    return number_or_text(text, kind)


def number_or_text(text, kind):
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def sent_request_is_valid(operation_path, url):
    declared = parameters_of(operation_path)
    for name, text in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True):
        parameter = declared.get(name)
        if parameter is None:
            return False
        if text == "" and parameter.get("allowEmptyValue"):
            continue
        value = read_as_the_server_does(parameter, text)
        if not jsonschema_rs.validator_for(parameter.get("schema", {})).is_valid(value):
            return False
    return True


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", None) != "ST201":
        return True
    return not sent_request_is_valid(case.operation.path, response.request.url)
