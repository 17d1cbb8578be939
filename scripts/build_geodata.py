#!/usr/bin/env python3
"""Regenerate the trimmed NRW geodata that ships inside the smartregion package.

Usage:  python scripts/build_geodata.py [--shared ../shared]

Reads the raw downloads in <shared>/data/geo (see the SOURCE.txt in each folder) and writes

  smartregion/regions/data/municipalities_nrw.csv   Kreise + Gemeinden (Destatis GV-ISys)
  smartregion/regions/data/boundaries_nrw.geojson   their boundaries (BKG VG250), simplified
  smartregion/maps/data/postal_codes_nrw.csv        PLZ + Ort -> AGS + coordinates

Standard library only. The output is deterministic, so re-running it on the same input
gives byte-identical files. Exits non-zero (and writes nothing) when a cross-check fails.
Licences and attribution: docs/data-sources.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from collections import Counter, defaultdict
from pathlib import Path

from smartregion.core.folding import fold

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITIES_CSV = ROOT / "smartregion" / "regions" / "data" / "municipalities_nrw.csv"
BOUNDARIES_GEOJSON = ROOT / "smartregion" / "regions" / "data" / "boundaries_nrw.geojson"
POSTAL_CODES_CSV = ROOT / "smartregion" / "maps" / "data" / "postal_codes_nrw.csv"

NRW = "05"
COORD_DECIMALS = 4  # ~10 m
SIMPLIFY_TOLERANCE = 0.0005  # degrees of latitude (~55 m), see simplify_topology()
MAX_GEOJSON_BYTES = 1_500_000

# Destatis GV-ISys "textkennzeichen"
KREIS_KREISFREI = {"41", "42"}  # satzart 40: kreisfreie Stadt / Stadtkreis
KREIS_KREIS = {"43", "44", "45"}  # satzart 40: Kreis / Landkreis / Regionalverband
GEMEINDE_KREISFREI = {"61", "62"}  # satzart 60: kreisfreie Stadt / Stadtkreis
GEMEINDE_STADT = {"63"}  # satzart 60: Stadt (kreisangehörig)
GEMEINDE_GEMEINDE = {"60", "64"}  # satzart 60: Markt / sonstige Gemeinde

# GeoNames lists PLZ of large customers ("Großkundenpostleitzahlen") with the customer as
# place. Case-sensitive on purpose: legal forms are written in capitals.
NOT_A_PLACE_RE = re.compile(
    r"\b(?:GmbH|gGmbH|mbH|AG|KG|KGaA|OHG|SE|eG|Ltd|Inc|plc|Co)\b|e\.\s?V\.|a\.\s?G\."
    r"|\b(?:Bank|Sparkasse|Versicherung\w*|Deutsche Post|Postbank|Finanzamt|Amtsgericht"
    r"|Landgericht|Stadtverwaltung|Bezirksregierung|Krankenhaus|Klinikum|Hospital"
    r"|Polizeipräsidium|Universität|Hochschule)\b"
)


class BuildError(Exception):
    pass


# --------------------------------------------------------------------------- helpers


def name_keys(name: str) -> set[str]:
    """fold(name), also without ', Stadt'-style suffixes and without '(…)' qualifiers."""
    keys = {fold(name), fold(name.split(",")[0])}
    keys |= {fold(re.sub(r"\([^)]*\)", " ", k)) for k in (name, name.split(",")[0])}
    return {k for k in keys if k}


def names_match(a: str, b: str, *, prefix: bool) -> bool:
    """Same place? With prefix=True "Bad Berleburg Aue" matches "Bad Berleburg"."""
    for ka in name_keys(a):
        for kb in name_keys(b):
            if ka == kb:
                return True
            if prefix and (ka.startswith(kb + " ") or kb.startswith(ka + " ")):
                return True
    return False


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 read as Latin-1 ("KÃ¶ln" -> "Köln"), which occurs in the GeoNames file."""
    if "Ã" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def german_number(text: str) -> float:
    """ "259 645" -> 259645, "7,096064" -> 7.096064, " 217.41" -> 217.41"""
    text = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return float(text)


