"""Write benchmark figures into docs/BENCHMARKS.md, one marked section per benchmark.

Each benchmark owns the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->``;
re-running it replaces only its own section, stamped with machine, date and commit.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
SHARED = Path(os.environ.get("NEWSEARCH_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"


def use_shared_nltk_data() -> None:
    """Point newsearch at ``../shared/nltk_data`` (unless ``NEWSEARCH_NLTK_DATA`` is set), so
    benchmarks that index with NLP run the full pipeline, as after ``newsearch setup``."""
    nltk_data = SHARED / "nltk_data"
    if nltk_data.is_dir():
        os.environ.setdefault("NEWSEARCH_NLTK_DATA", str(nltk_data))


def machine() -> str:
    """One line describing where and when the figures were measured."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Measured {when} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, commit `{commit or 'uncommitted'}`."
    )


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section ``name`` of docs/BENCHMARKS.md."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    section = f"{begin}\n## {title}\n\n{machine()}\n\n{body.strip()}\n{end}"
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(text)


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    """A GitHub-flavoured markdown table; floats get 3 decimals."""

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
