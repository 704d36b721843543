#!/usr/bin/env python3
"""Reads the archives of a static export with PyPI's pmtiles (not forcemap's reader).

    check_export.py SITE_DIR

For `basemap.pmtiles` and `collections.pmtiles`: the header's tile type, compression and zooms
agree with the metadata's `vector_layers`; the layers are the ones the map page and the
manifest promise; the files' sizes are the manifest's; and Kant air base's zoom-6 tile is in
the collections archive. Exits 1 with every problem found.
"""

import json
import math
import sys
from pathlib import Path

from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import Compression, TileType

EXPECTED_LAYERS = {
    "basemap.pmtiles": ["countries", "boundaries", "coasts", "country_labels", "places"],
    "collections.pmtiles": ["installations", "forces", "events", "routes"],
}
KANT = (74.8508, 42.8911)


def tile_of(lon, lat, z):
    """The slippy-map tile holding a lon/lat."""
    n = 2**z
    lat = math.radians(lat)
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.log(math.tan(lat) + 1.0 / math.cos(lat)) / math.pi) / 2.0 * n)
    return x, y


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
                if layer.get("maxzoom") != header["max_zoom"]:
                    problems.append(f"{name}: layer {layer['id']} max zoom {layer.get('maxzoom')} "
                                    f"!= header {header['max_zoom']}")
            print(f"{name}: zooms {header['min_zoom']}-{header['max_zoom']}, "
                  f"{header['addressed_tiles_count']} tiles, layers {', '.join(ids)}")
            if name == "collections.pmtiles" and reader.get(6, *tile_of(*KANT, 6)) is None:
                problems.append(f"{name}: no zoom-6 tile at Kant air base")
    for p in problems:
        print(f"check_export: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
