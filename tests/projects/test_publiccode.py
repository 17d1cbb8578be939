"""publiccode.yml validator (smartregion.projects.publiccode): agreement with the official
validator's test corpus, real files, hostile input, messages and the exporter.

The corpus and the real files live in ../shared beside the repository (CI clones it there);
the tests that need them skip when it is absent.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import jsonschema
import pytest
import yaml

from smartregion.projects import publiccode
from smartregion.projects.publiccode import formats, spdx

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "publiccode"
CORPUS = SHARED / "parser_go_testdata" / "testdata"
REAL = SHARED / "real"
needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{SHARED} is not there")

# Files of the official corpus where our verdict differs from the folder they are in, with
# the verdict we give and why. bench/publiccode_agreement.py explains them at length.
KNOWN_DISAGREEMENTS = {
    # The logo is a URL that answers 404; we never fetch (the parser's -no-network mode
    # accepts it as well).
    "v0/invalid/logo_missing_url.yml": "valid",
    # "urn:x-italian-pa:no_such_pa" is well-formed; only the full list of Italian public
    # administrations (indicepa.gov.it, not shipped) shows that the code does not exist.
    "v0/invalid/organisation_uri_wrong_italian_pa2.yml": "valid",
    "v0/invalid/fundedBy_uri_wrong_italian_pa2.yml": "valid",
    # Version "1" is not supported by the parser this corpus belongs to (all other v1 files
    # are expected to fail with "unsupported version"); the folder anticipates a future one.
    "v1/valid/valid.yml": "invalid",
}


def _expected(relative: str) -> str:
    folder = relative.split("/")[1]
    return folder if folder in ("valid", "valid_with_warnings") else "invalid"


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*.yml"))


MINIMAL = """\
publiccodeYmlVersion: "0"
name: Bürgerportal
url: "https://git.example.org/stadt/buergerportal.git"
platforms:
  - web
developmentStatus: stable
softwareType: standalone/web
description:
  de:
    shortDescription: Terminbuchung für Bürgerbüros
    longDescription: >
      Das Bürgerportal bündelt die Terminvergabe aller Bürgerbüros einer Kommune. Bürgerinnen
      und Bürger buchen online, die Verwaltung plant Personal und Räume in einer Oberfläche.
    features:
      - Online-Terminbuchung
legal:
  license: EUPL-1.2
maintenance:
  type: community
  contacts:
    - name: Erika Mustermann
      email: erika.mustermann@example.org
localisation:
  localisationReady: true
  availableLanguages:
    - de
