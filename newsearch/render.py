"""Show results: on a terminal (rich) and as JSON — both from the same offsets.

Formatting happens here and only here; the library hands over ``Passage`` objects whose
highlights are character offsets, and each formatter decides how a highlight looks.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.text import Text

from .models import (
    ArticleView,
    Bucket,
    FigureChange,
    Health,
    Hit,
    Passage,
    QuoteChange,
    QuoteHit,
    SearchResults,
    SentenceEdit,
    Span,
    StoryDiff,
    StoryGroup,
    Timeline,
    UpdateSummary,
    VersionChanges,
)

HIGHLIGHT_STYLE = "bold yellow"
BAR_STYLE = "cyan"
# A bar is whole blocks and then one of these for the remaining eighths (index = eighths), so
# two buckets whose counts differ by less than a character's worth still look different.
PARTIAL_BLOCKS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it, else as given."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


# --------------------------------------------------------------------------- terminal


def highlighted(text: str, spans: tuple[Span, ...], offset: int = 0, style: str = HIGHLIGHT_STYLE) -> Text:
    """``text`` (which starts at ``offset`` of its article) with ``spans`` styled."""
    rich_text = Text(text)
    for span in spans:
        rich_text.stylize(style, span.start - offset, span.end - offset)
    return rich_text


def passage_text(passage: Passage) -> Text:
    """One passage, newlines folded (same length, so the offsets still hold), matches marked."""
    return highlighted(passage.text.replace("\n", " "), passage.highlights, passage.start)


def print_wrapped(console: Console, text: Text, indent: int, hanging: int) -> None:
    """``text`` indented by ``indent`` spaces. On a terminal it is wrapped to the terminal's
    width at word boundaries, the lines after the first indented by ``hanging`` more (so a
    long passage reads as one block, not broken mid-word at the edge); to a pipe or a file it
    stays on one line, for grep and friends."""
    if not console.is_terminal:
        console.print(Text(" " * indent).append_text(text))
        return
    width = max(console.width - indent - hanging, 20)
    for number, line in enumerate(text.wrap(console, width)):
        line.rstrip()
        console.print(Text(" " * (indent if number == 0 else indent + hanging)).append_text(line), soft_wrap=True)


def print_results(results: SearchResults, console: Console) -> None:
    """Ranked hits: number, title (matches marked), path and score, the passages, the other
    versions of the story; then the facets, if any, and the count."""
    for rank, hit in enumerate(results.hits, start=1):
        console.print(_hit_heading(rank, hit))
        for passage in hit.passages:
            print_wrapped(console, passage_text(passage), indent=2, hanging=2)
        if hit.versions:
            plural = "s" if len(hit.versions) > 1 else ""
            console.print(Text(f"  {len(hit.versions)} other version{plural} of this story:", style="dim"))
            for version in hit.versions:
                console.print(Text(f"    {version.title}  ", style="dim").append_text(_origin(version.date, version.source)).append(
                    display_path(version.path), style="cyan"))
        console.print()
    for name, values in results.facets.items():
        listed = ", ".join(f"{v.value} ({v.count})" for v in values) or "none"
        console.print(Text(f"{name}: ", style="bold").append(listed))
    shown = len(results.hits)
    more = f" ({shown} shown: see --limit and --no-collapse)" if results.total > shown else ""
    if results.offset:
        more = f" (hits {results.offset + 1}-{results.offset + shown} shown)" if shown else f" (none after the first {results.offset})"
    console.print(Text(f"{results.total} matching article{'s' if results.total != 1 else ''}{more}", style="dim"))


def print_quotes(quotes: tuple[QuoteHit, ...], console: Console, explain: bool = False) -> None:
    """Each quote in quotation marks with its matches marked, then who said it and where."""
    for hit in quotes:
        quote = hit.quote
        text = highlighted(hit.span_text.replace("\n", " "), hit.highlights, quote.start)
        print_wrapped(console, Text("“").append_text(text).append("”"), indent=0, hanging=1)
        said = quote.speaker or "unattributed"
        how = f" ({quote.cue}{', via pronoun' if quote.speaker_source == 'pronoun' else ''})" if quote.cue else ""
        how += "  [partial: words quoted inside the writer's sentence]" if quote.partial else ""
        console.print(Text(f"  — {said}{how}", style="bold").append(f"  {hit.title}  ", style="dim").append_text(
            _origin(hit.date, hit.source)).append(display_path(hit.path), style="cyan"))
        if explain:
            console.print(Text(f"  why: {hit.why}", style="dim"))
        console.print()
    console.print(Text(f"{len(quotes)} quote{'s' if len(quotes) != 1 else ''}", style="dim"))


def print_stories(stories: list[StoryGroup], console: Console) -> None:
    """Each story: its id and size, its versions, and the similarity of each pair."""
    for story in stories:
        console.print(Text(f"{story.id}", style="bold").append(f"  {len(story.versions)} versions", style="dim"))
        for rank, version in enumerate(story.versions):
            first = Text("first published  ", style="green") if rank == 0 and version.date else Text()
            console.print(Text("  ").append_text(first).append(f"{version.title}  ").append_text(
                _origin(version.date, version.source)).append(display_path(version.path), style="cyan"))
        for pair in story.pairs:
            console.print(Text(f"    {pair.first} ~ {pair.second}: similarity {pair.similarity:.2f}", style="dim"))
        console.print()
    console.print(Text(f"{len(stories)} stor{'ies' if len(stories) != 1 else 'y'} with several versions", style="dim"))


ADDED_STYLE, DROPPED_STYLE, CHANGED_STYLE = "green", "red", "yellow"


def print_story_diff(diff: StoryDiff, console: Console) -> None:
    """A story's versions in order, then for each consecutive pair what changed: ``+`` (green)
    only in the later version, ``-`` (red) only in the earlier, ``~`` (yellow) altered, with the
    words cut and added marked inside an altered quote. Lines wrap to the terminal's width."""
    console.print(Text(f"story {diff.story}", style="bold").append(f"  {len(diff.versions)} versions, in date order", style="dim"), soft_wrap=False)
    for number, version in enumerate(diff.versions, start=1):
        console.print(Text(f"  {number}. {version.title}  ").append_text(_origin(version.date, version.source)).append(
            version.id, style="cyan"), soft_wrap=False)
    for changes in diff.changes:
        console.print()
        _print_changes(changes, console)


