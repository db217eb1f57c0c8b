"""The newsearch command as a user runs it: output, JSON, exit statuses, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsearch.cli import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def seeds(seed_corpus, tmp_path):
    """Arguments naming the seed corpus and a fresh index."""
    return ["--corpus", str(seed_corpus), "--index", str(tmp_path / "index")]


def test_query_builds_the_index_first_with_a_note_and_shows_both_seeds(seeds):
    result = run("query", "regime of silence", *seeds)
    assert result.exit_code == 0, result.stderr
    assert "building index" in result.stderr
    assert "aleppo-ceasefire-original.txt" in result.stdout
    assert "aleppo-ceasefire-rewrite.txt" in result.stdout
    assert "‘regime of silence’" in result.stdout and "'regime of silence'" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_json_output_follows_the_contract_and_offsets_slice_the_matches(seeds, seed_corpus):
    result = run("query", "“regime of silence”", "--json", *seeds)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["query"] == "“regime of silence”" and document["total"] == 2
    for hit in document["hits"]:
        assert set(hit) >= {"id", "path", "title", "score", "passages"}
        body = (seed_corpus / hit["id"]).read_text(encoding="utf-8").split("\n", 2)[2].strip()
        passage = hit["passages"][0]
        assert body[passage["start"] : passage["end"]] == passage["text"]
        assert [body[s:e] for s, e in passage["highlights"]] == ["regime", "of", "silence"]


def test_no_hits_exits_1(seeds):
    result = run("query", '"regime in silence"', *seeds)
    assert result.exit_code == 1
    assert "0 matching articles" in result.stdout


@pytest.mark.parametrize("query", ['"regime of', "(aleppo", "title:", ""])
def test_malformed_query_is_one_line_on_stderr_and_exit_2(seeds, query):
    result = run("query", query, *seeds)
    assert result.exit_code == 2
    assert result.stderr.startswith("newsearch: error: ") and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_missing_corpus_is_an_error_not_a_traceback(tmp_path):
    result = run("query", "x", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 2
    assert "corpus directory not found" in result.stderr and "Traceback" not in result.stderr


def test_index_prints_a_summary_with_skip_reasons(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple", "empty.txt": ""})
    result = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--no-nlp")
    assert result.exit_code == 0
    assert "1 added" in result.stdout and "1 skipped" in result.stdout
    assert "skipped empty.txt: empty file" in result.stdout


def test_index_json_summary(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    args = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--no-nlp", "--json"]
    first, second = json.loads(run(*args).stdout), json.loads(run(*args).stdout)
    assert first["added"] == ["a.txt"] and second["added"] == [] and second["unchanged"] == 1


def test_environment_variables_name_corpus_and_index(seed_corpus, tmp_path):
    env = {"NEWSEARCH_CORPUS": str(seed_corpus), "NEWSEARCH_INDEX": str(tmp_path / "ix")}
    assert run("query", "kurylenko", env=env).exit_code == 0


def test_explain_prints_the_parsed_query(seeds):
    result = run("query", "regime of silence", "--explain", *seeds)
    assert "body:regim" in result.stderr


def test_real_process_exit_statuses_and_pipe(seeds):
    """The installed entry point, in a subprocess: piped output has no colour codes."""
    command = [sys.executable, "-m", "newsearch", "query", "aleppo", *seeds]
    found = subprocess.run(command, capture_output=True, text=True)
    assert found.returncode == 0 and "\x1b[" not in found.stdout
    missing = subprocess.run([*command[:4], "zanzibar", *seeds], capture_output=True, text=True)
    assert missing.returncode == 1
