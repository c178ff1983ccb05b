"""`python -m sitrep` runs the same command line as the `sitrep` script."""

from sitrep.cli import run

if __name__ == "__main__":
    run()
