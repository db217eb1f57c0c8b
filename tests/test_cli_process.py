"""What a person at the shell waits for and sees (#19): a query process that loads only what a
search needs, no update when the index is current, passages wrapped to the terminal, plain
``--help`` texts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch.cli import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_BODY = (
    "The harbour council said the new ferry terminal would open in spring, after two years of delays "
    "caused by flooding, a strike and a dispute over the price of steel with the builders of the quay. "
    "Residents have complained that the ferry timetable ignores the early shift at the cannery."
)
COMMANDS = ("index", "watch", "query", "quotes", "stories", "story", "serve", "setup", "doctor")


def _corpus(make_corpus) -> Path:
    return make_corpus({"ferry.txt": f"Ferry delayed\n\n{LONG_BODY}\n", "other.txt": "Cannery news\n\nNothing else.\n"})


def _index(make_corpus, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    newsearch.index_corpus(_corpus(make_corpus), index, analyse=False)
    return index


def test_passages_wrap_to_the_terminal_width_with_a_hanging_indent_and_keep_their_highlight(make_corpus, tmp_path, monkeypatch):
    index = _index(make_corpus, tmp_path)
    monkeypatch.chdir(tmp_path)  # paths shown relative: short headings
    shown = runner.invoke(app, ["query", "ferry", "--index", str(index)], env={"COLUMNS": "60", "TTY_COMPATIBLE": "1"})
    assert shown.exit_code == 0, shown.stderr
    lines = [ANSI.sub("", line) for line in shown.stdout.splitlines()]
    passage = [line for line in lines if line.startswith("  ")]
    assert all(len(line) <= 60 for line in lines), lines
    first = [line for line in passage if line[2] != " "]
    further = [line for line in passage if line[2] == " "]
    assert first and further, passage  # a passage's first line, then its continuation lines further in
    assert all(line.startswith("    ") and line[4] != " " for line in further), passage
    assert "ferry" in " ".join(passage) and "\x1b[1;33mferry" in shown.stdout  # the match still marked


def test_passages_to_a_pipe_stay_one_line_each(make_corpus, tmp_path):
    index = _index(make_corpus, tmp_path)
    shown = runner.invoke(app, ["query", "ferry", "--index", str(index)], env={"COLUMNS": "60"})
    assert shown.exit_code == 0, shown.stderr
    assert any(len(line) > 60 for line in shown.stdout.splitlines())
    assert "\x1b[" not in shown.stdout


def test_quotes_wrap_on_a_terminal_too(make_corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = make_corpus({"said.txt": 'Ferry plans\n\n"' + LONG_BODY[:180] + '," the harbour master Ann Lee said.\n'})
    newsearch.index_corpus(corpus, tmp_path / "index")
    shown = runner.invoke(app, ["quotes", "--index", str(tmp_path / "index")], env={"COLUMNS": "50", "TTY_COMPATIBLE": "1"})
    assert shown.exit_code == 0, shown.stderr
    lines = [ANSI.sub("", line) for line in shown.stdout.splitlines()]
    assert all(len(line) <= 50 for line in lines), lines
    assert lines[0].startswith("“") and lines[1].startswith(" ")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_rest_markup(command):
    shown = runner.invoke(app, [command, "--help"])
    assert shown.exit_code == 0
    assert "``" not in shown.stdout
    assert "``" not in runner.invoke(app, ["--help"]).stdout


def test_bad_option_values_are_usage_errors_with_a_clear_line(make_corpus, tmp_path):
    index = _index(make_corpus, tmp_path)
    for option, value, message in (("--limit", "0", "must be at least 1"), ("--limit", "ten", "'ten' is not a whole number"),
                                   ("--passages", "11", "must be at most 10")):
        shown = runner.invoke(app, ["query", "ferry", "--index", str(index), option, value])
        assert shown.exit_code == 2
        assert message in shown.stderr


def test_options_keep_their_types(make_corpus, tmp_path):
    index = _index(make_corpus, tmp_path)
    shown = runner.invoke(app, ["query", "ferry", "--index", str(index), "--limit", "1", "--source", "x", "--source", "y", "--json"])
    assert shown.exit_code == 1  # no article has those sources
    assert json.loads(shown.stdout)["hits"] == []


def test_a_query_process_imports_neither_the_indexer_nor_pydantic_nor_nltk(make_corpus, tmp_path):
    index = _index(make_corpus, tmp_path)
    code = (
        "import sys\n"
        "from newsearch.cli import app\n"
        "try:\n    app(sys.argv[1:], prog_name='newsearch')\n"
        "except SystemExit as done:\n    code = done.code\n"
        "loaded = [m for m in ('pydantic', 'nltk', 'scipy', 'newsearch.indexer', 'newsearch.sources', 'rich.progress') if m in sys.modules]\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run([sys.executable, "-c", code, "query", "ferry", "--index", str(index)], capture_output=True, text=True, env=env)
    assert done.stderr.strip().splitlines()[-1] == "0 []", done.stderr


def test_whoosh_word_variations_are_compiled_only_when_used():
    """``newsearch`` defers ``whoosh.lang.morph_en`` (its regular expressions cost every search
    process 13 ms); Whoosh's ``Variations`` query still gets the real variations."""
    code = (
        "import sys, newsearch.search, whoosh.query\n"
        "deferred = 'rules' not in vars(sys.modules['whoosh.lang.morph_en'])\n"
        "found = sorted(whoosh.query.terms.variations('render'))  # what Variations queries use\n"
        "from whoosh.lang import morph_en\n"
        "print(deferred, found == sorted(morph_en.variations('render')), 'renders' in found, 'rules' in vars(morph_en))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "True", "True"], done.stderr


def test_importing_the_package_imports_nothing_else_until_a_name_is_used():
    code = "import sys, newsearch; before = 'newsearch.api' in sys.modules; newsearch.open_index; print(before, 'newsearch.api' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
    assert set(newsearch.__all__) <= set(dir(newsearch))
    with pytest.raises(AttributeError):
        newsearch.no_such_name  # noqa: B018


def test_a_current_index_is_known_from_stat_data_and_a_change_is_seen(make_corpus, tmp_path):
    index = _index(make_corpus, tmp_path)
    corpus = tmp_path / "corpus"
    assert newsearch.is_current(index)
    assert newsearch.is_current(index, corpus)
    assert not newsearch.is_current(index, tmp_path / "elsewhere")

    (corpus / "ferry.txt").write_text("Ferry terminal opens\n\nThe lighthouse keeper cut the ribbon.\n", encoding="utf-8")
    assert not newsearch.is_current(index)
    shown = runner.invoke(app, ["query", "lighthouse", "--index", str(index)])
    assert shown.exit_code == 0, shown.stderr  # the query brought the index up to date first
    assert "1 updated" in shown.stderr
    assert newsearch.is_current(index)

    (corpus / "new.txt").write_text("Lighthouse\n\nA second keeper was hired.\n", encoding="utf-8")
    assert not newsearch.is_current(index)
    newsearch.index_corpus(None, index, analyse=False)
    assert newsearch.is_current(index)
    (corpus / "new.txt").unlink()
    assert not newsearch.is_current(index)


def test_a_current_index_is_not_updated_by_a_query(make_corpus, tmp_path):
    index = _index(make_corpus, tmp_path)
    (index / "newsearch.lock").unlink(missing_ok=True)
    before = sorted(path.name for path in index.iterdir())
    shown = runner.invoke(app, ["query", "ferry", "--index", str(index)])
    assert shown.exit_code == 0 and shown.stderr == ""
    assert sorted(path.name for path in index.iterdir()) == before  # no lock file taken, nothing written


def test_another_commit_or_setting_makes_the_index_not_current(make_corpus, tmp_path):
    from whoosh import index as whoosh_index

    index = _index(make_corpus, tmp_path)
    whoosh_index.open_dir(str(index)).writer().commit()  # another process's commit: a new generation
    assert not newsearch.is_current(index)
    newsearch.index_corpus(None, index, analyse=False)
    assert newsearch.is_current(index)
    meta = json.loads((index / "newsearch.json").read_text())
    (index / "newsearch.json").write_text(json.dumps({**meta, "fields": {"body": "text"}}))
    assert not newsearch.is_current(index)
    (index / "current.json").unlink()
    (index / "newsearch.json").write_text(json.dumps(meta))
    assert not newsearch.is_current(index)