def clean_gemeinde_name(raw: str) -> str:
    # "Gelsenkirchen, Stadt", "Hagen, Stadt der FernUniversität", "Solingen, Klingenstadt":
    # everything after the first comma is an official epithet, not part of the name.
    return " ".join(raw.split(",")[0].split())


def clean_kreis_name(raw: str) -> str:
    raw = " ".join(raw.split(",")[0].split())
    if re.search(r"kreis|region", raw, re.IGNORECASE):
        return raw  # Hochsauerlandkreis, Märkischer Kreis, Rhein-Kreis Neuss, Städteregion Aachen
    return f"Kreis {raw}"  # Recklinghausen -> Kreis Recklinghausen


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def fmt(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --------------------------------------------------------------------------- geometry


def polygons_of(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise BuildError(f"unexpected geometry type {geometry['type']}")


def area_weighted_centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of a (Multi)Polygon, holes subtracted.

    Uses a local equirectangular projection (x scaled by cos of the mean latitude), which is
    accurate to metres at the size of a Kreis.
    """
    rings = [ring for poly in polygons_of(geometry) for ring in poly]
    lat0 = sum(pt[1] for ring in rings for pt in ring) / sum(len(ring) for ring in rings)
    kx = math.cos(math.radians(lat0))
    total_a = total_x = total_y = 0.0
    for poly in polygons_of(geometry):
        for i, ring in enumerate(poly):
            a = cx = cy = 0.0
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                x1, x2 = x1 * kx, x2 * kx
                cross = x1 * y2 - x2 * y1
                a += cross
                cx += (x1 + x2) * cross
                cy += (y1 + y2) * cross
            # signed area of the shoelace sum; exterior adds, holes subtract
            sign = 1.0 if i == 0 else -1.0
            if a == 0:
                continue
            if (a > 0) != (sign > 0):
                a, cx, cy = -a, -cx, -cy
            total_a += a / 2
            total_x += cx / 6
            total_y += cy / 6
    return total_y / total_a, total_x / total_a / kx


def ring_area2(ring: list[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))


def douglas_peucker(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Iterative Douglas-Peucker on an open chain; keeps both end points."""
    if len(points) < 3:
        return list(points)
    kx = math.cos(math.radians(points[0][1]))  # measure distances in ~isotropic units
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        ax, bx = ax * kx, bx * kx
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i][0] * kx, points[i][1]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
                d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d2 > best:
                best, best_i = d2, i
        if best_i >= 0 and best > tol * tol:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [pt for pt, k in zip(points, keep, strict=True) if k]


def simplify_topology(
    rings: dict[int, list[tuple[float, float]]], tol: float
) -> tuple[dict[int, list[tuple[float, float]]], int]:
    """Simplify closed rings so that borders shared by neighbours stay identical.

    Every ring is cut at "junction" vertices: where the set of rings using the adjacent edges
    changes (three-way borders, the start of the NRW boundary, ...). The chains in between are
    shared by exactly the same rings, and are simplified once, in a canonical direction, so all
    rings get the same result: no gaps or overlaps appear between neighbours. Gemeinden and
    Kreise are simplified together because Kreis borders consist of Gemeinde borders.

    Returns the simplified rings (closed) and how many rings fell back to unsimplified because
    simplification would have left fewer than 4 points.
    """
    edge_rings: dict[frozenset, set[int]] = defaultdict(set)
    point_rings: dict[tuple[float, float], set[int]] = defaultdict(set)
    for rid, ring in rings.items():
        for a, b in itertools.pairwise(ring):
            edge_rings[frozenset((a, b))].add(rid)
            point_rings[a].add(rid)

    cache: dict[tuple, list[tuple[float, float]]] = {}

    def simplify_chain(chain: list[tuple[float, float]]) -> list[tuple[float, float]]:
        forward = chain[0] < chain[-1] or (chain[0] == chain[-1] and chain[1] <= chain[-2])
        canon = tuple(chain if forward else reversed(chain))
        if canon not in cache:
            cache[canon] = douglas_peucker(list(canon), tol)
        out = cache[canon]
        return list(out) if forward else list(reversed(out))

    result: dict[int, list[tuple[float, float]]] = {}
    fallbacks = 0
    for rid, ring in rings.items():
        pts = ring[:-1]  # open ring
        n = len(pts)
        fixed = []
        for i in range(n):
            prev_e = edge_rings[frozenset((pts[i - 1], pts[i]))]
            next_e = edge_rings[frozenset((pts[i], pts[(i + 1) % n]))]
            if prev_e != next_e or point_rings[pts[i]] != next_e:
                fixed.append(i)
        if not fixed:
            # a ring without junctions (an island): cut canonically at its smallest vertex
            # and at the vertex farthest from it
            i0 = min(range(n), key=lambda i: pts[i])
            x0, y0 = pts[i0]
            i1 = max(range(n), key=lambda i: ((pts[i][0] - x0) ** 2 + (pts[i][1] - y0) ** 2, i))
            fixed = sorted({i0, i1})
        out: list[tuple[float, float]] = []
        for k, start in enumerate(fixed):
            end = fixed[(k + 1) % len(fixed)]
            idx = (
                list(range(start, end + 1)) if end > start else [*range(start, n), *range(end + 1)]
            )
            chain = [pts[i] for i in idx]
            if len(fixed) == 1:
                # the only junction: the chain runs all the way round, split it at the far point
                x0, y0 = chain[0]
                far = max(
                    range(1, len(chain) - 1),
                    key=lambda i: ((chain[i][0] - x0) ** 2 + (chain[i][1] - y0) ** 2, -i),
                )
                part = simplify_chain(chain[: far + 1])
                part2 = simplify_chain(chain[far:])
                out.extend(part[:-1] + part2[:-1])
            else:
                out.extend(simplify_chain(chain)[:-1])
        out.append(out[0])
        if len(out) < 4 or ring_area2(out) == 0:
            fallbacks += 1
            out = list(ring)
        result[rid] = out
    return result, fallbacks


def segments_intersect(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 0) - (v < 0)

    def on_seg(a, b, c):
        return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(
            a[1], b[1]
        )

    o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and on_seg(p1, p2, p3))
        or (o2 == 0 and on_seg(p1, p2, p4))
        or (o3 == 0 and on_seg(p3, p4, p1))
        or (o4 == 0 and on_seg(p3, p4, p2))
    )


