"""Rich text for user-contributed content: Markdown in, safe HTML (or plain text) out.

Anything a user types (anonymous submitters included) goes through ``render_markdown`` before
it reaches a page. Two independent layers do the work:

1. **Markdown rendering** (markdown-it-py, CommonMark + tables + strikethrough) with raw HTML
   switched off, so ``<script>`` typed by a user comes out as escaped text, and with markdown-it's
   own link validation, which refuses ``javascript:``/``vbscript:``/``data:`` destinations.
   Images are rendered as their alt text: user content never makes the visitor's browser fetch
   from third parties.
2. **HTML sanitizing** (nh3, i.e. the Rust *ammonia* sanitizer, driven by a real HTML5 parser)
   of the renderer's output with a strict allow-list of tags, attributes and URL schemes.

The first layer decides what the user *can express*; the second decides what may *reach the
browser*. The sanitizer does not trust the renderer: a future option change, a plugin or a bug
in markdown-it that lets HTML through still ends at nh3's allow-list (no ``img``, ``iframe``,
``style``, event handlers, classes, ids; links only http/https/mailto or relative). And the
renderer keeps the sanitizer's job small and predictable (no raw HTML to untangle).

``plain_excerpt`` produces plain text (a ``str``, not a ``SafeString``): templates autoescape it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

__all__ = ["MAX_INPUT_CHARS", "plain_excerpt", "render_markdown"]

#: Inputs are cut to this many characters before rendering. Markdown parsing and sanitizing are
#: roughly linear, but pathological inputs (deep nesting, many delimiters) cost more per
#: character; a hard cap keeps the time one request can spend rendering bounded, whatever an
#: (anonymous) submitter sends. Legitimate texts on the platform are far shorter.
MAX_INPUT_CHARS = 100_000

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "a",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
# No style, class or id anywhere. ``rel`` is not listed: nh3 sets it on every link (link_rel).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"

# The page owns the single <h1>; user headings live between h2 and h4.
_MIN_HEADING_LEVEL = 2
_MAX_HEADING_LEVEL = 4

_WHITESPACE = re.compile(r"\s+")
# What browsers ignore or strip inside a URL scheme: ASCII whitespace and control characters.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_DANGEROUS_SCHEME = re.compile(r"(?:javascript|vbscript|data|file|livescript|mocha):")


def _clamp_headings(state: StateCore) -> None:
    """Core rule: ``#`` becomes h2, ``#####``/``######`` become h4 (the allowed range)."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            level = min(max(level, _MIN_HEADING_LEVEL), _MAX_HEADING_LEVEL)
            token.tag = f"h{level}"


def _render_image_as_text(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    """Images show their alt text only: no request to wherever the user pointed."""
    token = tokens[idx]
    return escape(self.renderInlineAsText(token.children or [], options, env))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Belt and braces on top of nh3's scheme allow-list: drop any href that, percent-decoded and
    with whitespace/control characters removed, starts with a script-capable scheme."""
    if attribute == "href":
        normalized = _URL_IGNORED.sub("", unquote(value)).lower()
        if _DANGEROUS_SCHEME.match(normalized):
            return None
    return value


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("clamp_headings", _clamp_headings)
    md.add_render_rule("image", _render_image_as_text)
    return md


_md = _build_markdown()

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    # Drop these with their content should they ever appear (their text is never prose).
    clean_content_tags={"script", "style", "template", "noscript", "textarea", "title"},
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    attribute_filter=_filter_attribute,
)


def _guard(text: str | None) -> str:
    if not text:
        return ""
    return text[:MAX_INPUT_CHARS]


def render_markdown(text: str | None) -> SafeString:
    """Render user Markdown to sanitized HTML that is safe to put on a page as is."""
    source = _guard(text)
    if not source.strip():
        return SafeString("")
    html = _md.render(source)
    return mark_safe(_cleaner.clean(html))  # sanitized by nh3 just above


# Characters that can start Markdown syntax; text without any of them is already plain.
_MARKDOWN_CHARS = re.compile(r"[*_\[\]#`>|~<&\\!]|^\s*(?:[-+]|\d+[.)])\s", re.M)


def _plain_text(source: str) -> str:
    """The visible text of a Markdown source, one space between blocks, whitespace collapsed."""
    if not _MARKDOWN_CHARS.search(source):
        return _WHITESPACE.sub(" ", source).strip()  # fast path: nothing to parse
    parts: list[str] = []
    for token in _md.parse(source):
        if token.type in ("code_block", "fence"):
            parts.append(token.content)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
                elif child.type == "image":
                    parts.append(
                        _md.renderer.renderInlineAsText(child.children or [], _md.options, {})
                    )
        parts.append(" ")
    return _WHITESPACE.sub(" ", "".join(parts)).strip()


def plain_excerpt(text: str | None, length: int = 200) -> str:
    """Markdown as plain text of at most ``length`` characters, cut at a word boundary.

    A cut text ends in "…" (counted in ``length``). A single word longer than ``length`` is cut
    hard. The result is plain text, not HTML: let the template autoescape it.
    """
    plain = _plain_text(_guard(text))
    if len(plain) <= length:
        return plain
    if length <= 1:
        return "…"[:length] if length > 0 else ""
    limit = length - 1  # room for the ellipsis
    cut = plain[:limit]
    if not plain[limit].isspace():
        head, sep, _ = cut.rpartition(" ")
        if sep and head:
            cut = head
    return cut.rstrip(" ,;:-\u2013\u2014") + "…"


_GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def slug_base(text: str, *, fallback: str, reserved: frozenset[str] = frozenset()) -> str:
    """The URL slug of a German name: "Münster-Süd" -> "muenster-sued" (not "munster-sud"),
    at most 200 characters, `fallback` for a name without letters, never a reserved path."""
    from django.utils.text import slugify

    base = slugify(text.translate(_GERMAN_LETTERS))[:200] or fallback
    return f"{base}-{fallback}" if base in reserved else base
