"""The `sitrep` command line: parse options, call one library function, map errors to exit codes.

`group.py` holds the `sitrep` group (the one place where an exception becomes an exit code) and
`run`, the script's entry point; `commands.py` the commands (`clearing.py`: clear, status);
`options.py` what several commands share; `progress.py` the one progress bar. Heavy libraries
(pandas, WeasyPrint) are imported inside the commands, so `--help` stays fast; build, validate
and send read sitrep.toml first, so a bad setting is said before those imports
(tests/cli/test_fast_paths.py)."""

from sitrep.cli import clearing as clearing  # each command registers itself on the group
from sitrep.cli import commands as commands
from sitrep.cli.group import main as main
from sitrep.cli.group import run as run
