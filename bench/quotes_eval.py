"""Direct-quote attribution on PolNeAR: our extractor against a simple baseline.

Run ``uv run python -m bench.quotes_eval`` (dev split, with train figures alongside so that
the generalisation gap shows; writes docs/BENCHMARKS.md), or
``--split train`` to look at the split we tune on, or ``--limit N`` for a smoke run on the
first N articles (a smoke run, a train run or ``--no-throughput`` only prints). Every row
says which split it is: *train (tuning)*, the articles the rules were tuned on, or *dev
(held out)*, only ever measured.

**Gold direct quotes.** PolNeAR annotates attributions (Source, Cue, Content), direct or
not, and often splits one quotation into one Content fragment per sentence. For each
attribution (one annotator per article: the first listed in metadata.tsv) we

1. merge its Content/Content2 fragments that are separated only by spaces within a
   paragraph, then split the result at paragraph breaks;
2. keep every piece that holds a double quotation mark (one just outside the annotated
   span counts): a direct attribution, whole or partial;
3. call it *full* when it is one whole quotation of three words or more — it starts with
   an opening mark (or one sits just before it), and it ends with a closing mark,
   optionally followed by ``.,;:!?`` (or one sits just after it), or it runs to the end of
   a paragraph whose successor opens with a quotation mark (the multi-paragraph
   convention) — and *partial* otherwise (quoted words inside the writer's sentence:
   ``said the turnout was "truly remarkable"``, or a quotation under three words).

Its *quoted stretches* are the texts between its quotation marks (for a full quote, the
whole piece). Our quotes, partial ones included, are split at paragraph breaks the same way.

**Matching** (the issue's rule). A predicted quote matches a gold quote when it equals one
quoted stretch of the gold content, or the token-set Jaccard of the two is at least 0.5, or
one is a contiguous part of the other with at least three tokens (spans compared after
stripping white space, quotation marks and ``.,;:!?…`` from both ends). Recall (full and
partial apart) counts gold quotes matched by some prediction; precision counts predicted
quotes that match some gold quote.

**Speaker matching.** A predicted speaker is right when the last word of its name occurs in
the gold Source text (so "John Kerry" matches "Secretary of State Kerry", "Senate minority
leader" matches "the Senate minority leader"). When the gold Source is a third-person
pronoun, it stands for the nearest preceding gold Source of the article that contains a
capitalised word other than an opening determiner (so "The actress", capitalised only where
a sentence starts, names nobody; "the Florida senator" does), and the prediction is compared
with that. ``None`` is right only when the
gold attribution has no source or a first/second-person one (the writer, "I"/"we"/"you").
Speaker accuracy is over matched gold quotes, each judged by the prediction that overlaps it
most; end to end is (matched with the right speaker) / gold quotes with a named source (one
that is not missing and not first or second person).

**Baseline** (as in the issue): text of three words or more between double quotation marks
within a paragraph;
the speaker is the capitalised word run or he/she nearest to a "said"/"says" within 80
characters after the closing mark (else before the opening mark); he/she → the last name.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bench.report import CORPORA, markdown_table, use_shared_nltk_data, write_section
from newsearch.models import Quote
from newsearch.nlp.quotes import extract_quotes

POLNEAR = CORPORA / "polnear"
BBC = CORPORA / "bbc"

OPEN_MARK = re.compile(r"``|''|[\"“„«]")
OPEN_MARK_AT_END = re.compile(r"(?:``|''|[\"“„«])$")
CLOSE_MARK = re.compile(r"''|[\"”»]")
CLOSE_MARK_AT_END = re.compile(r"(?:''|[\"”»])$")
EDGE = " \t\n\u00a0\"“”„«»'‘’`.,;:!?…"
THIRD_PERSON = frozenset({"he", "she", "they", "him", "her", "them", "it", "who"})
FIRST_SECOND_PERSON = frozenset({"i", "we", "me", "us", "you", "my", "our"})
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
QUOTE_MARK = re.compile(r"``|''|[\"“”„«»]")
TOKEN = re.compile(r"\w+(?:['’]\w+)*")
# A source names someone when a word other than an opening determiner is capitalised: "The
# actress" opens a sentence, "the Florida senator" and "Sen. Smith" name someone.
_LEADING_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those|another|some|one)\s+", re.IGNORECASE)
_NAMED = re.compile(r"\b[A-Z]")


# --------------------------------------------------------------------------- PolNeAR


@dataclass(frozen=True, slots=True)
class Attribution:
    """One PolNeAR attribution: its content fragments and its source (text and offset)."""

    contents: tuple[tuple[int, int], ...]
    source: str | None
    source_start: int


@dataclass(frozen=True, slots=True)
class Document:
    """A PolNeAR article: full text, where the body starts, and its attributions."""

    name: str
    text: str
    body_start: int
    attributions: tuple[Attribution, ...]


@dataclass(frozen=True, slots=True)
class Unit:
    """A scored quote span (absolute offsets in the article text) and its speaker."""

    start: int
    end: int
    speakers: tuple[str | None, ...]  # gold: every acceptable source text; ours: one name
    stretches: tuple[tuple[int, int], ...] = ()  # gold: the quoted stretches of the content
    partial: bool = False  # gold: not a whole quotation of three words or more


def first_annotators() -> dict[str, tuple[str, str]]:
    """Article name → (split, annotator) with the first annotator listed in metadata.tsv."""
    with open(POLNEAR / "metadata.tsv", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["filename"]: (row["compartment"], row["annotators"].split("|")[0]) for row in rows}


def parse_ann(text: str, ann: str) -> tuple[Attribution, ...]:
    """Attributions of one BRAT file, by line prefix; span text comes from the offsets."""
    spans: dict[str, list[tuple[int, int]]] = {}
    links: list[dict[str, str]] = []
    for line in ann.split("\n"):
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            _type, _, offsets = fields[1].partition(" ")
            spans[fields[0]] = [tuple(map(int, part.split())) for part in offsets.split(";")]
        elif line.startswith("E") and len(fields) >= 2:
            links.append(dict(part.split(":", 1) for part in fields[1].split()))
    attributions = []
    for link in links:
        contents = [frag for key in ("Content", "Content2") if key in link for frag in spans[link[key]]]
        source = spans.get(link.get("Source", ""))
        attributions.append(
            Attribution(
                tuple(sorted(contents)),
                " ".join(text[s:e] for s, e in source) if source else None,
                source[0][0] if source else -1,
            )
        )
    return tuple(attributions)


def load_polnear(split: str, limit: int | None) -> list[Document]:
    """The articles of ``split`` in file-name order, with one annotator's attributions."""
    documents = []
    for name, (compartment, annotator) in sorted(first_annotators().items()):
        if compartment != split:
            continue
        text = (POLNEAR / split / "text" / f"{name}.txt").read_text(encoding="utf-8")
        ann = (POLNEAR / split / "attributions" / f"{name}_{annotator}.ann").read_text(encoding="utf-8")
        body_start = text.find("\n") + 1 if "\n" in text else len(text)
        documents.append(Document(name, text, body_start, parse_ann(text, ann)))
        if limit is not None and len(documents) >= limit:
            break
    return documents


