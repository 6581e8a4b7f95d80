"""Content-Security-Policy for report and site pages, as a ``<meta http-equiv>`` in the page head.

A report page is a public document that may be opened from ``file://`` or any static server, so
the policy travels inside the page. It allows nothing by default (``default-src 'none'``) and
then only:

* ``script-src``: the sha256 hashes of the scripts the page's own template puts there (the site's
  filter script); ``'none'`` on report pages. The hash is computed from the script text when the
  page is rendered, never kept by hand, and never from what happens to be in the page (an injected
  ``<script>`` would then be allowed too).
* ``style-src``: the sha256 hashes of the ``<style>`` elements in the page ``<head>``, which only
  the template writes. No ``'unsafe-inline'``: neither nbconvert's markup (the report template
  replaces the ``lab`` page head and report items carry no ``style`` attributes) nor the site
  needs it. Styles inside notebook outputs (``<style>`` in the body, ``style=""`` attributes, e.g.
  from a raw pandas ``DataFrame``) are ignored by the browser: the report's stylesheet styles
  tables already.
* ``img-src data:``: figures are embedded as data URIs; nothing is loaded from anywhere else.
* ``object-src 'none'``, ``base-uri 'none'``, ``form-action 'none'``.

``frame-ancestors`` and reporting cannot be set from a ``<meta>`` element; a server that wants
them sends the header itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from bs4 import BeautifulSoup

__all__ = ["add_policy", "head_styles", "policy", "source_hash"]

_CHARSET = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.IGNORECASE)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_EXISTING = re.compile(r"<meta\s+[^>]*http-equiv=[\"']?content-security-policy", re.IGNORECASE)


def source_hash(text: str) -> str:
    """The CSP source expression ``'sha256-<base64>'`` of an inline script or style.

    Parameters
    ----------
    text
        The exact text between the element's start and end tags.

    Returns
    -------
    str
        E.g. ``"'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"``.
    """
    digest = hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(*, scripts: Iterable[str] = (), styles: Iterable[str] = ()) -> str:
    """The policy text allowing exactly the given inline scripts and styles.

    Parameters
    ----------
    scripts
        Texts of the page's own inline scripts (none: no script may run).
    styles
        Texts of the page's own ``<style>`` elements.

    Returns
    -------
    str
        The ``content`` of the ``<meta http-equiv="Content-Security-Policy">`` element.
    """
    script_sources = sorted({source_hash(s) for s in scripts}) or ["'none'"]
    style_sources = sorted({source_hash(s) for s in styles}) or ["'none'"]
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(script_sources),
            "style-src " + " ".join(style_sources),
            "img-src data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def head_styles(html: str) -> list[str]:
    """Texts of the ``<style>`` elements in the page ``<head>`` (the template's own)."""
    end = html.find("</head>")  # the head alone: the body (charts as data URIs) is most of a page
    head = BeautifulSoup(html if end < 0 else html[: end + 7], "html.parser").find("head")
    if head is None:
        return []
    return [style.string or "" for style in head.find_all("style")]


def add_policy(html: str, *, scripts: Iterable[str] = ()) -> str:
    """Put the Content-Security-Policy ``<meta>`` first in the page head.

    The styles allowed are the ``<style>`` elements of the head as they are in ``html``; the
    scripts allowed are ``scripts`` (texts the caller's template inserted, not read from the page).

    Parameters
    ----------
    html
        A complete page with a ``<head>``.
    scripts
        Texts of the inline scripts the page's own template contains.

    Returns
    -------
    str
        The page with the policy.

    Raises
    ------
    ValueError
        When the page has no ``<head>`` or already carries a policy.
    """
    if _EXISTING.search(html):
        raise ValueError("The page already carries a Content-Security-Policy.")
    content = policy(scripts=scripts, styles=head_styles(html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        raise ValueError("The page has no <head> to carry its Content-Security-Policy.")
    return html[: anchor.end()] + "\n" + meta + html[anchor.end() :]
