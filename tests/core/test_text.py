"""Rich text for user content: XSS payloads stay inert, ordinary Markdown renders as expected."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.utils.safestring import SafeString
from markdown_it import MarkdownIt

from smartregion.core import text as text_module
from smartregion.core.text import MAX_INPUT_CHARS, plain_excerpt, render_markdown

ALLOWED_TAGS = {
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
FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "img",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "form",
    "base",
    "input",
    "button",
    "video",
    "audio",
    "source",
    "details",
    "body",
    "noscript",
    "textarea",
    "frame",
    "frameset",
    "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster"}
DANGEROUS_SCHEME = re.compile(r"(?:javascript|vbscript|data|livescript):")
LINK_REL = "nofollow noopener ugc"

EVIL = "https://evil.example"
B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="

XSS_PAYLOADS = [
    # script tags, plain, uppercase, nested and malformed
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    f"<script src={EVIL}/x.js></script>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<video><source onerror=alert(1)></video>",
    # embedding and page-hijacking elements
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<base href="javascript:alert(1)//">',
    # raw HTML links
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    f'<a href="data:text/html;base64,{B64_SCRIPT}">x</a>',
    # Markdown links with dangerous or obfuscated schemes
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](\x01javascript:alert(1))",
    "[click](java\x00script:alert(1))",
    "[click](JaVa%0aScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    f"[click](data:text/html;base64,{B64_SCRIPT})",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    # autolinks
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    '<https://example.org/" onmouseover="alert(1)>',
    # reference links
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    "[click][evil]\n\n[evil]: <data:text/html,<script>alert(1)</script>>",
    "[click]\n\n[click]: &#x6A;avascript:alert(1)",
    # Markdown images: never an <img>, whatever the target
    "![x](javascript:alert(1))",
    f"![x]({EVIL}/t.png)",
    f"![x][img]\n\n[img]: {EVIL}/t.png",
    f'![x" onerror="alert(1)]({EVIL}/t.png)',
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    # comments, CDATA, foreign content
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    # attribute breakouts
    '" onmouseover="alert(1)" x="',
    '[x](https://example.org" onmouseover="alert(1))',
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    # inside code and tables
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    # encodings and template injection
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "{{ request.user }} {% debug %}",
    "{% load static %}{% include 'base.html' %}{{ settings.SECRET_KEY }}",
]


class _Collector(HTMLParser):
    """Every start tag with its attributes, plus comments and declarations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.other.append(f"comment:{data}")

    def handle_decl(self, decl):
        self.other.append(f"decl:{decl}")

    def unknown_decl(self, data):
        self.other.append(f"unknown_decl:{data}")

    def handle_pi(self, data):
        self.other.append(f"pi:{data}")


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


_RAW_TAG = re.compile(r'</?[a-z][a-z0-9]*(?:\s+[^\s"\'=<>/]+(?:="[^"]*")?)*\s*/?>')


def _normalized_url(value: str) -> str:
    return re.sub(r"[\x00-\x20\x7f]+", "", unquote(value)).lower()


def assert_inert(html: str) -> None:
    parsed = _parse(html)
    assert parsed.other == [], parsed.other
    for tag, attrs in parsed.tags:
        assert tag not in FORBIDDEN_TAGS, html
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name not in {"style", "class", "id", "src", "target", "srcdoc"}, html
            if name in URL_ATTRIBUTES and value is not None:
                assert not DANGEROUS_SCHEME.match(_normalized_url(value)), html
    # A second, independent look at the raw string: text never carries a bare "<", so every "<"
    # must open a well-formed tag whose attribute names (values removed) are harmless.
    lowered = html.lower()
    assert "<script" not in lowered
    for tag in FORBIDDEN_TAGS:
        assert f"<{tag}" not in lowered, html
    for match in re.finditer("<", html):
        markup = _RAW_TAG.match(html, match.start())
        assert markup, html[match.start() : match.start() + 80]
        names = re.findall(r"\s([^\s=/>]+)", re.sub(r'="[^"]*"', "", markup.group()))
        for name in names:
            assert not name.lower().startswith("on"), html
            assert name.lower() not in {"style", "class", "id", "src"}, html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_renders_inert(payload):
    assert_inert(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_inert_even_if_markdown_lets_html_through(payload, monkeypatch):
    """Defence in depth: with raw HTML *enabled* in markdown-it, the sanitizer alone holds."""
    permissive = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    monkeypatch.setattr(text_module, "_md", permissive)
    assert_inert(render_markdown(payload))


def test_xss_payload_list_is_large_and_distinct():
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS) >= 35


