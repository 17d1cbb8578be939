"""Offline geocoder and the shipped NRW geodata (no database needed)."""

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smartregion.maps.geocoding import (
    POSTAL_CODES_CSV,
    Place,
    PostalCodeNotFound,
    geocode,
    normalize_postal_code,
    places_for,
)

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITIES_CSV = ROOT / "smartregion" / "regions" / "data" / "municipalities_nrw.csv"
BOUNDARIES_GEOJSON = ROOT / "smartregion" / "regions" / "data" / "boundaries_nrw.geojson"
NRW_LAT = (50.3, 52.6)
NRW_LON = (5.8, 9.5)


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# town centres (Rathaus / Altstadt), for the ~5 km check
CITIES = [
    ("45879", "Gelsenkirchen", "05513000", 51.5105, 7.1020),
    ("45657", "Recklinghausen", "05562032", 51.6141, 7.1979),
    ("46236", "Bottrop", "05512000", 51.5236, 6.9285),
    ("59821", "Arnsberg", "05958004", 51.3967, 8.0644),
    ("44135", "Dortmund", "05913000", 51.5136, 7.4653),
]


@pytest.mark.parametrize(("code", "name", "ags", "lat", "lon"), CITIES)
def test_geocode_known_cities(code, name, ags, lat, lon):
    place = geocode(code)
    assert isinstance(place, Place)
    assert place.postal_code == code
    assert place.place == name
    assert place.ags == ags
    assert km(place.lat, place.lon, lat, lon) < 5
    assert geocode(code, name) == place


def test_several_places_choose_by_place():
    places = places_for("57319")
    assert len(places) > 10
    assert {p.ags for p in places} == {"05970004"}
    assert geocode("57319").place == "Bad Berleburg"  # the main place, not a district
    assert geocode("57319", "Bad Berleburg Girkhausen").place == "Bad Berleburg Girkhausen"
    assert geocode("57319", "girkhausen").place == "Bad Berleburg Girkhausen"


def test_several_municipalities_choose_by_place():
    assert {p.ags for p in places_for("52525")} == {"05370016", "05370032"}
    assert geocode("52525", "Waldfeucht").ags == "05370032"
    assert geocode("52525", "HEINSBERG").ags == "05370016"
    # 40721 is Hilden; a corner of Düsseldorf shares it
    assert geocode("40721").ags == "05158016"
    assert geocode("40721", "Duesseldorf").ags == "05111000"
    assert geocode("40721", "düsseldorf").ags == "05111000"


def test_place_matching_is_lenient():
    assert geocode("45879", "Gelsenkirchen-Buer").ags == "05513000"
    assert geocode("45879", "  gelsenkirchen ").ags == "05513000"
    assert geocode("52223", "Stolberg").place == "Stolberg (Rheinland)"
    assert geocode("48143", "Munster").ags == "05515000"
    assert geocode("48143", "MÜNSTER").ags == "05515000"


def test_unmatched_place_falls_back_within_the_same_code():
    assert geocode("45879", "Bottrop").postal_code == "45879"
    assert geocode("40721", "Nirgendwo").ags == "05158016"
    for code in {row["postal_code"] for row in read_csv(POSTAL_CODES_CSV)}:
        assert geocode(code, "Xyzzy").postal_code == code
        assert geocode(code).postal_code == code


@pytest.mark.parametrize("code", ["99999", "80331", "01067", "10115"])
def test_unknown_code(code):
    with pytest.raises(PostalCodeNotFound, match=f"„{code}“.*nicht bekannt"):
        geocode(code)
    assert places_for(code) == []


def test_not_found_is_a_lookup_error():
    with pytest.raises(LookupError):
        geocode("80331")


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "4587",
        "",
        "   ",
        "458790",
        "<script>",
        "45879a",
        "45-879",
        "\uff14\uff15\uff18\uff17\uff19",
    ],
)
def test_malformed_code(value):
    with pytest.raises(ValueError, match="Postleitzahl"):
        geocode(value)
    with pytest.raises(ValueError, match="Postleitzahl"):
        places_for(value)


def test_malformed_code_message_is_short():
    with pytest.raises(ValueError) as exc:
        geocode("x" * 1000)
    assert len(str(exc.value)) < 200


