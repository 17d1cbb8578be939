import pytest
from django.core.management import CommandError, call_command

from smartregion.regions import loader
from smartregion.regions.models import Municipality, Region, Topic

pytestmark = pytest.mark.django_db

EMSCHER_LIPPE_CITIES = {
    "Castrop-Rauxel", "Datteln", "Dorsten", "Gladbeck", "Haltern am See",
    "Herten", "Marl", "Oer-Erkenschwick", "Recklinghausen", "Waltrop",
}  # fmt: skip


def test_emscher_lippe_has_its_cities_kreis_topics_and_audiences():
    region = loader.load("emscher-lippe").region
    municipalities = {m.name: m for m in region.municipalities.select_related("parent")}
    kreis = municipalities["Kreis Recklinghausen"]
    assert kreis.kind == Municipality.Kind.KREIS
    assert {m.name for m in municipalities.values() if m.parent == kreis} == EMSCHER_LIPPE_CITIES
    assert municipalities["Gelsenkirchen"].ags == "05513000"
    assert municipalities["Gelsenkirchen"].kind == Municipality.Kind.KREISFREIE_STADT
    assert municipalities["Bottrop"].boundary.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert 51.4 < municipalities["Recklinghausen"].lat < 51.7
    slugs = set(region.topics.values_list("slug", flat=True))
    assert {"ki", "digitaler-zwilling", "predictive-maintenance", "cybersicherheit",
            "e-government", "breitband", "smart-demography"} <= slugs  # fmt: skip
    assert region.audiences.count() == 9
    assert Topic.objects.get(slug="ki").parent.slug == "technologien"


def test_all_shipped_definitions_load():
    for path in loader.shipped():
        loader.load(str(path))
    assert set(Region.objects.values_list("slug", flat=True)) == {
        "emscher-lippe", "suedwestfalen", "dortmund",
    }  # fmt: skip
    suedwestfalen = Region.objects.get(slug="suedwestfalen")
    assert suedwestfalen.municipalities.filter(name="Arnsberg").exists()
    assert suedwestfalen.municipalities.filter(kind="kreis").count() == 5


def test_loading_twice_changes_nothing():
    first = loader.load("emscher-lippe")
    second = loader.load("emscher-lippe")
    assert first.created and not second.created
    assert second.counts["Kommunen"] == {"unchanged": 13}
    assert "created" not in second.counts["Themen"] and "updated" not in second.counts["Themen"]
    assert Region.objects.count() == 1
    assert Municipality.objects.count() == 13


def test_a_changed_file_updates_the_region(tmp_path):
    loader.load("emscher-lippe")
    source = (loader.DEFINITIONS_DIR / "emscher-lippe.toml").read_text()
    changed = tmp_path / "el.toml"
    changed.write_text(source.replace('short_name = "Emscher-Lippe"', 'short_name = "EL"'))
    result = loader.load(str(changed))
    assert not result.created
    assert Region.objects.get(slug="emscher-lippe").short_name == "EL"


def _write(tmp_path, text):
    path = tmp_path / "region.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


MINIMAL = """
schema = 1
slug = "test"
name = "Testregion"
municipalities = ["05513000"]
[brand]
primary = "#005b96"
secondary = "#2e7d32"
[texts]
tagline = { de = "Kurz", en = "Short" }
intro = { de = "Lang" }
"""


def test_minimal_file_loads(tmp_path):
    region = loader.load(_write(tmp_path, MINIMAL)).region
    assert region.intro == "Lang" and region.intro_en == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"05513000"', '"05513000", "09999999"'), "unbekannter Schlüssel „09999999“"),
        (('"05513000"', '"05513000", 5513000'), "muss ein Schlüssel in Anführungszeichen sein"),
        (('"05513000"', '"05513000", "05513000"'), "doppelt"),
        (('primary = "#005b96"', 'primary = "blau"'), "keine Farbe der Form #RRGGBB"),
        (('slug = "test"', 'slug = "Test Region!"'), "kein gültiger Kurzname"),
        (("schema = 1", "schema = 2"), "schema: muss 1 sein"),
        (
            ('name = "Testregion"', 'name = "Testregion"\ncolour = "red"'),
            "unbekanntes Feld „colour“",
        ),
        (('name = "Testregion"', ""), "Pflichtfeld „name“ fehlt"),
        (('municipalities = ["05513000"]', "municipalities = []"), "mindestens eine Kommune"),
        (
            (
                'intro = { de = "Lang" }',
                'intro = { de = "Lang" }\n[[topics]]\nslug = "ki"\nname = "KI"\nparent = "technik"',
            ),
            "Oberthema „technik“ ist nicht",
        ),
        (
            ('tagline = { de = "Kurz", en = "Short" }', "tagline = 42"),
            "muss Text oder eine Tabelle",
        ),
    ],
)
def test_bad_fields_are_reported_clearly_and_nothing_is_loaded(tmp_path, change, message):
    old, new = change
    assert old in MINIMAL
    with pytest.raises(loader.RegionFileError) as excinfo:
        loader.load(_write(tmp_path, MINIMAL.replace(old, new, 1)))
    assert any(message in error for error in excinfo.value.errors), excinfo.value.errors
    assert not Region.objects.exists()


def test_all_errors_of_a_file_are_reported_at_once(tmp_path):
    text = MINIMAL.replace('"05513000"', '"1", "2"').replace("#005b96", "blau")
    with pytest.raises(loader.RegionFileError) as excinfo:
        loader.load(_write(tmp_path, text))
    assert len(excinfo.value.errors) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"schema = = 1", "kein gültiges TOML"),
        (b"\xff\xfe\x00s", "nicht UTF-8"),
        (b"", "Pflichtfeld"),
    ],
)
def test_broken_files_give_a_clear_error(tmp_path, content, message):
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    with pytest.raises(loader.RegionFileError) as excinfo:
        loader.load(str(path))
    assert any(message in e for e in excinfo.value.errors)


def test_missing_file_gives_a_clear_error(tmp_path):
    with pytest.raises(loader.RegionFileError, match="nicht lesbar"):
        loader.load(str(tmp_path / "fehlt.toml"))


def test_command_reports_success_and_errors(tmp_path, capsys):
    call_command("region", "load", "emscher-lippe")
    assert "SMART REGION Emscher-Lippe" in capsys.readouterr().out
    bad = _write(tmp_path, MINIMAL.replace('"05513000"', '"09999999"'))
    with pytest.raises(CommandError, match="1 Datei"):
        call_command("region", "load", bad)
    assert "09999999" in capsys.readouterr().err


def test_home_region_follows_the_setting(settings):
    loader.load("emscher-lippe")
    loader.load("dortmund")
    settings.SMARTREGION_REGION = "dortmund"
    assert Region.objects.home().slug == "dortmund"
    settings.SMARTREGION_REGION = "nirgendwo"
    assert Region.objects.home() is None
