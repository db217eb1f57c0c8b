"""The ASGI app: JSON endpoints that return exactly the CLI's ``--json`` documents, and the page.

Why FastAPI: the endpoints' parameters are typed function arguments, as the CLI's options are
Typer arguments, and the OpenAPI description at ``/openapi.json`` (with ``/docs``) comes from
those same type hints and descriptions for free; it sits on Starlette and uvicorn, both well
kept. Responses are the dicts of ``newsearch.render``, unchanged, so the HTTP contract is the
CLI's by construction.

How calls run: a small pool of ``Index`` objects (each used by one call at a time; see
``newsearch.Index``) is lent to the calls, which run on a thread pool of our own with a time
budget. A call over budget gets 503 at once; its thread cannot be killed, but the search
checks the same deadline as it goes (``newsearch.time_limit``) and stops at its next check,
freeing its ``Index`` and thread; a call that is not a search (an article, the stories) runs on
to its end, and its result is thrown away. Calls that cannot get
an ``Index`` within the budget (all held by slow ones) get 503 too, so the server stays bounded:
at most ``pool`` searches at once, and runaway queries cost capacity, never memory.

Live: every ``Index`` call reads the newest committed generation, so a commit of ``newsearch
index``/``watch`` in another process (or of ``serve --watch``) is seen by the next request,
without a restart and without failing a request during the commit.
"""


import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from fastapi import FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import api
from ..models import ArticleNotFound, IndexDamaged, NewsearchError, QueryTooSlow
from ..time_limit import limited
from ..render import article_json, health_json, quotes_json, results_json, stories_json, story_diff_json
from . import page

