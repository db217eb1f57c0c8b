"""The README documents every command and the two set-up commands; .ci/run runs the tests."""

from __future__ import annotations

from typer.main import get_command

from newsearch.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_setup_commands():
    assert 'uv run newsearch query "regime of silence"' in README
    assert "uv run pytest" in README


def test_every_command_is_documented_and_has_help():
    for name, command in get_command(app).commands.items():
        assert f"newsearch {name}" in README, f"README does not mention `newsearch {name}`"
        assert command.help, f"`newsearch {name}` has no help text"


def test_ci_runs_the_readme_test_command():
    assert "uv run pytest" in (ROOT / ".ci" / "run").read_text()
