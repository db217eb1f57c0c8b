"""HTML pages (``.html``, ``.htm``): the article's text and metadata, without the page around it.

Extraction is trafilatura's (imported only when a page is loaded, so ``import newsearch``
stays light): the main text with the navigation, cookie banners, related-article teasers,
newsletter boxes, footers, scripts and comments left out (``<nav>``, ``<footer>`` and elements
with a navigation/banner/contentinfo role are pruned first, so that a page with no article
yields nothing rather than its menu). It is run with ``favor_recall``,
because a search engine loses more by dropping a paragraph of the story than by keeping a
stray line, and with tables kept. Each extracted block (paragraph, heading, list item, table
row) becomes a paragraph of the body, separated by blank lines; a leading heading that repeats
the title is dropped, as the title is not part of a ``.txt`` body either.

Metadata: title (``og:title``, ``<title>``, ...), author, url (canonical link / ``og:url``),
sitename -> source, and the date. The date is read from the page's own markup only: the
``article:published_time`` / ``datePublished`` meta data when it parses (with its time), else
htmldate's reading of meta data, ``<time>`` elements and the url, as a day. htmldate's
"extensive" text search is off, so no date is guessed from a copyright line, today's date or
the file's mtime. Nothing here touches the network.

Decoding: a BOM wins, then the charset the page declares (``<meta charset>`` or the
``http-equiv`` content type, within its first 4 KiB), then UTF-8, then cp1252. A page with a
NUL character (once decoded: UTF-16 is full of NUL bytes) is binary; a page with no extractable text is skipped with that reason.
"""

from __future__ import annotations

import codecs
import logging
import re

from ..models import Article, Skipped
from .candidates import Candidate
from .records import read_date
from .txt import file_article

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_PUBLISHED_XPATH = (
    '//meta[@property="article:published_time" or @name="article:published_time"'
    ' or @itemprop="datePublished" or @name="datePublished" or @property="og:published_time"]/@content'
)
# Page furniture that trafilatura's fallbacks would otherwise return for a page with no
# article (its last resort is all the text of the page).
_PRUNE = ["//nav", "//footer", '//*[@role="navigation"]', '//*[@role="contentinfo"]', '//*[@role="banner"]']
# htmldate: markup and url only (no guessing from the text, e.g. a "© 2024" footer).
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}
_quiet = False


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a page: BOM, declared charset, UTF-8, cp1252, Latin-1 — first that works."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError:
                break
    declared = _DECLARED_CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in (*candidates, "utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), codecs.lookup(encoding).name
        except (LookupError, UnicodeDecodeError):
            continue
    raise AssertionError("latin-1 decodes every byte string")


def parse_html(candidate: Candidate, data: bytes) -> Article | Skipped:
    text, encoding = decode_html(data)
    if "\x00" in text:
        return Skipped(candidate.id, "binary file (contains NUL bytes)")
    if not text.strip():
        return Skipped(candidate.id, "empty file")
    extracted = _extract(text)
    if isinstance(extracted, str):
        return Skipped(candidate.id, extracted)
    document, published = extracted
    title = " ".join((document.title or "").split())
    paragraphs = [" ".join(line.split()) for line in (document.text or "").splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and _same(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    body = "\n\n".join(paragraphs)
    if not body:
        return Skipped(candidate.id, "no article text found in the page")
    if not title:
        title = paragraphs[0][:200]
    date, notes = read_date(published or document.date)
    return file_article(
        candidate,
        data,
        title,
        body,
        encoding,
        date=date,
        source=_clean(document.sitename),
        author=_clean(document.author),
        url=_clean(document.url),
        metadata=_extras(document),
        notes=notes,
    )


def _extract(text: str):
    """(trafilatura document, published date text or None), or the reason there is none."""
    import trafilatura
    from trafilatura.utils import load_html as parse_tree

    _silence_logs()
    try:
        tree = parse_tree(text)
        if tree is None:
            return "not an HTML page (cannot be parsed)"
        published = _published(tree)
        document = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=True,
            deduplicate=False,
            date_extraction_params=dict(_DATE_PARAMS),
            prune_xpath=list(_PRUNE),
        )
    except Exception as error:  # noqa: BLE001 -- third-party parser, arbitrary page
        return f"HTML extraction failed: {type(error).__name__}: {error}"
    if document is None or not (document.text or "").strip():
        return "no article text found in the page"
    return document, published


def _published(tree) -> str | None:
    """The page's own publication time (with the time of day), when its meta data gives one
    that parses."""
    from ..dates import parse_date

    for value in tree.xpath(_PUBLISHED_XPATH):
        try:
            if parse_date(value):
                return value.strip()
        except ValueError:
            continue
    return None


def _same(first: str, title: str) -> bool:
    return first.casefold().rstrip(" .") == title.casefold().rstrip(" .")


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def _extras(document) -> tuple[tuple[str, str | tuple[str, ...]], ...]:
    items: list[tuple[str, str | tuple[str, ...]]] = []
    for name in ("description", "language", "categories", "tags"):
        value = getattr(document, name, None)
        if isinstance(value, (list, tuple)):
            parts = tuple(str(v).strip() for v in value if str(v).strip())
            if parts:
                items.append((name, parts))
        elif value and str(value).strip():
            items.append((name, " ".join(str(value).split())))
    return tuple(items)


def _silence_logs() -> None:
    """trafilatura and htmldate log "discarding data" for every page without text; with no
    handler configured Python would print that to stderr. The Skipped reason says it instead."""
    global _quiet
    if not _quiet:
        for name in ("trafilatura", "htmldate", "courlan"):
            logging.getLogger(name).addHandler(logging.NullHandler())
        _quiet = True