# --------------------------------------------------------------------------- gold quotes


def paragraph_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at paragraph breaks."""
    pieces, position = [], start
    for match in PARAGRAPH_BREAK.finditer(text, start, end):
        pieces.append((position, match.start()))
        position = match.end()
    pieces.append((position, end))
    return pieces


def merged_fragments(text: str, fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments joined across plain spaces (one quote split per sentence becomes one)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(fragments):
        if merged and start >= merged[-1][0]:
            gap = text[merged[-1][1] : start]
            if (not gap.strip() and "\n\n" not in gap) or start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                continue
        merged.append((start, end))
    return [piece for s, e in merged for piece in paragraph_pieces(text, s, e)]


def strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past white space, quotation marks and end punctuation."""
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return start, end


def is_enclosed(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is a whole quotation (see the module docstring)."""
    piece = text[start:end].strip()
    if not piece:
        return False
    before, after = text[:start].rstrip(), text[end:]
    opens = bool(OPEN_MARK.match(piece) or OPEN_MARK_AT_END.search(before))
    closes = bool(
        CLOSE_MARK_AT_END.search(piece.rstrip(".,;:!? ")) or CLOSE_MARK.match(after.lstrip(" "))
    )
    continued = (not after.strip(" ") or after.startswith("\n")) and bool(OPEN_MARK.match(after.lstrip()))
    return opens and (closes or continued)


def gold_units(document: Document) -> list[Unit]:
    """The gold direct quotes of one article, one unit per paragraph piece of a content that
    holds a quotation mark; a piece is ``partial`` unless it is a whole quotation of three
    words or more."""
    by_span: dict[tuple[int, int], Unit] = {}
    sources = sorted((a.source_start, a.source) for a in document.attributions if a.source)
    text = document.text
    for attribution in document.attributions:
        for start, end in merged_fragments(text, attribution.contents):
            stretches = quoted_stretches(text, start, end)
            if not stretches:
                continue
            span = strip_edges(text, start, end)
            if span[1] <= span[0]:
                continue
            full = is_enclosed(text, start, end) and len(text[span[0] : span[1]].split()) >= 3
            if full:
                stretches = (span,)
            speaker = resolve_gold_source(attribution, sources)
            known = by_span.get(span)
            speakers = (known.speakers if known else ()) + (speaker,)
            by_span[span] = Unit(span[0], span[1], speakers, stretches, not full)
    return [by_span[span] for span in sorted(by_span)]


def quoted_stretches(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The stretches of ``text[start:end]`` between double quotation marks (a mark just outside
    the piece counts; a stretch left open runs to the piece's end), edges stripped; empty when
    the piece holds no quotation mark."""
    low, high = start, end
    while low > 0 and text[low - 1] in " \t" and start - low < 2:
        low -= 1
    if low > 0 and text[low - 1] in "\"“„«`'":
        low -= 1
    while high < len(text) and text[high] in ".,;:!?" and high - end < 2:
        high += 1
    if high < len(text) and text[high] in "\"”»'":
        high += 1
    piece = text[low:high]
    marks = [m for m in QUOTE_MARK.finditer(piece)]
    if not marks:
        return ()
    stretches = []
    if marks[0].group() in "”»":  # the piece starts inside a quotation
        stretches.append(strip_edges(text, start, low + marks[0].start()))
        marks = marks[1:]
    for opening, closing in zip(marks[::2], marks[1::2] + [None]):
        s = low + opening.end()
        e = low + closing.start() if closing is not None else end
        s, e = strip_edges(text, s, e)
        if e > s:
            stretches.append((s, e))
    return tuple(stretch for stretch in stretches if stretch[1] > stretch[0])


def resolve_gold_source(attribution: Attribution, sources: list[tuple[int, str]]) -> str | None:
    """The gold source text, with third-person pronouns replaced by the last named source."""
    source = attribution.source
    if source is None or source.strip().lower() in FIRST_SECOND_PERSON:
        return None
    if source.strip().lower() not in THIRD_PERSON:
        return source
    named = [
        text
        for start, text in sources
        if start < attribution.source_start
        and text.strip().lower() not in THIRD_PERSON | FIRST_SECOND_PERSON
        and _NAMED.search(_LEADING_DETERMINER.sub("", text.strip()))
    ]
    return named[-1] if named else source


# --------------------------------------------------------------------------- predictions


def predicted_units(document: Document, extract: Callable[[str], Iterable[Quote]]) -> list[Unit]:
    """Every quote of ``extract`` on the body, split at paragraphs, in text offsets."""
    units = []
    for quote in extract(document.text[document.body_start :]):
        start, end = quote.start + document.body_start, quote.end + document.body_start
        for piece in paragraph_pieces(document.text, start, end):
            span = strip_edges(document.text, *piece)
            if span[1] > span[0]:
                units.append(Unit(span[0], span[1], (quote.speaker,), partial=quote.partial))
    return units


_BASELINE_QUOTE = re.compile(r"(?:''|[\"“])((?:(?!'')[^\"“”\n])+)(?:''|[\"”])")
_BASELINE_CUE = re.compile(r"\b(?:said|says)\b")
_BASELINE_NAME = re.compile(r"\b(?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+)*|\b(?:he|she|He|She)\b")


def baseline_extract(body: str) -> list[Quote]:
    """The issue's baseline: quoted text, nearest name to a nearby "said", he/she → last name."""
    quotes, last_name = [], None
    for match in _BASELINE_QUOTE.finditer(body):
        text = match.group(1)
        if len(text.split()) < 3:
            continue
        speaker = None
        windows = (body[match.end() : match.end() + 80], body[max(0, match.start() - 80) : match.start()])
        for window in windows:
            cue = _BASELINE_CUE.search(window)
            if cue is None:
                continue
            names = list(_BASELINE_NAME.finditer(window))
            if names:
                nearest = min(names, key=lambda n: min(abs(n.start() - cue.end()), abs(n.end() - cue.start())))
                speaker = nearest.group()
                break
        if speaker is not None and speaker.lower() in {"he", "she"}:
            speaker = last_name
        elif speaker is not None:
            last_name = speaker
        quotes.append(Quote(text, match.start(1), match.end(1), speaker))
    return quotes


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts for one system over a set of articles."""

    gold_full: int
    gold_partial: int
    found_full: int
    found_partial: int
    predicted: int
    predicted_right: int
    speaker_right: int  # matched gold quotes whose best prediction has the right speaker
    named: int  # gold quotes with a named source
    named_right: int  # … matched, with the right speaker

    def row(self, name: str, split: str) -> list[object]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 0.0

        found = self.found_full + self.found_partial
        return [
            name,
            split,
            ratio(self.found_full, self.gold_full),
            ratio(self.found_partial, self.gold_partial),
            ratio(found, self.gold_full + self.gold_partial),
            ratio(self.predicted_right, self.predicted),
            ratio(self.speaker_right, found),
            ratio(self.named_right, self.named),
        ]


HEADER = [
    "system", "split", "R full", "R partial", "R all", "P (all predicted)",
    "speaker acc. (matched)", "end to end",
]


def tokens(text: str) -> list[str]:
    return [token.lower().replace("’", "'") for token in TOKEN.findall(text)]


def matches(text: str, gold: Unit, predicted: Unit) -> bool:
    """The issue's rule: equal to one quoted stretch of the gold content, or token-set
    Jaccard ≥ 0.5 with the content, or one a contiguous part of the other of ≥ 3 tokens."""
    if (predicted.start, predicted.end) in gold.stretches:
        return True
    if min(gold.end, predicted.end) <= max(gold.start, predicted.start):
        return False
    g, p = tokens(text[gold.start : gold.end]), tokens(text[predicted.start : predicted.end])
    gs, ps = set(g), set(p)
    if gs and ps and len(gs & ps) * 2 >= len(gs | ps):
        return True
    if gold.start <= predicted.start and predicted.end <= gold.end and len(p) >= 3:
        return True
    return predicted.start <= gold.start and gold.end <= predicted.end and len(g) >= 3


def overlap(a: Unit, b: Unit) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def score(documents: list[Document], extract: Callable[[str], Iterable[Quote]]) -> Scores:
    """Score ``extract`` over ``documents`` (see the module docstring)."""
    counts = dict.fromkeys(
        ("gold_full", "gold_partial", "found_full", "found_partial", "predicted",
         "predicted_right", "speaker_right", "named", "named_right"), 0)
    for document in documents:
        gold, predicted = gold_units(document), predicted_units(document, extract)
        counts["predicted"] += len(predicted)
        right: set[int] = set()
        for g in gold:
            kind = "partial" if g.partial else "full"
            counts[f"gold_{kind}"] += 1
            named = any(s is not None for s in g.speakers)
            counts["named"] += named
            hits = [(i, p) for i, p in enumerate(predicted) if matches(document.text, g, p)]
            right.update(i for i, _ in hits)
            if not hits:
                continue
            counts[f"found_{kind}"] += 1
            best = max(hits, key=lambda hit: (overlap(g, hit[1]), -hit[0]))[1]
            said = any(speaker_matches(best.speakers[0], s) for s in g.speakers)
            counts["speaker_right"] += said
            counts["named_right"] += said and named
        counts["predicted_right"] += len(right)
    return Scores(**counts)


_NAME_WORD = re.compile(r"[\w-]+(?:['’][\w-]+)*")


def speaker_matches(predicted: str | None, gold: str | None) -> bool:
    """See the module docstring: last word of our name inside the gold source text.

    Words keep an inner apostrophe on both sides, so "O’Connor" matches "Larry O’Connor".
    """
    if predicted is None or gold is None:
        return predicted is None and gold is None
    last = re.sub(r"[’']s$", "", predicted.split()[-1]).lower().replace("’", "'")
    words = _NAME_WORD.findall(re.sub(r"[’']s\b", "", gold.lower()).replace("’", "'"))
    return last in words


def throughput(limit: int | None, repeats: int = 3) -> tuple[int, float]:
    """Articles per second of ``extract_quotes`` over the BBC corpus on one core.

    The best of ``repeats`` passes, so that other work on the machine counts less.
    """
    bodies = []
    for path in sorted(BBC.glob("*/*.txt"))[:limit]:
        text = path.read_bytes().decode("utf-8", errors="replace")
        bodies.append(text.split("\n", 1)[1] if "\n" in text else "")
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for body in bodies:
            extract_quotes(body)
        best = min(best, time.perf_counter() - started)
    return len(bodies), len(bodies) / best if best else 0.0


SPLIT_LABELS = {"train": "train (tuning)", "dev": "dev (held out)"}
# The extractor before partial quotes got speakers (#17), scored the same way at commit 0e211a8:
# it found the partial quotes but attached no speaker to them, and kept scare quotes.
BEFORE = (
    "Before #17 (commit `0e211a8`, same scoring): dev (held out) R full 0.998, R partial 0.980, "
    "P 0.910, speaker accuracy 0.595, end to end 0.587; train (tuning) 0.998, 0.987, 0.913, "
    "0.685, 0.677 — partial quotes were found but given no speaker. After the sixth session "
    "(commit `11776bd`): dev (held out) 0.995, 0.866, P 0.954, speaker accuracy 0.842, end to end "
    "0.811; train (tuning) 0.991, 0.838, 0.959, 0.888, 0.849."
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--no-throughput", action="store_true", help="skip the BBC speed pass")
    args = parser.parse_args(argv)
    use_shared_nltk_data()

    documents = load_polnear(args.split, args.limit)
    ours, baseline = score(documents, extract_quotes), score(documents, baseline_extract)
    label = SPLIT_LABELS[args.split]
    rows = [ours.row("newsearch", label), baseline.row("baseline", label)]
    train_note = ""
    if args.split == "dev" and args.limit is None:
        train = load_polnear("train", None)
        rows.append(score(train, extract_quotes).row("newsearch", SPLIT_LABELS["train"]))
        rows.append(score(train, baseline_extract).row("baseline", SPLIT_LABELS["train"]))
        train_note = (
            f" Rows labelled *train (tuning)* are the {len(train)} train articles the rules were "
            "tuned on; *dev (held out)* rows were only measured, never tuned on: its errors were "
            "never looked at (its output was diffed once in the sixth session, to check that moving "
            "the word lists to `nlp/lexicon.py` changed only what it should; in the seventh, its "
            "figures alone were read five times, this run included, to check general rule changes "
            "made on train)."
        )
    speed = ""
    if not args.no_throughput:
        articles, rate = throughput(args.limit)
        speed = (
            f"Throughput of `extract_quotes`: {rate:,.0f} articles/s on one core "
            f"({articles} BBC articles, best of three passes; 1-minute load average "
            f"{os.getloadavg()[0]:.1f} on the shared machine while measured).\n\n"
        )
    body = (
        f"PolNeAR {args.split}: {len(documents)} articles, {ours.gold_full + ours.gold_partial} gold "
        f"direct quotes ({ours.gold_full} full, {ours.gold_partial} partial; "
        f"{ours.named} with a named source); newsearch predicted {ours.predicted} quotes, "
        f"the baseline {baseline.predicted}.{train_note}\n\n{markdown_table(HEADER, rows)}\n\n"
        "Targets on dev (issue #17): R partial ≥ 0.80, P ≥ 0.90, speaker accuracy ≥ 0.85, "
        "end to end ≥ 0.75.\n\n"
        f"{BEFORE}\n\n"
        f"{speed}"
        "Definitions (gold quotes, full and partial, matching, speaker matching, baseline): "
        "see the docstring of `bench/quotes_eval.py`."
    )
    print(body)
    if args.split == "dev" and args.limit is None and not args.no_throughput:
        write_section("quotes", "Quote attribution (PolNeAR dev)", body)


if __name__ == "__main__":
    main()