def ring_self_intersects(ring: list[tuple[float, float]], cell: float = 0.01) -> bool:
    """True if two non-adjacent edges of the closed ring touch or cross (grid-bucketed)."""
    n = len(ring) - 1
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        for gx in range(math.floor(min(x1, x2) / cell), math.floor(max(x1, x2) / cell) + 1):
            for gy in range(math.floor(min(y1, y2) / cell), math.floor(max(y1, y2) / cell) + 1):
                grid[gx, gy].append(i)
    for bucket in grid.values():
        for a_i, i in enumerate(bucket):
            for j in bucket[a_i + 1 :]:
                if abs(i - j) <= 1 or {i, j} == {0, n - 1}:
                    continue
                if segments_intersect(ring[i], ring[i + 1], ring[j], ring[j + 1]):
                    return True
    return False


# --------------------------------------------------------------------------- municipalities


def build_municipalities(geo: Path, kreis_geoms: dict[str, dict]) -> list[dict]:
    rows = read_csv(geo / "gemeinden_destatis_gv_isys" / "AuszugGV4QAktuell.csv")
    kreise: dict[str, dict] = {}
    gemeinden: list[dict] = []
    for r in rows:
        if r["land"] != NRW:
            continue
        tk = r["textkennzeichen"].strip()
        key5 = r["land"] + r["rb"] + r["kreis"]
        if r["satzart"] == "40":
            if tk in KREIS_KREIS:
                kreise[key5] = {"kind": "kreis", "name": clean_kreis_name(r["gemeindename"])}
            elif tk in KREIS_KREISFREI:
                kreise[key5] = {"kind": "kreisfrei", "name": clean_gemeinde_name(r["gemeindename"])}
            else:
                raise BuildError(f"Kreis {key5}: unknown textkennzeichen {tk!r}")
        elif r["satzart"] == "60":
            ags = key5 + r["gemeinde"]
            if tk in GEMEINDE_KREISFREI:
                kind = "kreisfreie_stadt"
            elif tk in GEMEINDE_STADT:
                kind = "stadt"
            elif tk in GEMEINDE_GEMEINDE:
                kind = "gemeinde"
            else:  # gemeindefreie Gebiete (65-67): none in NRW
                print(f"  skipped {ags} {r['gemeindename']!r} (textkennzeichen {tk})")
                continue
            gemeinden.append(
                {
                    "ags": ags,
                    "name": clean_gemeinde_name(r["gemeindename"]),
                    "kind": kind,
                    "parent_ags": "" if kind == "kreisfreie_stadt" else key5,
                    "lat": german_number(r["breitengrad"]),
                    "lon": german_number(r["laengengrad"]),
                    "population": int(german_number(r["bevoelkerung"])),
                    "area_km2": german_number(r["flaeche"]),
                }
            )
    if len({g["ags"] for g in gemeinden}) != len(gemeinden):
        raise BuildError("duplicate AGS in the Destatis file")

    out: list[dict] = []
    by_kreis: dict[str, list[dict]] = defaultdict(list)
    for g in gemeinden:
        kreis = kreise.get(g["ags"][:5])
        if kreis is None:
            raise BuildError(f"{g['ags']} {g['name']}: Kreis {g['ags'][:5]} missing")
        if (kreis["kind"] == "kreisfrei") != (g["kind"] == "kreisfreie_stadt"):
            raise BuildError(f"{g['ags']} {g['name']}: kind {g['kind']} but Kreis {kreis}")
        by_kreis[g["ags"][:5]].append(g)
        out.append(g)
    for key5, kreis in kreise.items():
        members = by_kreis[key5]
        if kreis["kind"] == "kreisfrei":
            if len(members) != 1:
                raise BuildError(f"kreisfreie Stadt {key5} has {len(members)} Gemeinden")
            continue
        if key5 not in kreis_geoms:
            raise BuildError(f"no boundary for Kreis {key5} {kreis['name']}")
        # Kreis centroid: area-weighted centroid of the (unsimplified) VG250 Kreis polygon.
        lat, lon = area_weighted_centroid(kreis_geoms[key5])
        out.append(
            {
                "ags": key5,
                "name": kreis["name"],
                "kind": "kreis",
                "parent_ags": "",
                "lat": lat,
                "lon": lon,
                "population": sum(g["population"] for g in members),
                "area_km2": sum(g["area_km2"] for g in members),
            }
        )
    out.sort(key=lambda r: r["ags"])  # "05562" sorts right before its Gemeinden "05562…"
    return out