def test_raw_html_shows_as_text():
    html = render_markdown("<b>bold</b> <script>alert(1)</script>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html


def test_template_syntax_stays_literal_text():
    html = render_markdown("{{ request.user }} and {% debug %}")
    assert "{{ request.user }}" in html
    assert "{% debug %}" in html


def test_markdown_image_renders_alt_text_only():
    html = render_markdown("Logo: ![Our logo](https://evil.example/t.png)")
    assert html == "<p>Logo: Our logo</p>\n"


def test_none_and_empty_render_empty_safestring():
    for value in (None, "", "   \n"):
        html = render_markdown(value)
        assert isinstance(html, SafeString)
        assert html == ""


def test_render_returns_safestring():
    assert isinstance(render_markdown("hi"), SafeString)


def test_h1_becomes_h2():
    assert render_markdown("# Title") == "<h2>Title</h2>\n"
    assert render_markdown("Title\n=====") == "<h2>Title</h2>\n"


def test_heading_levels_stay_between_h2_and_h4():
    html = render_markdown("## two\n\n### three\n\n#### four\n\n##### five\n\n###### six")
    assert "<h2>two</h2>" in html
    assert "<h3>three</h3>" in html
    assert "<h4>four</h4>" in html
    assert "<h4>five</h4>" in html
    assert "<h4>six</h4>" in html
    assert "<h1" not in html
    assert "<h5" not in html
    assert "<h6" not in html


def test_emphasis_strong_and_strikethrough():
    html = render_markdown("*em* _em2_ **strong** ~~gone~~")
    assert "<em>em</em>" in html
    assert "<em>em2</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<s>gone</s>" in html


def test_lists():
    html = render_markdown("- one\n- two\n\n3. three\n4. four")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html


def test_blockquote_and_rule():
    html = render_markdown("> quoted\n\n---")
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<hr>" in html


def test_tables_without_style_attributes():
    html = render_markdown("| left | right |\n|:-----|------:|\n| a | b |")
    parsed = _parse(html)
    tags = [tag for tag, _ in parsed.tags]
    assert tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert all(attrs == [] for _, attrs in parsed.tags)


def test_code_block_escapes_html_and_drops_language_class():
    html = render_markdown("```python\nif a < b and c > d:\n    pass\n```")
    assert html == "<pre><code>if a &lt; b and c &gt; d:\n    pass\n</code></pre>\n"
    assert render_markdown("Use `x < y`.") == "<p>Use <code>x &lt; y</code>.</p>\n"


def test_safe_links_get_rel_and_no_target():
    html = render_markdown('[site](https://example.org/a?b=1&c=2 "Title") <http://example.net>')
    parsed = _parse(html)
    links = [dict(attrs) for tag, attrs in parsed.tags if tag == "a"]
    assert links == [
        {"href": "https://example.org/a?b=1&c=2", "title": "Title", "rel": LINK_REL},
        {"href": "http://example.net", "rel": LINK_REL},
    ]


def test_mailto_links_work():
    for source in ("[mail](mailto:info@example.org)", "<info@example.org>"):
        links = [dict(attrs) for tag, attrs in _parse(render_markdown(source)).tags if tag == "a"]
        assert links == [{"href": "mailto:info@example.org", "rel": LINK_REL}]


def test_relative_and_fragment_links_stay():
    html = render_markdown("[page](/projects/42/) [section](#details)")
    links = [dict(attrs)["href"] for tag, attrs in _parse(html).tags if tag == "a"]
    assert links == ["/projects/42/", "#details"]


def test_other_schemes_lose_their_href():
    html = render_markdown("[ftp](ftp://example.org/file) [tel](tel:+4912345)")
    links = [dict(attrs) for tag, attrs in _parse(html).tags if tag == "a"]
    assert links == [{"rel": LINK_REL}, {"rel": LINK_REL}]


def test_german_text_survives_intact():
    source = "Die Bürgerinnen und Bürger äußern „Anführungszeichen“ – Größe, Maß, Ölförderung."
    assert render_markdown(source) == f"<p>{source}</p>\n"
    assert plain_excerpt(source) == source


def test_length_guard_cuts_input_before_rendering():
    source = "a " * (MAX_INPUT_CHARS // 2) + "TAILMARKER"
    assert len(source) > MAX_INPUT_CHARS
    html = render_markdown(source)
    assert "TAILMARKER" not in html
    assert html.startswith("<p>a a a")
    assert "TAILMARKER" not in plain_excerpt(source, length=10**6)


def test_length_guard_bounds_pathological_input():
    started = time.perf_counter()
    for source in ("[" * 10**6, "> " * 10**6, "*a " * 10**6, "<" * 10**6):
        assert_inert(render_markdown(source))
    assert time.perf_counter() - started < 30


def test_plain_excerpt_strips_markup():
    source = "# Title\n\nSome *emphasis*, a [link](https://example.org) and `code`.\n\n- one\n- two"
    assert plain_excerpt(source) == "Title Some emphasis, a link and code. one two"


def test_plain_excerpt_collapses_whitespace():
    assert plain_excerpt("  many\n\n\n   spaces\t\there  ") == "many spaces here"


def test_plain_excerpt_decodes_entities_and_keeps_html_as_text():
    assert plain_excerpt("Fish &amp; chips <b>x</b>") == "Fish & chips <b>x</b>"


def test_plain_excerpt_image_gives_alt_text():
    assert plain_excerpt("See ![the map](https://evil.example/m.png) here") == "See the map here"


def test_plain_excerpt_cuts_at_word_boundary():
    source = "Die Region verbindet Hochschulen, Unternehmen und Kommunen miteinander."
    excerpt = plain_excerpt(source, length=30)
    assert excerpt == "Die Region verbindet…"
    assert len(excerpt) <= 30
    assert source.startswith(excerpt[:-1])


def test_plain_excerpt_cut_exactly_before_a_space():
    assert plain_excerpt("alpha beta gamma", length=11) == "alpha beta…"


def test_plain_excerpt_short_text_unchanged():
    assert plain_excerpt("**Short** text.", length=200) == "Short text."


def test_plain_excerpt_hard_cuts_a_single_long_word():
    assert plain_excerpt("x" * 50, length=10) == "x" * 9 + "…"


def test_plain_excerpt_none_and_empty():
    assert plain_excerpt(None) == ""
    assert plain_excerpt("") == ""


def test_plain_excerpt_returns_plain_str():
    excerpt = plain_excerpt("<script>alert(1)</script>")
    assert not isinstance(excerpt, SafeString)


# --- template filters (these need Django settings) -------------------------------------------


def _render_template(source: str, context: dict) -> str:
    from django.template import engines

    return engines["django"].from_string("{% load richtext %}" + source).render(context)


def test_markdown_filter_renders_in_template():
    out = _render_template("{{ body|markdown }}", {"body": "# Hi\n\n[x](javascript:alert(1))"})
    assert "<h2>Hi</h2>" in out
    assert_inert(out)


def test_markdown_filter_does_not_evaluate_template_syntax():
    out = _render_template(
        "{{ body|markdown }}",
        {"body": "{{ secret }} {% now 'Y' %}", "secret": "TOPSECRET"},
    )
    assert "TOPSECRET" not in out
    assert "{{ secret }} {% now &#x27;Y&#x27; %}" in out or "{{ secret }} {% now 'Y' %}" in out


def test_markdown_filter_handles_none():
    assert _render_template("[{{ body|markdown }}]", {"body": None}) == "[]"


def test_excerpt_filter_with_length_and_autoescape():
    out = _render_template(
        "{{ body|excerpt:20 }}|{{ body|excerpt }}",
        {"body": "**Bold** <b> words here and more words"},
    )
    short, full = out.split("|")
    assert short == "Bold &lt;b&gt; words here…"
    assert full == "Bold &lt;b&gt; words here and more words"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Münster-Süd", "muenster-sued"),
        ("Straßen.NRW", "strassennrw"),
        ("ÖPNV für Älteren", "oepnv-fuer-aelteren"),
        ("!!!", "organisation"),
        ("Neu", "neu-organisation"),
        ("<script>alert(1)</script>", "scriptalert1script"),
    ],
)
def test_slug_base_spells_umlauts_out(name, slug):
    from smartregion.core.text import slug_base

    assert slug_base(name, fallback="organisation", reserved=frozenset({"neu"})) == slug
    assert len(slug_base("ä" * 500, fallback="x")) == 200
