"""The search page as a user sees it: built from the API's dataclasses (no index needed), and
once from a real search over the seed articles. Pages are parsed with ``html.parser`` to check
they are well-formed, and what they show is read back from the parsed tree."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import newsearch
from newsearch.models import (
    ArticleView,
    Entity,
    FacetValue,
    Hit,
    Passage,
    Quote,
    QuoteHit,
    SearchResults,
    Span,
    Timeline,
    TimelineCount,
    Version,
)
from newsearch.serve.page import (
    STATIC_DIR,
    SearchForm,
    article_page,
    article_url,
    bucket_days,
    error_page,
    facet_clause,
    search_page,
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """A parsed page: its elements (tag, attributes, text inside) in document order, with a
    check that every element is closed in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.problems: list[str] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {[e['tag'] for e in self.stack]}")

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": ""})

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1]["tag"] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1]['tag'] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def find(self, tag: str, **attrs: str) -> list[dict]:
        """Elements with ``tag`` whose attributes contain the given values (``class_`` for class:
        a word of it)."""
        found = []
        for element in self.elements:
            if element["tag"] != tag:
                continue
            ok = True
            for name, value in attrs.items():
                name = name.rstrip("_")
                have = element["attrs"].get(name)
                if have is None or (value not in have.split() if name == "class" else have != value):
                    ok = False
            if ok:
                found.append(element)
        return found

    def text(self) -> str:
        return self.elements[0]["text"] if self.elements else ""


def parse(html: str) -> Page:
    page = Page(html)
    assert page.problems == [], page.problems
    assert html.startswith("<!doctype html>")
    return page


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


# --------------------------------------------------------------------------- fixtures

BODY = (
    "Diplomatic pressure is mounting to extend a ceasefire in Syria to Aleppo.\n\n"
    "“We are talking directly to the Russians,” said John Kerry. He called it a regime of silence.\n\n"
    "The talks in Geneva continue."
)


def span_of(text: str, word: str, after: int = 0) -> Span:
    start = text.index(word, after)
    return Span(start, start + len(word))


def passage_for(body: str, start: int, end: int, words: list[str]) -> Passage:
    return Passage(body[start:end], start, end, tuple(span_of(body, w, start) for w in words))


def sample_results(total: int = 42) -> SearchResults:
    second = BODY.index("“We")
    end = BODY.index("The talks")
    hit = Hit(
        id="syria/aleppo-ceasefire-original.txt",
        path="/corpus/syria/aleppo-ceasefire-original.txt",
        title="Pressure mounts to include Aleppo in Syria ceasefire",
        score=2.3251,
        passages=(passage_for(BODY, second, end - 2, ["regime", "silence"]),),
        title_highlights=(Span(27, 33),),
        story="s1",
        versions=(
            Version("syria/aleppo-rewrite.txt", "/corpus/syria/aleppo-rewrite.txt", "Aleppo truce push grows", "2016-02-14", "BBC"),
            Version("dumps/2016.jsonl#r-7", "/corpus/dumps/2016.jsonl", "Kerry: talks go on", None, None),
        ),
        date="2016-02-13T10:00:00Z",
        source="Reuters",
        author="Ann Lee",
        url="https://example.org/aleppo?id=1&x=2",
    )
    record = Hit(
        id="dumps/2016.jsonl#r-9",
        path="/corpus/dumps/2016.jsonl",
        title="Geneva talks: a regime of silence",
        score=1.5,
        passages=(passage_for(BODY, 0, BODY.index("\n"), ["ceasefire"]),),
        title_highlights=(span_of("Geneva talks: a regime of silence", "regime"),),
        url="javascript:alert(1)",
    )
    return SearchResults(
        query="regime of silence",
        total=total,
        hits=(hit, record),
        facets={
            "people": (FacetValue("John Kerry", 2), FacetValue('Ahmad "Abu" Saleh', 1)),
            "organisations": (FacetValue("Doctors Without Borders", 1),),
            "places": (FacetValue("Aleppo", 2),),
            "sources": (FacetValue("Reuters", 1), FacetValue("BBC", 1)),
        },
        timeline=Timeline(
            "week",
            (TimelineCount("2016-02-01", 3), TimelineCount("2016-02-08", 0), TimelineCount("2016-02-15", 12)),
            undated=2,
        ),
    )


