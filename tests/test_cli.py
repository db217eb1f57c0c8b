"""The newsearch command as a user runs it: output, JSON, exit statuses, one-line errors."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path

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


def test_query_builds_the_index_first_and_shows_one_story_with_two_versions(seeds):
    result = run("query", "regime of silence", *seeds)
    assert result.exit_code == 0, result.stderr
    assert "building index" in result.stderr
    assert result.stdout.count("1. ") == 1 and "2. " not in result.stdout
    assert "1 other version of this story" in result.stdout
    assert "aleppo-ceasefire-original.txt" in result.stdout
    assert "aleppo-ceasefire-rewrite.txt" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_no_collapse_shows_both_seeds_with_the_phrase_in_each(seeds):
    result = run("query", "regime of silence", "--no-collapse", *seeds)
    assert result.exit_code == 0
    assert "1. " in result.stdout and "2. " in result.stdout
    assert "‘regime of silence’" in result.stdout and "'regime of silence'" in result.stdout


def test_json_output_follows_the_contract_and_offsets_slice_the_matches(seeds, seed_corpus):
    result = run("query", "“regime of silence”", "--json", "--no-collapse", *seeds)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["query"] == "“regime of silence”" and document["total"] == 2
    for hit in document["hits"]:
        assert set(hit) >= {"id", "path", "title", "score", "passages", "story", "versions", "quotes", "entities"}
        body = (seed_corpus / hit["id"]).read_text(encoding="utf-8").split("\n", 2)[2].strip()
        passage = hit["passages"][0]
        assert body[passage["start"] : passage["end"]] == passage["text"]
        assert [body[s:e] for s, e in passage["highlights"]] == ["regime", "of", "silence"]


def test_json_of_a_collapsed_story_lists_its_other_version(seeds):
    document = json.loads(run("query", "regime of silence", "--json", *seeds).stdout)
    [hit] = document["hits"]
    [version] = hit["versions"]
    assert {hit["id"], version["id"]} == {"aleppo-ceasefire-original.txt", "aleppo-ceasefire-rewrite.txt"}
    assert hit["story"] == "aleppo-ceasefire-original.txt"


def test_speaker_field_query_finds_the_kurylenko_quote(seeds):
    result = run("query", "speaker:kurylenko", "--no-collapse", "--json", *seeds)
    assert result.exit_code == 0
    for hit in json.loads(result.stdout)["hits"]:
        assert "Sergei Kurylenko" in {quote["speaker"] for quote in hit["quotes"]}


def test_quotes_by_speaker_show_the_quote_with_speaker_and_cue(seeds):
    result = run("quotes", "--speaker", "Sam Taylor", "--explain", *seeds)
    assert result.exit_code == 0
    assert "“Aleppo has been experiencing extreme conflict" in result.stdout
    assert "— Sam Taylor (told)" in result.stdout and "— Sam Taylor (added, via pronoun)" in result.stdout
    assert "why: stand-alone quote continuing the previous speaker, Sam Taylor" in result.stdout
    assert "4 quotes" in result.stdout


def test_quotes_json_highlights_slice_the_matched_words(seeds, seed_corpus):
    document = json.loads(run("quotes", '"regime of silence"', "--json", *seeds).stdout)
    assert {q["speaker"] for q in document["quotes"]} == {"Sergei Kurylenko"}
    for quote in document["quotes"]:
        body = (seed_corpus / quote["article_id"]).read_text(encoding="utf-8").split("\n", 2)[2].strip()
        assert [body[s:e] for s, e in quote["highlights"]] == ["regime", "of", "silence"]


def test_quotes_with_no_match_exit_1(seeds):
    assert run("quotes", "--speaker", "Nobody Atall", *seeds).exit_code == 1


def test_facets_count_people_organisations_and_places(seeds):
    result = run("query", "aleppo", "--facets", "--json", *seeds)
    facets = json.loads(result.stdout)["facets"]
    places = {value["value"]: value["count"] for value in facets["places"]}
    people = {value["value"]: value["count"] for value in facets["people"]}
    assert places["Aleppo"] == 2 and people["John Kerry"] == 2
    assert "Doctors Without Borders" in {value["value"] for value in facets["organisations"]}
    text = run("query", "aleppo", "--facets", *seeds).stdout
    assert "places: Aleppo (2)" in text


def test_stories_lists_the_seed_pair_with_its_similarity(seeds):
    result = run("stories", "--json", *seeds)
    assert result.exit_code == 0
    [story] = json.loads(result.stdout)["stories"]
    assert [v["id"] for v in story["versions"]] == ["aleppo-ceasefire-original.txt", "aleppo-ceasefire-rewrite.txt"]
    assert 0.3 <= story["pairs"][0]["similarity"] < 1


def test_doctor_reports_backends_and_index(seeds):
    run("index", *seeds)
    result = run("doctor", "--index", seeds[3])
    assert result.exit_code == 0
    assert "NLP backends:" in result.stdout and "2 articles from" in result.stdout
    assert "semantic ranking off" in result.stdout


def test_setup_from_a_local_copy_installs_without_network(tmp_path):
    source = Path(__file__).resolve().parents[2] / "shared" / "nltk_data"
    if not source.is_dir():
        pytest.skip("../shared/nltk_data is not beside the repo")
    result = run("setup", "--from", str(source), "--target", str(tmp_path / "data"))
    assert result.exit_code == 0
    assert (tmp_path / "data" / "tokenizers" / "punkt_tab.zip").is_file()
    assert run("setup", "--from", str(tmp_path / "empty"), "--target", str(tmp_path / "d2")).exit_code == 2


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
    assert "corpus not found" in result.stderr and "Traceback" not in result.stderr


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


def test_missing_nlp_data_is_said_once_with_the_fix(seeds, monkeypatch, tmp_path):
    from newsearch.nlp import entities, resources

    monkeypatch.setenv("NEWSEARCH_NLTK_DATA", str(tmp_path / "no-data"))
    monkeypatch.setattr(resources, "is_installed", lambda probe: False)
    entities.clear_cache()
    try:
        result = run("query", "kurylenko", *seeds)
    finally:
        monkeypatch.undo()
        entities.clear_cache()
    assert result.exit_code == 0
    notes = [line for line in result.stderr.splitlines() if "newsearch setup" in line]
    assert len(notes) == 1 and "NLTK data missing" in notes[0]


def read_line(process: subprocess.Popen, timeout: float = 60.0) -> str:
    """The next line of ``process``'s stdout; fails instead of hanging when none comes."""
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, f"no output within {timeout} s"
    return process.stdout.readline()


