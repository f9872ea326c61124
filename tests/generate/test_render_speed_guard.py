"""WeasyPrint subsets fonts through HarfBuzz; without Debian's libharfbuzz-subset0 a Chinese
form takes ~15 s instead of well under one, with only a warning. Guard the installation."""

from __future__ import annotations

import ctypes.util
import time
from pathlib import Path

from nianbao.generate.pdf_writer import write_pdf
from nianbao.pipeline import check_path
from tests.conftest import SEED_000


def test_harfbuzz_subset_library_is_installed() -> None:
    assert ctypes.util.find_library("harfbuzz-subset"), \
        "libharfbuzz-subset0 is missing: run scripts/setup (apt-get install libharfbuzz-subset0)"


def test_a_form_renders_in_a_few_seconds(tmp_path: Path) -> None:
    record = check_path(SEED_000.with_suffix(".txt")).record.fields
    write_pdf(record, tmp_path / "warm.pdf")  # font discovery and imports happen once
    start = time.perf_counter()
    write_pdf(record, tmp_path / "form.pdf")
    # Generous on purpose: this catches the 15 s fallback, not small slowdowns (benchmarks/ does).
    assert time.perf_counter() - start < 5
