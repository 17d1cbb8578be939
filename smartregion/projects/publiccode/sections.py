"""Country sections (`IT`, and the German `DE` of the German translation) and `supports`.

Country sections are deprecated since standard 0.7 in favour of `supports` and
`organisation`, but the official parser still reads `IT` without a warning; only its
deprecated sub-keys and the lower-case spelling `it` draw one.

`DE` is defined only in the German translation of the standard (schema.de.rst: LeiKa and
OZG keys). The official parser does not know it and would reject the file ("unknown
field"); smartregion accepts and checks it, with a warning saying exactly that.
"""

from __future__ import annotations

from typing import Any

from . import data, formats
from .context import Context
from .messages import quote

_IT_VERSIONS = ("0.2", "1.0")


def validate(ctx: Context, doc: dict[str, Any]) -> None:
    _italian(ctx, doc)
    _german(ctx, doc)
    _supports(ctx, doc)


def _pick(ctx: Context, doc: dict[str, Any], upper: str) -> tuple[str, dict[str, Any]] | None:
    lower = upper.lower()
    if lower in doc:
        ctx.warning(
            lower,
            f"Kleingeschriebene Ländercodes sind veraltet; benennen Sie den Abschnitt „{lower}“ "
            f"in „{upper}“ um.",
            f"Lowercase country codes are DEPRECATED and will be removed in the future. Use "
            f"'{upper}' instead",
            "deprecated",
        )
        if upper in doc:
            ctx.error(
                lower,
                f"Der Abschnitt „{upper}“ ist schon vorhanden; führen Sie „{lower}“ und "
                f"„{upper}“ zusammen und löschen Sie „{lower}“.",
                f"'{upper}' key already present. Remove this key",
                "duplicate_section",
            )
    key = upper if upper in doc else lower
    section = doc.get(key)
    return (key, section) if isinstance(section, dict) else None


def _italian(ctx: Context, doc: dict[str, Any]) -> None:
    picked = _pick(ctx, doc, "IT")
    if picked is None:
        return
    key, section = picked
    version = section.get("countryExtensionVersion")
    if isinstance(version, str) and version not in _IT_VERSIONS:
        ctx.error(
            f"{key}.countryExtensionVersion",
            f"„{quote(version)}“ ist keine Version der italienischen "
            'Erweiterung; erlaubt: "0.2" oder "1.0".',
            'countryExtensionVersion must be one of the following: "0.2" or "1.0"',
            "not_allowed",
        )
    if "conforme" in section:
        ctx.deprecated(f"{key}.conforme", "Sie können ihn löschen", "It's safe to drop it")
    riuso = section.get("riuso")
    code = riuso.get("codiceIPA") if isinstance(riuso, dict) else None
    if isinstance(code, str) and code:
        if formats.is_ipa_code(code):
            ctx.deprecated(
                f"{key}.riuso.codiceIPA",
                f"verwenden Sie „organisation.uri“ mit dem Wert „urn:x-italian-pa:{code}“",
                f"Use 'organisation.uri' and set it to 'urn:x-italian-pa:{code}' instead",
            )
        else:
            ctx.error(
                f"{key}.riuso.codiceIPA",
                f"„{quote(code)}“ ist kein gültiger Code der italienischen "
                "Verwaltung (iPA, z. B. c_h501).",
                "codiceIPA must be a valid Italian Public Administration Code (iPA)",
                "invalid_ipa",
            )


def _german(ctx: Context, doc: dict[str, Any]) -> None:
    picked = _pick(ctx, doc, "DE")
    if picked is None:
        return
    key, _section = picked
    ctx.warning(
        key,
        f"Der Abschnitt „{key}“ (LeiKa/OZG) stammt aus der deutschen Übersetzung des Standards. "
        "Der offizielle Validator (publiccode-parser-go, Developers Italia) kennt ihn nicht und "
        "lehnt Dateien mit diesem Abschnitt ab.",
        f"The '{key}' section comes from the German translation of the standard; the official "
        "parser does not know it and rejects files that contain it.",
        "national_extension",
    )


def _supports(ctx: Context, doc: dict[str, Any]) -> None:
    items = doc.get("supports")
    aliases = data.standard()["aliases"]
    for i, item in enumerate(items if isinstance(items, list) else []):
        value = item.get("id") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value:
            continue
        key = f"supports[{i}].id"
        if value.lower().startswith("alias:"):
            if value[len("alias:") :] not in aliases:
                ctx.error(
                    key,
                    f"„{quote(value)}“ ist kein bekannter Alias. Bekannt sind: "
                    f"{', '.join('alias:' + name for name in aliases)}; sonst geben Sie die "
                    "Adresse (URI) des Standards an.",
                    "id contains an unknown alias (see aliases-list.rst)",
                    "unknown_alias",
                )
        elif not formats.is_organisation_uri(value):
            ctx.error(
                key,
                f"„{quote(value)}“ ist weder ein Alias (alias:gdpr) noch eine gültige URI "
                "(https://… oder urn:…).",
                "id must be an alias or a valid URI",
                "invalid_uri",
            )