T = TypeVar("T")
log = logging.getLogger("newsearch.serve")

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
FACET_VALUES = 10  # as `newsearch query --facets`
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may ask for, and how long it may take."""

    query_chars: int = 1000
    limit: int = 100
    offset: int = 1000
    seconds: float = 10.0


class TooSlow(Exception):
    """A call ran over the time budget (or waited that long for an ``Index``)."""


class IndexPool:
    """``size`` open ``Index`` objects of one index, each lent to one call at a time."""

    def __init__(self, path: Path, size: int) -> None:
        self._free: queue.SimpleQueue[api.Index] = queue.SimpleQueue()
        self._all = [api.open_index(path) for _ in range(size)]
        for ix in self._all:
            self._free.put(ix)

    @contextmanager
    def lend(self, wait: float) -> Iterator[api.Index]:
        try:
            ix = self._free.get(timeout=wait)
        except queue.Empty:
            raise TooSlow from None
        try:
            yield ix
        finally:
            self._free.put(ix)

    def close(self) -> None:
        for ix in self._all:
            ix.close()


class Runner:
    """Runs ``work(index)`` on a thread of its own pool within the time budget."""

    def __init__(self, pool: IndexPool, size: int, seconds: float) -> None:
        self.pool, self.seconds = pool, seconds
        # Room for the calls being served and for as many again running on past their budget.
        self.executor = ThreadPoolExecutor(max_workers=2 * size, thread_name_prefix="newsearch-search")

    async def __call__(self, work: Callable[[api.Index], T]) -> T:
        deadline = time.monotonic() + self.seconds

        def lent() -> T:
            # A call that waited its whole budget for a thread or an Index is answered 503
            # already: it gives up rather than search for nobody.
            with self.pool.lend(max(0.0, deadline - time.monotonic())) as ix:
                # The search stops itself at the budget too (``time_limit``): its thread and
                # Index are free again soon after the 503, not at the end of the search.
                with limited(max(deadline - time.monotonic(), 0.001)):
                    return work(ix)

        future = self.executor.submit(lent)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.seconds)
        except asyncio.TimeoutError:
            future.cancel()  # not started yet: it never will; started: it runs on, unseen
            raise TooSlow from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def is_local(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    return host in LOCAL_HOSTS or host.startswith("127.")


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


# --------------------------------------------------------------------------- the app


def create_app(
    index: str | os.PathLike = api.DEFAULT_INDEX,
    *,
    limits: Limits = Limits(),
    pool: int = 2,
    watch: bool = False,
    corpus: str | os.PathLike | None = None,
) -> FastAPI:
    """The ASGI app serving the index at ``index`` (which must exist: ``newsearch serve`` builds
    or updates it first). ``pool`` ``Index`` objects serve calls at the same time; with
    ``watch``, a thread keeps the index current with its source (``api.watch``) while the app
    runs: the only case in which the server writes the index."""
    index = Path(index)
    api.Index(index).close()  # fail now, with our message, if there is no index

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        indexes = IndexPool(index, pool)
        app.state.run = Runner(indexes, pool, limits.seconds)
        stop = threading.Event()
        watcher = threading.Thread(target=keep_current, args=(corpus, index, stop), name="newsearch-watch", daemon=True)
        if watch:
            watcher.start()
        try:
            yield
        finally:
            stop.set()
            if watch:
                watcher.join(10)
            app.state.run.close()
            indexes.close()

    app = FastAPI(
        title="newsearch",
        summary="Search a news archive: ranked passages with the matches highlighted, quotes, stories.",
        description=(
            "Every `/api/...` endpoint returns the JSON document the matching `newsearch` command prints with "
            "`--json` (see the README, \"JSON output\"). Errors are `{\"error\": \"one line\"}` with status 400 "
            "(a query that cannot be understood, a request out of bounds), 404 (no such article or story), "
            "503 (over the time budget, or the index is damaged or gone: the message names the fix) or 500."
        ),
        version=_version(),
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN: everything served here is local.
        docs_url=None,
        redoc_url=None,
    )
    add_error_handlers(app, limits)
    add_api(app, limits)
    add_page(app, limits)
    return app


def keep_current(corpus: str | os.PathLike | None, index: Path, stop: threading.Event) -> None:
    """``serve --watch``: update the index from its source after every burst of changes."""

    def report(summary) -> None:
        if summary.changed:
            log.info("index updated: %d added, %d updated, %d removed", len(summary.added), len(summary.updated), len(summary.removed))
        for note in summary.notes:
            log.warning("note: %s", note)

    try:
        api.watch(corpus, index, report, stop=stop)
    except Exception:  # the server goes on serving what is committed
        log.exception("watching the corpus stopped")


def _version() -> str:
    from .. import __version__

    return __version__


# --------------------------------------------------------------------------- errors


def add_error_handlers(app: FastAPI, limits: Limits) -> None:
    """One-line errors: JSON under ``/api``, the error page elsewhere; never a stack trace."""

    def respond(request: Request, status: int, message: str):
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return error(status, message)
        return HTMLResponse(page.error_page(status, message), status_code=status)

    @app.exception_handler(ArticleNotFound)
    async def not_found(request: Request, exc: ArticleNotFound):
        return respond(request, 404, str(exc))

    @app.exception_handler(NewsearchError)
    async def bad_request(request: Request, exc: NewsearchError):
        return respond(request, 400, str(exc))

    @app.exception_handler(IndexDamaged)
    async def damaged(request: Request, exc: IndexDamaged):  # the index, not the request: 503
        return respond(request, 503, str(exc))

    @app.exception_handler(TooSlow)
    @app.exception_handler(QueryTooSlow)  # the search stopped itself at the budget, just before
    async def too_slow(request: Request, exc: Exception):
        return respond(request, 503, f"the request took more than {limits.seconds:g} s and was cut off; narrow the query")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return respond(request, 400, validation_message(exc, limits))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return respond(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.error("internal error serving %s", request.url.path, exc_info=exc)
        return respond(request, 500, "internal error")


def validation_message(exc: RequestValidationError, limits: Limits) -> str:
    """The first problem of a request, in one line that names the fix."""
    problem = exc.errors()[0]
    name = str(problem["loc"][-1]) if problem.get("loc") else "request"
    kind = problem.get("type", "")
    if name == "q" and kind == "string_too_long":
        return f"query too long: at most {limits.query_chars} characters"
    if name == "offset" and kind == "less_than_equal":
        return f"page too deep: offset at most {limits.offset}; narrow the query (since, until, source) instead"
    if name == "limit" and kind == "less_than_equal":
        return f"limit at most {limits.limit}; page with offset"
    return f"{name}: {problem.get('msg', 'invalid')}"


# --------------------------------------------------------------------------- JSON API


ArticleId = Annotated[
    str,
    PathParam(
        description="An article id as search results give it (`hit.id`). Percent-encode it as a path: "
        "`/` may stay, but `#` must be `%23`, `?` `%3F`, `%` `%25` and a space `%20` "
        "(e.g. Python's `urllib.parse.quote(id)`, JavaScript's `encodeURI(id)` plus `#`/`?`).",
    ),
]


def add_api(app: FastAPI, limits: Limits) -> None:
    Text = Annotated[
        str,
        Query(min_length=1, max_length=limits.query_chars, description="The query, in the CLI's syntax (Whoosh's, leniently read)."),
    ]
    Limit = Annotated[int, Query(ge=1, le=limits.limit, description="Most hits to return.")]
    Offset = Annotated[
        int, Query(ge=0, le=limits.offset, description="Skip this many hits first: the next page is offset=limit (a collapsed story counts as one).")
    ]

    @app.get("/api/search", tags=["api"])
    async def search(
        request: Request,
        q: Text,
        limit: Limit = 10,
        offset: Offset = 0,
        mode: Annotated[
            Literal["auto", "any", "all"],
            Query(description="all: require every term (CLI --all); any: rank articles matching any term (--any); "
                  "auto: all for up to 3 terms, else any."),
        ] = "auto",
        collapse: Annotated[bool, Query(description="One hit per story, the other versions listed under it (--collapse).")] = True,
        facets: Annotated[
            bool, Query(description="Count the 10 most frequent people, organisations, places and sources among all matches (--facets).")
        ] = False,
        semantic: Annotated[bool, Query(description="Rank by meaning too, once every matching article is embedded (the JSON's ranking says which).")] = True,
        feedback: Annotated[bool, Query(description="Re-rank ranked (any-term) queries with words of their best hits.")] = True,
        since: Annotated[str | None, Query(description="Only articles published on or after this date (1987-03-01, 1987-03, 1987-03-01T12:00).")] = None,
        until: Annotated[str | None, Query(description="Only articles published on or before this date (inclusive).")] = None,
        source: Annotated[list[str], Query(description="Only articles of this source (whole name, any case); repeat for several.")] = [],
        sort: Annotated[Literal["relevance", "newest", "oldest"], Query(description="Order of the hits; undated articles last by date.")] = "relevance",
        timeline: Annotated[bool, Query(description="Count every match by date (--timeline).")] = False,
        passages: Annotated[int, Query(ge=0, le=10, description="Passages per hit (0: none, fastest).")] = 3,
    ) -> dict:
        """Search the index: `newsearch query TEXT --json` with the same options (and `--offset`)."""
        results = await request.app.state.run(
            lambda ix: ix.search(
                q,
                limit=limit,
                offset=offset,
                mode=mode,
                passages=passages,
                collapse=collapse,
                facets=FACET_VALUES if facets else 0,
                feedback=feedback,
                semantic=semantic,
                since=since or None,
                until=until or None,
                sources=tuple(source),
                sort=sort,
                timeline=timeline,
            )
        )
        return JSONResponse(results_json(results))

    @app.get("/api/quotes", tags=["api"])
    async def quotes(
        request: Request,
        q: Annotated[
            str | None, Query(max_length=limits.query_chars, description="Words or a phrase inside the quote (optional).")
        ] = None,
        speaker: Annotated[str | None, Query(max_length=200, description="Only quotes by this person (any name words).")] = None,
        limit: Annotated[int, Query(ge=1, le=limits.limit, description="Most quotes to return.")] = 20,
    ) -> dict:
        """Quotes with their speakers: `newsearch quotes [TEXT] --speaker NAME --json`."""
        q, speaker = q or None, speaker or None
        found = await request.app.state.run(lambda ix: ix.quotes(q, speaker=speaker, limit=limit))
        return JSONResponse(quotes_json(q, speaker, found))

    @app.get("/api/stories", tags=["api"])
    async def stories(
        request: Request,
        min_size: Annotated[int, Query(ge=2, description="Only stories with at least this many versions.")] = 2,
    ) -> dict:
        """Stories with several versions: `newsearch stories --json`."""
        return JSONResponse(stories_json(await request.app.state.run(lambda ix: ix.stories(min_size=min_size))))

    @app.get("/api/stories/{id:path}", tags=["api"])
    async def story(request: Request, id: ArticleId) -> dict:
        """One story, by its id or the id of any article of it: its versions in order and what
        changed between each consecutive pair (`newsearch story ID --json`). 404 when there is none."""
        return JSONResponse(story_diff_json(await request.app.state.run(lambda ix: ix.story_changes(id))))

    @app.get("/api/articles/{id:path}", tags=["api"])
    async def article(
        request: Request,
        id: ArticleId,
        q: Annotated[
            str | None, Query(max_length=limits.query_chars, description="Mark the matches of this query in the text.")
        ] = None,
        mode: Annotated[Literal["auto", "any", "all"], Query(description="As for search.")] = "auto",
    ) -> dict:
        """One article's whole text, with the matches of `q` as `[start, end]` character offsets into
        `body` (`highlights`) and `title` (`title_highlights`), its metadata, quotes, entities and the
        other versions of its story. 404 when there is no such article."""
        return JSONResponse(article_json(await request.app.state.run(lambda ix: ix.article(id, q or None, mode=mode))))

    @app.get("/api/health", tags=["api"])
    async def health(request: Request) -> dict:
        """The committed generation being searched, its number of articles, when it was committed
        (UTC), the index's source and whether it ranks by meaning."""
        return JSONResponse(health_json(await request.app.state.run(lambda ix: ix.health())))