@pytest.mark.parametrize("value", ["45879 ", " 45879", "D-45879", "d-45879", "D 45879", "45 879"])
def test_code_normalisation(value):
    assert normalize_postal_code(value) == "45879"
    assert geocode(value).ags == "05513000"


def test_importable_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys; from smartregion.maps.geocoding import geocode; "
        "print(geocode('45879').ags); assert 'django.conf' not in sys.modules"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "05513000"


# --------------------------------------------------------------------------- data files


def test_postal_code_ags_are_municipalities():
    kinds = {row["ags"]: row["kind"] for row in read_csv(MUNICIPALITIES_CSV)}
    rows = read_csv(POSTAL_CODES_CSV)
    assert len(rows) > 800
    seen = set()
    for row in rows:
        assert kinds.get(row["ags"]) in {"gemeinde", "stadt", "kreisfreie_stadt"}, row
        assert len(row["postal_code"]) == 5 and row["postal_code"].isdigit(), row
        assert NRW_LAT[0] < float(row["lat"]) < NRW_LAT[1], row
        assert NRW_LON[0] < float(row["lon"]) < NRW_LON[1], row
        key = (row["postal_code"], row["place"])
        assert key not in seen, row
        seen.add(key)
    # every Gemeinde can be reached by some postal code
    assert {row["ags"] for row in rows} == {a for a, k in kinds.items() if len(a) == 8}


def test_municipalities_and_boundaries():
    rows = read_csv(MUNICIPALITIES_CSV)
    by_ags = {row["ags"]: row for row in rows}
    assert len(by_ags) == len(rows)
    with BOUNDARIES_GEOJSON.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    features = {
        (f["properties"]["ags"], f["properties"]["level"]): f for f in collection["features"]
    }
    assert len(features) == len(collection["features"])

    gemeinden = [r for r in rows if r["kind"] in {"gemeinde", "stadt", "kreisfreie_stadt"}]
    kreise = [r for r in rows if r["kind"] == "kreis"]
    assert len(gemeinden) == 396
    assert len(kreise) == 31
    assert len(gemeinden) + len(kreise) == len(rows)
    assert len(features) == len(rows)
    for row in rows:
        level = "kreis" if row["kind"] == "kreis" else "gemeinde"
        assert len(row["ags"]) == (5 if level == "kreis" else 8), row
        feature = features[row["ags"], level]
        assert feature["properties"]["name"] == row["name"]
        assert NRW_LAT[0] < float(row["lat"]) < NRW_LAT[1], row
        assert NRW_LON[0] < float(row["lon"]) < NRW_LON[1], row
        assert int(row["population"]) > 0 and float(row["area_km2"]) > 0, row
        if row["kind"] in {"stadt", "gemeinde"}:
            assert by_ags[row["parent_ags"]]["kind"] == "kreis", row
            assert row["ags"].startswith(row["parent_ags"])
        else:
            assert row["parent_ags"] == "", row
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1]


@pytest.mark.parametrize(
    ("ags", "name", "kind", "parent"),
    [
        ("05513000", "Gelsenkirchen", "kreisfreie_stadt", ""),
        ("05562", "Kreis Recklinghausen", "kreis", ""),
        ("05562032", "Recklinghausen", "stadt", "05562"),
        ("05562016", "Haltern am See", "stadt", "05562"),
        ("05958", "Hochsauerlandkreis", "kreis", ""),
        ("05962", "Märkischer Kreis", "kreis", ""),
        ("05162", "Rhein-Kreis Neuss", "kreis", ""),
        ("05334", "Städteregion Aachen", "kreis", ""),
        ("05334002", "Aachen", "stadt", "05334"),
        ("05914000", "Hagen", "kreisfreie_stadt", ""),
        ("05966016", "Kirchhundem", "gemeinde", "05966"),
    ],
)
def test_municipality_rows(ags, name, kind, parent):
    row = {r["ags"]: r for r in read_csv(MUNICIPALITIES_CSV)}[ags]
    assert (row["name"], row["kind"], row["parent_ags"]) == (name, kind, parent)


def test_no_separate_kreis_row_for_kreisfreie_stadt():
    ags = {r["ags"] for r in read_csv(MUNICIPALITIES_CSV)}
    assert "05513000" in ags and "05513" not in ags
