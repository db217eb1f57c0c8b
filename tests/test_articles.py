"""Loading article files: decoding, title/body split, and the files we refuse (with reasons)."""

from __future__ import annotations

from newsearch.articles import find_article_files, load_corpus
from newsearch.models import Article, Skipped


def loaded(corpus) -> dict[str, Article | Skipped]:
    return {(item.id if isinstance(item, Article) else item.path): item for item in load_corpus(corpus)}


def test_title_is_first_nonempty_line_and_body_keeps_paragraphs(make_corpus):
    corpus = make_corpus({"a.txt": "\n\nThe title\n\nFirst paragraph.\n\nSecond paragraph.\n"})
    article = loaded(corpus)["a.txt"]
    assert article.title == "The title"
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert [article.body[p.start : p.end] for p in article.paragraphs] == ["First paragraph.", "Second paragraph."]


def test_latin1_file_is_decoded_with_fallback_and_recorded(make_corpus):
    corpus = make_corpus({"pounds.txt": "Price\n\nIt cost £15.8m.\n".encode("latin-1")})
    article = loaded(corpus)["pounds.txt"]
    assert article.body == "It cost £15.8m."
    assert article.encoding == "cp1252"


def test_cp1252_curly_quotes_are_decoded(make_corpus):
    corpus = make_corpus({"q.txt": b"T\n\n\x93Hello,\x94 he said.\n"})
    assert loaded(corpus)["q.txt"].body == "“Hello,” he said."


def test_empty_and_whitespace_files_are_skipped_with_reason(make_corpus):
    corpus = make_corpus({"empty.txt": "", "blank.txt": "  \n\n \n"})
    items = loaded(corpus)
    assert items["empty.txt"] == Skipped("empty.txt", "empty file")
    assert items["blank.txt"] == Skipped("blank.txt", "empty file")


def test_binary_file_is_skipped_with_reason(make_corpus):
    corpus = make_corpus({"image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    assert loaded(corpus)["image.txt"] == Skipped("image.txt", "binary file (contains NUL bytes)")


def test_bom_and_crlf_are_normalised(make_corpus):
    corpus = make_corpus({"win.txt": "\ufeffTitle\r\n\r\nLine one.\r\n\r\nLine two.\r\n".encode()})
    article = loaded(corpus)["win.txt"]
    assert (article.title, article.body) == ("Title", "Line one.\n\nLine two.")


def test_only_txt_files_below_the_corpus_are_articles_and_hidden_ones_are_ignored(make_corpus):
    corpus = make_corpus(
        {
            "README.md": "# not an article",
            "sport/001.txt": "A\n\nB",
            ".hidden.txt": "A\n\nB",
            ".git/x.txt": "A\n\nB",
        }
    )
    assert [f.id for f in find_article_files(corpus)] == ["sport/001.txt"]


def test_content_hash_identifies_the_bytes(make_corpus):
    corpus = make_corpus({"a.txt": "T\n\nSame body.", "b.txt": "T\n\nSame body.", "c.txt": "T\n\nOther."})
    items = loaded(corpus)
    assert items["a.txt"].sha256 == items["b.txt"].sha256 != items["c.txt"].sha256