def sample_quotes() -> tuple[QuoteHit, ...]:
    start = BODY.index("“We")
    end = BODY.index("said") - 1
    quote = Quote("We are talking directly to the Russians,", start, end, "John Kerry", "said", "name")
    unattributed = Quote("a regime of silence", BODY.index("a regime"), BODY.index("silence") + 7)
    return (
        QuoteHit(quote, "syria/a#1.txt", "/c/syria/a#1.txt", "Aleppo <b>talks</b>", 1.2, BODY[start:end],
                 (span_of(BODY, "Russians"),), "2016-02-13", "Reuters"),
        QuoteHit(unattributed, "b.txt", "/c/b.txt", "Other", 0.7, BODY[unattributed.start : unattributed.end],
                 (span_of(BODY, "regime"),)),
    )


def sample_article(**changes) -> ArticleView:
    fields = dict(
        id="syria/aleppo#1.txt",
        path="/corpus/syria/aleppo#1.txt",
        title="Pressure mounts on Aleppo",
        body=BODY,
        highlights=(span_of(BODY, "regime"), span_of(BODY, "silence")),
        title_highlights=(Span(19, 25),),
        date="2016-02-13",
        source="Reuters",
        author="Ann Lee",
        url="https://example.org/a",
        metadata=(("topics", ("war", "diplomacy")), ("desk", "Middle East")),
        quotes=(Quote("We are talking directly to the Russians,", 76, 118, "John Kerry", "said", "name"),),
        entities=(Entity("John Kerry", "PERSON", 2), Entity("Aleppo", "PLACE", 1), Entity("Reuters", "ORGANIZATION", 1)),
        story="s1",
        versions=(Version("syria/rewrite.txt", "/corpus/syria/rewrite.txt", "Aleppo truce push", "2016-02-14", "BBC"),),
    )
    fields.update(changes)
    return ArticleView(**fields)


def marks(page: Page) -> list[str]:
    return [m["text"] for m in page.find("mark")]


# --------------------------------------------------------------------------- results


def test_results_show_rank_title_meta_passages_and_versions():
    form = SearchForm(q="regime of silence")
    page = parse(search_page(form, sample_results()))
    hits = page.find("li", class_="hit")
    assert len(hits) == 2
    first = hits[0]["text"]
    assert "1." in first and "Pressure mounts to include Aleppo in Syria ceasefire" in first
    assert "2016-02-13" in first and "Reuters" in first and "Ann Lee" in first
    assert "syria/aleppo-ceasefire-original.txt" in first and "score 2.33" in first
    assert "2 other versions of this story" in first and "Aleppo truce push grows" in first
    assert "2.\xa0" not in first and "2." in hits[1]["text"]
    # marks: the title's "Aleppo", the passage's "regime" and "silence", the second hit's
    assert marks(page) == ["Aleppo", "regime", "silence", "regime", "ceasefire"]
    assert "42 matching articles" in page.text()
    # the title links to the article page, keeping the query; ids with # are quoted
    titles = [a for a in page.find("a") if a["attrs"]["href"].startswith("/articles/")]
    assert titles[0]["attrs"]["href"] == "/articles/syria/aleppo-ceasefire-original.txt?q=regime+of+silence"
    assert any(a["attrs"]["href"].startswith("/articles/dumps/2016.jsonl%23r-7?") for a in titles)
    assert "dumps/2016.jsonl#r-9" in hits[1]["text"]
    assert page.find("details", class_="versions")


