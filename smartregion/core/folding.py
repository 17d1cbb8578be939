"""Comparison keys for German names and words (stdlib only, usable without Django).

'Gelsenkirchen-Buer' -> 'gelsenkirchen buer', 'Düsseldorf' -> 'duesseldorf', 'Straße' -> 'strasse'.
"""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Case-, ß-, umlaut- and punctuation-insensitive key (umlauts become ae/oe/ue)."""
    text = text.casefold().replace("ß", "ss")
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", text).split())
