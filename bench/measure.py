"""Measuring a fresh process: wall time, the peak memory of it and of all its children.

`run(cmd)` starts the command, samples the resident memory of its whole process tree every
20 ms (a parent and its worker processes together), and reads the process's own peak from the
kernel when it ends (`wait4`: the largest of the process and its waited-for children).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    seconds: float
    peak_mb: float  # the largest single process (kernel's ru_maxrss)
    tree_peak_mb: float  # the process and its children together (sampled)
    returncode: int
    stdout: str
    stderr: str


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its descendants (0 for processes already gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo += _children(current)
    return total


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `cmd` to the end; its wall time and peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Read the pipes in threads so a chatty child never blocks; wait4 gives its own rusage.
    out: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda k=k, s=s: out.__setitem__(k, s.read()), daemon=True)
        for k, s in (("stdout", process.stdout), ("stderr", process.stderr))
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    for thread in (sampler, *readers):
        thread.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    max_rss = usage.ru_maxrss * 1024  # kilobytes on Linux
    return Run(
        seconds,
        max_rss / 2**20,
        max(peak, max_rss) / 2**20,
        process.returncode,
        out.get("stdout", b"").decode("utf-8", "replace"),
        out.get("stderr", b"").decode("utf-8", "replace"),
    )


def checked(result: Run, what: str) -> Run:
    if result.returncode:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, OS, Python, WeasyPrint and pandas versions, load average."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import weasyprint, pandas, sitrep; "
            "print(weasyprint.__version__, pandas.__version__, sitrep.__version__)",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    weasy, pandas, sitrep = [*versions, "?", "?", "?"][:3]
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{ram:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "weasyprint": weasy,
        "pandas": pandas,
        "sitrep": sitrep,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def compile_sitrep() -> None:
    """Write sitrep's bytecode before any timing, as pip does when it installs a package: where
    PYTHONDONTWRITEBYTECODE is set (containers, CI), each timed command would compile it again."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "sitrep"), quiet=1)
