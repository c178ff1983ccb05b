"""sitrep: spreadsheets in, a dated, numbered PDF situation report out, and emailed to partners.

The pipeline lives in `sitrep.report`; `sitrep.cli` is the command line on top of it.
"""

__version__ = "0.1.0"
