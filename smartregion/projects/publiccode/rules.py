"""Rules of the standard beyond the JSON Schema, as publiccode-parser-go applies them.

Errors and warnings follow the parser: deprecated keys, lower-case country codes and old
versions are warnings; everything the standard forbids is an error. Values of the wrong
type were already reported by `schema.py` and are skipped here.
"""

from __future__ import annotations

from typing import Any

from . import assets, formats, sections, spdx
from .context import Context, join
from .messages import quote


def validate(ctx: Context, doc: dict[str, Any]) -> None:
    _urls(ctx, doc)
    _dates(ctx, doc)
    _deprecated(ctx, doc)
    _mime_types(ctx, doc)
    _audience(ctx, doc)
    for lang, desc in _mapping(doc.get("description")).items():
        _description(ctx, lang, desc)
    _license(ctx, doc)
    _maintenance(ctx, _mapping(doc.get("maintenance")))
    _languages(ctx, doc)
    _organisations(ctx, doc)
    assets.validate(ctx, doc)
    sections.validate(ctx, doc)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any, key: str) -> list[tuple[str, str]]:
    """(key path, text) for each text item of a list (or a lone text)."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, list):
        return [(join(key, i), item) for i, item in enumerate(value) if isinstance(item, str)]
    return []


def _urls(ctx: Context, doc: dict[str, Any]) -> None:
    url = doc.get("url")
    if isinstance(url, str) and url and not formats.is_url(url):
        ctx.error(
            "url",
            f"„url“ muss die vollständige Adresse des Quellcode-Repositorys sein, "
            f"beginnend mit https:// (z. B. https://github.com/stadt/projekt.git); „{quote(url)}“ "
            "ist keine solche Adresse.",
            f"url must be a valid URL; '{quote(url)}' is not.",
            "invalid_url",
        )
    for key in ("landingURL", "roadmap"):
        value = doc.get(key)
        if isinstance(value, str):
            _http_url(ctx, key, value)
    is_based_on = doc.get("isBasedOn")
    key = "isBasedOn[0]" if isinstance(is_based_on, str) else "isBasedOn"
    for path, value in _strings(is_based_on, key):
        if not formats.is_url(value):
            ctx.error(
                path,
                f"„{quote(value)}“ ist keine vollständige Adresse eines Repositorys "
                "(z. B. https://github.com/organisation/original.git).",
                f"{path} must be a valid URL.",
                "invalid_url",
            )


def _http_url(ctx: Context, key: str, value: str) -> None:
    if not formats.is_http_url(value):
        ctx.error(
            key,
            f"„{key}“ muss eine Web-Adresse sein, die mit https:// (oder http://) beginnt; "
            f"„{quote(value)}“ ist keine.",
            f"{key} must be an HTTP URL.",
            "invalid_url",
        )


def _date(ctx: Context, key: str, value: Any) -> None:
    if isinstance(value, str) and not formats.is_date(value):
        ctx.error(
            key,
            f"„{key}“ muss ein Datum im Format JJJJ-MM-TT sein, z. B. 2024-03-01; "
            f"„{quote(value)}“ ist keines.",
            f"{key} must be a date with format 'YYYY-MM-DD'.",
            "invalid_date",
        )


def _dates(ctx: Context, doc: dict[str, Any]) -> None:
    _date(ctx, "releaseDate", doc.get("releaseDate"))


def _deprecated(ctx: Context, doc: dict[str, Any]) -> None:
    legal = _mapping(doc.get("legal"))
    candidates = [
        (
            "monochromeLogo",
            doc.get("monochromeLogo"),
            "verwenden Sie stattdessen „logo“",
            "Use 'logo' instead",
        ),
        ("inputTypes", doc.get("inputTypes"), "Sie können ihn löschen", "It's safe to drop it"),
        ("outputTypes", doc.get("outputTypes"), "Sie können ihn löschen", "It's safe to drop it"),
        (
            "legal.repoOwner",
            legal.get("repoOwner"),
            "verwenden Sie „organisation.name“",
            "Use 'organisation.name' instead",
        ),
        (
            "legal.authorsFile",
            legal.get("authorsFile"),
            "Sie können ihn löschen",
            "It's safe to drop it",
        ),
    ]
    for lang, desc in _mapping(doc.get("description")).items():
        generic = _mapping(desc).get("genericName")
        candidates.append(
            (
                f"description.{lang}.genericName",
                generic or None,
                "Sie können ihn löschen",
                "It's safe to drop it",
            )
        )
    for key, value, advice_de, advice_en in candidates:
        # like the parser: a value of the wrong type is an error already, not also deprecated
        expected = list if key in ("inputTypes", "outputTypes") else str
        if isinstance(value, expected):
            ctx.deprecated(key, advice_de, advice_en)


def _mime_types(ctx: Context, doc: dict[str, Any]) -> None:
    for key in ("inputTypes", "outputTypes"):
        values = doc.get(key)
        for path, value in _strings(values, key) if isinstance(values, list) else []:
            if not formats.is_mime_type(value):
                ctx.error(
                    path,
                    f"„{quote(value)}“ ist kein MIME-Typ (Form typ/untertyp, z. B. text/csv).",
                    f"{path} is not a valid MIME type.",
                    "invalid_mime_type",
                )


def _audience(ctx: Context, doc: dict[str, Any]) -> None:
    audience = _mapping(doc.get("intendedAudience"))
    for key in ("countries", "unsupportedCountries"):
        values = audience.get(key)
        if not isinstance(values, list):
            continue
        for path, code in _strings(values, f"intendedAudience.{key}"):
            if not formats.is_country(code):
                ctx.error(
                    path,
                    f"„{quote(code)}“ ist kein Ländercode nach ISO 3166-1 alpha-2 (zwei "
                    "Buchstaben, einheitlich groß geschrieben, z. B. DE, AT, IT).",
                    f"{path} must be a valid ISO 3166-1 alpha-2 two-letter country code.",
                    "invalid_country",
                )
            elif code != code.upper():
                ctx.warning(
                    path,
                    f"Kleingeschriebene Ländercodes sind veraltet; schreiben Sie „{code.upper()}“.",
                    "Lowercase country codes are DEPRECATED. Use uppercase instead "
                    f"('{code.upper()}').",
                    "deprecated",
                )


def _description(ctx: Context, lang: str, desc: Any) -> None:
    key = f"description.{lang}"
    if not formats.is_language_tag(lang):
        ctx.error(
            key,
            f"„{lang}“ ist kein gültiger Sprachcode nach BCP 47. Verwenden Sie z. B. „de“, "
            "„en“ oder „de-AT“ (Bindestrich statt Unterstrich, der kürzeste Code: „de“ statt "
            "„deu“).",
            "description must be a valid BCP 47 language.",
            "invalid_language",
        )
    desc = _mapping(desc)
    _length(ctx, f"{key}.shortDescription", desc.get("shortDescription"), 0, 150)
    _length(ctx, f"{key}.longDescription", desc.get("longDescription"), 150, 10000)
    _length(ctx, f"{key}.genericName", desc.get("genericName"), 0, 35)
    for name in ("documentation", "apiDocumentation"):
        if isinstance(desc.get(name), str):
            _http_url(ctx, f"{key}.{name}", desc[name])
    videos = desc.get("videos")
    for path, url in _strings(videos, f"{key}.videos") if isinstance(videos, list) else []:
        if not formats.is_http_url(url):
            _http_url(ctx, path, url)
        elif not formats.is_oembed_video(url):
            ctx.error(
                path,
                f"„{quote(url)}“ ist kein einbettbares Video (oEmbed). Verlinken Sie das Video auf "
                "einer Videoplattform wie YouTube, Vimeo oder Dailymotion.",
                f"'{url}' is not a valid video URL supporting oEmbed.",
                "invalid_video",
            )


def _length(ctx: Context, key: str, value: Any, minimum: int, maximum: int) -> None:
    if not isinstance(value, str) or not value:
        return
    count = formats.grapheme_count(value)
    if count < minimum:
        ctx.error(
            key,
            f"„{key}“ hat {count} Zeichen; verlangt sind mindestens {minimum}. Beschreiben "
            "Sie ausführlicher, was die Software leistet und für wen sie gedacht ist.",
            f"{key} must be at least {minimum} characters in length.",
            "too_short",
        )
    elif count > maximum:
        ctx.error(
            key,
            f"„{key}“ hat {count} Zeichen; erlaubt sind höchstens {maximum}. Kürzen Sie den Text.",
            f"{key} must be a maximum of {maximum} characters in length.",
            "too_long",
        )


def _license(ctx: Context, doc: dict[str, Any]) -> None:
    value = _mapping(doc.get("legal")).get("license")
    if not isinstance(value, str) or not value:
        return
    try:
        spdx.check_expression(value)
    except spdx.SpdxError as problem:
        fix = spdx.suggestion(value)
        hint = f" Meinten Sie „{fix}“?" if fix else ""
        ctx.error(
            "legal.license",
            f"„{quote(value)}“ ist kein gültiger SPDX-Lizenzausdruck ({problem}).{hint} Verwenden "
            "Sie Kennungen aus https://spdx.org/licenses/, z. B. EUPL-1.2, AGPL-3.0-or-later oder "
            "„MIT OR Apache-2.0“.",
            "license must be a valid license (see https://spdx.org/licenses)",
            "invalid_license",
        )


def _maintenance(ctx: Context, maintenance: dict[str, Any]) -> None:
    kind = maintenance.get("type")
    if not isinstance(kind, str):
        return
    if "contractors" in maintenance and kind != "contract":
        ctx.error(
            "maintenance.contractors",
            f"„maintenance.contractors“ ist nur bei type: contract erlaubt "
            f"(hier: {kind}). Entfernen Sie die Dienstleister oder ändern Sie den Wartungstyp.",
            'contractors must not be present unless "type" is "contract"',
            "not_allowed",
        )
    if kind == "contract" and maintenance.get("contractors") in (None, []):
        ctx.error(
            "maintenance.contractors",
            "Bei type: contract ist „maintenance.contractors“ Pflicht: "
            "Nennen Sie den beauftragten Dienstleister mit name und until (Vertragsende).",
            'contractors is a required field when "type" is "contract"',
            "required",
        )
    if kind in ("internal", "community") and maintenance.get("contacts") in (None, []):
        ctx.error(
            "maintenance.contacts",
            f"Bei type: {kind} ist „maintenance.contacts“ Pflicht: Nennen "
            "Sie mindestens eine Ansprechperson (name, möglichst mit email).",
            f'contacts is a required field when "type" is "{kind}"',
            "required",
        )
    for i, contractor in enumerate(_list(maintenance.get("contractors"))):
        key = f"maintenance.contractors[{i}]"
        _date(ctx, f"{key}.until", contractor.get("until"))
        _email(ctx, f"{key}.email", contractor.get("email"))
        if isinstance(contractor.get("website"), str):
            _http_url(ctx, f"{key}.website", contractor["website"])
    for i, contact in enumerate(_list(maintenance.get("contacts"))):
        _email(ctx, f"maintenance.contacts[{i}].email", contact.get("email"))


def _list(value: Any) -> list[dict[str, Any]]:
    return (
        [item if isinstance(item, dict) else {} for item in value]
        if isinstance(value, list)
        else []
    )


def _email(ctx: Context, key: str, value: Any) -> None:
    if isinstance(value, str) and not formats.is_email(value):
        ctx.error(
            key,
            f"„{quote(value)}“ ist keine gültige E-Mail-Adresse.",
            f"{key} must be a valid email address.",
            "invalid_email",
        )


def _languages(ctx: Context, doc: dict[str, Any]) -> None:
    values = _mapping(doc.get("localisation")).get("availableLanguages")
    for path, tag in (
        _strings(values, "localisation.availableLanguages") if isinstance(values, list) else []
    ):
        if not formats.is_language_tag(tag):
            ctx.error(
                path,
                f"„{quote(tag)}“ ist kein gültiger Sprachcode nach BCP 47 (z. B. de, en, "
                "de-AT; Bindestrich statt Unterstrich).",
                f"{path} must be a valid BCP 47 language.",
                "invalid_language",
            )


def _organisations(ctx: Context, doc: dict[str, Any]) -> None:
    candidates = [("organisation.uri", _mapping(doc.get("organisation")).get("uri"))]
    for i, funder in enumerate(_list(doc.get("fundedBy"))):
        candidates.append((f"fundedBy[{i}].uri", funder.get("uri")))
    for key, uri in candidates:
        if not isinstance(uri, str) or not uri or formats.is_organisation_uri(uri):
            continue
        if formats.is_italian_pa_urn(uri):
            ctx.error(
                key,
                f"„{quote(uri)}“ enthält keinen gültigen Code der italienischen Verwaltung (iPA); "
                "Form: urn:x-italian-pa:[codiceIPA], z. B. urn:x-italian-pa:c_h501.",
                f"{key} must be a valid Italian Public Administration Code (iPA).",
                "invalid_uri",
            )
        else:
            ctx.error(
                key,
                f"„{quote(uri)}“ ist keine gültige URI. Verwenden Sie die Web-Adresse der "
                "Organisation (z. B. https://www.stadt.de) oder eine URN (urn:…).",
                f"{key} is not a valid URI",
                "invalid_uri",
            )
