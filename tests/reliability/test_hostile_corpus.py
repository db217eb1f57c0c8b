"""Hostile corpus files (issue #21): odd encodings, binary data, odd names, symbolic-link
loops, FIFOs, files that vanish or turn unreadable mid-run, pathological text for the NLP
stage. Each gives an article, or a skip with its reason; the run goes on, nothing hangs."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
import newsearch.indexer as indexer
import newsearch.nlp.budget as budget
from newsearch.cli import app as cli
from newsearch.sources import load, scan

from .hostile import no_hang

runner = CliRunner()
TEXT = "Harbour talks\n\nThe harbour of Tartus reopened after talks in Geneva, café owners said.\n"


def ids(index: Path, query: str) -> list[str]:
    with newsearch.open_index(index) as ix:
        return sorted(hit.id for hit in ix.search(query, limit=100, collapse=False).hits)


def reasons(summary) -> dict[str, str]:
    return {skipped.path: skipped.reason for skipped in summary.skipped}


def test_byte_order_marks_mixed_encodings_and_nul_bytes(make_corpus, tmp_path):
    corpus = make_corpus(
        {
            "utf16le.txt": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
            "utf16be.txt": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
            "utf32.txt": codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
            "utf8bom.txt": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
            # UTF-8 and Windows text pasted together: each part reads right.
            "mixed.txt": "Mixed harbour\n\nUTF-8 café.\n".encode() + "Windows café, 5 €.\n".encode("cp1252"),
            "nul.txt": b"Binary harbour\n\nA \x00 byte.\n",
            "utf16-page.html": codecs.BOM_UTF16_LE
            + "<html><head><title>Page harbour</title></head><body><article><p>The harbour of Tartus reopened after "
            "long talks in Geneva, officials said on Monday.</p></article></body></html>".encode("utf-16-le"),
        }
    )
    summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    assert reasons(summary) == {"nul.txt": "binary file (contains NUL bytes)"}
    assert summary.fallback_decoded == ("mixed.txt",)
    index = tmp_path / "ix"
    assert ids(index, "tartus") == ["utf16-page.html", "utf16be.txt", "utf16le.txt", "utf32.txt", "utf8bom.txt"]
    with newsearch.open_index(index) as ix:
        mixed = ix.article("mixed.txt")
    assert mixed.body == "UTF-8 café.\nWindows café, 5 €."


def test_odd_and_non_utf8_file_names(make_corpus, tmp_path):
    names = ["with space.txt", "new\nline.txt", "-rf.txt", "#hash%20.txt", "naïve-nfc.txt", "nai\u0308ve-nfd.txt", "قصة.txt", "🎉.txt"]
    corpus = make_corpus({name: f"Title {number}\n\nHarbour story {number}.\n" for number, name in enumerate(names)})
    (corpus / os.fsdecode(b"latin-\xe9.txt")).write_bytes(b"Latin name\n\nHarbour story in a file named in Latin-1.\n")
    result = runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--no-nlp", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert sorted(summary["added"]) == sorted(names)
    assert summary["skipped"] == [{"path": "latin-\\xe9.txt", "reason": "file name is not valid UTF-8; rename the file"}]
    assert ids(tmp_path / "ix", "harbour") == sorted(names)


def test_symbolic_links_and_loops_do_not_hang(make_corpus, tmp_path):
    corpus = make_corpus({"real.txt": TEXT, "sub/inner.txt": "Inner\n\nAn inner harbour story.\n"})
    os.symlink("loop.txt", corpus / "loop.txt")  # a link to itself
    os.symlink("b.txt", corpus / "a.txt")  # a two-link loop
    os.symlink("a.txt", corpus / "b.txt")
    os.symlink(".", corpus / "self")  # a folder linked into itself
    os.symlink("..", corpus / "sub" / "up")
    os.symlink("/nonexistent/gone.txt", corpus / "dangling.txt")
    os.symlink("real.txt", corpus / "alias.txt")
    with no_hang():
        summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    assert sorted(summary.added) == ["alias.txt", "real.txt", "sub/inner.txt"] and not summary.skipped


def test_fifos_in_and_as_the_corpus_do_not_hang(make_corpus, tmp_path):
    corpus = make_corpus({"real.txt": TEXT})
    for name in ("pipe.txt", "pipe.jsonl", "pipe.html"):
        os.mkfifo(corpus / name)
    os.mkfifo(tmp_path / "table.tsv")
    with no_hang():
        summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False, metadata=tmp_path / "table.tsv")
        assert summary.added == ("real.txt",)
        assert reasons(summary) == {str(tmp_path / "table.tsv"): "unreadable metadata table: not a regular file (a FIFO, socket or device)"}
        with pytest.raises(newsearch.CorpusNotFound, match="neither a folder nor"):
            newsearch.index_corpus(corpus / "pipe.jsonl", tmp_path / "ix2")
        # A file that becomes a FIFO between the scan and the read.
        [candidate] = scan(corpus).files
        (corpus / "real.txt").unlink()
        os.mkfifo(corpus / "real.txt")
        skipped = load(candidate)
    assert skipped.reason == "unreadable: not a regular file (a FIFO, socket or device)" and skipped.transient


def test_files_vanishing_or_unreadable_mid_run(make_corpus, tmp_path, monkeypatch):
    """Between the scan and the read, one file is deleted, one turns unreadable (injected: tests
    run as root, where chmod does not bite) and a dump is deleted: each is a transient skip, the
    rest is indexed, and the next run picks them up."""
    corpus = make_corpus(
        {
            "stay.txt": TEXT,
            "vanish.txt": "Vanishing\n\nA harbour story that is deleted mid-run.\n",
            "locked.txt": "Locked\n\nA harbour story that cannot be read.\n",
            "dump.jsonl": '{"id": "r1", "body": "A harbour record."}\n',
        }
    )
    real_load, real_read = indexer.load, indexer.read_dump

    def load_after_vanishing(candidate, fields=None):
        if candidate.id == "vanish.txt":
            os.unlink(candidate.path)
        with pytest.MonkeyPatch.context() as patch:
            if candidate.id == "locked.txt":
                patch.setattr(Path, "read_bytes", lambda path: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
            return real_load(candidate, fields)

    def read_after_vanishing(dump, *args, **kwargs):
        os.unlink(dump.path)
        return real_read(dump, *args, **kwargs)

    monkeypatch.setattr(indexer, "load", load_after_vanishing)
    monkeypatch.setattr(indexer, "read_dump", read_after_vanishing)
    summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    monkeypatch.undo()
    assert summary.added == ("stay.txt",)
    assert reasons(summary) == {
        "dump.jsonl": "unreadable dump: No such file or directory",
        "locked.txt": "unreadable: Permission denied",
        "vanish.txt": "unreadable: No such file or directory",
    }
    assert all(skipped.transient for skipped in summary.skipped)
    again = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    assert again.added == ("locked.txt",) and ids(tmp_path / "ix", "harbour") == ["locked.txt", "stay.txt"]


NESTED = "“" * 5000 + "harbour " + "”" * 5000
UNBALANCED = 'He said "the harbour ' * 3000
TABLE = "\n".join(" | ".join(f"Cell{row}x{column}" for column in range(20)) for row in range(1500))


def test_pathological_text_is_analysed_within_the_budget(make_corpus, tmp_path):
    """Deeply nested and unbalanced quotation marks, a 500 KB table, a 300,000-character
    article: each is analysed partially (with a warning saying what was left out) or fully,
    and the run goes on."""
    corpus = make_corpus(
        {
            "nested.txt": f"Nested\n\n{NESTED}\n",
            "unbalanced.txt": f"Unbalanced\n\n{UNBALANCED}\n",
            "table.txt": f"Table harbour\n\n{TABLE}\n",
            "long.txt": "Long harbour\n\n" + "The harbour of Tartus reopened on Monday, officials said.\n\n" * 5100,
            "fine.txt": 'Fine\n\n"We will reopen the harbour soon," said Anna Holt, the mayor.\n',
        }
    )
    summary = newsearch.index_corpus(corpus, tmp_path / "ix")
    warnings = {warning.path: warning.reason for warning in summary.warnings if "NLTK" not in warning.reason}
    assert sorted(summary.added) == ["fine.txt", "long.txt", "nested.txt", "table.txt", "unbalanced.txt"]
    assert warnings == {
        "table.txt": "1 paragraph(s) over 50,000 characters (a table or data?) left out of quotes and entities",
        "unbalanced.txt": "1 paragraph(s) over 50,000 characters (a table or data?) left out of quotes and entities",
        "long.txt": "body of 300,898 characters: quotes and entities of its first 200,000 only",
    }
    with newsearch.open_index(tmp_path / "ix") as ix:
        assert ix.article("fine.txt").quotes[0].speaker == "Anna Holt"


def test_an_analysis_over_time_or_failing_is_a_warning_and_the_run_goes_on(make_corpus, tmp_path, monkeypatch):
    # 48,000 characters, within the size budget; 4 s of CPU time to analyse in full (the
    # clock is set to 0.05 s, far from it either way: no timing decides the outcome).
    quotes = '"Hello there," said John Smith. ' * 1500
    corpus = make_corpus(
        {"slow.txt": f"Slow harbour\n\n{quotes}\n", "odd.txt": "Odd\n\nA harbour story the NLP trips over.\n", "fine.txt": TEXT}
    )
    monkeypatch.setattr(budget, "SECONDS", 0.05)
    import newsearch.nlp.quotes as quotes_module

    real = quotes_module.extract_quotes

    def extract(body: str):
        if "trips over" in body:
            raise IndexError("list index out of range")
        return real(body)

    monkeypatch.setattr(quotes_module, "extract_quotes", extract)
    summary = newsearch.index_corpus(corpus, tmp_path / "ix")
    warnings = {warning.path: warning.reason for warning in summary.warnings if "NLTK" not in warning.reason}
    assert sorted(summary.added) == ["fine.txt", "odd.txt", "slow.txt"]
    assert warnings == {
        "slow.txt": "NLP analysis ran out of time: indexed without quotes and entities",
        "odd.txt": "NLP analysis failed (IndexError: list index out of range): indexed without quotes and entities",
    }
    assert ids(tmp_path / "ix", "harbour") == ["fine.txt", "odd.txt", "slow.txt"]


def test_a_file_that_fails_to_prepare_is_skipped_and_the_run_goes_on(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({"bad.txt": "Bad\n\nA harbour story.\n", "good.txt": TEXT})
    real = indexer._prepare
    monkeypatch.setattr(indexer, "_prepare", lambda file, work: real(file, work) if file.id != "bad.txt" else 1 / 0)
    summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    assert summary.added == ("good.txt",)
    assert reasons(summary) == {"bad.txt": "could not be indexed (ZeroDivisionError: division by zero)"}


@pytest.mark.slow
def test_a_50_mb_article_and_a_5_mb_line(make_corpus, tmp_path):
    paragraph = "The harbour of Tartus reopened after talks in Geneva, officials said on Monday. " * 12 + "\n\n"
    corpus = make_corpus(
        {
            "huge.txt": "Huge\n\n" + paragraph * (50_000_000 // len(paragraph)),
            "line.txt": "Line\n\n" + "harbour talks " * (5_000_000 // 14),
            "line.jsonl": json.dumps({"id": "one", "body": "harbour record " * (5_000_000 // 15)}) + "\n",
        }
    )
    summary = newsearch.index_corpus(corpus, tmp_path / "ix")
    assert sorted(summary.added) == ["huge.txt", "line.jsonl#one", "line.txt"]
    assert ids(tmp_path / "ix", "harbour") == ["huge.txt", "line.jsonl#one", "line.txt"]


@pytest.mark.slow
def test_100000_tiny_files(tmp_path):
    corpus = tmp_path / "corpus"
    for folder in range(100):
        (corpus / f"{folder:02d}").mkdir(parents=True)
        for number in range(1000):
            (corpus / f"{folder:02d}" / f"{number:03d}.txt").write_text(f"T{folder}.{number}\n\nharbour w{folder}x{number}\n")
    summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    assert len(summary.added) == 100_000 and not summary.skipped
    assert ids(tmp_path / "ix", "w42x420") == ["42/420.txt"]