def test_passage_marks_are_at_the_highlight_offsets():
    results = sample_results()
    html = search_page(SearchForm(q="regime of silence"), results)
    passage = results.hits[0].passages[0]
    assert "a <mark>regime</mark> of <mark>silence</mark>." in html
    assert passage.text.startswith("“We are")


def test_the_article_url_is_a_link_only_when_it_is_http():
    page = parse(search_page(SearchForm(q="x"), sample_results()))
    outbound = [a for a in page.find("a") if a["attrs"]["href"].startswith("http")]
    assert [a["attrs"]["href"] for a in outbound] == ["https://example.org/aleppo?id=1&x=2"]
    assert outbound[0]["attrs"]["rel"] == "noopener noreferrer"
    assert not [a for a in page.find("a") if "javascript" in a["attrs"]["href"].lower()]
    assert "javascript:alert(1)" in page.text()  # shown, as text


def test_paging_first_page_has_next_only_and_next_keeps_every_parameter():
    form = SearchForm(q='"regime of silence" NOT geneva', limit=2, mode="all", collapse=False, since="2016", until="2016-03",
                      sources=("Reuters", "BBC"), sort="newest")
    page = parse(search_page(form, sample_results(total=5)))
    assert not page.find("a", rel="prev")
    (next_link,) = page.find("a", rel="next")
    assert params(next_link["attrs"]["href"]) == {
        "q": ['"regime of silence" NOT geneva'], "limit": ["2"], "offset": ["2"], "mode": ["all"], "sort": ["newest"],
        "collapse": ["false"], "since": ["2016"], "until": ["2016-03"], "source": ["Reuters", "BBC"],
    }


def test_paging_middle_and_last_pages():
    middle = parse(search_page(SearchForm(q="x", limit=2, offset=2), sample_results(total=5)))
    (prev,) = middle.find("a", rel="prev")
    assert params(prev["attrs"]["href"]).get("offset") is None  # back to the first page
    assert params(middle.find("a", rel="next")[0]["attrs"]["href"])["offset"] == ["4"]
    assert "3." in middle.find("li", class_="hit")[0]["text"]  # ranks continue
    last = parse(search_page(SearchForm(q="x", limit=2, offset=4), sample_results(total=5)))
    assert not last.find("a", rel="next") and last.find("a", rel="prev")


def test_collapsed_results_offer_next_while_the_page_is_full():
    """``total`` counts articles; with two hits on a page of ten there is no next page."""
    page = parse(search_page(SearchForm(q="x", limit=10), sample_results(total=40)))
    assert not page.find("a", rel="next")
    full = parse(search_page(SearchForm(q="x", limit=2), sample_results(total=3)))
    assert full.find("a", rel="next")


def test_suggestion_is_a_link():
    results = SearchResults("alepo", 0, (), suggestion="aleppo")
    page = parse(search_page(SearchForm(q="alepo", sources=("BBC",)), results))
    (link,) = [a for a in page.find("a") if "Did you mean" not in a["text"] and a["text"] == "aleppo"]
    assert params(link["attrs"]["href"]) == {"q": ["aleppo"], "source": ["BBC"]}
    assert "Nothing matches" in page.text()


# --------------------------------------------------------------------------- facets


def facet_link(page: Page, text: str) -> dict[str, list[str]]:
    (link,) = [a for a in page.find("a") if a["text"] == text]
    return params(link["attrs"]["href"])


def test_facets_add_a_clause_or_a_source():
    form = SearchForm(q="aleppo", offset=10, sources=("AP",))
    page = parse(search_page(form, sample_results()))
    assert facet_link(page, "John Kerry") == {"q": ['aleppo person:"John Kerry"'], "source": ["AP"]}
    assert facet_link(page, "Doctors Without Borders")["q"] == ['aleppo org:"Doctors Without Borders"']
    assert facet_link(page, "Aleppo")["q"] == ['aleppo place:"Aleppo"']
    assert facet_link(page, "Reuters") == {"q": ["aleppo"], "source": ["AP", "Reuters"]}
    # a value with quotation marks still makes one phrase
    assert facet_link(page, 'Ahmad "Abu" Saleh')["q"] == ['aleppo person:"Ahmad Abu Saleh"']
    assert facet_clause("place", "“Homs”") == 'place:"Homs"'