def municipalities_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["ags", "name", "kind", "parent_ags", "lat", "lon", "population", "area_km2"])
    for r in rows:
        w.writerow(
            [
                r["ags"],
                r["name"],
                r["kind"],
                r["parent_ags"],
                fmt(r["lat"], 5),
                fmt(r["lon"], 5),
                r["population"],
                f"{r['area_km2']:.2f}",
            ]
        )
    return buf.getvalue()


# --------------------------------------------------------------------------- boundaries


def load_boundaries(geo: Path) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict]]:
    """-> (gemeinden by 8-digit AGS, Kreise by 5-digit key, kreisfreie Städte by 8-digit AGS)"""
    folder = geo / "nrw_boundaries_bkg_vg250"
    gem_fc = json.loads((folder / "nrw_gemeinden_vg250.geojson").read_text(encoding="utf-8"))
    kr_fc = json.loads((folder / "nrw_kreise_vg250.geojson").read_text(encoding="utf-8"))
    gemeinden: dict[str, dict] = {}
    for f in gem_fc["features"]:
        p = f["properties"]
        if p["AGS"][:2] != NRW or p.get("GF", 4) != 4:
            continue
        if p["AGS"] in gemeinden:
            raise BuildError(f"boundary AGS {p['AGS']} twice")
        gemeinden[p["AGS"]] = f
    kreise: dict[str, dict] = {}
    kreisfrei: dict[str, dict] = {}
    for f in kr_fc["features"]:
        p = f["properties"]
        if p["AGS"][:2] != NRW or p.get("GF", 4) != 4:
            continue
        if p["BEZ"] == "Kreisfreie Stadt":
            kreisfrei[p["AGS"] + "000"] = f
        else:
            kreise[p["AGS"]] = f
    return gemeinden, kreise, kreisfrei


