"""Direct-quote attribution on PolNeAR: our extractor against a simple baseline.

Run ``uv run python -m bench.quotes_eval`` (dev split, with train figures alongside so that
the generalisation gap shows; writes docs/BENCHMARKS.md), or
``--split train`` to look at the split we tune on, or ``--limit N`` for a smoke run on the
first N articles (a smoke run or a train run only prints; it does not write figures).

**Gold direct quotes.** PolNeAR annotates attributions (Source, Cue, Content), direct or
not, and often splits one quotation into one Content fragment per sentence. For each
attribution (one annotator per article: the first listed in metadata.tsv) we

1. merge its Content/Content2 fragments that are separated only by spaces within a
   paragraph, then split the result at paragraph breaks;
2. keep a piece when it is enclosed in double quotation marks: it starts with an opening
   mark (or one sits just before it), and it ends with a closing mark, optionally followed
   by ``.,;:!?`` (or one sits just after it), or it runs to the end of a paragraph whose
   successor opens with a quotation mark (the multi-paragraph convention);
3. drop pieces of fewer than three words, as the extractor marks those ``partial``.

Our quotes are split at paragraph breaks the same way, so a quote over two paragraphs counts
as two units on both sides; partial quotes are not scored. ``partial`` covers quotes of fewer
than three words and fragments quoted inside the writer's sentence (``called it "an absolute
disgrace"``), which PolNeAR mostly does not annotate as direct quotes; the few it does are
then missed, which costs recall.

**Span matching** is one-to-one. *Strict*: equal spans after stripping white space,
quotation marks and ``.,;:!?…`` from both ends. *Lenient*: the overlap covers at least half
of the longer span (greedy, largest overlap first).

**Speaker matching.** A predicted speaker is right when the last word of its name occurs in
the gold Source text (so "John Kerry" matches "Secretary of State Kerry", "Senate minority
leader" matches "the Senate minority leader"). When the gold Source is a third-person
pronoun, it stands for the nearest preceding gold Source of the article that contains a
capitalised word, and the prediction is compared with that. ``None`` is right only when the
gold attribution has no source or a first/second-person one (the writer, "I"/"we"/"you").
Speaker accuracy is over leniently matched quotes; end to end is (lenient match and right
speaker) / gold quotes.

**Baseline** (as in the issue): text between double quotation marks within a paragraph;
the speaker is the capitalised word run or he/she nearest to a "said"/"says" within 80
characters after the closing mark (else before the opening mark); he/she → the last name.
"""

from __future__ import annotations

import argparse
import csv
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
    """The gold direct quotes of one article, one unit per paragraph piece."""
    by_span: dict[tuple[int, int], list[str | None]] = {}
    sources = sorted((a.source_start, a.source) for a in document.attributions if a.source)
    for attribution in document.attributions:
        for start, end in merged_fragments(document.text, attribution.contents):
            if not is_enclosed(document.text, start, end):
                continue
            span = strip_edges(document.text, start, end)
            if len(document.text[span[0] : span[1]].split()) < 3:
                continue
            speaker = resolve_gold_source(attribution, sources)
            by_span.setdefault(span, []).append(speaker)
    return [Unit(s, e, tuple(speakers)) for (s, e), speakers in sorted(by_span.items())]


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
        and re.search(r"\b[A-Z]", text)
    ]
    return named[-1] if named else source


# --------------------------------------------------------------------------- predictions


def predicted_units(document: Document, extract: Callable[[str], Iterable[Quote]]) -> list[Unit]:
    """Non-partial quotes of ``extract`` on the body, split at paragraphs, in text offsets."""
    units = []
    for quote in extract(document.text[document.body_start :]):
        if quote.partial:
            continue
        start, end = quote.start + document.body_start, quote.end + document.body_start
        for piece in paragraph_pieces(document.text, start, end):
            span = strip_edges(document.text, *piece)
            if span[1] > span[0]:
                units.append(Unit(span[0], span[1], (quote.speaker,)))
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

    gold: int
    predicted: int
    strict: int
    lenient: int
    speaker_right: int

    def row(self, name: str) -> list[object]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 0.0

        def f1(p: float, r: float) -> float:
            return 2 * p * r / (p + r) if p + r else 0.0

        ps, rs = ratio(self.strict, self.predicted), ratio(self.strict, self.gold)
        pl, rl = ratio(self.lenient, self.predicted), ratio(self.lenient, self.gold)
        return [
            name, ps, rs, f1(ps, rs), pl, rl, f1(pl, rl),
            ratio(self.speaker_right, self.lenient), ratio(self.speaker_right, self.gold),
        ]


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


def lenient_pairs(gold: list[Unit], predicted: list[Unit]) -> list[tuple[Unit, Unit]]:
    """One-to-one pairs whose overlap is at least half of the longer span."""
    candidates = []
    for g in gold:
        for p in predicted:
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0 and overlap * 2 >= max(g.end - g.start, p.end - p.start):
                candidates.append((overlap, g, p))
    pairs, used_gold, used_predicted = [], set(), set()
    for _overlap, g, p in sorted(candidates, key=lambda c: -c[0]):
        if id(g) not in used_gold and id(p) not in used_predicted:
            used_gold.add(id(g))
            used_predicted.add(id(p))
            pairs.append((g, p))
    return pairs


def score(documents: list[Document], extract: Callable[[str], Iterable[Quote]]) -> Scores:
    """Score ``extract`` over ``documents``."""
    gold_total = predicted_total = strict = lenient = right = 0
    for document in documents:
        gold, predicted = gold_units(document), predicted_units(document, extract)
        gold_total += len(gold)
        predicted_total += len(predicted)
        strict += len({(g.start, g.end) for g in gold} & {(p.start, p.end) for p in predicted})
        pairs = lenient_pairs(gold, predicted)
        lenient += len(pairs)
        right += sum(any(speaker_matches(p.speakers[0], s) for s in g.speakers) for g, p in pairs)
    return Scores(gold_total, predicted_total, strict, lenient, right)


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = parser.parse_args(argv)
    use_shared_nltk_data()

    documents = load_polnear(args.split, args.limit)
    ours, baseline = score(documents, extract_quotes), score(documents, baseline_extract)
    articles, rate = throughput(args.limit)
    header = [
        "system", "P strict", "R strict", "F1 strict", "P lenient", "R lenient", "F1 lenient",
        "speaker acc. (matched)", "end to end",
    ]
    rows = [ours.row(f"newsearch ({args.split})"), baseline.row(f"baseline ({args.split})")]
    tuned = ""
    if args.split == "dev" and args.limit is None:
        train = load_polnear("train", None)
        rows.append(score(train, extract_quotes).row("newsearch (train)"))
        rows.append(score(train, baseline_extract).row("baseline (train)"))
        tuned = f" Train rows: the {len(train)} train articles the extractor was tuned on."
    table = markdown_table(header, rows)
    body = (
        f"PolNeAR {args.split}: {len(documents)} articles, {ours.gold} gold direct quotes "
        f"(paragraph pieces of three words or more); newsearch predicted {ours.predicted}, "
        f"the baseline {baseline.predicted}.{tuned}\n\n{table}\n\n"
        f"Throughput of `extract_quotes`: {rate:,.0f} articles/s on one core "
        f"({articles} BBC articles, best of three passes).\n\n"
        "Definitions (gold quotes, strict and lenient matching, speaker matching, baseline): "
        "see the docstring of `bench/quotes_eval.py`."
    )
    print(body)
    if args.split == "dev" and args.limit is None:
        write_section("quotes", "Quote attribution (PolNeAR dev)", body)


if __name__ == "__main__":
    main()
