"""`python -m sitrep` runs the same command line as the `sitrep` script."""

from sitrep.cli import main

if __name__ == "__main__":
    main()