def test_facets_narrow_ranked_and_or_queries_and_keep_short_queries_short():
    results = sample_results()
    ranked = parse(search_page(SearchForm(q="who is negotiating a ceasefire"), results))
    assert facet_link(ranked, "John Kerry")["q"] == ['(who is negotiating a ceasefire) AND person:"John Kerry"']
    either = parse(search_page(SearchForm(q="kerry OR lavrov"), results))
    assert facet_link(either, "Aleppo")["q"] == ['(kerry OR lavrov) AND place:"Aleppo"']
    # three words are all required (auto); a fourth clause would make the query ranked: pin "all"
    three = parse(search_page(SearchForm(q="regime of silence"), results))
    assert facet_link(three, "Aleppo") == {"q": ['regime of silence place:"Aleppo"'], "mode": ["all"]}


def test_active_filters_are_shown_and_removable():
    form = SearchForm(q="aleppo", sources=("Reuters", "BBC"), since="2016-02-01", until="2016-02-07")
    page = parse(search_page(form, sample_results()))
    (chips,) = page.find("ul", class_="filters")
    assert "source: Reuters" in chips["text"] and "from 2016-02-01" in chips["text"]
    removers = {a["attrs"]["aria-label"]: params(a["attrs"]["href"]) for a in page.find("a", class_="remove")}
    assert removers["remove source: Reuters"]["source"] == ["BBC"]
    assert "since" not in removers["remove from 2016-02-01"] and removers["remove from 2016-02-01"]["until"] == ["2016-02-07"]
    # an active source facet is not offered again
    assert not [a for a in page.find("a") if a["text"] == "Reuters"]
    # and the form carries the sources on to the next search
    hidden = [i["attrs"]["value"] for i in page.find("input", type="hidden", name="source")]
    assert hidden == ["Reuters", "BBC"]


# --------------------------------------------------------------------------- timeline


@pytest.mark.parametrize(
    ("bucket", "start", "first", "last"),
    [
        ("day", "1987-03-02", "1987-03-02", "1987-03-02"),
        ("week", "1987-03-02", "1987-03-02", "1987-03-08"),
        ("week", "1987-12-28", "1987-12-28", "1988-01-03"),
        ("month", "1988-02-01", "1988-02-01", "1988-02-29"),
        ("month", "1987-12-01", "1987-12-01", "1987-12-31"),
        ("year", "1987-01-01", "1987-01-01", "1987-12-31"),
    ],
)
def test_each_timeline_bar_links_to_its_bucket(bucket, start, first, last):
    assert bucket_days(start, bucket) == (first, last)
    timeline = Timeline(bucket, (TimelineCount(start, 4), TimelineCount(start, 0)), 0)  # (a zero bar: no link)
    results = SearchResults("cocoa", 4, (), timeline=timeline)
    page = parse(search_page(SearchForm(q="cocoa", offset=20, sort="newest"), results))
    bars = [e for e in page.elements if "bar" in e["attrs"].get("class", "").split()]
    assert len(bars) == 2
    (link,) = page.find("a", class_="bar")
    assert params(link["attrs"]["href"]) == {"q": ["cocoa"], "sort": ["newest"], "since": [first], "until": [last]}
    assert "4 articles" in link["attrs"]["title"]