def test_watch_json_prints_one_summary_line_per_update(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    args = ["watch", "--json", "--no-nlp", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    watcher = subprocess.Popen([sys.executable, "-m", "newsearch", *args], stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(read_line(watcher))  # the update at start, before any change
        (corpus / "b.txt").write_text("B\n\nbanana", encoding="utf-8")
        second = json.loads(read_line(watcher))  # the burst
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    assert first["added"] == ["a.txt"] and first["full_rebuild"]
    assert second["added"] == ["b.txt"] and second["unchanged"] == 1 and not second["full_rebuild"]


def test_quotes_lists_a_partial_quote_with_its_speaker(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "turnout.txt").write_text(
        "Turnout surprises the party\n\n"
        'Party chairman Tom Reilly said the turnout was "truly remarkable," and added that it '
        '"will pay off in November."\n\n'
        'The council backed the "reform" on Monday.\n',
        encoding="utf-8",
    )
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    result = run("quotes", "--speaker", "reilly", *where)
    assert result.exit_code == 0, result.stderr
    assert "“will pay off in November.”" in result.stdout
    assert "— Tom Reilly (added)  [partial" in result.stdout
    assert "2 quotes" in result.stdout

    document = json.loads(run("quotes", "remarkable", "--json", *where).stdout)
    [quote] = document["quotes"]
    assert (quote["text"], quote["speaker"], quote["partial"]) == ("truly remarkable,", "Tom Reilly", True)
    assert run("quotes", "reform", *where).exit_code == 1  # a scare quote is no quote

    for query in ("speaker:reilly", 'quote:"pay off"'):
        hits = json.loads(run("query", query, "--json", *where).stdout)["hits"]
        assert [hit["id"] for hit in hits] == ["turnout.txt"]
    assert run("query", "quote:reform", *where).exit_code == 1
