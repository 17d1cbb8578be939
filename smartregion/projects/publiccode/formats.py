"""Value formats of the standard, checked the way publiccode-parser-go checks them.

Each function answers one yes/no question about a value, without network access.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import urlsplit

from . import data

# --- URLs ---------------------------------------------------------------------------------


def is_url(value: object) -> bool:
    """An absolute URL with a scheme (the parser's `url_url`, after Go's url.Parse)."""
    if not isinstance(value, str) or not value:
        return False
    text = value.lower()
    if text.startswith("file:/"):
        return True
    parts = _split(text)
    if parts is None or not parts.scheme:
        return False
    opaque = not parts.netloc and parts.path and not parts.path.startswith("/")
    return bool(parts.netloc or parts.fragment or opaque)


def is_http_url(value: object) -> bool:
    """An http(s) URL with a host (the parser's `url_http_url`)."""
    if not is_url(value):
        return False
    parts = _split(str(value).lower())
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)


def _split(text: str):
    if any(ord(char) < 0x20 or char == "\x7f" for char in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        return None
    if " " in parts.netloc:
        return None
    return parts


_URN = re.compile(
    r"urn:(?!urn:)[a-z0-9][a-z0-9-]{0,31}:(?:[a-z0-9()+,\-.:=@;$_!*']|%[0-9a-f]{2})+",
    re.IGNORECASE,
)
# Codes of the Italian index of public administrations (indicepa.gov.it): lower-case letters,
# digits and underscores, e.g. "c_h501", "pcm", "5t_piem". Only the form is checked here;
# the official parser also looks the code up in the full list (see bench/ for the effect).
_IPA_CODE = re.compile(r"[a-z0-9_]{2,}")


def is_ipa_code(value: str) -> bool:
    return bool(_IPA_CODE.fullmatch(value))


def is_organisation_uri(value: object) -> bool:
    """A URL with a host, or a URN (RFC 2141); `urn:x-italian-pa:` needs an IPA code."""
    if not isinstance(value, str) or not value:
        return False
    parts = _split(value)
    if parts is None or not parts.scheme:
        return False
    if parts.scheme.lower() == "urn":
        if not _URN.fullmatch(value):
            return False
        rest = value[4:]
        if rest.lower().startswith("x-italian-pa:"):
            return is_ipa_code(rest[len("x-italian-pa:") :])
        return True
    return bool(parts.netloc)


def is_italian_pa_urn(value: str) -> bool:
    return value.lower().startswith("urn:x-italian-pa:")


# Video platforms that publish oEmbed endpoints (oembed.com provider registry). The official
# parser matches the whole registry; this list holds the video platforms seen in practice.
_VIDEO_URL = re.compile(
    r"https?://(?:"
    r"(?:www\.|m\.)?youtube\.com/(?:watch|shorts/|playlist|embed/|live/|v/)"
    r"|youtu\.be/"
    r"|(?:www\.)?vimeo\.com/|player\.vimeo\.com/video/"
    r"|(?:www\.)?dailymotion\.com/video/|dai\.ly/"
    r"|(?:www\.)?facebook\.com/(?:[^/]+/videos/|watch)|fb\.watch/"
    r"|(?:www\.)?ted\.com/talks/"
    r"|(?:www\.)?loom\.com/share/"
    r"|[a-z0-9-]+\.wistia\.com/medias/|[a-z0-9-]+\.wi\.st/medias/"
    r"|streamable\.com/"
    r"|(?:www\.)?tiktok\.com/@[^/]+/video/"
    r"|(?:www\.)?twitch\.tv/|clips\.twitch\.tv/"
    r")\S+",
    re.IGNORECASE,
)


def is_oembed_video(value: str) -> bool:
    return bool(_VIDEO_URL.fullmatch(value))


# --- dates, e-mail, MIME types ------------------------------------------------------------


def is_date(value: object) -> bool:
    """YYYY-MM-DD and a real calendar day (the standard allows no other ISO 8601 form)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date(int(value[:4]), int(value[5:7]), int(value[8:]))
    except ValueError:
        return False
    return True


_LABEL = r"[a-z0-9\u00a0-\uffff](?:[a-z0-9\u00a0-\uffff-]{0,61}[a-z0-9\u00a0-\uffff])?"
_EMAIL = re.compile(
    r"[a-z0-9.!#$%&'*+/=?^_`{|}~\u00a0-\uffff-]+@" + _LABEL + r"(?:\." + _LABEL + r")+\.?",
    re.IGNORECASE,
)


def is_email(value: object) -> bool:
    return isinstance(value, str) and bool(_EMAIL.fullmatch(value))


# RFC 6838 restricted names: type "/" subtype.
_MIME = re.compile(r" *[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126} *", re.I)


def is_mime_type(value: object) -> bool:
    return isinstance(value, str) and bool(_MIME.fullmatch(value))


# --- countries and languages --------------------------------------------------------------


def is_country(value: object) -> bool:
    """ISO 3166-1 alpha-2, all upper case or (deprecated) all lower case."""
    if not isinstance(value, str) or value not in (value.upper(), value.lower()):
        return False
    return value.upper() in data.countries()


_IRREGULAR = {
    "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
    "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl",
    "sgn-ch-de", "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka",
    "zh-min", "zh-min-nan", "zh-xiang",
}  # fmt: skip
_LANGTAG = re.compile(
    r"(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-(?P<script>[a-z]{4}))?"
    r"(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[a-wyz0-9](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
)


def is_language_tag(value: object) -> bool:
    """A BCP 47 language tag with a registered primary language, in its shortest form.

    Like the official parser: POSIX forms ("en_GB") are rejected, and so are three-letter
    codes of languages that have a two-letter one ("deu" for "de"). Variant and extension
    subtags are checked for their form only (the parser also checks the IANA registry).
    """
    if not isinstance(value, str):
        return False
    tag = value.lower()
    if tag in _IRREGULAR or re.fullmatch(r"x(?:-[a-z0-9]{1,8})+", tag):
        return True
    match = _LANGTAG.fullmatch(tag)
    if not match:
        return False
    base, *extlangs = match["language"].split("-")
    table = data.codes()
    if not _is_language(base) or any(
        e not in table["iso639_alpha3_without_alpha2"] for e in extlangs
    ):
        return False
    script, region = match["script"], match["region"]
    if script and script.title() not in table["iso15924"]:
        return False
    regions = table["iso3166_1_alpha2"] | table["un_m49_regions"]
    return not region or region.upper() in regions


def _is_language(code: str) -> bool:
    table = data.codes()
    if len(code) == 2:
        return code in table["iso639_alpha2"]
    if len(code) == 3:
        # qaa-qtz is reserved for private use
        return code in table["iso639_alpha3_without_alpha2"] or "qaa" <= code <= "qtz"
    return False


# --- text length --------------------------------------------------------------------------


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29, approximated).

    The parser counts characters this way: "é" written as e + combining accent, a flag or
    a family emoji each count once. Joins: combining marks, variation selectors, emoji
    modifiers and tags, zero-width joiner sequences, regional-indicator pairs, CR LF and
    Hangul jamo.
    """
    count = 0
    previous = ""
    pending_flag = False
    for char in text:
        code = ord(char)
        if count and _extends(previous, char, code, pending_flag):
            pending_flag = False
        else:
            count += 1
            pending_flag = 0x1F1E6 <= code <= 0x1F1FF
        previous = char
    return count


def _extends(previous: str, char: str, code: int, pending_flag: bool) -> bool:
    if previous == "\r" and char == "\n":
        return True
    if previous == "\u200d":  # zero-width joiner glues the next character on
        return True
    if char == "\u200d" or unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0xE0020 <= code <= 0xE007F:
        return True
    if 0x1F3FB <= code <= 0x1F3FF:  # skin-tone modifiers
        return True
    if pending_flag and 0x1F1E6 <= code <= 0x1F1FF:
        return True
    # Hangul: vowel and final jamo continue a leading jamo or a syllable
    if 0x1160 <= code <= 0x11FF and previous:
        before = ord(previous)
        return 0x1100 <= before <= 0x11FF or 0xAC00 <= before <= 0xD7A3
    return False
