"""Run the command-line interface: ``python cli.py --help``."""
from extractor.cli import main

if __name__ == "__main__":
    main()
