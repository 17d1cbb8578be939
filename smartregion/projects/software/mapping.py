"""How publiccode.yml keys map to project fields, in both directions."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ..models import HTTP_URL, TransferProfile

DERIVED_FIELDS = ("licence", "source_url", "documentation_url")
# German first (the platform's language), then English, then Italian (most files in the
# wild are Italian), then whatever else the file has.
LANGUAGE_ORDER = ("de", "en", "it")
LANGUAGE_NAMES = {
    "en": "Englisch",
    "it": "Italienisch",
    "fr": "Französisch",
    "nl": "Niederländisch",
    "es": "Spanisch",
}
MATURITY = {
    "concept": TransferProfile.Maturity.IDEA,
    "development": TransferProfile.Maturity.PILOT,
    "beta": TransferProfile.Maturity.PILOT,
    "stable": TransferProfile.Maturity.OPERATING,
    "obsolete": TransferProfile.Maturity.OPERATING,
}
MAX_SUMMARY = 300
MAX_DESCRIPTION = 20_000
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_SCP = re.compile(r"^[\w.-]+@([\w.-]+):(.+)$")  # git@github.com:owner/repo.git


def repository_key(url: str) -> str:
    """One spelling of a repository address: no scheme, no "www.", no ".git", no trailing
    slash, lower case. Empty unless it names a path on a host (a bare host is no repository)."""
    text = (url or "").strip().lower()
    if scp := _SCP.match(text):
        text = f"{scp.group(1)}/{scp.group(2)}"
    text = _SCHEME.sub("", text).split("#")[0].split("?")[0]
    text = text.split("@")[-1] if "@" in text.split("/")[0] else text  # user@host
    text = text.removeprefix("www.").rstrip("/").removesuffix(".git").rstrip("/")
    return text if "/" in text else ""


def _language_order(description: dict) -> list[str]:
    def rank(lang: str) -> tuple[int, str]:
        primary = lang.lower().split("-")[0]
        order = LANGUAGE_ORDER.index(primary) if primary in LANGUAGE_ORDER else len(LANGUAGE_ORDER)
        return (order, lang)

    return sorted((k for k, v in description.items() if isinstance(v, dict)), key=rank)


def best_description(document: dict) -> tuple[str, dict]:
    description = document.get("description")
    if not isinstance(description, dict):
        return "", {}
    languages = _language_order(description)
    return (languages[0], description[languages[0]]) if languages else ("", {})


def _http(value) -> str:
    value = str(value or "").strip()
    try:
        HTTP_URL(value)
    except ValidationError:
        return ""
    return value


def derived(document: dict) -> dict[str, str]:
    """The transfer profile's fields as the document gives them."""
    legal = document.get("legal") if isinstance(document.get("legal"), dict) else {}
    documentation = ""
    description = document.get("description")
    if isinstance(description, dict):
        for lang in _language_order(description):
            if documentation := _http(description[lang].get("documentation")):
                break
    return {
        "licence": str(legal.get("license", "")).strip(),
        "source_url": _http(document.get("url")),
        "documentation_url": documentation,
    }


def maturity_for(document: dict) -> str:
    return MATURITY.get(str(document.get("developmentStatus", "")), TransferProfile.Maturity.IDEA)


def cut(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


@dataclass
class ProjectText:
    summary: str
    description: str
    website: str


def describe(document: dict) -> ProjectText:
    """Title, summary and description of a project created from a file, with a note that
    it was imported (and in which language, if not German)."""
    name = str(document.get("name", "")).strip()
    lang, text = best_description(document)
    short = str(text.get("shortDescription") or text.get("genericName") or name)
    body = str(text.get("longDescription", "")).strip()
    features = [str(f).strip() for f in text.get("features", []) if str(f).strip()]
    if features:
        body += "\n\n" + "\n".join(f"- {f}" for f in features)
    primary = lang.split("-")[0].lower()
    note = "*Aus einer publiccode.yml importiert"
    if primary and primary != "de":
        note += f"; die Beschreibung ist auf {LANGUAGE_NAMES.get(primary, lang)}"
    note += ".*"
    description = cut(body, MAX_DESCRIPTION - len(note) - 2)
    return ProjectText(
        summary=cut(" ".join(short.split()), MAX_SUMMARY),
        description=f"{description}\n\n{note}" if description else note,
        website=_http(document.get("landingURL")),
    )
