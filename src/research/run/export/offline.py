"""The offline guard: remove whatever in a page would be fetched from another host."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

log = logging.getLogger(__name__)

_RESOURCE_ATTRIBUTES = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "frame": "src",
    "embed": "src",
    "source": "src",
    "track": "src",
    "audio": "src",
    "video": "src",
    "input": "src",
    "object": "data",
}
_CSS_IMPORT = re.compile(r"@import\s+[^;]+;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<url>[^)'\"]*)\1\s*\)", re.IGNORECASE)


def is_external(url: str) -> bool:
    """Whether a resource URL needs another host (anything but ``data:`` and relative paths).

    Parameters
    ----------
    url
        An attribute value such as ``src`` or ``href``.

    Returns
    -------
    bool
        ``True`` for ``http(s):``, protocol-relative ``//host`` and other schemed URLs.
    """
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = urlsplit(url).scheme.lower()
    return bool(scheme) and scheme != "data"


def _offline_css(css: str) -> str:
    """Drop ``@import`` rules and ``url()`` references to other hosts from a stylesheet."""
    css = _CSS_IMPORT.sub("", css)
    return _CSS_URL.sub(lambda m: "none" if is_external(m.group("url")) else m.group(0), css)


def _drop_external_element(element: Tag, url: str, soup: BeautifulSoup) -> None:
    """Remove an element that loads ``url``; images leave their alt text behind."""
    log.warning("Removed <%s> loading %s: the report must work offline", element.name, url)
    if element.name == "img":
        note = soup.new_tag("span", attrs={"class": "report-removed"})
        note.string = element.get("alt") or f"[image from {url} not embedded]"
        element.replace_with(note)
    else:
        element.decompose()


def enforce_offline(html: str) -> str:
    """Remove whatever in a page would be fetched from another host.

    Elements loading an external resource are removed (images are replaced by their alt
    text), ``@import`` and external ``url()`` are removed from stylesheets and ``style``
    attributes, and inline scripts mentioning ``http(s)://`` are dropped. Ordinary hyperlinks
    (``<a href>``) are kept: they are not fetched when the page is opened.

    Parameters
    ----------
    html
        A complete HTML page.

    Returns
    -------
    str
        The page, safe to open offline.
    """
    soup = BeautifulSoup(html, "html.parser")
    offline_tree(soup)
    return str(soup)


def offline_tree(soup: BeautifulSoup) -> None:
    """:func:`enforce_offline` on a parsed page, in place."""
    for name, attribute in _RESOURCE_ATTRIBUTES.items():
        for element in soup.find_all(name):
            url = element.get(attribute)
            if isinstance(url, str) and is_external(url):
                _drop_external_element(element, url, soup)
            elif element.get("srcset") and "//" in str(element.get("srcset")):
                del element["srcset"]
    for script in soup.find_all("script"):
        if re.search(r"https?://|import\s*\(\s*['\"]//", script.get_text()):
            log.warning("Removed an inline script that loads code from the network")
            script.decompose()
    for style in soup.find_all("style"):
        css = style.get_text()
        if _offline_css(css) != css:
            style.string = _offline_css(css)
    for element in soup.find_all(style=True):
        element["style"] = _offline_css(str(element["style"]))


_ACTIVE_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.IGNORECASE)
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


def strip_active_content(html: str) -> str:
    """Remove what could run code in a report page: scripts, ``on*`` handlers, script URLs.

    Report pages run no script (their Content-Security-Policy says ``script-src 'none'``); this
    pass also keeps them inert in a browser that ignores the policy. Text is untouched: escaped
    text stays text (the page is parsed into a tree and written back, never re-read as markup).

    Parameters
    ----------
    html
        A complete HTML page.

    Returns
    -------
    str
        The page without ``<script>``, ``<iframe>``/``<object>``/``<embed>``, refresh ``<meta>``,
        event-handler attributes and ``javascript:`` (or ``data:text/html``) URLs.
    """
    soup = BeautifulSoup(html, "html.parser")
    inert_tree(soup)
    return str(soup)


def inert_tree(soup: BeautifulSoup) -> None:
    """:func:`strip_active_content` on a parsed page, in place."""
    removed = 0
    for element in soup.find_all(["script", "iframe", "object", "embed", "frame", "frameset"]):
        element.decompose()
        removed += 1
    for element in soup.find_all("meta"):
        if str(element.get("http-equiv", "")).lower() == "refresh":  # a redirect CSP cannot stop
            element.decompose()
            removed += 1
    for element in soup.find_all(True):
        for name in list(element.attrs):
            value = element.attrs[name]
            if name.lower().startswith("on") or (
                name.lower() in _URL_ATTRIBUTES
                and isinstance(value, str)
                and _ACTIVE_URL.match(value)
            ):
                del element.attrs[name]
                removed += 1
    if removed:
        log.warning("Removed %d scripts or script attributes: a report page runs no code", removed)
