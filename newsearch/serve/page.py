"""STAND-IN for the search page (written by another branch, which replaces this file and adds
``static/``): the names and signatures the app mounts, with the least markup that works."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..models import ArticleView, QuoteHit, SearchResults

STATIC_DIR = Path(__file__).parent / "static"


@dataclass(frozen=True, slots=True)
class SearchForm:
    """What the page's GET form carries; parsed from the query string by the app."""

    q: str = ""
    view: str = "articles"  # "articles" | "quotes"
    limit: int = 10
    offset: int = 0
    mode: str = "auto"
    collapse: bool = True
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    sort: str = "relevance"
    speaker: str | None = None


def search_page(form: SearchForm, results: SearchResults | None, quotes: tuple[QuoteHit, ...] = (), error: str | None = None) -> str:
    items = [f"<li>{escape(hit.title)} ({escape(hit.id)})</li>" for hit in (results.hits if results else ())]
    items += [f"<li>{escape(hit.quote.text)} ({escape(hit.quote.speaker or '')})</li>" for hit in quotes]
    total = f"<p>{results.total} matching</p>" if results else ""
    problem = f'<p class="error">{escape(error)}</p>' if error else ""
    return (
        f'<!doctype html><title>newsearch</title><form><input name="q" value="{escape(form.q)}"></form>'
        f"{problem}{total}<ol>{''.join(items)}</ol>"
    )


def article_page(article: ArticleView, query: str | None) -> str:
    return f"<!doctype html><title>{escape(article.title)}</title><h1>{escape(article.title)}</h1><pre>{escape(article.body)}</pre>"


def error_page(status: int, message: str) -> str:
    return f"<!doctype html><title>{status}</title><p>{escape(message)}</p>"
