"""Reading a fetched HTML page into the core's :class:`~icpdesk.core.sitecheck.Page`.

The visible text keeps one block element per line (so sentences and table
cells stay apart) while inline elements join without a gap, so a number split
across ``<span>`` elements reads as one. Scripts, styles and templates are dropped.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser

from icpdesk.core.sitecheck import Link, Page

_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|dd|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|"
    "header|hr|li|main|nav|ol|option|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul|button|label"
)
_BLOCK_RE = re.compile(rf"<(/?)({_BLOCK_TAGS})\b", re.IGNORECASE)
_PAYMENT_NAMES = re.compile(r"card|cvv|cvc|银行卡|卡号|pay", re.IGNORECASE)


def parse(html: str, url: str, status: int, depth: int = 0) -> Page:
    tree = LexborHTMLParser(_BLOCK_RE.sub(lambda m: f"\n<{m.group(1)}{m.group(2)}", html))
    for node in tree.css("script, style, template, noscript"):
        node.decompose()
    root = tree.body or tree.root
    text = root.text(separator="", strip=False) if root is not None else ""
    lines = [line.strip() for line in text.splitlines()]
    title = tree.css_first("title")
    body_text = "\n".join(line for line in lines if line)
    if title is not None and title.text(strip=True):
        body_text = title.text(strip=True) + "\n" + body_text
    links: list[Link] = []
    seen: set[str] = set()
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        absolute = urldefrag(urljoin(url, href))[0]
        if absolute in seen:
            continue
        seen.add(absolute)
        links.append(Link(href=absolute, text=" ".join(anchor.text(separator=" ").split())[:200]))
    has_password = tree.css_first('input[type="password" i]') is not None
    has_payment = False
    for form in tree.css("form"):
        names = " ".join(
            " ".join(i.attributes.get(a) or "" for a in ("name", "id", "autocomplete"))
            for i in form.css("input")
        )
        if _PAYMENT_NAMES.search(names):
            has_payment = True
            break
    return Page(
        url=url,
        status=status,
        text=body_text,
        links=tuple(links),
        has_password=has_password,
        has_payment=has_payment,
        depth=depth,
    )
