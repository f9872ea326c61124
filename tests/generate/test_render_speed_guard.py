"""WeasyPrint subsets fonts through HarfBuzz; without Debian's libharfbuzz-subset0 a Chinese
form takes ~15 s instead of well under one, with only a warning. Guard the installation (the
render times themselves are measured by benchmarks/render.py)."""

from __future__ import annotations

import ctypes.util


def test_harfbuzz_subset_library_is_installed() -> None:
    assert ctypes.util.find_library("harfbuzz-subset"), \
        "libharfbuzz-subset0 is missing: run scripts/setup (apt-get install libharfbuzz-subset0)"