def cross_check(rows: list[dict], gemeinden: dict, kreise: dict, kreisfrei: dict) -> None:
    csv_gem = {r["ags"] for r in rows if len(r["ags"]) == 8}
    csv_kreis = {r["ags"] for r in rows if r["kind"] == "kreis"}
    csv_kreisfrei = {r["ags"] for r in rows if r["kind"] == "kreisfreie_stadt"}
    problems = []
    for label, a, b in (
        ("Gemeinden", csv_gem, set(gemeinden)),
        ("Kreise", csv_kreis, set(kreise)),
        ("kreisfreie Städte", csv_kreisfrei, set(kreisfrei)),
    ):
        if a - b:
            problems.append(f"{label} in Destatis but not in VG250: {sorted(a - b)}")
        if b - a:
            problems.append(f"{label} in VG250 but not in Destatis: {sorted(b - a)}")
    if problems:
        for p in problems:
            print("  MISMATCH:", p)
        raise BuildError("Destatis and VG250 disagree (see above)")
    by_ags = {r["ags"]: r for r in rows}
    renamed = [
        (ags, f["properties"]["GEN"], by_ags[ags]["name"])
        for ags, f in sorted(gemeinden.items())
        if fold(f["properties"]["GEN"]) != fold(by_ags[ags]["name"])
    ]
    print(
        f"  cross-check OK: {len(csv_gem)} Gemeinden, {len(csv_kreis)} Kreise, "
        f"{len(csv_kreisfrei)} kreisfreie Städte identical in Destatis (2019) and VG250"
    )
    for ags, old, new in renamed:
        print(f"    name differs (kept Destatis): {ags} VG250 {old!r} -> {new!r}")