"""


def _parse(text: str, **kwargs) -> publiccode.Result:
    return publiccode.parse(text.encode("utf-8"), **kwargs)


def _keys(issues) -> set[str]:
    return {issue.key for issue in issues}


# --- agreement with the official corpus ---------------------------------------------------


@needs_shared
@pytest.mark.parametrize("relative", _corpus_files())
def test_official_corpus_file_gets_the_known_verdict(relative):
    result = publiccode.parse_file(CORPUS / relative)
    expected = KNOWN_DISAGREEMENTS.get(relative, _expected(relative))
    assert result.verdict == expected, [str(issue) for issue in result.errors + result.warnings]


@needs_shared
def test_known_disagreements_are_files_of_the_corpus_with_another_folder_verdict():
    files = set(_corpus_files())
    for relative, ours in KNOWN_DISAGREEMENTS.items():
        assert relative in files
        assert ours != _expected(relative)


@needs_shared
def test_invalid_corpus_files_are_rejected_at_the_key_their_name_names():
    # KEYNAME_REASON.yml is the corpus' naming rule: the error must point at that key.
    checked = 0
    for path in sorted((CORPUS / "v0" / "invalid").rglob("*.yml")):
        stem = path.stem.lower()
        if stem.split("_")[0] in ("file", "invalid", "mostly", "unknown") or path.name in {
            Path(name).name for name in KNOWN_DISAGREEMENTS
        }:
            continue
        keys = [issue.key.replace(".", "_").lower() for issue in publiccode.parse_file(path).errors]
        stripped = [key.split("[")[0] for key in keys] + [key.rsplit("_", 1)[0] for key in keys]
        assert any(stem.startswith(key) for key in stripped if key), (path.name, keys)
        checked += 1
    assert checked > 100


# --- real files ---------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize(
    "name", sorted(p.name for p in REAL.glob("*.yml")) if REAL.is_dir() else []
)
def test_real_file_is_valid_or_has_actionable_errors(name):
    result = publiccode.parse((REAL / name).read_bytes())
    assert result.verdict in ("valid", "valid_with_warnings", "invalid")
    for issue in result.errors + result.warnings:
        assert issue.key or issue.line, issue  # a person can find where
        assert len(issue.message) > 20 and issue.message_en


@needs_shared
def test_real_files_verdicts_are_stable():
    verdicts = {p.name: publiccode.parse(p.read_bytes()).verdict for p in REAL.glob("*.yml")}
    assert verdicts["CatalaLang+catala.publiccode.yml"] == "valid"
    assert verdicts["Azienda-USL-di-Bologna+DAE-RespondER.publiccode.yml"] == "invalid"
    bmore = publiccode.parse(
        (REAL / "CodeForBaltimore+Bmore-Responsive.publiccode.yml").read_bytes()
    )
    unknown = next(issue for issue in bmore.errors if issue.key == "landingUrl")
    assert "Meinten Sie „landingURL“?" in unknown.message


# --- hostile and broken input -------------------------------------------------------------


def test_billion_laughs_is_refused_without_expanding():
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    result = _parse("\n".join(levels))
    assert result.verdict == "invalid"
    assert result.errors[0].code == "limit"
    assert "Billion Laughs" in result.errors[0].message
    assert result.document is None


def test_a_few_aliases_are_fine():
    text = MINIMAL.replace(
        "  type: community\n  contacts:\n    - name: Erika Mustermann",
        "  type: community\n  contacts:\n    - &erika\n      name: Erika Mustermann",
    )
    assert "&erika" in text
    assert _parse(text).verdict == "valid"


def test_self_referencing_anchor_is_refused():
    result = _parse("name: &x [*x]\n")
    assert result.errors[0].code == "limit"


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 10_000 + "]" * 10_000, "".join("  " * i + f"k{i}:\n" for i in range(100))],
)
def test_deep_nesting_is_refused(text):
    result = _parse(text)
    assert result.errors[0].code == "limit"
    assert "verschachtelt" in result.errors[0].message


def test_file_over_5_mb_is_refused_before_parsing():
    data = b"name: x\n" + b"#" * publiccode.MAX_BYTES
    result = publiccode.parse(data)
    assert [issue.code for issue in result.errors] == ["too_large"]
    assert "5 MB" in result.errors[0].message


def test_big_file_on_disk_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "publiccode.yml"
    with path.open("wb") as handle:
        handle.truncate(publiccode.MAX_BYTES + 1)
    assert publiccode.parse_file(path).errors[0].code == "too_large"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_with_advice(encoding):
    result = publiccode.parse(MINIMAL.encode(encoding))
    assert result.errors[0].code == "encoding"
    assert "UTF-16" in result.errors[0].message and "UTF-8" in result.errors[0].message


def test_latin1_is_refused_naming_the_line():
    result = publiccode.parse(MINIMAL.encode("latin-1"))
    issue = result.errors[0]
    assert issue.code == "encoding"
    assert issue.line == 2  # "Bürgerportal"
    assert "Latin-1" in issue.message


def test_utf8_byte_order_mark_is_accepted():
    assert publiccode.parse(b"\xef\xbb\xbf" + MINIMAL.encode()).verdict == "valid"


def test_duplicate_key_is_an_error_with_both_lines():
    result = _parse(MINIMAL + "name: Anderer Name\n")
    duplicate = next(issue for issue in result.errors if issue.code == "duplicate_key")
    assert duplicate.key == "name"
    assert duplicate.line == 27
    assert "Zeile 2" in duplicate.message
    assert result.document["name"] == "Bürgerportal"


@pytest.mark.parametrize("text", ["- name: a\n- name: b\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(text):
    result = _parse(text)
    assert [issue.code for issue in result.errors] == ["not_a_mapping"]


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"# only a comment\n"])
def test_empty_file_is_invalid(data):
    result = publiccode.parse(data)
    assert result.verdict == "invalid"
    assert result.errors[0].code == "empty"


def test_yaml_syntax_error_names_line_and_column():
    result = _parse(MINIMAL.replace("    features:", "     features:"))
    issue = result.errors[0]
    assert issue.code == "yaml_syntax"
    assert issue.line == 14
    assert "Einrückung" in issue.message


def test_python_tags_are_never_constructed():
    result = _parse(MINIMAL + 'usedBy: !!python/object/apply:os.system ["echo hacked"]\n')
    assert "yaml_tag" in {issue.code for issue in result.errors}
    assert result.document["usedBy"] == ["echo hacked"]  # plain data, nothing was run


def test_script_in_text_fields_survives_as_plain_text():
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = MINIMAL.replace("Terminbuchung für Bürgerbüros", f"'{payload}'")
    result = _parse(text)
    assert result.verdict == "valid"
    assert result.document["description"]["de"]["shortDescription"] == payload


# --- YAML 1.2 reading, as Go's yaml.v3 ----------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "no", "on", "off", '"true"'])
def test_yaml_11_booleans_are_not_booleans(value):
    result = _parse(MINIMAL.replace("localisationReady: true", f"localisationReady: {value}"))
    issue = next(i for i in result.errors if i.key == "localisation.localisationReady")
    assert issue.code == "wrong_type"


def test_unquoted_scalars_keep_their_text_in_text_fields():
    text = MINIMAL + "softwareVersion: 1.10\nreleaseDate: 2024-03-01\n"
    text = text.replace("    - de\n", "    - de\n    - no\n")  # Norwegian, not False
    result = _parse(text)
    assert result.verdict == "valid"
    assert result.document["softwareVersion"] == "1.10"
    assert result.document["releaseDate"] == "2024-03-01"
    assert result.document["localisation"]["availableLanguages"] == ["de", "no"]
    assert result.document["localisation"]["localisationReady"] is True


def test_unquoted_version_number_must_be_quoted():
    result = _parse(MINIMAL.replace('"0"', "0.5"))
    assert "Anführungszeichen" in result.errors[0].message


# --- versions, warnings and errors --------------------------------------------------------


@pytest.mark.parametrize("version", ["0", "0.7", "0.7.0"])
def test_current_versions_are_valid(version):
    assert _parse(MINIMAL.replace('"0"', f'"{version}"')).verdict == "valid"


@pytest.mark.parametrize("version", ["0.2", "0.3.0", "0.4", "0.5"])
def test_older_versions_are_read_with_a_warning(version):
    result = _parse(MINIMAL.replace('"0"', f'"{version}"'))
    assert result.verdict == "valid_with_warnings"
    assert result.version == version
    assert [w.code for w in result.warnings] == ["old_version"]


@pytest.mark.parametrize("version", ["0.6", "1", "1.0", "0.1"])
def test_unsupported_version_is_an_error(version):
    result = _parse(MINIMAL.replace('"0"', f'"{version}"'))
    assert [issue.code for issue in result.errors] == ["unsupported_version"]


def test_deprecated_keys_are_warnings_not_errors():
    text = MINIMAL.replace("legal:\n", "legal:\n  repoOwner: Stadt Musterstadt\n")
    text += "it:\n  countryExtensionVersion: '1.0'\n  conforme:\n    gdpr: true\n"
    text += "intendedAudience:\n  countries:\n    - de\n"
    result = _parse(text)
    assert result.verdict == "valid_with_warnings"
    assert _keys(result.warnings) == {
        "legal.repoOwner",
        "it",
        "it.conforme",
        "intendedAudience.countries[0]",
    }
    assert result.document["IT"]["conforme"]["gdpr"] is True
    assert result.document["intendedAudience"]["countries"] == ["DE"]


def test_both_it_and_upper_case_IT_is_an_error():
    text = (
        MINIMAL + "IT:\n  countryExtensionVersion: '1.0'\nit:\n  countryExtensionVersion: '1.0'\n"
    )
    assert "duplicate_section" in {issue.code for issue in _parse(text).errors}


def test_german_section_is_checked_and_flagged_as_not_official():
    text = MINIMAL + (
        "DE:\n  countryExtensionVersion: '1.0'\n  leika:\n"
        "    - themenfeld: Bauen & Wohnen\n      ozg-id: '10110'\n"
        "      leika-id: '77000000000316'\n"
    )
    result = _parse(text)
    assert result.verdict == "valid_with_warnings"
    assert "offizielle Validator" in result.warnings[0].message
    broken = _parse(
        text.replace("      leika-id: '77000000000316'\n", "").replace("Bauen & Wohnen", "Bauen")
    )
    assert _keys(broken.errors) == {"DE.leika[0].leika-id", "DE.leika[0].themenfeld"}


def test_supports_aliases_and_uris():
    ok = _parse(MINIMAL + "supports:\n  - id: alias:gdpr\n  - id: urn:iso:std:iso:27001\n")
    assert ok.verdict == "valid"
    bad = _parse(MINIMAL + "supports:\n  - id: alias:dsgvo\n  - id: not a uri\n")
    assert _keys(bad.errors) == {"supports[0].id", "supports[1].id"}


def test_maintenance_rules():
    contract = _parse(MINIMAL.replace("type: community", "type: contract"))
    assert _keys(contract.errors) == {"maintenance.contractors"}
    internal = _parse(
        MINIMAL.replace(
            "  contacts:\n    - name: Erika Mustermann\n"
            "      email: erika.mustermann@example.org\n",
            "  contractors:\n    - name: Firma GmbH\n      until: 2030-01-01\n",
        )
    )
    assert "maintenance.contractors" in _keys(internal.errors)
    assert "maintenance.contacts" in _keys(internal.errors)


# --- messages -----------------------------------------------------------------------------


def test_errors_name_key_path_line_and_what_to_do():
    text = MINIMAL.replace("Terminbuchung für Bürgerbüros", "x" * 151)
    text = text.replace("license: EUPL-1.2", "license: GPL 3")
    result = _parse(text)
    short = next(i for i in result.errors if i.key == "description.de.shortDescription")
    assert short.line == 10
    assert "151 Zeichen" in short.message and "höchstens 150" in short.message
    licence = next(i for i in result.errors if i.key == "legal.license")
    assert "SPDX" in licence.message and "https://spdx.org/licenses/" in licence.message
    missing = _parse(
        MINIMAL.replace("legal:\n  license: EUPL-1.2\n", "legal:\n  mainCopyrightOwner: X\n")
    )
    assert missing.errors[0].message.startswith("Die Pflichtangabe „legal.license“ fehlt")


def test_unknown_key_suggests_the_right_spelling():
    result = _parse(MINIMAL + "landingUrl: https://example.org\n")
    assert result.errors[0].key == "landingUrl"
    assert "landingURL" in result.errors[0].message


def test_empty_values_count_as_missing():
    result = _parse(MINIMAL.replace("name: Bürgerportal", "name:") + "categories:\n")
    assert [issue.key for issue in result.errors] == ["name"]


# --- files next to the publiccode.yml -----------------------------------------------------


def _png(width: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, 64, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header + b"\x00" * 4


def test_logo_and_screenshots_are_checked_in_the_repository_folder(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(_png(512))
    (tmp_path / "img" / "small.png").write_bytes(_png(32))
    (tmp_path / "img" / "fake.png").write_bytes(b"GIF89a")
    text = MINIMAL + "logo: img/logo.png\n"
    assert _parse(text, base_dir=tmp_path).verdict == "valid"
    for logo, code in [
        ("img/small.png", "image_too_small"),
        ("img/fake.png", "invalid_image"),
        ("img/none.svg", "missing_file"),
        ("../../etc/passwd.png", "outside_repository"),
        ("/srv/logo.png", "absolute_path"),
        ("img/logo.gif", "invalid_extension"),
    ]:
        result = _parse(MINIMAL + f"logo: {logo}\n", base_dir=tmp_path)
        assert [issue.code for issue in result.errors] == [code], logo


def test_without_repository_only_the_form_of_paths_is_checked():
    assert _parse(MINIMAL + "logo: img/none.svg\n").verdict == "valid"
    assert _parse(MINIMAL + "logo: https://example.org/logo.png\n").verdict == "valid"
    assert _parse(MINIMAL + "logo: img/logo.jpg\n").errors[0].code == "invalid_extension"


# --- value formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag", ["de", "de-DE", "en-GB", "sl-IT-nedis", "zh-Hant-TW", "es-419", "gsw"]
)
def test_language_tags_accepted(tag):
    assert formats.is_language_tag(tag)


@pytest.mark.parametrize("tag", ["en_GB", "deu", "xxx", "no such language", "de-XX", "german"])
def test_language_tags_rejected(tag):
    assert not formats.is_language_tag(tag)


@pytest.mark.parametrize(
    "expression",
    [
        "EUPL-1.2",
        "mit or apache-2.0",
        "GPL-2.0-or-later WITH Classpath-exception-2.0",
        "(MIT AND BSD-3-Clause) OR LicenseRef-Stadt",
        "AGPL-3.0",
        "GPL-2.0+",
    ],
)
def test_spdx_expressions_accepted(expression):
    assert spdx.is_expression(expression)


@pytest.mark.parametrize("expression", ["GPL 3", "MIT OR", "(MIT", "MIT WITH MIT", "EUPL"])
def test_spdx_expressions_rejected(expression):
    assert not spdx.is_expression(expression)


def test_length_counts_user_perceived_characters():
    assert formats.grapheme_count("e\u0301" * 10) == 10  # e + combining accent
    assert formats.grapheme_count("🇩🇪🇮🇹") == 2
    assert formats.grapheme_count("👩‍👩‍👧") == 1
    long_text = "e\u0301" * 149
    result = _parse(
        MINIMAL.replace("    longDescription: >\n", f"    longDescription: {long_text}\n    x: >\n")
    )
    assert "description.de.longDescription" in _keys(result.errors)


# --- export -------------------------------------------------------------------------------


def test_dump_round_trips_and_validates_against_the_json_schema():
    document = _parse(MINIMAL).document
    document["releaseDate"] = "2024-03-01"
    document["softwareVersion"] = "1.0"
    document["publiccodeYmlVersion"] = "0.5"  # the newest version the SchemaStore schema knows
    document["description"]["de"]["longDescription"] += "\nZweiter Absatz: nein, ja, on, off."
    text = publiccode.dump(document, header="exported by smartregion")
    assert text.startswith("# exported by smartregion\n")
    assert "longDescription: |" in text
    assert _parse(text).document == document
    loaded = yaml.safe_load(text)  # even a YAML 1.1 reader gets strings back
    schema = json.loads(
        (Path(publiccode.__file__).parent / "data" / "publiccode.schema.json").read_text()
    )
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(loaded)) == []


@needs_shared
def test_dump_round_trips_every_valid_corpus_and_real_file():
    paths = [*CORPUS.glob("v0/valid*/**/*.yml"), *REAL.glob("*.yml")]
    for path in paths:
        result = publiccode.parse(path.read_bytes())
        if result.errors:
            continue
        assert (
            publiccode.parse(publiccode.dump(result.document).encode()).document == result.document
        ), path


def test_dump_refuses_an_invalid_document():
    document = _parse(MINIMAL).document
    del document["legal"]
    with pytest.raises(publiccode.InvalidPubliccodeError) as raised:
        publiccode.dump(document)
    assert [issue.key for issue in raised.value.errors] == ["legal"]