def test_timeline_has_one_bar_per_bucket_thinned_labels_and_undated():
    counts = tuple(TimelineCount(f"{1980 + n}-01-01", n) for n in range(40))
    results = SearchResults("oil", sum(range(40)) + 5, (), timeline=Timeline("year", counts, 5))
    page = parse(search_page(SearchForm(q="oil"), results))
    (chart,) = page.find("ol", class_="bars")
    assert len(page.find("li")) >= 40
    assert len([e for e in page.elements if "bar" in e["attrs"].get("class", "").split()]) == 40
    labels = [s["text"] for s in page.find("span", class_="label")]
    assert labels[0] == "1980" and 2 <= len(labels) <= 7
    assert "5 undated articles" in page.text()
    # no chart without dates
    assert "bars" not in search_page(SearchForm(q="oil"), SearchResults("oil", 3, (), timeline=Timeline("day", (), 3)))
    assert "bars" not in search_page(SearchForm(q="oil"), SearchResults("oil", 3, ()))


# --------------------------------------------------------------------------- quotes


def test_quotes_view_shows_quote_speaker_cue_and_article():
    form = SearchForm(q="russians", view="quotes")
    page = parse(search_page(form, None, sample_quotes()))
    items = page.find("li", class_="quote-hit")
    assert len(items) == 2
    assert "We are talking directly to the Russians" in items[0]["text"]
    assert "John Kerry" in items[0]["text"] and "(said)" in items[0]["text"]
    assert "2016-02-13" in items[0]["text"] and "Reuters" in items[0]["text"]
    assert "unattributed" in items[1]["text"]
    quoted = [b["text"] for b in page.find("blockquote")]
    assert quoted == ["“We are talking directly to the Russians,”", "“a regime of silence”"]  # marks once, not twice
    assert marks(page) == ["Russians", "regime"]
    article_links = [a["attrs"]["href"] for a in page.find("a") if a["attrs"]["href"].startswith("/articles/")]
    assert article_links[0] == "/articles/syria/a%231.txt?q=russians"
    assert "Aleppo <b>talks</b>" in items[0]["text"]  # a title with markup is text
    speaker = [a for a in page.find("a", class_="speaker")][0]
    assert params(speaker["attrs"]["href"]) == {"q": ["russians"], "view": ["quotes"], "speaker": ["John Kerry"]}
    assert "2 quotes" in page.text()


# --------------------------------------------------------------------------- article


def test_article_page_keeps_paragraphs_and_marks_matches():
    page = parse(article_page(sample_article(), "regime of silence"))
    body = page.find("div", class_="body")[0]
    paragraphs = [p for p in page.find("p") if p["text"] and p["text"] in body["text"]]
    assert len([p for p in paragraphs if p["text"].startswith(("Diplomatic", "“We", "The talks"))]) == 3
    assert marks(page) == ["Aleppo", "regime", "silence"]
    text = page.text()
    for shown in ("Pressure mounts on Aleppo", "2016-02-13", "Reuters", "Ann Lee", "war, diplomacy", "Middle East",
                  "We are talking directly to the Russians", "John Kerry", "Aleppo truce push"):
        assert shown in text
    hrefs = [a["attrs"]["href"] for a in page.find("a")]
    assert "https://example.org/a" in hrefs
    assert "/?q=regime+of+silence" in hrefs  # back to the search
    assert "/articles/syria/rewrite.txt?q=regime+of+silence" in hrefs
    assert any(unquote(h).startswith('/?q=person:"John Kerry"') or params(h).get("q") == ['person:"John Kerry"'] for h in hrefs)
    assert page.find("input", id="q")[0]["attrs"]["value"] == "regime of silence"


def test_article_page_without_a_query():
    page = parse(article_page(sample_article(highlights=(), title_highlights=()), None))
    assert marks(page) == []
    assert any(a["attrs"]["href"] == "/" for a in page.find("a"))


def test_article_url_quotes_hash_and_keeps_slashes():
    assert article_url("dumps/2016.jsonl#r 1", "a&b") == "/articles/dumps/2016.jsonl%23r%201?q=a%26b"
    assert article_url("a.txt", None) == "/articles/a.txt"


# --------------------------------------------------------------------------- hostile text

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)> "quoted" \'single\' & more'


