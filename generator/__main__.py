"""`python -m generator` runs the apigen command line."""

from generator.cli import run

run()