def build_boundaries(rows: list[dict], gemeinden: dict, kreise: dict) -> tuple[str, dict]:
    by_ags = {r["ags"]: r for r in rows}
    # (ags, level, source feature); kreisfreie Städte only as Gemeinde (8-digit)
    sources = [(ags, "kreis", f) for ags, f in sorted(kreise.items())]
    sources += [(ags, "gemeinde", f) for ags, f in sorted(gemeinden.items())]

    rings: dict[int, list[tuple[float, float]]] = {}
    layout: list[tuple[str, str, list[list[int]]]] = []  # ags, level, polygons -> ring ids
    stats = Counter()
    for ags, level, f in sources:
        polys = []
        for poly in polygons_of(f["geometry"]):
            ring_ids = []
            for ring in poly:
                pts: list[tuple[float, float]] = []
                for x, y in ring:
                    pt = (round(x, COORD_DECIMALS), round(y, COORD_DECIMALS))
                    if not pts or pts[-1] != pt:
                        pts.append(pt)
                    stats["points_in"] += 1
                if pts[0] != pts[-1]:
                    pts.append(pts[0])
                if len(pts) < 4 or ring_area2(pts) == 0:
                    stats["rings_dropped_degenerate"] += 1
                    continue
                rid = len(rings)
                rings[rid] = pts
                ring_ids.append(rid)
            if ring_ids:
                polys.append(ring_ids)
        if not polys:
            raise BuildError(f"{ags}: geometry vanished after rounding")
        layout.append((ags, level, polys))

    simplified, fallbacks = simplify_topology(rings, SIMPLIFY_TOLERANCE)
    stats["rings_unsimplified_fallback"] = fallbacks
    stats["rings_self_intersecting"] = sum(ring_self_intersects(r) for r in simplified.values())

    lines = []
    for ags, level, polys in layout:
        coords = []
        for ring_ids in polys:
            poly = []
            for k, rid in enumerate(ring_ids):
                ring = simplified[rid]
                # RFC 7946: exterior rings counter-clockwise, holes clockwise
                if (ring_area2(ring) > 0) != (k == 0):
                    ring = ring[::-1]
                poly.append([[x, y] for x, y in ring])
                stats["points_out"] += len(ring)
            coords.append(poly)
        geometry = (
            {"type": "Polygon", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "MultiPolygon", "coordinates": coords}
        )
        feature = {
            "type": "Feature",
            "properties": {"ags": ags, "name": by_ags[ags]["name"], "level": level},
            "geometry": geometry,
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        stats[f"features_{level}"] += 1
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    return text, stats


# --------------------------------------------------------------------------- postal codes


def build_postal_codes(geo: Path, rows: list[dict]) -> tuple[str, Counter]:
    stats: Counter = Counter(
        dict.fromkeys(
            [
                "dropped_company_or_institution",
                "dropped_place_not_in_osm_for_plz",
                "dropped_no_ags_determinable",
                "dropped_kreis_mismatch",
                "repaired_kreis_mismatch",
                "dropped_duplicate",
            ],
            0,
        )
    )
    by_ags = {r["ags"]: r for r in rows if len(r["ags"]) == 8}
    gemeinden_by_kreis: dict[str, list[dict]] = defaultdict(list)
    for r in by_ags.values():
        gemeinden_by_kreis[r["ags"][:5]].append(r)

    osm: dict[str, list[dict]] = defaultdict(list)
    for r in read_csv(geo / "plz_ort_ags_osm" / "zuordnung_plz_ort_landkreis.csv"):
        if r["ags"][:2] == NRW:
            if r["ags"] not in by_ags:
                raise BuildError(f"OSM AGS {r['ags']} ({r['ort']}) is not a Destatis Gemeinde")
            osm[r["plz"]].append(r)
    stats["osm_nrw_rows"] = sum(len(v) for v in osm.values())

    geonames = [
        r
        for r in read_csv(geo / "plz_geonames_zauberware" / "zipcodes.de.csv")
        if r["community_code"][:2] == NRW
    ]
    stats["geonames_nrw_rows"] = len(geonames)
    geonames_count = Counter(r["zipcode"] for r in geonames)

    def pick(candidates: list[str], kreis: str) -> str | None:
        ags = sorted(set(candidates))
        if len(ags) > 1:  # same name in two Gemeinden of one PLZ: let GeoNames' Kreis decide
            ags = [a for a in ags if a[:5] == kreis]
        return ags[0] if len(ags) == 1 else None

    out: dict[tuple[str, str], dict] = {}
    for r in geonames:
        plz, kreis = r["zipcode"], r["community_code"]
        place = " ".join(fix_mojibake(r["place"]).split())
        if not re.fullmatch(r"[0-9]{5}", plz):
            stats["dropped_bad_postal_code"] += 1
            continue
        if NOT_A_PLACE_RE.search(place):
            stats["dropped_company_or_institution"] += 1
            if plz in osm:
                print(f"    note: dropped {plz} {place!r} (company/institution name)")
            continue
        ags = None
        osm_rows = osm.get(plz, [])
        if osm_rows:
            exact = [o["ags"] for o in osm_rows if names_match(place, o["ort"], prefix=False)]
            fuzzy = [o["ags"] for o in osm_rows if names_match(place, o["ort"], prefix=True)]
            osm_ags = {o["ags"] for o in osm_rows}
            if exact:
                ags = pick(exact, kreis)
                how = "osm_name"
            elif fuzzy:
                ags = pick(fuzzy, kreis)
                how = "osm_name_prefix"
            elif len(osm_ags) == 1 and geonames_count[plz] == 1:
                ags = next(iter(osm_ags))
                how = "osm_single_ags"
            else:
                stats["dropped_place_not_in_osm_for_plz"] += 1
                print(f"    note: dropped {plz} {place!r} (no OSM place of that PLZ matches)")
                continue
        else:
            # PLZ unknown to OSM (Postfach/Großkunden PLZ): accept only a Gemeinde name of
            # GeoNames' Kreis, exactly.
            cands = [
                g["ags"]
                for g in gemeinden_by_kreis[kreis]
                if names_match(place, g["name"], prefix=False)
            ]
            ags = pick(cands, kreis)
            how = "destatis_name_in_kreis"
        if ags is None:
            stats["dropped_no_ags_determinable"] += 1
            continue
        if ags[:5] != kreis:
            repaired = pick([o["ags"] for o in osm_rows if o["ags"][:5] == kreis], kreis)
            print(
                f"    Kreis mismatch {plz} {place!r}: AGS {ags} vs GeoNames {kreis} -> {repaired}"
            )
            if repaired is None:
                stats["dropped_kreis_mismatch"] += 1
                continue
            stats["repaired_kreis_mismatch"] += 1
            ags = repaired
        key = (plz, place)
        if key in out:
            stats["dropped_duplicate"] += 1
            continue
        stats[f"ags_via_{how}"] += 1
        out[key] = {
            "postal_code": plz,
            "place": place,
            "ags": ags,
            "lat": float(r["latitude"]),
            "lon": float(r["longitude"]),
        }

    # PLZ areas reaching into a second Gemeinde that GeoNames does not list (e.g. 40472 is
    # mostly Düsseldorf, partly Ratingen). Added with the Gemeinde's Destatis centre point so
    # the PLZ -> AGS mapping is complete.
    covered = {(v["postal_code"], v["ags"]) for v in out.values()}
    for plz, osm_rows in sorted(osm.items()):
        for o in osm_rows:
            if (plz, o["ags"]) in covered:
                continue
            g = by_ags[o["ags"]]
            key = (plz, g["name"])
            if key in out:
                continue
            covered.add((plz, o["ags"]))
            stats["added_from_osm_with_gemeinde_centre"] += 1
            print(f"    added {plz} {g['name']} ({o['ags']}) from OSM, Destatis centre point")
            out[key] = {
                "postal_code": plz,
                "place": g["name"],
                "ags": o["ags"],
                "lat": g["lat"],
                "lon": g["lon"],
                "added": True,
            }

    def sort_key(v: dict) -> tuple:
        # per PLZ: GeoNames rows first, among them the one named like its Gemeinde
        main = names_match(v["place"], by_ags[v["ags"]]["name"], prefix=False)
        return (v["postal_code"], v.get("added", False), not main, fold(v["place"]), v["place"])

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["postal_code", "place", "ags", "lat", "lon"])
    for v in sorted(out.values(), key=sort_key):
        w.writerow([v["postal_code"], v["place"], v["ags"], fmt(v["lat"], 5), fmt(v["lon"], 5)])
    stats["rows_written"] = len(out)
    stats["postal_codes_written"] = len({k[0] for k in out})
    stats["gemeinden_with_postal_code"] = len({v["ags"] for v in out.values()})
    missing = sorted(set(by_ags) - {v["ags"] for v in out.values()})
    if missing:
        raise BuildError(f"Gemeinden without any postal code: {missing}")
    return buf.getvalue(), stats


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="the shared folder containing data/geo (default: ../shared next to the repo)",
    )
    args = parser.parse_args(argv)
    geo = args.shared / "data" / "geo"
    if not geo.is_dir():
        geo = args.shared  # also accept the data/geo folder itself
    if not (geo / "gemeinden_destatis_gv_isys").is_dir():
        parser.error(f"no geodata in {args.shared} (expected data/geo/gemeinden_destatis_gv_isys)")

    try:
        print("Boundaries (BKG VG250) …")
        gemeinden_geo, kreise_geo, kreisfrei_geo = load_boundaries(geo)
        print("Municipalities (Destatis GV-ISys) …")
        rows = build_municipalities(geo, {k: f["geometry"] for k, f in kreise_geo.items()})
        cross_check(rows, gemeinden_geo, kreise_geo, kreisfrei_geo)
        kinds = Counter(r["kind"] for r in rows)
        print("  rows:", len(rows), dict(sorted(kinds.items())))
        print("  population:", sum(r["population"] for r in rows if len(r["ags"]) == 8))

        print("Simplifying boundaries …")
        geojson, bstats = build_boundaries(rows, gemeinden_geo, kreise_geo)
        for k, v in sorted(bstats.items()):
            print(f"  {k}: {v}")
        if bstats["rings_self_intersecting"]:
            raise BuildError("simplification produced self-intersecting rings")
        size = len(geojson.encode("utf-8"))
        print(f"  boundaries_nrw.geojson: {size:,} bytes")
        if size > MAX_GEOJSON_BYTES:
            raise BuildError(f"boundaries too large ({size} > {MAX_GEOJSON_BYTES})")

        print("Postal codes (GeoNames + OSM) …")
        postal, pstats = build_postal_codes(geo, rows)
        for k, v in sorted(pstats.items()):
            print(f"  {k}: {v}")
    except BuildError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1

    for path, text in (
        (MUNICIPALITIES_CSV, municipalities_csv(rows)),
        (BOUNDARIES_GEOJSON, geojson),
        (POSTAL_CODES_CSV, postal),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