def _print_changes(changes: VersionChanges, console: Console) -> None:
    console.print(Text(f"{changes.before} → {changes.after}", style="bold"), soft_wrap=False)
    console.print(Text(f"  {changes.summary}", style="dim"), soft_wrap=False)
    if changes.headline:
        console.print(Text("  headline: ").append(changes.headline[0], style=DROPPED_STYLE).append(" → ").append(
            changes.headline[1], style=ADDED_STYLE), soft_wrap=False)
    sections: tuple[tuple[str, str, tuple], ...] = (
        ("quotes", "+", changes.quotes_added),
        ("quotes", "-", changes.quotes_dropped),
        ("quotes", "~", changes.quotes_altered),
        ("attribution", "~", changes.attribution_changed),
        ("figures", "+", changes.figures_added),
        ("figures", "-", changes.figures_dropped),
        ("figures", "~", changes.figures_changed),
        ("names", "+", changes.names_added),
        ("names", "-", changes.names_dropped),
        ("sentences", "+", changes.sentences_added),
        ("sentences", "-", changes.sentences_dropped),
        ("moved", "~", changes.sentences_moved),
        ("edited", "~", changes.sentences_edited),
        ("repeated", "~", changes.duplicates),
    )
    for name, sign, items in sections:
        style = {"+": ADDED_STYLE, "-": DROPPED_STYLE, "~": CHANGED_STYLE}[sign]
        for item in items:
            console.print(Text(f"  {sign} {name}: ", style=style).append_text(_change_text(name, item)), soft_wrap=False)


