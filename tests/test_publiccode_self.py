"""The project's own publiccode.yml: valid against the standard's JSON Schema and true to the code.

The schema is a copy inside tests/data (see publiccode.schema.SOURCE.txt), so this runs where
../shared is absent. Rules of the standard that the schema does not express are checked here too.
"""

import copy
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
PUBLICCODE = ROOT / "publiccode.yml"
SCHEMA = Path(__file__).resolve().parent / "data" / "publiccode.schema.json"


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load(PUBLICCODE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def _errors(validator, document) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top level)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def test_publiccode_yml_is_valid_against_the_schema(publiccode, validator):
    assert _errors(validator, publiccode) == []


def test_the_schema_rejects_a_broken_file(publiccode, validator):
    """Guards against a schema copy that accepts anything."""
    broken = copy.deepcopy(publiccode)
    del broken["name"]
    broken["developmentStatus"] = "finished"
    broken["description"]["de"]["longDescription"] = "zu kurz"
    messages = "\n".join(_errors(validator, broken))
    assert "'name' is a required property" in messages
    assert "developmentStatus" in messages
    assert "longDescription" in messages


def test_version_matches_pyproject(publiccode):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert publiccode["softwareVersion"] == pyproject["project"]["version"]
    assert publiccode["legal"]["license"] == pyproject["project"]["license"]


def test_rules_of_the_standard_beyond_the_schema(publiccode):
    # Dates are YYYY-MM-DD strings (unquoted, YAML would turn them into dates).
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", publiccode["releaseDate"])
    # Description keys are BCP 47 tags with the shortest primary subtag ("de", not "deu").
    for tag, text in publiccode["description"].items():
        assert re.fullmatch(r"[a-z]{2}(-[A-Za-z0-9]{2,8})*", tag), tag
        assert "\n" not in text["shortDescription"].strip(), f"{tag}: one line only"
        assert text.get("longDescription") and text.get("features"), tag
    # Contacts (real persons) are mandatory for internal and community maintenance;
    # contractors exist exactly for contract maintenance.
    maintenance = publiccode["maintenance"]
    if maintenance["type"] in {"internal", "community"}:
        assert maintenance.get("contacts"), "contacts are required for this maintenance type"
    assert bool(maintenance.get("contractors")) == (maintenance["type"] == "contract")


def test_available_languages_are_really_available(publiccode):
    """Every listed language is offered by the settings and, unless it is the source language,
    has a translation catalogue."""
    offered = {code for code, _name in settings.LANGUAGES}
    for language in publiccode["localisation"]["availableLanguages"]:
        assert language in offered, language
        if language != settings.LANGUAGE_CODE:
            catalogue = ROOT / "smartregion" / "locale" / language / "LC_MESSAGES" / "django.po"
            assert catalogue.is_file(), f"{language} listed, but {catalogue} is missing"


def test_own_validator_finds_nothing_to_fix():
    """The platform's own publiccode.yml validator (the one users' uploads go through)."""
    from smartregion.projects.publiccode import parse_file

    result = parse_file(ROOT / "publiccode.yml")
    assert result.verdict == "valid", [(i.key, i.message) for i in result.errors + result.warnings]
