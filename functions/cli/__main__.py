"""`python -m functions.cli ...`: what `.venv/bin/ecd` runs."""

from functions.cli.app import main

main()