# --------------------------------------------------------------------------- the page


TRUE, FALSE = frozenset({"1", "true", "on", "yes"}), frozenset({"0", "false", "off", "no"})


def form_from(request: Request, limits: Limits) -> page.SearchForm:
    """The page's form from the query string; out-of-bounds values raise ``NewsearchError``."""
    params = request.query_params

    def number(name: str, default: int, low: int, high: int, why: str) -> int:
        raw = params.get(name) or str(default)
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise NewsearchError(f"{name} must be a whole number from {low} to {high}{why}")
        return int(raw)

    def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = params.get(name) or default
        if value not in allowed:
            raise NewsearchError(f"{name} must be one of {', '.join(allowed)}")
        return value

    q = params.get("q", "").strip()
    if len(q) > limits.query_chars:
        raise NewsearchError(f"query too long: at most {limits.query_chars} characters")
    collapse = params.get("collapse", "true").lower()
    return page.SearchForm(
        q=q,
        view=choice("view", "articles", ("articles", "quotes")),
        limit=number("limit", 10, 1, limits.limit, ""),
        offset=number("offset", 0, 0, limits.offset, " (page too deep: narrow the query instead)"),
        mode=choice("mode", "auto", ("auto", "any", "all")),
        collapse=collapse not in FALSE,
        since=params.get("since") or None,
        until=params.get("until") or None,
        sources=tuple(s for s in params.getlist("source") if s),
        sort=choice("sort", "relevance", tuple(api.SORTS)),
        speaker=(params.get("speaker") or "").strip()[:200] or None,
    )


