"""Rendering speed: one annual-report form and one three-page notice as PDF, fonts warm.

    python benchmarks/render.py [--repeat 5]

Prints the median seconds of each render after one warm-up (font discovery, stylesheet parsing,
the fonts kept for later documents and imports happen once per process), and the CPU time per
render (`time.process_time`, the spread of the renders) with the load average: on a shared
machine the wall clock moves with the other jobs. Exits 1 when a render takes longer than its guard (5 s for
the form, 3 s for the notice): that is the ~15 s fallback WeasyPrint takes to subsetting fonts
without HarfBuzz's subsetter (libharfbuzz-subset0), not a small slowdown. Measured ~0.25 s for
the notice on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.generate.notice_input import load_notice
from nianbao.generate.notice_pdf import write_notice_pdf
from nianbao.generate.pdf_writer import write_pdf
from nianbao.pipeline import check

GUARDS = {"annual-report form": 5.0, "three-page notice": 3.0}


def timed(render: Callable[[Path], object], folder: Path, repeat: int
          ) -> tuple[float, list[float]]:
    """Median wall seconds and every render's CPU seconds, after one warm-up render."""
    render(folder / "warm.pdf")
    times, cpu = [], []
    for i in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        render(folder / f"timed-{i}.pdf")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    form = check(ROOT / "examples" / "annual_report" / "000_miluo_2025.txt").record.fields
    notice = load_notice(ROOT / "examples" / "notice" / "my_notice.yaml")
    renders: dict[str, Callable[[Path], object]] = {
        "annual-report form": lambda out: write_pdf(form, out),
        "three-page notice": lambda out: write_notice_pdf(notice, out),
    }
    slow = 0
    with tempfile.TemporaryDirectory(prefix="nianbao-render-") as tmp:
        for name, render in renders.items():
            seconds, cpu = timed(render, Path(tmp), args.repeat)
            over = seconds > GUARDS[name]
            slow += over
            print(f"{name}: {seconds:.2f} s (median of {args.repeat}); CPU "
                  f"{min(cpu) * 1000:.0f}–{max(cpu) * 1000:.0f} ms per render, load average "
                  f"{os.getloadavg()[0]:.2f}"
                  + (f" — over the {GUARDS[name]:g} s guard: is libharfbuzz-subset0 missing?"
                     if over else ""))
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
