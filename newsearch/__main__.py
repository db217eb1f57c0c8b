"""``python -m newsearch`` runs the CLI."""

from .cli import main

main()
