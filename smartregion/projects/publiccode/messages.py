"""Words shared by the messages: what each key means and how types are called.

Messages say which key is affected, what is wrong and what to write instead, in German
for the people who maintain the file, with an English twin.
"""

from __future__ import annotations

import re

# Key paths with list indices as [*] and language/dependency keys as *.
_LABELS: dict[str, tuple[str, str]] = {
    "publiccodeYmlVersion": (
        'Version des Standards, z. B. "0.5"',
        'version of the standard, e.g. "0.5"',
    ),
    "name": ("Name der Software", "name of the software"),
    "url": (
        "Adresse des Quellcode-Repositorys, z. B. https://github.com/stadt/projekt.git",
        "address of the source code repository",
    ),
    "landingURL": ("Adresse der Projekt-Webseite", "address of the project's web page"),
    "roadmap": ("Adresse der öffentlichen Roadmap", "address of the public roadmap"),
    "releaseDate": (
        "Datum der letzten Version im Format JJJJ-MM-TT",
        "date of the latest release, YYYY-MM-DD",
    ),
    "platforms": (
        "Liste der Plattformen, z. B. web, linux, windows",
        "list of platforms, e.g. web, linux",
    ),
    "developmentStatus": (
        "Entwicklungsstand: concept, development, beta, stable oder obsolete",
        "development status: concept, development, beta, stable or obsolete",
    ),
    "softwareType": (
        "Art der Software, z. B. standalone/web oder library",
        "type of software, e.g. standalone/web",
    ),
    "description": (
        "Beschreibung in mindestens einer Sprache, z. B. unter „de:“",
        "description in at least one language, e.g. under 'en:'",
    ),
    "description.*.shortDescription": (
        "Kurzbeschreibung in einem Satz (höchstens 150 Zeichen)",
        "one-sentence summary (at most 150 characters)",
    ),
    "description.*.longDescription": (
        "ausführliche Beschreibung (150 bis 10.000 Zeichen)",
        "long description (150 to 10,000 characters)",
    ),
    "description.*.features": (
        "Liste der wichtigsten Funktionen, mindestens ein Eintrag",
        "list of the main features, at least one",
    ),
    "legal": ("Abschnitt mit der Lizenz", "section with the licence"),
    "legal.license": (
        "Lizenz als SPDX-Kennung, z. B. EUPL-1.2 oder MIT",
        "licence as SPDX identifier, e.g. EUPL-1.2",
    ),
    "maintenance": ("Abschnitt zur Wartung", "maintenance section"),
    "maintenance.type": (
        "Art der Wartung: internal, contract, community oder none",
        "maintenance type: internal, contract, community or none",
    ),
    "maintenance.contacts": (
        "Liste der Ansprechpersonen (mit name)",
        "list of contact persons (with name)",
    ),
    "maintenance.contacts[*].name": ("Name der Ansprechperson", "name of the contact person"),
    "maintenance.contractors": (
        "Liste der beauftragten Dienstleister (mit name und until)",
        "list of contractors (with name and until)",
    ),
    "maintenance.contractors[*].name": ("Name des Dienstleisters", "name of the contractor"),
    "maintenance.contractors[*].until": (
        "Enddatum des Wartungsvertrags im Format JJJJ-MM-TT",
        "end date of the maintenance contract, YYYY-MM-DD",
    ),
    "localisation": ("Abschnitt zur Sprachunterstützung", "localisation section"),
    "localisation.localisationReady": (
        "true oder false, je nachdem ob die Software mehrsprachig angelegt ist",
        "true or false: is the software built to be multilingual?",
    ),
    "localisation.availableLanguages": (
        "Liste der verfügbaren Sprachen, z. B. de, en",
        "list of available languages, e.g. de, en",
    ),
    "organisation.uri": (
        "eindeutige Adresse (URI) der veröffentlichenden Organisation",
        "URI of the publishing organisation",
    ),
    "fundedBy[*].uri": ("eindeutige Adresse (URI) des Geldgebers", "URI of the funder"),
    "dependsOn.*[*].name": ("Name der Abhängigkeit, z. B. PostgreSQL", "name of the dependency"),
    "supports[*].id": (
        "Kennung des unterstützten Standards, z. B. alias:gdpr",
        "id of the supported standard",
    ),
    "DE.countryExtensionVersion": (
        'Version der deutschen Erweiterung, z. B. "1.0"',
        "version of the German extension",
    ),
    "DE.leika[*].leika-id": ("LeiKa-Schlüssel der Verwaltungsleistung", "LeiKa key of the service"),
}

_TYPES = {
    "string": ("ein Text", "text"),
    "array": ("eine Liste (Einträge untereinander mit „- “)", "a list"),
    "object": ("ein Abschnitt mit Unterschlüsseln", "a mapping with sub-keys"),
    "boolean": ("true oder false", "true or false"),
    "number": ("eine Zahl", "a number"),
    "null": ("leer", "empty"),
}


def generic_path(key: str) -> str:
    """'description.de.features' -> 'description.*.features'; indices -> [*]."""
    path = re.sub(r"\[\d+\]", "[*]", key)
    path = re.sub(r"^description\.[^.]+", "description.*", path)
    path = re.sub(r"^dependsOn\.[^.\[]+", "dependsOn.*", path)
    return re.sub(r"^(?:de|DE)\.", "DE.", path)


def label(key: str) -> tuple[str, str] | None:
    return _LABELS.get(generic_path(key))


def with_label(key: str) -> tuple[str, str]:
    """': <what the key holds>' in both languages, or empty strings."""
    found = label(key)
    return (f": {found[0]}", f" ({found[1]})") if found else ("", "")


def type_name(expected: str | list[str]) -> tuple[str, str]:
    names = [expected] if isinstance(expected, str) else expected
    german = " oder ".join(_TYPES.get(name, (name, name))[0] for name in names)
    english = " or ".join(_TYPES.get(name, (name, name))[1] for name in names)
    return german, english


def actual_type(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return type_name("boolean")
    if isinstance(value, str):
        return type_name("string")
    if isinstance(value, list):
        return type_name("array")
    if isinstance(value, dict):
        return type_name("object")
    return type_name("null" if value is None else "number")


def quote(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
