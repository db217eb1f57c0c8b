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

from .models import Hit, Passage, SearchResults, Span, UpdateSummary

HIGHLIGHT_STYLE = "bold yellow"


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
    """One passage, indented, newlines folded (same length, so the offsets still hold)."""
    line = highlighted(passage.text.replace("\n", " "), passage.highlights, passage.start)
    return Text("  ").append_text(line)


def print_results(results: SearchResults, console: Console) -> None:
    """Ranked hits: number, title (matches marked), path and score, then the passages."""
    for rank, hit in enumerate(results.hits, start=1):
        console.print(_hit_heading(rank, hit))
        for passage in hit.passages:
            console.print(passage_text(passage))
        console.print()
    shown = len(results.hits)
    more = f" (showing {shown})" if results.total > shown else ""
    console.print(Text(f"{results.total} matching article{'s' if results.total != 1 else ''}{more}", style="dim"))


def _hit_heading(rank: int, hit: Hit) -> Text:
    heading = Text(f"{rank}. ", style="bold")
    heading.append_text(highlighted(hit.title, hit.title_highlights))
    heading.stylize("bold", len(f"{rank}. "))
    heading.append(f"  {display_path(hit.path)}", style="cyan")
    heading.append(f"  score {hit.score:.2f}", style="dim")
    return heading


def print_summary(summary: UpdateSummary, index: str, console: Console) -> None:
    """What an index run did, one line, then one line per skipped file."""
    console.print(summary_line(summary, index))
    for skipped in summary.skipped:
        console.print(Text(f"  skipped {skipped.path}: {skipped.reason}", style="yellow"))
    for path in summary.fallback_decoded:
        console.print(Text(f"  {path}: not valid UTF-8, decoded as cp1252", style="dim"))
    for note in summary.notes:
        console.print(Text(f"  note: {note}", style="dim"))


def summary_line(summary: UpdateSummary, index: str) -> str:
    kind = "rebuilt" if summary.full_rebuild else "updated"
    return (
        f"{kind} {index}: {len(summary.added)} added, {len(summary.updated)} updated, "
        f"{len(summary.removed)} removed, {summary.unchanged} unchanged, "
        f"{len(summary.skipped)} skipped ({summary.seconds:.2f}s)"
    )


# --------------------------------------------------------------------------- JSON


def results_json(results: SearchResults) -> dict[str, Any]:
    """The documented ``--json`` document (see README, "JSON output")."""
    return {
        "query": results.query,
        "total": results.total,
        "hits": [hit_json(hit) for hit in results.hits],
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "path": hit.path,
        "title": hit.title,
        "score": hit.score,
        "title_highlights": [[s.start, s.end] for s in hit.title_highlights],
        "passages": [passage_json(p) for p in hit.passages],
        "quotes": [asdict(q) for q in hit.quotes],
        "entities": [asdict(e) for e in hit.entities],
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
        "fallback_decoded": list(summary.fallback_decoded),
        "full_rebuild": summary.full_rebuild,
        "seconds": round(summary.seconds, 3),
        "notes": list(summary.notes),
    }
