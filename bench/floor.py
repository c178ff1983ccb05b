"""The floor: WeasyPrint alone laying out HTML that sitrep wrote, with sitrep's own options.

    python bench/floor.py WORKSPACE HTML [HTML ...] [--repeat N] [--variant V] [--attach DIR]

Renders each file as `sitrep.pdf.html_to_pdf` does (the same fetcher, `ASSET_BASE`, template
folders and `write_pdf` options: identifier, PDF/A variant, the same attached data files, which
`attachments_of` takes out of sitrep's PDF beforehand; keep the two in step) and prints JSON:
{"import": seconds, "files": {path: [seconds per repetition]}}. Run once with one file, it is the
fresh-process floor of a build; with many files, the warm floor of each report in a batch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path


def attachments_of(pdf: Path, folder: Path) -> list[Path]:
    """The files embedded in `pdf`, written to `folder` (pypdf; done before any timing)."""
    from pypdf import PdfReader

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, contents in PdfReader(pdf).attachments.items():
        path = folder / Path(name).name
        path.write_bytes(contents[0])
        written.append(path)
    return written


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
    import weasyprint

    from sitrep.config import template_dirs
    from sitrep.fetcher import ASSET_BASE, make_fetcher

    imported = time.perf_counter() - start
    dirs = template_dirs(args.workspace.resolve() / "templates")
    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for path in args.html:
            t0 = time.perf_counter()
            html = path.read_text("utf-8")
            identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
            document = weasyprint.HTML(
                string=html, base_url=ASSET_BASE, url_fetcher=make_fetcher(dirs)
            )
            folder = args.attach / path.stem if args.attach else None
            files = sorted(folder.iterdir()) if folder and folder.is_dir() else []
            attachments = [
                weasyprint.Attachment(string=f.read_bytes(), name=f.name, relationship="Data")
                for f in files
            ]
            data = document.write_pdf(
                pdf_identifier=identifier, pdf_variant=args.variant, attachments=attachments
            )
            if args.out:
                args.out.write_bytes(data)
            times.setdefault(str(path), []).append(time.perf_counter() - t0)
    print(json.dumps({"import": imported, "files": times}))


if __name__ == "__main__":
    main()
