"""Allow ``python -m zjpaoyici``."""

from zjpaoyici.cli import main

main()
