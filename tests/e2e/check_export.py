#!/usr/bin/env python3
"""Reads the archives of a static export with PyPI's pmtiles (not forcemap's reader).

    check_export.py SITE_DIR

For `basemap.pmtiles` and `collections.pmtiles`: the header's tile type, compression and zooms
agree with the metadata's `vector_layers`; the layers are the ones the map page and the
manifest promise; the files' sizes are the manifest's; and Kant air base's zoom-6 tile is in
the collections archive. The collections archive's `groupings` layer stops at its own lower
zoom with the epoch's fields, and its world tile (decoded with mapbox-vector-tile) holds
grouping epochs whose `active_members` are JSON lists of ISO3 codes. Exits 1 with every
problem found.
"""

import gzip
import json
import math
import sys
from pathlib import Path

import mapbox_vector_tile
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import Compression, TileType

EXPECTED_LAYERS = {
    "basemap.pmtiles": ["countries", "boundaries", "coasts", "country_labels", "places"],
    "collections.pmtiles": ["installations", "forces", "events", "routes", "groupings"],
}
# Layers that stop below the archive's highest zoom (clients overzoom them), with their zoom.
LOWER_MAX_ZOOM = {("collections.pmtiles", "groupings"): 6}
GROUPING_FIELDS = ["id", "active_members", "epoch_start", "epoch_end", "valid_from_day", "valid_to_day"]
KANT = (74.8508, 42.8911)


def tile_of(lon, lat, z):
    """The slippy-map tile holding a lon/lat."""
    n = 2**z
    lat = math.radians(lat)
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.log(math.tan(lat) + 1.0 / math.cos(lat)) / math.pi) / 2.0 * n)
    return x, y


def check_groupings(name, reader, metadata):
    """The groupings layer: its fields in the metadata, its epochs in the world tile."""
    problems = []
    layer = next((l for l in metadata.get("vector_layers", []) if l["id"] == "groupings"), None)
    if layer is None:
        return [f"{name}: no groupings layer in the metadata"]
    missing = [f for f in GROUPING_FIELDS if f not in layer.get("fields", {})]
    if missing:
        problems.append(f"{name}: groupings fields lack {missing}")
    world = reader.get(0, 0, 0)
    if world is None:
        return problems + [f"{name}: no world tile"]
    decoded = mapbox_vector_tile.decode(gzip.decompress(world))
    epochs = decoded.get("groupings", {}).get("features", [])
    if not epochs:
        return problems + [f"{name}: the world tile has no groupings"]
    for epoch in epochs:
        props = epoch["properties"]
        members = json.loads(props.get("active_members", "null"))
        if not (isinstance(members, list) and members
                and all(isinstance(m, str) and len(m) == 3 for m in members)):
            problems.append(f"{name}: {props.get('id')} active_members {members!r}")
        if "valid_from_day" not in props or "epoch_start" not in props:
            problems.append(f"{name}: {props.get('id')} has no first day")
    print(f"{name}: {len(epochs)} grouping epochs in the world tile "
          f"({len({e['properties']['id'] for e in epochs})} groupings)")
    return problems


def main(site):
    problems = []
    manifest = json.loads((site / "manifest.json").read_text())
    sizes = {f["path"]: f["bytes"] for f in manifest["files"]}
    for name, layers in EXPECTED_LAYERS.items():
        path = site / name
        if sizes.get(name) != path.stat().st_size:
            problems.append(f"{name}: {path.stat().st_size} bytes, the manifest says {sizes.get(name)}")
        with open(path, "r+b") as f:
            reader = Reader(MmapSource(f))
            header = reader.header()
            metadata = reader.metadata()
            if header["tile_type"] != TileType.MVT:
                problems.append(f"{name}: tile type {header['tile_type']}")
            if header["tile_compression"] != Compression.GZIP:
                problems.append(f"{name}: tile compression {header['tile_compression']}")
            ids = [layer["id"] for layer in metadata.get("vector_layers", [])]
            if ids != layers:
                problems.append(f"{name}: layers {ids}, expected {layers}")
            for layer in metadata.get("vector_layers", []):
                expected = LOWER_MAX_ZOOM.get((name, layer["id"]), header["max_zoom"])
                if layer.get("maxzoom") != expected:
                    problems.append(f"{name}: layer {layer['id']} max zoom {layer.get('maxzoom')} "
                                    f"!= {expected}")
            print(f"{name}: zooms {header['min_zoom']}-{header['max_zoom']}, "
                  f"{header['addressed_tiles_count']} tiles, layers {', '.join(ids)}")
            if name == "collections.pmtiles":
                if reader.get(6, *tile_of(*KANT, 6)) is None:
                    problems.append(f"{name}: no zoom-6 tile at Kant air base")
                problems.extend(check_groupings(name, reader, metadata))
    for p in problems:
        print(f"check_export: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