def _change_text(section: str, item: str | SentenceEdit | QuoteChange | FigureChange) -> Text:
    if isinstance(item, str):
        return Text(item)
    if isinstance(item, SentenceEdit):
        return _word_runs(item.words)
    if isinstance(item, FigureChange):
        text = Text(", ".join(item.figures), style="bold").append(f"  {item.context}")
        return text.append(f"  (was: {item.context_before})", style="dim") if item.context_before else text
    said = f" — {item.speaker or 'unattributed'}" + (f" ({item.cue})" if item.cue else "")
    if section == "attribution":
        before = f"{item.speaker_before or 'unattributed'} ({item.cue_before or 'no cue'})"
        return Text(f"“{_short(item.text)}”").append(said, style="bold").append(f"  was: {before}", style="dim")
    if item.words:
        return Text("“").append_text(_word_runs(item.words)).append("”").append(said, style="bold")
    return Text(f"“{item.text}”").append(said, style="bold")


def _word_runs(words: tuple[tuple[str, str], ...]) -> Text:
    """A word-level difference: cut words struck through in red, added ones underlined in green."""
    text = Text()
    for operation, run in words:
        text.append(run + " ", style={"=": "", "-": f"{DROPPED_STYLE} strike", "+": f"{ADDED_STYLE} underline"}[operation])
    return text


def _short(text: str, words: int = 12) -> str:
    cut = text.split()
    return " ".join(cut[:words]) + (" …" if len(cut) > words else "")


def _hit_heading(rank: int, hit: Hit) -> Text:
    title = highlighted(hit.title, hit.title_highlights)
    title.stylize("bold")
    heading = Text().append(f"{rank}. ", style="bold").append_text(title).append("  ")
    heading.append_text(_origin(hit.date, hit.source))
    heading.append(display_path(hit.path), style="cyan")
    if not hit.path.endswith(hit.id):  # a record of a dump: say which
        heading.append(f" {hit.id}", style="cyan")
    heading.append(f"  score {hit.score:.2f}", style="dim")
    return heading


def _origin(date: str | None, source: str | None) -> Text:
    """``1987-03-02  Reuters  `` (the day only; what is unknown is left out)."""
    return Text("".join(f"{part}  " for part in (date[:10] if date else None, source) if part), style="magenta")


def print_summary(summary: UpdateSummary, index: str, console: Console) -> None:
    """What an index run did, one line, then one line per skipped file."""
    console.print(summary_line(summary, index))
    for skipped in summary.skipped:
        console.print(Text(f"  skipped {skipped.path}: {skipped.reason}", style="yellow"))
    for warning in summary.warnings:
        console.print(Text(f"  warning {warning.path}: {warning.reason}", style="yellow"))
    for path in summary.fallback_decoded:
        console.print(Text(f"  {path}: not valid UTF-8, decoded as cp1252", style="dim"))
    for note in summary.notes:
        console.print(Text(f"  note: {note}", style="dim"))


def summary_line(summary: UpdateSummary, index: str) -> str:
    kind = "rebuilt" if summary.full_rebuild else "updated"
    return (
        f"{kind} {index}: {len(summary.added)} added, {len(summary.updated)} updated, "
        f"{len(summary.removed)} removed, {summary.unchanged} unchanged, "
        f"{len(summary.skipped)} skipped"
        + (f", {len(summary.warnings)} with warnings" if summary.warnings else "")
        + f" ({summary.seconds:.2f}s"
        + (f"; searchable after {summary.searchable_seconds:.2f}s, then {summary.embedded} embedded" if summary.embedded else "")
        + ")"
    )


