"""The search page: pure functions from the API's dataclasses to HTML strings.

The same idea as ``newsearch.render``: the library hands over offsets (``Passage.highlights``,
``QuoteHit.highlights``, ``ArticleView.highlights``), and formatting happens last, here. Every
string that came from data — titles, bodies, quotes, names, sources, URLs, metadata, messages,
the query echoed into the form — goes through ``escape`` exactly once, on its way into the
HTML; only ``http(s)`` URLs become links.

The page works without JavaScript: the search box is a GET form, so every results page has a
URL; paging, facets and the timeline are plain links built by ``search_url``. ``page.js`` only
adds the ``/`` shortcut. Nothing is loaded from another site: the stylesheet and the script are
under ``/static`` (``STATIC_DIR``).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html import escape as _escape
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from ..api import reading_mode
from ..models import (
    ArticleView,
    Bucket,
    FacetValue,
    FigureChange,
    Hit,
    Passage,
    Quote,
    QuoteChange,
    QuoteHit,
    SearchResults,
    SentenceEdit,
    Span,
    StoryDiff,
    Timeline,
    Version,
    VersionChanges,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"

VIEWS = ("articles", "quotes")
MODES = {"auto": "Automatic", "all": "All words", "any": "Any word"}
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
LIMITS = (10, 20, 50, 100)
# A facet of the results becomes a clause of the query (sources are a parameter instead).
FACET_FIELDS = {"people": "person", "organisations": "org", "places": "place"}
FACET_HEADINGS = {"people": "People", "organisations": "Organisations", "places": "Places", "sources": "Sources"}
ENTITY_FACETS = {"PERSON": "people", "ORGANIZATION": "organisations", "PLACE": "places"}
STATUS_TITLES = {400: "Bad request", 404: "Not found", 500: "Something went wrong", 503: "Unavailable"}
QUOTE_MARKS = tuple('"“”‘’\'«»„')
TIMELINE_LABELS = 6  # at most this many bucket labels under the chart, so they never overlap
SEPARATOR = ' <span aria-hidden="true">·</span> '
REMOVE = '<span aria-hidden="true">×</span>'


@dataclass(frozen=True, slots=True)
class SearchForm:
    """What the page's GET form carries; the app parses it from the query string. Field names
    are the query parameters' (``sources`` is the repeatable ``source``)."""

    q: str = ""
    view: str = "articles"  # "articles" | "quotes"
    limit: int = 10
    offset: int = 0
    mode: str = "auto"  # auto | any | all
    collapse: bool = True
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    sort: str = "relevance"  # relevance | newest | oldest
    speaker: str | None = None  # quotes view


# --------------------------------------------------------------------------- small parts


def escape(text: object) -> str:
    """Text from data, safe in element content and in double- or single-quoted attributes."""
    return _escape(str(text), quote=True)


def marked(text: str, spans: tuple[Span, ...], offset: int = 0) -> str:
    """``text`` (which starts at ``offset`` of its article) escaped, with ``spans`` (offsets
    into the article) as ``<mark>``. Spans outside the text are clipped, overlaps merged."""
    pieces, position = [], 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start, end = max(span.start - offset, position), min(span.end - offset, len(text))
        if start >= end:
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an ``http(s)`` URL with a host (so it may be a link), else None:
    ``javascript:``, ``data:`` and relative URLs from an archive are shown as text only."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def form_params(form: SearchForm) -> list[tuple[str, str]]:
    """The form as query parameters, in a stable order; defaults left out (``q`` always kept),
    so shared URLs stay short and say only what was chosen."""
    default = SearchForm()
    params: list[tuple[str, str]] = [("q", form.q)]
    for name in ("view", "limit", "offset", "mode", "sort"):
        value = getattr(form, name)
        if value != getattr(default, name):
            params.append((name, str(value)))
    if not form.collapse:
        params.append(("collapse", "false"))
    for name in ("since", "until", "speaker"):
        value = getattr(form, name)
        if value:
            params.append((name, value))
    params.extend(("source", source) for source in form.sources)
    return params


