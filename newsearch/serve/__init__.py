"""``newsearch serve``: the HTTP API (the CLI's JSON, at ``/api/...``) and the search page.

Importing this package imports FastAPI (the ``serve`` extra); nothing else in newsearch does,
so ``import newsearch`` and the other commands stay fast and work without the extra.

    from newsearch.serve import create_app
    app = create_app("index")                    # an ASGI app: uvicorn, hypercorn, TestClient
"""

from .app import DEFAULT_HOST, DEFAULT_PORT, Limits, create_app, is_local, run_server

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Limits", "create_app", "is_local", "run_server"]
