"""Markdown for user text: markdown-it-py renders, nh3 sanitises. Never mark user input safe otherwise."""
from __future__ import annotations

from functools import cache

import nh3
from markupsafe import Markup

from .lazyimport import lazy_module

markdown_it = lazy_module("markdown_it")  # 62 modules: loaded by the first page that shows user text


@cache
def _parser():
    return markdown_it.MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def render_markdown(text: str | None) -> Markup:
    """User Markdown as safe HTML. Its headings move one level down (# is h2) because user text
    always sits under the page's own h1: one h1 per page."""
    if not text:
        return Markup("")
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    return Markup(sanitize_html(md.renderer.render(tokens, md.options, {})))