def print_timeline(timeline: Timeline, console: Console) -> None:
    """A header (how many matches, by which bucket), then one row per bucket: its start on the
    left, a bar scaled so the biggest bucket fills what the console width leaves, the count;
    then how many matches are undated. One row a bucket keeps every label readable at any width
    (about 60 of them, more only by year) where columns would have to drop labels."""
    console.print(Text(_timeline_header(timeline), style="bold"))
    if not timeline.counts:
        return
    labels = [_bucket_label(c.start, timeline.bucket) for c in timeline.counts]
    top = max(c.count for c in timeline.counts)
    label_width = max(len(label) for label in labels)
    bar_width = max(1, console.width - label_width - len(f"{top:,}") - 2)
    for label, bucket in zip(labels, timeline.counts):
        row = Text(f"{label:<{label_width}} ").append(_bar(bucket.count, top, bar_width), style=BAR_STYLE)
        console.print(row.append(f" {bucket.count:,}", style="dim" if bucket.count == 0 else ""), no_wrap=True)
    if timeline.undated:
        console.print(Text(f"{timeline.undated:,} undated, not in the chart", style="dim"))


def _timeline_header(timeline: Timeline) -> str:
    total = sum(c.count for c in timeline.counts) + timeline.undated
    matches = f"{total:,} match{'es' if total != 1 else ''}"
    if not timeline.counts:
        return f"{matches}, none dated" if total else "no matches"
    return f"{matches} by {timeline.bucket}" + (" (Mon-Sun)" if timeline.bucket == "week" else "")


def _bucket_label(start: str, bucket: Bucket) -> str:
    """A month as ``1987-03`` and a year as ``1987``: the day would only repeat ``-01``."""
    return start[:4] if bucket == "year" else start[:7] if bucket == "month" else start


def _bar(count: int, top: int, width: int) -> str:
    """``count`` as a bar of eighths of a character, ``width`` characters for ``top``; any
    non-zero count shows at least a sliver, so a lone match is not mistaken for none."""
    eighths = round(count * width * 8 / top)
    if count:
        eighths = max(1, eighths)
    return "█" * (eighths // 8) + PARTIAL_BLOCKS[eighths % 8]


# --------------------------------------------------------------------------- JSON


def results_json(results: SearchResults) -> dict[str, Any]:
    """The documented ``--json`` document (see README, "JSON output")."""
    document: dict[str, Any] = {
        "query": results.query,
        "total": results.total,
        "offset": results.offset,
        "ranking": results.ranking,
        "hits": [hit_json(hit) for hit in results.hits],
    }
    if results.facets:
        document["facets"] = {name: [asdict(v) for v in values] for name, values in results.facets.items()}
    if results.suggestion:
        document["suggestion"] = results.suggestion
    if results.timeline is not None:
        document["timeline"] = timeline_json(results.timeline)
    return document


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "path": hit.path,
        "title": hit.title,
        "score": hit.score,
        "title_highlights": [[s.start, s.end] for s in hit.title_highlights],
        "passages": [passage_json(p) for p in hit.passages],
        "story": hit.story,
        "versions": [asdict(v) for v in hit.versions],
        "quotes": [asdict(q) for q in hit.quotes],
        "entities": [asdict(e) for e in hit.entities],
        **archive_json(hit),
    }


def archive_json(article: Hit | ArticleView) -> dict[str, Any]:
    """What the archive says about an article: ``date``, ``source``, ``author``, ``url`` (null
    when unknown) and ``metadata`` (lists as lists)."""
    return {
        "date": article.date,
        "source": article.source,
        "author": article.author,
        "url": article.url,
        "metadata": {name: list(value) if isinstance(value, tuple) else value for name, value in article.metadata},
    }


def quote_json(hit: QuoteHit) -> dict[str, Any]:
    return {
        **asdict(hit.quote),
        "article_id": hit.article_id,
        "path": hit.path,
        "title": hit.title,
        "score": hit.score,
        "highlights": [[s.start, s.end] for s in hit.highlights],
        "why": hit.why,
        "date": hit.date,
        "source": hit.source,
    }


def quotes_json(query: str | None, speaker: str | None, quotes: tuple[QuoteHit, ...]) -> dict[str, Any]:
    """The documented ``quotes --json`` document."""
    return {"query": query, "speaker": speaker, "quotes": [quote_json(q) for q in quotes]}


