"""Build sitrep/data/global_pcodes_index.json from OCHA's Global P-Code List, kept byte for byte.

The index gives, for each country (ISO3), where its rows sit in the CSV file (byte offset and
length), how many rows it has and the list's date for it (`#date+start`), so that a build reads
one country's few kilobytes instead of the whole 1.4 MB list. Run it after replacing the list:

    .venv/bin/python tools/build_pcode_index.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "sitrep" / "data"
LIST = DATA / "global_pcodes_adm_1_2.csv"
INDEX = DATA / "global_pcodes_index.json"


def build(data: bytes) -> dict:
    """The index of the list's bytes: {"bytes": N, "countries": {ISO3: [offset, length, ...]}}."""
    countries: dict[str, list] = {}
    offset = 0
    for number, line in enumerate(data.splitlines(keepends=True)):
        start, offset = offset, offset + len(line)
        if number < 2:  # the header and the HXL row
            continue
        fields = line.decode("utf-8").rstrip("\r\n").split(",")
        iso3, date = fields[0], fields[-1]
        entry = countries.setdefault(iso3, [start, 0, 0, set()])
        if entry[0] + entry[1] != start:
            sys.exit(f"{LIST.name}: the rows of {iso3} are not together (line {number + 1})")
        entry[1] += len(line)
        entry[2] += 1
        entry[3].add(date)
    return {
        "bytes": len(data),
        "countries": {
            iso3: [start, length, rows, max(dates)]
            for iso3, (start, length, rows, dates) in sorted(countries.items())
        },
    }


def main() -> None:
    index = build(LIST.read_bytes())
    INDEX.write_text(json.dumps(index, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{INDEX}: {len(index['countries'])} countries")


if __name__ == "__main__":
    main()