def add_page(app: FastAPI, limits: Limits) -> None:
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR, check_dir=False), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def search_page(request: Request):
        try:
            form = form_from(request, limits)
        except NewsearchError as bad:
            return HTMLResponse(page.search_page(page.SearchForm(), None, error=str(bad)), status_code=400)
        if form.view == "quotes" and (form.q or form.speaker):
            work = lambda ix: (None, ix.quotes(form.q or None, speaker=form.speaker, limit=form.limit))  # noqa: E731
        elif form.view == "articles" and form.q:
            work = lambda ix: (search_for(ix, form), ())  # noqa: E731
        else:
            return HTMLResponse(page.search_page(form, None))
        try:
            results, quotes = await request.app.state.run(work)
        except ArticleNotFound:
            raise
        except NewsearchError as bad:  # a bad query: the page again, with the message under the box
            return HTMLResponse(page.search_page(form, None, error=str(bad)), status_code=400)
        return HTMLResponse(page.search_page(form, results, quotes))

    @app.get("/stories/{id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(request: Request, id: str):
        return HTMLResponse(page.story_page(await request.app.state.run(lambda ix: ix.story_changes(id))))

    @app.get("/articles/{id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(request: Request, id: str):
        q = (request.query_params.get("q") or "").strip()[: limits.query_chars] or None
        try:
            article = await request.app.state.run(lambda ix: ix.article(id, q))
        except ArticleNotFound:
            raise
        except NewsearchError:  # a query that cannot be read still shows the article, unmarked
            article = await request.app.state.run(lambda ix: ix.article(id))
        return HTMLResponse(page.article_page(article, q))


def search_for(ix: api.Index, form: page.SearchForm):
    return ix.search(
        form.q,
        limit=form.limit,
        offset=form.offset,
        mode=form.mode,  # type: ignore[arg-type]
        collapse=form.collapse,
        facets=FACET_VALUES,
        since=form.since,
        until=form.until,
        sources=form.sources,
        sort=form.sort,  # type: ignore[arg-type]
        timeline=True,
    )


# --------------------------------------------------------------------------- running it


def run_server(app: FastAPI, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve ``app`` with uvicorn until Ctrl-C or SIGTERM."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, http=json_errors_protocol())


MALFORMED = b'{"error":"malformed HTTP request"}'


def json_errors_protocol() -> type:
    """uvicorn's HTTP/1.1 protocol (h11), answering a request it cannot parse (a request line
    over h11's limit, bytes that are not HTTP) with our error JSON instead of its plain text: the
    only answer a client of this server ever gets for an error is ``{"error": "…"}``."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class JsonErrorsProtocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(MALFORMED)).encode()), (b"connection", b"close")]
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=MALFORMED), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event))
            self.transport.close()

    return JsonErrorsProtocol
