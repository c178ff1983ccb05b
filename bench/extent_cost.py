"""The cost of measuring a sheet before reading it (`sitrep.inputs.extent`), against reading it.

    python bench/extent_cost.py [WORKBOOK ...]   (default: the sample workbook, every sheet)

Prints, per workbook, the time to measure every sheet and the time calamine takes to read
them, best of 20 runs (the machine may be shared: the best is the least disturbed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from sitrep.inputs import extent
from sitrep.inputs.extent import measure
from sitrep.inputs.readers import find_sheet

ROOT = Path(__file__).resolve().parent.parent


def best(function, path: Path, names: list[str], runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(path, names)
        times.append(time.perf_counter() - start)
    return min(times)


def measure_all(path: Path, names: list[str]) -> None:
    extent._STRUCTURES.clear()  # cold: as the first read of a build
    for name in names:
        measure(path, name, find_sheet)


def read_all(path: Path, names: list[str]) -> None:
    book = CalamineWorkbook.from_path(str(path))
    for name in names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def main(paths: list[Path]) -> None:
    for path in paths:
        names = CalamineWorkbook.from_path(str(path)).sheet_names

        measured, read = best(measure_all, path, names), best(read_all, path, names)
        print(
            f"{path.name}: {len(names)} sheets, measure {measured * 1000:.1f} ms, "
            f"calamine read {read * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or [ROOT / "inputs" / "sample-data.xlsx"])