def hostile_results() -> SearchResults:
    body = "Before " + HOSTILE + " after."
    hit = Hit(
        id='evil"><script>x</script>.txt',
        path="/c/evil.txt",
        title=HOSTILE,
        score=1.0,
        passages=(Passage(body, 0, len(body), (span_of(body, "after"),)),),
        versions=(Version("v.txt", "/c/v.txt", HOSTILE, None, HOSTILE),),
        date="2016-01-01",
        source=HOSTILE,
        author=HOSTILE,
        url='https://example.org/"><script>alert(1)</script>',
    )
    return SearchResults(
        HOSTILE, 1, (hit,), suggestion=HOSTILE,
        facets={"people": (FacetValue(HOSTILE, 1),), "sources": (FacetValue(HOSTILE, 1),)},
    )


def assert_inert(html: str) -> Page:
    page = parse(html)
    assert [s["attrs"].get("src") for s in page.find("script")] == ["/static/page.js"]
    assert page.find("img") == []
    for element in page.elements:
        for name, value in element["attrs"].items():
            assert not name.startswith("on"), element
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), element
    return page


def test_hostile_text_is_shown_as_text_everywhere():
    form = SearchForm(q=HOSTILE, sources=(HOSTILE,), since=HOSTILE, speaker=HOSTILE)
    html = search_page(form, hostile_results(), error=None)
    page = assert_inert(html)
    assert HOSTILE in page.text()
    assert page.find("input", id="q")[0]["attrs"]["value"] == HOSTILE  # the query echoed back intact
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    quotes = tuple(
        QuoteHit(Quote(HOSTILE, 0, len(HOSTILE), HOSTILE, HOSTILE), HOSTILE, HOSTILE, HOSTILE, 1.0, HOSTILE,
                 (span_of(HOSTILE, "alert"),), HOSTILE, HOSTILE)
        for _ in range(1)
    )
    assert_inert(search_page(SearchForm(q=HOSTILE, view="quotes"), None, quotes))
    article = sample_article(title=HOSTILE, body=HOSTILE + "\n\n" + HOSTILE, highlights=(span_of(HOSTILE, "alert"),),
                             title_highlights=(), source=HOSTILE, author=HOSTILE, url="javascript:alert(1)",
                             metadata=((HOSTILE, HOSTILE),), quotes=(Quote(HOSTILE, 0, 5, HOSTILE, HOSTILE),),
                             entities=(Entity(HOSTILE, "PERSON"),), versions=(Version(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE),))
    page = assert_inert(article_page(article, HOSTILE))
    assert page.text().count(HOSTILE) >= 3
    assert not [a for a in page.find("a") if "alert" in a["attrs"]["href"] and a["attrs"]["href"].startswith("javascript")]
    assert_inert(error_page(400, HOSTILE))
    assert_inert(search_page(SearchForm(q=HOSTILE), None, error=HOSTILE))


def test_only_http_urls_become_links():
    for url in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,<b>", "//evil.example/x", "ftp://x/y", "vbscript:x"):
        hit = Hit("a.txt", "/c/a.txt", "A", 1.0, (), url=url)
        page = assert_inert(search_page(SearchForm(q="a"), SearchResults("a", 1, (hit,))))
        assert not [a for a in page.find("a") if a["attrs"]["href"] == url or "evil" in a["attrs"]["href"]]
        assert url.strip() in page.text()


# --------------------------------------------------------------------------- errors, landing, resources


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_error_page_shows_the_message_and_the_search_box(status):
    page = parse(error_page(status, "query 'a \"b' has an unbalanced quote"))
    assert str(status) in page.find("h1")[0]["text"]
    assert "query 'a \"b' has an unbalanced quote" in page.text()
    assert page.find("input", id="q") and page.find("form", method="get", action="/")


def test_search_error_keeps_the_query_in_the_form():
    page = parse(search_page(SearchForm(q='"unbalanced'), None, error="query has an unbalanced quote"))
    assert page.find("input", id="q")[0]["attrs"]["value"] == '"unbalanced'
    assert page.find("div", role="alert")