def stories_json(stories: list[StoryGroup]) -> dict[str, Any]:
    """The documented ``stories --json`` document."""
    return {"stories": [story_json(s) for s in stories]}


def article_json(article: ArticleView) -> dict[str, Any]:
    """One article (``Index.article``): its whole text, highlights as ``[start, end]`` offsets
    into ``body`` (``title_highlights`` into ``title``), and the rest as in a hit."""
    return {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "body": article.body,
        "highlights": [[s.start, s.end] for s in article.highlights],
        "title_highlights": [[s.start, s.end] for s in article.title_highlights],
        **archive_json(article),
        "quotes": [asdict(q) for q in article.quotes],
        "entities": [asdict(e) for e in article.entities],
        "story": article.story,
        "versions": [asdict(v) for v in article.versions],
    }


def story_diff_json(diff: StoryDiff) -> dict[str, Any]:
    """The documented ``story --json`` document (see README, "What changed")."""
    return {
        "story": diff.story,
        "versions": [asdict(v) for v in diff.versions],
        "changes": [_changes_json(c) for c in diff.changes],
    }


def _changes_json(changes: VersionChanges) -> dict[str, Any]:
    def quotes(items: tuple[QuoteChange, ...]) -> list[dict[str, Any]]:
        return [{k: [list(w) for w in v] if k == "words" else v for k, v in asdict(q).items()} for q in items]

    def figures(items: tuple[FigureChange, ...]) -> list[dict[str, Any]]:
        return [{"figures": list(f.figures), "context": f.context, "context_before": f.context_before} for f in items]

    return {
        "from": changes.before,
        "to": changes.after,
        "headline": {"from": changes.headline[0], "to": changes.headline[1]} if changes.headline else None,
        "quotes": {
            "added": quotes(changes.quotes_added),
            "dropped": quotes(changes.quotes_dropped),
            "altered": quotes(changes.quotes_altered),
            "attribution_changed": quotes(changes.attribution_changed),
        },
        "figures": {
            "added": figures(changes.figures_added),
            "dropped": figures(changes.figures_dropped),
            "changed": figures(changes.figures_changed),
        },
        "names": {"added": list(changes.names_added), "dropped": list(changes.names_dropped)},
        "sentences": {
            "added": list(changes.sentences_added),
            "dropped": list(changes.sentences_dropped),
            "moved": list(changes.sentences_moved),
            "edited": [{"from": e.before, "to": e.after, "words": [list(w) for w in e.words]} for e in changes.sentences_edited],
        },
        "duplicates": list(changes.duplicates),
        "summary": changes.summary,
    }


def health_json(health: Health) -> dict[str, Any]:
    return asdict(health)


def story_json(story: StoryGroup) -> dict[str, Any]:
    return {
        "id": story.id,
        "versions": [asdict(v) for v in story.versions],
        "pairs": [asdict(p) for p in story.pairs],
    }


def timeline_json(timeline: Timeline) -> dict[str, Any]:
    return {
        "bucket": timeline.bucket,
        "counts": [{"start": c.start, "count": c.count} for c in timeline.counts],
        "undated": timeline.undated,
    }


def passage_json(passage: Passage) -> dict[str, Any]:
    return {
        "text": passage.text,
        "start": passage.start,
        "end": passage.end,
        "highlights": [[s.start, s.end] for s in passage.highlights],
    }


def summary_json(summary: UpdateSummary) -> dict[str, Any]:
    return {
        "added": list(summary.added),
        "updated": list(summary.updated),
        "removed": list(summary.removed),
        "unchanged": summary.unchanged,
        "skipped": [{"path": s.path, "reason": s.reason} for s in summary.skipped],
        "warnings": [{"path": w.path, "reason": w.reason} for w in summary.warnings],
        "fallback_decoded": list(summary.fallback_decoded),
        "full_rebuild": summary.full_rebuild,
        "seconds": round(summary.seconds, 3),
        "searchable_seconds": round(summary.searchable_seconds, 3),
        "embedded": summary.embedded,
        "notes": list(summary.notes),
    }
