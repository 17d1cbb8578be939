"""Template filters for user rich text: ``{{ text|markdown }}`` and ``{{ text|excerpt:120 }}``."""

from django import template
from django.utils.safestring import SafeString

from smartregion.core.text import plain_excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown", is_safe=True)
def markdown_filter(value: str | None) -> SafeString:
    """Markdown → sanitized HTML (see ``smartregion.core.text``)."""
    return render_markdown(value if value is None else str(value))


@register.filter(name="excerpt")
def excerpt_filter(value: str | None, length: int | str = 200) -> str:
    """Markdown → plain text excerpt cut at a word boundary; autoescaped like any text."""
    try:
        length = int(length)
    except (TypeError, ValueError):
        length = 200
    return plain_excerpt(value if value is None else str(value), length)