def search_url(form: SearchForm, **changes: object) -> str:
    """The URL of the search page for ``form`` with ``changes`` (SearchForm fields) applied."""
    return "/?" + urlencode(form_params(replace(form, **changes)))


def article_url(article_id: str, query: str | None = None) -> str:
    """``/articles/{id}?q=…``; an id may hold ``/`` (kept) and ``#``/``?`` (quoted)."""
    url = "/articles/" + quote(article_id, safe="/")
    return url + ("?" + urlencode({"q": query}) if query else "")


def _a(href: str, content_html: str, **attributes: str) -> str:
    """A link; ``href`` is a URL this module built (or a checked ``safe_url``), escaped here."""
    extra = "".join(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    return f'<a href="{escape(href)}"{extra}>{content_html}</a>'


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _time(when: str | None) -> str:
    return f'<time datetime="{escape(when)}">{escape(when[:10])}</time>' if when else ""


def _origin(when: str | None, source: str | None) -> list[str]:
    """Date and source, as far as they are known, each as an HTML piece."""
    parts = []
    if when:
        parts.append(f'<span class="date">{_time(when)}</span>')
    if source:
        parts.append(f'<span class="source">{escape(source)}</span>')
    return parts


def _outbound(url: str | None) -> str:
    """An article's own URL: a link when it is http(s), otherwise plain text."""
    if not url:
        return ""
    checked = safe_url(url)
    if checked is None:
        return f'<span class="url">{escape(url)}</span>'
    return f'<span class="url">{_a(checked, escape(url), rel="noopener noreferrer")}</span>'


def _meta_line(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    return f'<p class="meta">{SEPARATOR.join(parts)}</p>' if parts else ""


# --------------------------------------------------------------------------- query refinement



def facet_clause(field: str, value: str) -> str:
    """``person:"John Kerry"``. A phrase cannot hold a quotation mark (the query syntax has no
    escape), and the analyzer drops them anyway, so they become spaces."""
    words = " ".join(re.sub(r'["“”]', " ", value).split())
    return f'{field}:"{words}"'


def refine(form: SearchForm, clause: str) -> SearchForm:
    """The form narrowed by ``clause`` (a facet's ``person:"…"``), back on the first page.

    A clause must narrow, never widen: in a ranked (``any``) query, or one with ``OR``, the
    query is grouped and the clause joined with ``AND``; a short ``auto`` query that the clause
    would make long (and so ranked) is pinned to ``all``, which is how it was read."""
    query = form.q.strip()
    if not query:
        return replace(form, q=clause, offset=0)
    ranked = reading_mode(query, form.mode) == "any"
    if ranked or re.search(r"\bOR\b", query):
        refined = f"({query}) AND {clause}"
    else:
        refined = f"{query} {clause}"
    mode = "all" if form.mode == "auto" and not ranked and reading_mode(refined) == "any" else form.mode
    return replace(form, q=refined, mode=mode, offset=0)


# --------------------------------------------------------------------------- timeline


def bucket_days(start: str, bucket: Bucket | str) -> tuple[str, str]:
    """The first and last day (``YYYY-MM-DD``, both inclusive) of the bucket starting on
    ``start``: a day, a week from Monday, a calendar month or year."""
    first = date.fromisoformat(start[:10])
    if bucket == "week":
        last = first + timedelta(days=6)
    elif bucket == "month":
        last = first.replace(day=monthrange(first.year, first.month)[1])
    elif bucket == "year":
        last = first.replace(month=12, day=31)
    else:
        last = first
    return first.isoformat(), last.isoformat()


def _bucket_label(start: str, bucket: Bucket | str) -> str:
    return start[:4] if bucket == "year" else start[:7] if bucket == "month" else start[:10]


def timeline_html(timeline: Timeline | None, form: SearchForm) -> str:
    """The time histogram as CSS bars (no script): one per bucket, each linking to the same
    search narrowed to its days, its count as a tooltip; every k-th bucket labelled."""
    if timeline is None or not timeline.counts:
        if timeline is not None and timeline.undated:
            return f'<section class="timeline" aria-label="Over time"><p class="muted">{_plural(timeline.undated, "match", "matches")}, none dated.</p></section>'
        return ""
    counts = timeline.counts
    top = max(c.count for c in counts) or 1
    every = -(-len(counts) // TIMELINE_LABELS)
    dated = sum(c.count for c in counts)
    week = " (Monday to Sunday)" if timeline.bucket == "week" else ""
    bars = []
    for number, bucket in enumerate(counts):
        first, last = bucket_days(bucket.start, timeline.bucket)
        span = first if first == last else f"{first} to {last}"
        tip = f"{span}: {_plural(bucket.count, 'article')}"
        height = max(2.0, 100 * bucket.count / top) if bucket.count else 0
        fill = f'<span class="fill" style="height:{height:.1f}%"></span>'
        if bucket.count:
            bar = _a(search_url(form, since=first, until=last, offset=0), fill, class_="bar", title=tip, aria_label=tip)
        else:
            bar = f'<span class="bar empty" title="{escape(tip)}">{fill}</span>'
        label = ""
        if number % every == 0:
            minor = " minor" if (number // every) % 2 else ""
            label = f'<span class="label{minor}" aria-hidden="true">{escape(_bucket_label(bucket.start, timeline.bucket))}</span>'
        bars.append(f"<li>{bar}{label}</li>")
    undated = f' <span class="muted">· {_plural(timeline.undated, "undated article")}, not in the chart</span>' if timeline.undated else ""
    return (
        '<section class="timeline" aria-labelledby="timeline-heading">'
        f'<h2 id="timeline-heading">Over time <span class="muted">{_plural(dated, "dated article")} by '
        f"{escape(timeline.bucket)}{week}</span>{undated}</h2>"
        f'<ol class="bars" style="--buckets:{len(counts)}">{"".join(bars)}</ol></section>'
    )


# --------------------------------------------------------------------------- the form


def _select(name: str, label: str, options: dict[str, str], chosen: str) -> str:
    if chosen not in options:
        options = {**options, chosen: chosen}
    items = "".join(
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(text)}</option>'
        for value, text in options.items()
    )
    return f'<label class="field"><span>{label}</span><select name="{name}">{items}</select></label>'


def _text_field(name: str, label: str, value: str | None, placeholder: str, size: int = 10) -> str:
    return (
        f'<label class="field"><span>{label}</span><input type="text" name="{name}" value="{escape(value or "")}" '
        f'placeholder="{escape(placeholder)}" size="{size}" autocomplete="off"></label>'
    )


def search_form(form: SearchForm) -> str:
    """The GET form: the query box first (and the search button), then the options as plain
    controls. Active sources ride along as hidden fields (and can be removed above the hits)."""
    views = "".join(
        f'<label class="choice"><input type="radio" name="view" value="{view}"{" checked" if form.view == view else ""}> '
        f"{view.capitalize()}</label>"
        for view in VIEWS
    )
    limits = {str(n): str(n) for n in LIMITS}
    hidden = "".join(f'<input type="hidden" name="source" value="{escape(s)}">' for s in form.sources)
    return (
        '<form class="search" role="search" method="get" action="/">'
        '<div class="box"><label for="q" class="visually-hidden">Search the archive</label>'
        f'<input id="q" name="q" type="search" value="{escape(form.q)}" '
        'placeholder="e.g. &quot;regime of silence&quot; place:aleppo" autocomplete="off" spellcheck="false" '
        'aria-describedby="q-help" accesskey="s">'
        '<button type="submit">Search</button></div>'
        '<p id="q-help" class="hint">Press <kbd>/</kbd> to search. '
        '<code>"a phrase"</code> <code>OR</code> <code>NOT</code> <code>title:</code> <code>person:</code> '
        '<code>org:</code> <code>place:</code> <code>speaker:</code> <code>quote:</code> '
        "<code>date:1987-03</code> <code>source:</code> <code>kerr*</code></p>"
        '<fieldset class="options"><legend class="visually-hidden">Search options</legend>'
        f'<span class="field views" role="radiogroup" aria-label="Show">{views}</span>'
        + _select("mode", "Match", MODES, form.mode)
        + _select("sort", "Sort", SORTS, form.sort)
        + _text_field("since", "From", form.since, "YYYY-MM-DD")
        + _text_field("until", "To", form.until, "YYYY-MM-DD")
        + _select("collapse", "Stories", {"true": "One hit a story", "false": "Every version"}, "true" if form.collapse else "false")
        + _select("limit", "Per page", limits, str(form.limit))
        + _text_field("speaker", "Speaker (quotes)", form.speaker, "e.g. kerry", 12)
        + hidden
        + "</fieldset></form>"
    )


# --------------------------------------------------------------------------- page frame


def _document(title: str, main: str, form: SearchForm) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/style.css">'
        '<script src="/static/page.js" defer></script></head>'
        '<body><a class="skip" href="#main">Skip to results</a>'
        f'<header class="top"><a class="brand" href="/">newsearch</a>{search_form(form)}</header>'
        f'<main id="main" tabindex="-1">{main}</main>'
        '<footer class="bottom"><p>newsearch · searching this archive only; nothing is loaded from other sites.</p></footer>'
        "</body></html>\n"
    )


# --------------------------------------------------------------------------- results


def passage_html(passage: Passage) -> str:
    lead = "… " if passage.start > 0 else ""
    return f'<p class="passage">{lead}{marked(passage.text, passage.highlights, passage.start)}</p>'


def _where(article_id: str, path: str) -> str:
    """The article's id; for a record of a dump that is the whole corpus (a bare id such as
    ``reuters-1``), which dump (its file name) as well."""
    name = Path(path).name if path else ""
    if name and name not in article_id:
        return f'<code class="id">{escape(Path(path).name)} {escape(article_id)}</code>'
    return f'<code class="id">{escape(article_id)}</code>'


def _version_items(versions: tuple[Version, ...], query: str | None) -> str:
    return "".join(
        f"<li>{_a(article_url(v.id, query), escape(v.title or v.id))} "
        f'{" ".join(_origin(v.date, v.source))} {_where(v.id, v.path)}</li>'
        for v in versions
    )


def versions_html(versions: tuple[Version, ...], query: str | None) -> str:
    """A story's other versions, folded under its hit."""
    items = _version_items(versions, query)
    return (
        f'<details class="versions"><summary>{_plural(len(versions), "other version")} of this story</summary>'
        f"<ul>{items}</ul></details>"
    )


def hit_html(rank: int, hit: Hit, query: str) -> str:
    title = marked(hit.title, hit.title_highlights) if hit.title else escape(hit.id)
    heading = f'<h2 class="title"><span class="rank">{rank}.</span> {_a(article_url(hit.id, query), title)}</h2>'
    meta = _meta_line(
        _origin(hit.date, hit.source)
        + ([f'<span class="author">{escape(hit.author)}</span>'] if hit.author else [])
        + [_where(hit.id, hit.path), f'<span class="score">score {hit.score:.2f}</span>']
    )
    passages = "".join(passage_html(p) for p in hit.passages)
    url = f'<p class="link">{_outbound(hit.url)}</p>' if hit.url else ""
    versions = versions_html(hit.versions, query) if hit.versions else ""
    return f'<li class="hit">{heading}{meta}{passages}{url}{versions}</li>'


def _summary(form: SearchForm, results: SearchResults) -> str:
    total = _plural(results.total, "matching article")
    if not results.hits:
        return f'<p class="summary" role="status">{total}.</p>'
    first, last = form.offset + 1, form.offset + len(results.hits)
    shown = ("stories" if first != last else "story") if form.collapse else ("articles" if first != last else "article")
    numbers = f"{first:,}–{last:,}" if first != last else f"{first:,}"
    return f'<p class="summary" role="status"><strong>{total}</strong> · {shown} {numbers} shown</p>'


def paging_html(form: SearchForm, shown: int, total: int) -> str:
    """Previous and next, keeping every other parameter. With collapsed stories ``total``
    counts articles, not hits, so a next page is offered while this one is full."""
    links = []
    if form.offset > 0:
        links.append(_a(search_url(form, offset=max(0, form.offset - form.limit)), "← Previous", rel="prev", class_="prev"))
    if shown >= form.limit and form.offset + form.limit < total:
        links.append(_a(search_url(form, offset=form.offset + form.limit), "Next →", rel="next", class_="next"))
    if not links:
        return ""
    page = form.offset // max(1, form.limit) + 1
    return f'<nav class="paging" aria-label="Pages">{"".join(links)}<span class="page">page {page}</span></nav>'


def active_filters_html(form: SearchForm) -> str:
    """What narrows the search beside the query (dates, sources, speaker), each removable."""
    chips = []
    if form.since:
        chips.append(("from " + form.since, search_url(form, since=None, offset=0)))
    if form.until:
        chips.append(("to " + form.until, search_url(form, until=None, offset=0)))
    for source in form.sources:
        rest = tuple(s for s in form.sources if s != source)
        chips.append(("source: " + source, search_url(form, sources=rest, offset=0)))
    if form.speaker and form.view == "quotes":
        chips.append(("speaker: " + form.speaker, search_url(form, speaker=None, offset=0)))
    if not chips:
        return ""
    items = "".join(
        f'<li>{escape(text)} {_a(url, REMOVE, class_="remove", aria_label="remove " + text, title="remove")}</li>'
        for text, url in chips
    )
    return f'<ul class="filters" aria-label="Active filters">{items}</ul>'


def facets_html(form: SearchForm, facets: dict[str, tuple[FacetValue, ...]]) -> str:
    """People, organisations and places add a clause to the query; sources add a ``source``
    parameter. A value already in force is shown as active, not as a link."""
    sections = []
    for name in ("people", "organisations", "places", "sources"):
        values = facets.get(name) or ()
        if not values:
            continue
        items = []
        for value in values:
            count = f'<span class="count">{value.count:,}</span>'
            if name == "sources":
                active = any(s.casefold() == value.value.casefold() for s in form.sources)
                href = search_url(form, sources=form.sources + (value.value,), offset=0)
            else:
                clause = facet_clause(FACET_FIELDS[name], value.value)
                active = clause.casefold() in form.q.casefold()
                href = search_url(refine(form, clause))
            label = escape(value.value)
            if active:
                items.append(f'<li class="active"><span aria-current="true">{label}</span> {count}</li>')
            else:
                items.append(f"<li>{_a(href, label)} {count}</li>")
        sections.append(f'<section><h2>{FACET_HEADINGS[name]}</h2><ul>{"".join(items)}</ul></section>')
    return f'<aside class="facets" aria-label="Narrow the results">{"".join(sections)}</aside>' if sections else ""


def quote_hit_html(hit: QuoteHit, form: SearchForm) -> str:
    quote = hit.quote
    text = marked(hit.span_text, hit.highlights, quote.start)
    if hit.span_text.lstrip()[:1] not in QUOTE_MARKS:  # the span holds its marks; add them only if not
        text = f"“{text}”"
    if quote.speaker:
        speaker = _a(search_url(form, view="quotes", speaker=quote.speaker, offset=0), escape(quote.speaker), class_="speaker")
    else:
        speaker = '<span class="speaker unattributed">unattributed</span>'
    cue = f' <span class="cue">({escape(quote.cue)}{", via pronoun" if quote.speaker_source == "pronoun" else ""})</span>' if quote.cue else ""
    article = _a(article_url(hit.article_id, form.q or None), escape(hit.title or hit.article_id))
    source = _meta_line([article] + _origin(hit.date, hit.source))
    return (
        f'<li class="quote-hit"><blockquote><p>{text}</p></blockquote>'
        f'<p class="who">— {speaker}{cue}</p>{source}</li>'
    )


def _landing() -> str:
    return (
        '<section class="landing"><h1>Search the archive</h1>'
        "<p>Type words, a <code>\"phrase\"</code>, or who and where: <code>speaker:kerry</code>, "
        '<code>person:"john kerry"</code>, <code>org:"doctors without borders"</code>, <code>place:aleppo</code>; '
        "when and from whom: <code>date:1987-03</code>, <code>date:[1987-03-01 to 1987-03-15]</code>, "
        "<code>source:reuters</code>. Combine with <code>OR</code>, <code>NOT</code> and parentheses.</p>"
        "<p>Choose <em>Quotes</em> to find what was said, and by whom.</p></section>"
    )


def search_page(
    form: SearchForm,
    results: SearchResults | None,
    quotes: tuple[QuoteHit, ...] = (),
    error: str | None = None,
) -> str:
    """The whole page: the form (holding what was asked), then an error, or the results of
    ``form.view`` — ranked articles with the timeline and facets, or quote hits."""
    parts = []
    if error:
        parts.append(f'<div class="error" role="alert"><h1>That search did not work</h1><p>{escape(error)}</p></div>')
    parts.append(active_filters_html(form))
    if form.view == "quotes" and not error:
        parts.append(_quotes_main(form, quotes))
    elif results is not None and not error:
        parts.append(_results_main(form, results))
    elif not error and not form.q.strip():
        parts.append(_landing())
    title = f"{form.q} — newsearch" if form.q.strip() else "newsearch"
    return _document(title, "".join(parts), form)


def _suggestion(form: SearchForm, results: SearchResults) -> str:
    if not results.suggestion:
        return ""
    link = _a(search_url(form, q=results.suggestion, offset=0), f"<strong>{escape(results.suggestion)}</strong>")
    return f'<p class="suggestion">Did you mean {link}?</p>'


def _results_main(form: SearchForm, results: SearchResults) -> str:
    hits = "".join(hit_html(form.offset + rank, hit, form.q) for rank, hit in enumerate(results.hits, start=1))
    listing = f'<ol class="hits">{hits}</ol>' if hits else _nothing_found(form)
    body = (
        f'<div class="results"><h1 class="visually-hidden">Results</h1>{_summary(form, results)}{_suggestion(form, results)}'
        f"{timeline_html(results.timeline, form)}{listing}{paging_html(form, len(results.hits), results.total)}</div>"
    )
    return f'<div class="layout">{body}{facets_html(form, results.facets)}</div>'


def _nothing_found(form: SearchForm) -> str:
    widen = []
    if form.mode != "any":
        widen.append(_a(search_url(form, mode="any", offset=0), "match any word"))
    if form.since or form.until or form.sources:
        widen.append(_a(search_url(form, since=None, until=None, sources=(), offset=0), "drop the date and source filters"))
    tips = f" Try to {' or '.join(widen)}." if widen else ""
    return f'<p class="nothing">Nothing matches.{tips}</p>'


def _quotes_main(form: SearchForm, quotes: tuple[QuoteHit, ...]) -> str:
    if not form.q.strip() and not form.speaker:
        return _landing()
    items = "".join(quote_hit_html(hit, form) for hit in quotes)
    listing = f'<ol class="quotes">{items}</ol>' if items else '<p class="nothing">No quotes match.</p>'
    summary = f'<p class="summary" role="status"><strong>{_plural(len(quotes), "quote")}</strong></p>'
    return f'<div class="results quotes-view"><h1 class="visually-hidden">Quotes</h1>{summary}{listing}</div>'


# --------------------------------------------------------------------------- article


_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def paragraphs(body: str) -> list[Span]:
    """The body's paragraphs (blank-line separated) as offsets, so highlights stay absolute."""
    spans, start = [], 0
    for gap in _BLANK_LINES.finditer(body):
        spans.append(Span(start, gap.start()))
        start = gap.end()
    spans.append(Span(start, len(body)))
    return [s for s in spans if body[s.start : s.end].strip()]


def body_html(body: str, highlights: tuple[Span, ...]) -> str:
    """Each paragraph a ``<p>``, with the matches inside it marked at their absolute offsets."""
    return "".join(
        f"<p>{marked(body[p.start : p.end], tuple(h for h in highlights if h.end > p.start and h.start < p.end), p.start)}</p>"
        for p in paragraphs(body)
    )


def _quote_item(quote: Quote) -> str:
    said = escape(quote.speaker) if quote.speaker else '<span class="unattributed">unattributed</span>'
    cue = f' <span class="cue">({escape(quote.cue)})</span>' if quote.cue else ""
    partial = ' <span class="cue">partial</span>' if quote.partial else ""
    return f"<li><q>{escape(quote.text)}</q> — {said}{cue}{partial}</li>"


def _metadata_value(value: str | tuple[str, ...]) -> str:
    return escape(", ".join(value) if isinstance(value, tuple) else value)


def article_page(article: ArticleView, query: str | None) -> str:
    """One article: title, what the archive says about it, the whole body with the query's
    matches marked, its quotes, entities and other versions, and a way back to the search."""
    query = (query or "").strip() or None
    back = _a("/?" + urlencode({"q": query}), "← Back to the results") if query else _a("/", "← New search")
    title = marked(article.title, article.title_highlights) if article.title else escape(article.id)
    facts = [("Date", _time(article.date)), ("Source", escape(article.source or "")), ("Author", escape(article.author or "")),
             ("URL", _outbound(article.url)), ("Id", _where(article.id, article.path))]
    facts += [(name, _metadata_value(value)) for name, value in article.metadata]
    details = "".join(f"<dt>{escape(name)}</dt><dd>{value}</dd>" for name, value in facts if value)
    matches = f'<p class="muted">{_plural(len(article.highlights), "match", "matches")} of <q>{escape(query)}</q> marked.</p>' if query else ""
    side = []
    if article.versions:
        changed = _a(story_url(article.story), "What changed between the versions")
        side.append(
            f'<section class="versions"><h2>Other versions of this story</h2><ul>{_version_items(article.versions, query)}</ul>'
            f"<p>{changed}</p></section>"
        )
    quotes = [q for q in article.quotes if not q.is_scare_quote()]
    if quotes:
        side.append(f'<section><h2>Quotes</h2><ul class="article-quotes">{"".join(_quote_item(q) for q in quotes)}</ul></section>')
    side.append(_entities_html(article))
    main = (
        f'<p class="back">{back}</p><div class="layout"><article class="article">'
        f'<h1 class="title">{title}</h1><dl class="facts">{details}</dl>{matches}'
        f'<div class="body">{body_html(article.body, article.highlights)}</div></article>'
        f'<aside class="facets">{"".join(side)}</aside></div>'
    )
    return _document(f"{article.title or article.id} — newsearch", main, SearchForm(q=query or ""))


def story_url(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="/")


# How a story page shows each kind of change: its heading, and whether it is only in the later
# version (+), only in the earlier (-) or in both, altered (~).
CHANGE_SECTIONS = (
    ("quotes_added", "+", "Quotes added"),
    ("quotes_dropped", "-", "Quotes dropped"),
    ("quotes_altered", "~", "Quotes altered"),
    ("attribution_changed", "~", "Attribution changed"),
    ("figures_added", "+", "Figures added"),
    ("figures_dropped", "-", "Figures dropped"),
    ("figures_changed", "~", "Figures changed"),
    ("names_added", "+", "Names only in the later version"),
    ("names_dropped", "-", "Names only in the earlier version"),
    ("sentences_added", "+", "Sentences added"),
    ("sentences_dropped", "-", "Sentences dropped"),
    ("sentences_moved", "~", "Sentences moved"),
    ("sentences_edited", "~", "Sentences reworded"),
    ("duplicates", "~", "Repeated within a version"),
)
CHANGE_CLASSES = {"+": "added", "-": "dropped", "~": "altered"}


def story_page(diff: StoryDiff) -> str:
    """A story's versions in order and what changed between each consecutive pair (the
    document of ``newsearch story ID``), additions and removals marked apart."""
    versions = "".join(
        f"<li>{_a(article_url(v.id), escape(v.title or v.id))}{_meta_line(_origin(v.date, v.source))}</li>" for v in diff.versions
    )
    pairs = "".join(_changes_html(changes) for changes in diff.changes)
    main = (
        f'<p class="back">{_a("/", "← New search")}</p><article class="story"><h1 class="title">What changed</h1>'
        f'<p class="muted">{_plural(len(diff.versions), "version")} of story {escape(diff.story)}, in date order '
        f"(undated ones after the dated, then by id)</p><ol>{versions}</ol>{pairs}</article>"
    )
    return _document(f"What changed: {diff.story} — newsearch", main, SearchForm())


def _changes_html(changes: VersionChanges) -> str:
    parts = [f'<h2>{escape(changes.before)} → {escape(changes.after)}</h2><p class="muted">{escape(changes.summary)}</p>']
    if changes.headline:
        parts.append(
            f'<p>Headline: <del class="dropped">{escape(changes.headline[0])}</del> → '
            f'<ins class="added">{escape(changes.headline[1])}</ins></p>'
        )
    for field, sign, heading in CHANGE_SECTIONS:
        items = getattr(changes, field)
        if items:
            listed = "".join(f'<li class="{CHANGE_CLASSES[sign]}">{_change_item(item)}</li>' for item in items)
            parts.append(f"<h3>{escape(heading)}</h3><ul class=\"changes\">{listed}</ul>")
    return f'<section class="pair">{"".join(parts)}</section>'


def _change_item(item: str | SentenceEdit | QuoteChange | FigureChange) -> str:
    if isinstance(item, str):
        return escape(item)
    if isinstance(item, SentenceEdit):
        return _word_runs_html(item.words)
    if isinstance(item, FigureChange):
        was = f' <span class="muted">(was: {escape(item.context_before)})</span>' if item.context_before else ""
        return f"<strong>{escape(', '.join(item.figures))}</strong> {escape(item.context)}{was}"
    said = escape(item.speaker or "unattributed") + (f" ({escape(item.cue)})" if item.cue else "")
    if item.words:
        text = _word_runs_html(item.words)
    else:
        text = escape(item.text)
    was = ""
    if item.cue_before or item.speaker_before:
        was = f' <span class="muted">was: {escape(item.speaker_before or "unattributed")} ({escape(item.cue_before or "no cue")})</span>'
    return f"“{text}” — <strong>{said}</strong>{was}"


def _word_runs_html(words: tuple[tuple[str, str], ...]) -> str:
    tags = {"=": "span", "-": "del", "+": "ins"}
    return " ".join(f"<{tags[op]}>{escape(run)}</{tags[op]}>" for op, run in words)


def _entities_html(article: ArticleView) -> str:
    sections = []
    for kind, name in ENTITY_FACETS.items():
        entities = [e for e in article.entities if e.kind == kind]
        if not entities:
            continue
        items = "".join(
            f'<li>{_a(search_url(SearchForm(q=facet_clause(FACET_FIELDS[name], e.name))), escape(e.name))} '
            f'<span class="count">{e.count:,}</span></li>'
            for e in entities
        )
        sections.append(f'<section><h2>{FACET_HEADINGS[name]}</h2><ul>{items}</ul></section>')
    return "".join(sections)


# --------------------------------------------------------------------------- errors


def error_page(status: int, message: str) -> str:
    """An error as a page: the status, the message (escaped) and the search box to go on."""
    heading = STATUS_TITLES.get(status, "Error")
    main = f'<div class="error" role="alert"><h1>{status} {escape(heading)}</h1><p>{escape(message)}</p></div>'
    return _document(f"{status} {heading} — newsearch", main, SearchForm())
