"""``python -m extractor``: the command-line interface."""
from .cli import main

main()
