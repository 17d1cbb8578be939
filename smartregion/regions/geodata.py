"""The shipped NRW reference data: municipalities (Destatis) and boundaries (BKG VG250).

Built from ../shared/data/geo by scripts/build_geodata.py; see docs/data-sources.md.
"""

import csv
import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_CSV = DATA_DIR / "municipalities_nrw.csv"
BOUNDARIES_GEOJSON = DATA_DIR / "boundaries_nrw.geojson"


@cache
def municipality_rows() -> dict[str, dict]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["ags"]: row for row in csv.DictReader(fh)}


@cache
def boundaries() -> dict[str, dict]:
    with BOUNDARIES_GEOJSON.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    return {f["properties"]["ags"]: f["geometry"] for f in collection["features"]}
