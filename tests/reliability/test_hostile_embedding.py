"""Embedding newsearch (issue #21): ``index_corpus`` called at the top level of a plain script,
with no ``if __name__ == "__main__":``, works (spawned workers would run the script again; the
update runs in one process instead), and a worker's failure is a ``NewsearchError`` saying what
happened, never ``BrokenProcessPool``."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool

import pytest

import newsearch
import newsearch.indexer as indexer

SCRIPT = """
import newsearch
summary = newsearch.index_corpus("corpus", "index", analyse=False)
print("added", len(summary.added))
with newsearch.open_index("index") as ix:
    print("found", ix.search("harbour", limit=1).total)
"""


def test_a_plain_script_without_a_main_guard_indexes(make_corpus, tmp_path):
    count = indexer.PARALLEL_THRESHOLD + 6  # enough for worker processes
    make_corpus({f"a{number}.txt": f"Story {number}\n\nThe harbour story number {number}.\n" for number in range(count)})
    (tmp_path / "plain.py").write_text(SCRIPT)
    done = subprocess.run([sys.executable, "plain.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"added {count}\nfound {count}\n", "")


def test_python_m_newsearch_still_uses_worker_processes(tmp_path, monkeypatch):
    """``python -m newsearch`` calls ``main()`` unguarded in ``newsearch/__main__.py``, but a
    spawned worker never re-runs a package's ``__main__``: it keeps its workers. The same code
    run as a script would run again in every worker: it does not."""
    import types

    script = tmp_path / "__main__.py"
    script.write_text("reruns = check()\n")
    main = types.ModuleType("__main__")
    main.__file__, main.check = str(script), indexer._main_script_reruns
    monkeypatch.setitem(sys.modules, "__main__", main)
    for spec, reruns in ((types.SimpleNamespace(name="newsearch.__main__"), False), (None, True)):
        main.__spec__ = spec
        exec(compile(script.read_text(), str(script), "exec"), vars(main))
        assert main.reruns is reruns


@pytest.mark.parametrize(
    ("source", "line", "guarded"),
    [
        ('import newsearch\nif __name__ == "__main__":\n    newsearch.index_corpus()\n', 3, True),
        ("import newsearch\nif '__main__' == __name__:\n    x = 1\n    newsearch.index_corpus()\n", 4, True),
        ('import newsearch\nnewsearch.index_corpus()\nif __name__ == "__main__":\n    pass\n', 2, False),
        ('import newsearch\nif __name__ != "__main__":\n    newsearch.index_corpus()\n', 3, False),
    ],
)
def test_a_call_under_a_main_guard_is_told_apart(source, line, guarded):
    assert indexer._under_main_guard(source, line) is guarded


def test_a_worker_failure_is_a_newsearch_error(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({f"a{number}.txt": f"Story {number}\n\nHarbour {number}.\n" for number in range(4)})

    class DyingPool:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def map(self, *args, **kwargs):
            raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(indexer, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(indexer.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(indexer, "ProcessPoolExecutor", DyingPool)
    with pytest.raises(newsearch.NewsearchError, match=r"^an indexing worker process died \(A process in the process pool"):
        newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    monkeypatch.undo()
    assert newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False).added  # nothing was left locked or broken
