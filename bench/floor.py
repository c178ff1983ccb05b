"""The floor: WeasyPrint alone laying out the HTML sitrep laid out, with sitrep's own options.

The HTML is the one WeasyPrint was given, rendered again by `bench_build.print_html` (what
`build` writes beside the PDF is the HTML edition, with its assets inline, for browsers).

    python bench/floor.py WORKSPACE HTML [HTML ...] [--repeat N] [--variant V] [--attach DIR]

Renders each file with `sitrep.pdf.build.report_pdf`, the function `sitrep build` and the batch's
workers call (the same fetcher, `ASSET_BASE`, template folders and `write_pdf` options:
identifier, PDF/A variant, the same attached data files with their descriptions and dates,
which `attachments_of` takes out of sitrep's PDF beforehand), so the floor cannot drift from
the build. Prints JSON: {"import": seconds, "files": {path: [seconds per repetition]}}. Run once
with one file, it is the fresh-process floor of a build; with many files, the warm floor of each
report in a batch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

MANIFEST = "attachments.json"  # name, description and date of each file, beside the files


def attachments_of(pdf: Path, folder: Path) -> list[Path]:
    """The files embedded in `pdf`, written to `folder` with their descriptions and dates (pypdf;
    done before any timing)."""
    from pypdf import PdfReader

    folder.mkdir(parents=True, exist_ok=True)
    root = PdfReader(pdf).trailer["/Root"]
    names = root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    written, manifest = [], []
    for i in range(0, len(names), 2):
        spec = names[i + 1].get_object()
        stream = spec["/EF"]["/F"].get_object()
        path = folder / Path(str(spec.get("/UF") or spec["/F"])).name
        path.write_bytes(stream.get_data())
        created = str(stream.get("/Params", {}).get("/CreationDate", ""))[2:10]  # D:YYYYMMDD
        manifest.append(
            {"name": path.name, "description": str(spec.get("/Desc", "")), "created": created}
        )
        written.append(path)
    (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    return written


def _data_files(folder: Path | None) -> tuple[list, dt.date | None]:
    """The DataFiles to attach, and their date (the report date), from `attachments_of`."""
    from sitrep.render.attachments import DataFile

    if folder is None or not (folder / MANIFEST).is_file():
        return [], None
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    files = [
        DataFile(e["name"], (folder / e["name"]).read_bytes(), e["description"]) for e in manifest
    ]
    dates = {e["created"] for e in manifest if e["created"]}
    created = dt.datetime.strptime(dates.pop(), "%Y%m%d").date() if len(dates) == 1 else None
    return files, created


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace", type=Path)
    parser.add_argument("html", type=Path, nargs="+")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the (last) PDF here")
    parser.add_argument("--variant", help="WeasyPrint's pdf_variant, e.g. pdf/a-3b")
    parser.add_argument("--attach", type=Path, help="DIR/<html name>/ holds the files to attach")
    args = parser.parse_args()

    start = time.perf_counter()
    import weasyprint  # noqa: F401  (the import is part of the floor)

    from sitrep.pdf.build import report_pdf
    from sitrep.settings.config import template_dirs

    imported = time.perf_counter() - start
    dirs = template_dirs(args.workspace.resolve() / "templates")
    attached = {p: _data_files(args.attach / p.stem if args.attach else None) for p in args.html}
    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for path in args.html:
            t0 = time.perf_counter()
            html = path.read_text("utf-8")
            files, created = attached[path]
            data = report_pdf(html, dirs, args.variant, files, created).data
            if args.out:
                args.out.write_bytes(data)
            times.setdefault(str(path), []).append(time.perf_counter() - t0)
    print(json.dumps({"import": imported, "files": times}))


if __name__ == "__main__":
    main()