def test_the_form_works_without_javascript_and_is_labelled():
    page = parse(search_page(SearchForm(q="x", view="quotes", mode="any", sort="oldest", collapse=False, limit=20), None))
    (form,) = page.find("form")
    assert form["attrs"]["method"] == "get" and form["attrs"]["action"] == "/"
    names = {e["attrs"].get("name") for e in page.elements if e["tag"] in ("input", "select")}
    assert {"q", "view", "mode", "sort", "since", "until", "collapse", "limit", "speaker"} <= names
    selected = {e["attrs"]["value"] for e in page.find("option") if "selected" in e["attrs"]}
    assert {"any", "oldest", "false", "20"} <= selected
    assert "checked" in page.find("input", type="radio", value="quotes")[0]["attrs"]
    assert page.find("label", for_="q")
    # every control has a label
    labelled = sum(1 for e in page.find("label"))
    assert labelled >= 9


def test_page_references_only_local_resources():
    for html in (search_page(SearchForm(q="x"), sample_results()), article_page(sample_article(), "x"), error_page(404, "no")):
        page = parse(html)
        for element in page.find("script") + page.find("link") + page.find("img") + page.find("iframe"):
            for name in ("src", "href"):
                value = element["attrs"].get(name)
                assert value is None or value.startswith("/static/"), element
        assert not re.search(r"""(src|href)=["']?(https?:)?//[^"']*\.(css|js|woff2?|ttf|png|svg)""", html)
    assert (STATIC_DIR / "style.css").is_file() and (STATIC_DIR / "page.js").is_file()
    css = (STATIC_DIR / "style.css").read_text()
    assert "@import" not in css and "url(" not in css and "http" not in css
    assert "http" not in (STATIC_DIR / "page.js").read_text()


def test_landing_page_explains_the_syntax():
    page = parse(search_page(SearchForm(), None))
    assert "person:" in page.text() and page.find("input", id="q")[0]["attrs"]["value"] == ""


# --------------------------------------------------------------------------- a real search


def test_real_search_marks_only_query_words_at_their_offsets(seed_corpus, tmp_path):
    with newsearch.open_index(tmp_path / "index", corpus=seed_corpus) as ix:
        results = ix.search("regime of silence", facets=5, timeline=True, collapse=False)
    assert results.hits
    html = search_page(SearchForm(q="regime of silence", collapse=False), results)
    page = parse(html)
    found = marks(page)
    assert found and set(w.lower() for w in found) <= {"regime", "of", "silence"}
    assert "<mark>regime</mark> <mark>of</mark> <mark>silence</mark>" in html
    # each passage shows exactly the marks its offsets name
    passages = page.find("p", class_="passage")
    assert len(passages) == sum(len(h.passages) for h in results.hits)
    for hit in results.hits:
        for passage in hit.passages:
            for span in passage.highlights:
                assert passage.text[span.start - passage.start : span.end - passage.start].lower() in {"regime", "of", "silence"}
    # collapsed (the default): one hit, the rewrite folded under it, linked with the query
    with newsearch.open_index(tmp_path / "index") as ix:
        collapsed = parse(search_page(SearchForm(q="regime of silence"), ix.search("regime of silence")))
    assert len(collapsed.find("li", class_="hit")) == 1
    (versions,) = collapsed.find("details", class_="versions")
    assert any(a["attrs"]["href"].endswith("?q=regime+of+silence") for a in collapsed.find("a") if a["text"] in versions["text"])
    write_sample(search_page(SearchForm(q="regime of silence"), sample_results()))


def write_sample(html: str) -> None:
    """``/tmp/page-sample.html``: a page to look at in a browser, the stylesheet inlined."""
    css = (STATIC_DIR / "style.css").read_text(encoding="utf-8")
    sample = html.replace('<link rel="stylesheet" href="/static/style.css">', f"<style>{css}</style>")
    try:
        Path("/tmp/page-sample.html").write_text(sample, encoding="utf-8")
    except OSError:
        pass
