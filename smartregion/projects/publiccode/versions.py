"""`publiccodeYmlVersion`: which versions are read, and which are out of date.

Same list as the official parser at the time of its test corpus (../shared/data/publiccode/
parser_go_testdata): "0" means "the latest 0.x", then 0.2 to 0.5 and 0.7; there is no 0.6
(a release without changes to the standard) and no "1" yet. Every supported version is read
with the rules of the latest one, as the parser does; anything but "0" and 0.7 draws a
warning to update.
"""

from __future__ import annotations

from typing import Any

from .context import Context
from .loader import PlainText

SUPPORTED_VERSIONS = (
    "0", "0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5", "0.5.0",
    "0.7", "0.7.0",
)  # fmt: skip
LATEST_VERSION = "0.7"
KEY = "publiccodeYmlVersion"


def check(ctx: Context, raw: dict[str, Any]) -> bool:
    """Report problems with the version; False if the file cannot be read at all."""
    value = raw.get(KEY)
    if value is None:
        ctx.error(
            KEY,
            "Die Pflichtangabe „publiccodeYmlVersion“ fehlt. Tragen Sie in der ersten Zeile "
            'publiccodeYmlVersion: "0" ein (die jeweils aktuelle Version 0.x des Standards).',
            'Required key publiccodeYmlVersion is missing; add publiccodeYmlVersion: "0".',
            "required",
        )
        return True
    if not isinstance(value, str):
        ctx.error(
            KEY,
            '„publiccodeYmlVersion“ muss ein Text sein, z. B. "0.5".',
            'publiccodeYmlVersion must be text, e.g. "0.5".',
            "wrong_type",
        )
        return True
    ctx.result.version = str(value)
    if isinstance(value, PlainText) and value.kind in ("int", "float"):
        ctx.error(
            KEY,
            f'Die Version muss in Anführungszeichen stehen: publiccodeYmlVersion: "{value}" '
            f"(ohne Anführungszeichen liest YAML {value} als Zahl).",
            f'The version must be quoted: publiccodeYmlVersion: "{value}".',
            "wrong_type",
        )
    if value not in SUPPORTED_VERSIONS:
        ctx.error(
            KEY,
            f"Die Version „{value}“ des Standards wird nicht unterstützt. Unterstützt: "
            f'{", ".join(SUPPORTED_VERSIONS)}. Am einfachsten: publiccodeYmlVersion: "0".',
            f"Unsupported version '{value}'. Supported versions: {', '.join(SUPPORTED_VERSIONS)}.",
            "unsupported_version",
        )
        return False
    if value != "0" and not value.startswith(LATEST_VERSION):
        ctx.warning(
            KEY,
            f"Version {value} ist nicht die aktuelle Version des Standards; die Datei wird "
            f'nach Version {LATEST_VERSION} gelesen. Schreiben Sie publiccodeYmlVersion: "0" '
            "(immer die aktuelle Version 0.x) und prüfen Sie die Hinweise zu veralteten "
            "Schlüsseln.",
            f"v{value} is not the latest version, use '0'. Parsing this file as v{LATEST_VERSION}.",
            "old_version",
        )
    return True
