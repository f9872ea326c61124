"""Field sizes the generator accepts, even with --force.

The limits are the record schema's own (`maxLength` and `maximum` in
schemas/annual_report.schema.json): `check` reports a longer field as `schema.maxLength`, and the
generator refuses it outright, since a 1 MB address would keep the layout engine busy for
minutes. One definition, two uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from nianbao.errors import UsageError
from nianbao.forms import LABEL_EN, LABEL_ZH, schema


@cache
def max_lengths(kind: str = "annual_report") -> dict[str, int]:
    return {name: int(spec["maxLength"]) for name, spec in schema(f"{kind}.schema.json")["properties"].items()
            if "maxLength" in spec}


def check_sizes(record: Mapping[str, Any], kind: str = "annual_report") -> None:
    """Raise UsageError (exit 2) naming the first field longer than the schema allows."""
    for name, limit in max_lengths(kind).items():
        value = record.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise UsageError(
                f"“{LABEL_ZH.get(name, name)}”有 {len(value):,} 字，超过上限 {limit:,} 字，"
                "无法生成（--force 也不行）；请删减后重试",
                f"{LABEL_EN.get(name, name)} has {len(value):,} characters, over the limit of "
                f"{limit:,}: not generated (not even with --force); shorten it and retry",
            )
